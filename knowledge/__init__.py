"""The audits' learning: validated data, the SQLite knowledge database, the search, and the flows around them.

The top level is the reading layer: `models` (the data files' shapes), `loading` (YAML in, clear errors out),
`store` (the knowledge database, rebuilt atomically), `base` (`KnowledgeBase`, the API every surface asks),
`text` and `vocabulary` (words, stems, concepts), `search/` (query analysis, retrieval, scoring), `digest` (what a
weekly post holds), `privacy` and `formatting`. Sub-packages by trade: `authoring/` (reading a report into draft
audit files), `records/` (the durable state database), `services/` (answering with care, posting the digest
exactly once), `tools/` (evaluation, the synthetic collection, the bench).

Nothing under `knowledge` imports slack_sdk, slack_bolt, `bot` or `handlers` (an import-linter contract in
pyproject.toml keeps it so).
"""
