"""Authoring the knowledge: reading a board's report and drafting audit files for a reviewer.

Holds the report reader, heading and summary-table recognition, the drafts writer and the tag suggester that
`learning-bot ingest` uses. May import the reading layer (`knowledge.models`, `knowledge.loading`,
`knowledge.text`, `knowledge.vocabulary`, `knowledge.base`); never Slack, `bot`, `handlers` or the records.
"""
