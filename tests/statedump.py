"""Everything a state database holds, as text: to show that something (a question, a user id) is not stored."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any


def state_dump(state: Any) -> str:
    """SQLite: the SQL dump and the file's raw bytes after a checkpoint; PostgreSQL: every row of every table."""
    if getattr(state, "dialect", "sqlite") == "sqlite":
        state.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw = state.path.read_bytes().decode("latin-1")
        return "\n".join(state.conn.iterdump()) + "\n" + raw
    tables = [
        row[0]
        for row in state.conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
    ]
    assert "questions_asked" in tables
    return "\n".join(
        str(row[0]) for table in tables for row in state.conn.execute(f'SELECT t::text FROM "{table}" AS t')
    )


def sql_dump(path: Path) -> str:
    """A SQLite state file's SQL dump after a checkpoint (the WAL folded in), by path."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return "\n".join(conn.iterdump())
    finally:
        conn.close()
