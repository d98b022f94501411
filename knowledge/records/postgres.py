"""The state database on PostgreSQL: the same records and migrations as the SQLite file, shared by replicas.

Chosen by giving `LEARNING_BOT_STATE` a `postgresql://` URL. `PostgresStore` offers what `StateStore` offers
(`conn`, `transaction()`, `reading()`, the delivery-ledger calls), so every record module runs unchanged on
either; the few statements where the dialects differ are chosen by `store.dialect`.

Concurrency is what SQLite gives one file, across every process on the database: each write transaction
takes one transaction-level advisory lock first (`pg_advisory_xact_lock`), so writers take turns exactly as
SQLite's `BEGIN IMMEDIATE` makes them, and read-modify-write steps such as the digest claim stay exactly-once
across replicas. State writes are a few small rows per Slack request, so one lock costs nothing measurable;
reads take no lock. Migrations run under the same lock, in one transaction (PostgreSQL's DDL is
transactional), and record the version in `state_version`.

The driver is psycopg 3 (`psycopg[binary]`, the PostgreSQL project's maintained driver, with wheels that
bundle libpq): imported only when a PostgreSQL URL is configured.
"""

from __future__ import annotations

import re
import threading
import time
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from knowledge.records.migrations import MIGRATIONS, POSTGRESQL, Migration, NewerDatabaseError, check_history
from knowledge.records.state import CLAIM_EVENT

if TYPE_CHECKING:
    import psycopg

SCHEMES = ("postgresql://", "postgres://")
# One lock for every writer of the state (and its migrations); the number only has to differ from other apps'.
LOCK_KEY = zlib.crc32(b"learning-bot state") & 0x7FFFFFFF
CONNECT_TIMEOUT = 10


class StateUrlError(ValueError):
    """A PostgreSQL URL that cannot be used (the message never shows the password)."""


def is_postgres_url(location: object) -> bool:
    return isinstance(location, str) and location.startswith(SCHEMES)


def redacted(url: str) -> str:
    """The URL with any password replaced, for messages and logs."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


class Row(tuple[Any, ...]):
    """A result row read by position or by column name, like `sqlite3.Row` (and `dict(row)` works too)."""

    names: dict[str, int]

    def __new__(cls, values: Sequence[Any], names: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row.names = names
        return row

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self.names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self.names)


def _row_factory(cursor: Any) -> Any:
    names = {column.name: index for index, column in enumerate(cursor.description or ())}
    return lambda values: Row(values, names)


_INSERT_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)


def translate(sql: str) -> str:
    """SQLite's spelling of the statements the records share, in PostgreSQL's: `?` placeholders become `%s`
    (a literal `%` is doubled) and `INSERT OR IGNORE` becomes `INSERT ... ON CONFLICT DO NOTHING`."""
    ignore = bool(_INSERT_OR_IGNORE.match(sql))
    if ignore:
        sql = _INSERT_OR_IGNORE.sub("INSERT INTO", sql, count=1)
    out = []
    quoted = False
    for char in sql:
        if char == "'":
            quoted = not quoted
        if char == "%":
            out.append("%%")
        elif char == "?" and not quoted:
            out.append("%s")
        else:
            out.append(char)
    sql = "".join(out)
    return f"{sql.rstrip().rstrip(';')} ON CONFLICT DO NOTHING" if ignore else sql


class Connection:
    """A psycopg connection that takes the records' SQLite-spelled statements (see `translate`)."""

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        return self.raw.execute(translate(sql), tuple(params) or None)  # type: ignore[arg-type]

    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> psycopg.Cursor[Any]:
        cursor = self.raw.cursor()
        cursor.executemany(translate(sql), [tuple(row) for row in params])  # type: ignore[arg-type]
        return cursor


class PostgresStore:
    """The state in a PostgreSQL database: one connection per thread, writers serialised by an advisory lock."""

    dialect = POSTGRESQL

    def __init__(self, url: str, *, migrations: tuple[Migration, ...] = MIGRATIONS) -> None:
        if not is_postgres_url(url):
            raise StateUrlError(f"not a PostgreSQL URL: {redacted(url)}")
        self.url = url
        self.path = redacted(url)  # what messages name, as they name a SQLite file
        self._local = threading.local()
        self.migrated = migrate_postgresql(self, migrations=migrations)

    def _connect(self) -> Connection:
        import psycopg

        try:
            raw = psycopg.connect(self.url, autocommit=True, row_factory=_row_factory, connect_timeout=CONNECT_TIMEOUT)
        except psycopg.Error as exc:
            raise StateUrlError(f"cannot connect to the state database {self.path}: {_first_line(exc)}") from None
        return Connection(raw)

    @property
    def conn(self) -> Connection:
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is None or conn.raw.closed or conn.raw.broken:
            conn = self._connect()
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction: writers from every thread and process take turns (as SQLite's IMMEDIATE)."""
        conn = self.conn
        conn.raw.execute("BEGIN")
        try:
            conn.raw.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            yield conn
        except BaseException:
            if not conn.raw.closed:
                conn.raw.execute("ROLLBACK")
            raise
        conn.raw.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read transaction: one consistent view across several queries, taking no lock."""
        conn = self.conn
        conn.raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield conn
        finally:
            if not conn.raw.closed:
                conn.raw.execute("COMMIT")

    @property
    def version(self) -> int:
        return _version(self.conn)

    def close(self) -> None:
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.raw.close()
            self._local.conn = None

    # -- the delivery ledger (as StateStore) ---------------------------------------------------------------
    def claim_event(self, key: str) -> bool:
        """Record that an event is being handled; False if it was already claimed (a retry or duplicate)."""
        return self.claim_events([key])

    def claim_events(self, keys: list[str]) -> bool:
        """Record several keys for one delivery at once; False if any of them was already claimed."""
        with self.transaction() as conn:
            now = time.time()
            fresh = 0
            for key in keys:
                fresh += conn.execute(CLAIM_EVENT, (key, now)).rowcount
            return fresh == len(keys)

    def forget_events_before(self, cutoff: float) -> int:
        with self.transaction() as conn:
            return conn.execute("DELETE FROM processed_events WHERE received_at < ?", (cutoff,)).rowcount

    def release_events(self, keys: list[str]) -> None:
        with self.transaction() as conn:
            for key in keys:
                conn.execute("DELETE FROM processed_events WHERE key = ?", (key,))


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _version(conn: Connection) -> int:
    exists = conn.raw.execute("SELECT to_regclass('state_version') IS NOT NULL").fetchone()[0]
    if not exists:
        return 0
    row = conn.raw.execute("SELECT version FROM state_version").fetchone()
    return int(row[0]) if row else 0


def migrate_postgresql(store: PostgresStore, *, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[int]:
    """Apply the migrations the database has not had, in one transaction under the writers' lock."""
    check_history(migrations)
    known = migrations[-1].version if migrations else 0
    conn = store.conn
    found = _version(conn)
    if found > known:
        raise NewerDatabaseError(store.path, found, known)
    if found == known:
        return []
    with store.transaction():
        conn.raw.execute("CREATE TABLE IF NOT EXISTS state_version (version INTEGER NOT NULL)")
        found = _version(conn)  # again, under the lock: another replica may have just migrated
        if found > known:
            raise NewerDatabaseError(store.path, found, known)
        applied = []
        for migration in migrations[found:]:
            for statement in migration.sql(POSTGRESQL):
                conn.raw.execute(statement)  # type: ignore[arg-type]
            applied.append(migration.version)
        conn.raw.execute("DELETE FROM state_version")
        conn.raw.execute("INSERT INTO state_version (version) VALUES (%s)", (known,))
    return applied
