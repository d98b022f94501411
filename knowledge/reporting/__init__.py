"""The board's quarterly assurance report: what was asked, answered, discussed and escalated in a period.

Read-only over the records: `quarter` gathers the tables from the state database (and names from the knowledge
base), `charts` draws them as inline SVG with matplotlib, `page` writes one self-contained HTML page and a CSV file
per table. May import `knowledge` (records, base) and matplotlib; never Slack, `bot` or `handlers`.
"""
