"""The durable state database: what the bot has done and been told (event deduplication, digest log, ...).

It is separate from the knowledge database, which is derived data and thrown away on every rebuild. Each
feature declares its tables with `register_schema`; `StateStore` creates them on open (idempotently).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_SCHEMAS: dict[str, str] = {}

register_schema_lock = threading.Lock()


def register_schema(name: str, sql: str) -> None:
    """Declare tables (CREATE TABLE IF NOT EXISTS ...) that `StateStore` creates on open."""
    with register_schema_lock:
        _SCHEMAS[name] = sql


register_schema(
    "events",
    """
    CREATE TABLE IF NOT EXISTS processed_events (
        key TEXT PRIMARY KEY,
        received_at REAL NOT NULL
    );
    """,
)


class StateDatabaseError(Exception):
    """The state database cannot be opened or is not a database; the message names the path and why."""


class StateStore:
    """A SQLite file opened in WAL mode; one connection per thread; safe across processes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        if self.path.is_dir():
            raise StateDatabaseError(f"cannot use {self.path} as the state database: it is a directory")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Not inside transaction(): executescript() commits any open transaction first. CREATE ... IF NOT
            # EXISTS is idempotent, so processes opening the same file at once are fine.
            for sql in _SCHEMAS.values():
                self.conn.executescript(sql)
        except (sqlite3.Error, OSError) as exc:
            self.close()
            reason = (exc.strerror or str(exc)) if isinstance(exc, OSError) else str(exc)
            raise StateDatabaseError(f"cannot use {self.path} as the state database: {reason}") from None

    def close(self) -> None:
        """Close this thread's connection (others close when their threads end)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """An IMMEDIATE transaction: writers from other threads and processes wait their turn."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def claim_event(self, key: str) -> bool:
        """Record that an event is being handled; False if it was already claimed (a retry or duplicate)."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO processed_events (key, received_at) VALUES (?, ?)", (key, time.time())
            )
            return cursor.rowcount == 1

    def forget_events_before(self, cutoff: float) -> int:
        """Drop deduplication records older than `cutoff` (Slack stops retrying after minutes)."""
        with self.transaction() as conn:
            return conn.execute("DELETE FROM processed_events WHERE received_at < ?", (cutoff,)).rowcount

    def release_events(self, keys: list[str]) -> None:
        """Forget claimed keys (the delivery could not be handled), so a retry of it is handled again."""
        with self.transaction() as conn:
            conn.executemany("DELETE FROM processed_events WHERE key = ?", [(key,) for key in keys])

    def claim_events(self, keys: list[str]) -> bool:
        """Record several keys for one delivery at once; False if any of them was already claimed.

        All keys are recorded either way, so a later delivery matching any one of them is a duplicate too.
        """
        with self.transaction() as conn:
            now = time.time()
            fresh = 0
            for key in keys:
                fresh += conn.execute(
                    "INSERT OR IGNORE INTO processed_events (key, received_at) VALUES (?, ?)", (key, now)
                ).rowcount
            return fresh == len(keys)
