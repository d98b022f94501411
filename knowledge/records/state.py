"""The durable state database: what the bot has done and been told (event deduplication, digest log, ...).

It is separate from the knowledge database, which is derived data and thrown away on every rebuild. Its layout
is the numbered history in `migrations.py`: `StateStore` brings the database up to date when it opens it. A new
database is made whole in a temporary file (WAL mode, every migration) and then linked into place, so processes
that start together never race to set it up.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from knowledge.records.migrations import SQLITE, migrate_sqlite, sqlite_version

# A key already claimed is left alone (rowcount 0); ON CONFLICT rather than SQLite's INSERT OR IGNORE, for PostgreSQL.
CLAIM_EVENT = "INSERT INTO processed_events (key, received_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"


def create_database(path: Path) -> bool:
    """Make a new, migrated state database at `path` in one step; False if another process made it first.

    Switching a database to WAL mode needs the only lock on it, and SQLite then answers "database is locked"
    at once instead of waiting: two processes opening a new file together would race. So the file is set up
    under a private name and hard-linked into place (which fails if `path` exists), never half-made at `path`.
    """
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.new")
    os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))  # the umask applies, as for SQLite
    try:
        conn = sqlite3.connect(temporary, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            migrate_sqlite(conn, where=str(path))
        finally:
            conn.close()  # the last connection folds the write-ahead log back in and removes it
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        return True
    finally:
        for leftover in (temporary, Path(f"{temporary}-wal"), Path(f"{temporary}-shm")):
            with suppress(FileNotFoundError):
                leftover.unlink()


class StateDatabaseError(Exception):
    """The state database cannot be opened or is not a database; the message names the path and why."""


class StateStore:
    """A SQLite file opened in WAL mode; one connection per thread; safe across processes."""

    dialect = SQLITE

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        if self.path.is_dir():
            raise StateDatabaseError(f"cannot use {self.path} as the state database: it is a directory")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                create_database(self.path)
            # Raises NewerDatabaseError (one line naming the file) for a database made by a newer release.
            self.migrated = migrate_sqlite(self.conn, where=str(self.path))
        except (sqlite3.Error, OSError) as exc:
            self.close()
            reason = (exc.strerror or str(exc)).lower() if isinstance(exc, OSError) else str(exc)
            if isinstance(exc, OSError) and not self.path.exists():
                reason = f"cannot create a file in {self.path.parent} ({reason})"
            raise StateDatabaseError(f"cannot use {self.path} as the state database: {reason}") from None

    def close(self) -> None:
        """Close this thread's connection (others close when their threads end)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    @property
    def version(self) -> int:
        """The last migration this database has had."""
        return sqlite_version(self.conn)

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

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: one consistent view across several queries, taking no write lock."""
        conn = self.conn
        conn.execute("BEGIN DEFERRED")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def claim_event(self, key: str) -> bool:
        """Record that an event is being handled; False if it was already claimed (a retry or duplicate)."""
        with self.transaction() as conn:
            cursor = conn.execute(CLAIM_EVENT, (key, time.time()))
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
                fresh += conn.execute(CLAIM_EVENT, (key, now)).rowcount
            return fresh == len(keys)


def open_state_store(location: str | Path) -> StateStore:
    """The state database at `location`: a SQLite file, or PostgreSQL for a `postgresql://` URL (replicas).

    Both offer the same calls; the PostgreSQL store is imported (with its driver) only when one is configured.
    """
    from knowledge.records.postgres import PostgresStore, is_postgres_url

    if is_postgres_url(location):
        return PostgresStore(str(location))  # type: ignore[return-value]  # the same interface, by duck typing
    return StateStore(Path(location))
