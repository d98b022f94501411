"""The evaluation baseline: plain FTS5 BM25 over the passage text, to measure the search against."""

from __future__ import annotations

import sqlite3

from knowledge.search.retrieval import fts_phrase
from knowledge.text import stem, strip_slack_markup, words


def baseline_search(conn: sqlite3.Connection, question: str, *, limit: int = 5) -> list[str]:
    """Plain FTS5 BM25 over the passage text: no thesaurus, no typo correction, no threshold."""
    terms = list(dict.fromkeys(stem(word) for word in words(strip_slack_markup(question or ""))))
    if not terms:
        return []
    match = "stems : (" + " OR ".join(fts_phrase((term,)) for term in terms) + ")"
    rows = conn.execute(
        "SELECT items.id FROM items_fts JOIN items ON items.rowid = items_fts.rowid"
        " WHERE items_fts MATCH ? ORDER BY bm25(items_fts, 1.0, 0.0) LIMIT ?",
        (match, limit),
    ).fetchall()
    return [row[0] for row in rows]
