"""The records we keep: the durable state database and what it holds.

Holds the state store and its numbered migrations, and one module per record: the delivery ledger (Slack retries
answered once), the digest log, feedback votes, question insights (never question text) and the per-person
question limit. May import the standard library, sqlite and `knowledge.text`; never Slack, `bot`, `handlers`, the
search or the services.
"""
