"""The state database's numbered migrations, applied in order once when the database is opened.

`MIGRATIONS` is the whole history of the state database's layout, oldest first; a database records the last one
it has had (SQLite: `PRAGMA user_version`; 0 for a database made before migrations existed). Opening a
database applies the ones it has not had, in one transaction, so it is never left half-upgraded. A database
newer than this release knows is refused (`NewerDatabaseError`), never guessed at.

To change the layout, append a `Migration` with the next number; never edit one that has shipped. Write it as
plain SQL that SQLite and PostgreSQL both run (`DOUBLE PRECISION`, `TEXT`, `INTEGER`, `CHECK`, `REFERENCES`,
`... IF NOT EXISTS`); where the dialects must differ, give that one statement as a `{dialect: sql}` mapping, so
each migration keeps all its SQL in one place.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
DIALECTS = (SQLITE, POSTGRESQL)

Statement = str | Mapping[str, str]


class MigrationError(RuntimeError):
    """The state database cannot be brought to this release's layout."""


class NewerDatabaseError(MigrationError):
    """The state database was made by a newer release than this one."""

    def __init__(self, where: str, found: int, known: int) -> None:
        super().__init__(
            f"{where}: the state database is at version {found}, newer than this release knows (up to {known});"
            " upgrade the bot, or point LEARNING_BOT_STATE at another file"
        )
        self.found = found
        self.known = known


@dataclass(frozen=True)
class Migration:
    """One numbered change to the state database's layout."""

    version: int
    name: str
    statements: tuple[Statement, ...]

    def sql(self, dialect: str) -> list[str]:
        """The statements of this migration for `dialect` (`sqlite` or `postgresql`), in order."""
        if dialect not in DIALECTS:
            raise MigrationError(f"unknown SQL dialect {dialect!r} (known: {', '.join(DIALECTS)})")
        return [statement if isinstance(statement, str) else statement[dialect] for statement in self.statements]


# -- the history -------------------------------------------------------------------------------------------------
# 1: the tables the releases before migrations created on open, one `CREATE TABLE IF NOT EXISTS` per log. A
# database they made (version 0) already has them, so for it this migration only records the version.
RECORDS_OF_RELEASE_0 = Migration(
    1,
    "deliveries answered, digest log, answers and feedback votes, questions asked",
    (
        # The delivery ledger: Slack retries and duplicates are answered once (ledger.py).
        """CREATE TABLE IF NOT EXISTS processed_events (
            key TEXT PRIMARY KEY,
            received_at DOUBLE PRECISION NOT NULL
        )""",
        # The digest log (digest_log.py): each week's theme, each (channel, week) post, an admin's next choice.
        """CREATE TABLE IF NOT EXISTS digest_weeks (
            week TEXT PRIMARY KEY,
            theme TEXT,
            skipped INTEGER NOT NULL DEFAULT 0,
            decided_at DOUBLE PRECISION NOT NULL,
            decided_by TEXT NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS digest_posts (
            channel TEXT NOT NULL,
            week TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('claimed', 'attempting', 'failed', 'sent')),
            owner TEXT,
            lease_until DOUBLE PRECISION NOT NULL DEFAULT 0,
            attempt_at DOUBLE PRECISION,
            retry_at DOUBLE PRECISION NOT NULL DEFAULT 0,
            error TEXT,
            reported_error TEXT,
            ts TEXT,
            sent_at DOUBLE PRECISION,
            PRIMARY KEY (channel, week)
        )""",
        """CREATE TABLE IF NOT EXISTS digest_choice (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            theme TEXT NOT NULL,
            chosen_by TEXT NOT NULL,
            chosen_at DOUBLE PRECISION NOT NULL
        )""",
        # Feedback (feedback.py): answers, the learning points each showed, one vote per (hashed) person.
        """CREATE TABLE IF NOT EXISTS answers (
            id TEXT PRIMARY KEY,
            answered_at DOUBLE PRECISION NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS answer_items (
            answer_id TEXT NOT NULL REFERENCES answers(id),
            position INTEGER NOT NULL,
            item_id TEXT NOT NULL,
            PRIMARY KEY (answer_id, position)
        )""",
        """CREATE TABLE IF NOT EXISTS feedback_votes (
            answer_id TEXT NOT NULL REFERENCES answers(id),
            voter TEXT NOT NULL,
            vote TEXT NOT NULL CHECK (vote IN ('helpful', 'not_helpful')),
            voted_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (answer_id, voter)
        )""",
        "CREATE INDEX IF NOT EXISTS answer_items_item ON answer_items (item_id)",
        # Insights (insights.py): one row per question asked, never its text or who asked.
        {
            SQLITE: """CREATE TABLE IF NOT EXISTS questions_asked (
                id INTEGER PRIMARY KEY,
                asked_at DOUBLE PRECISION NOT NULL,
                found INTEGER NOT NULL,
                results INTEGER NOT NULL,
                themes TEXT NOT NULL DEFAULT '[]',
                agencies TEXT NOT NULL DEFAULT '[]'
            )""",
            POSTGRESQL: """CREATE TABLE IF NOT EXISTS questions_asked (
                id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                asked_at DOUBLE PRECISION NOT NULL,
                found INTEGER NOT NULL,
                results INTEGER NOT NULL,
                themes TEXT NOT NULL DEFAULT '[]',
                agencies TEXT NOT NULL DEFAULT '[]'
            )""",
        },
        "CREATE INDEX IF NOT EXISTS questions_asked_at ON questions_asked (asked_at)",
    ),
)

# 2: from answer to practice (discussions.py, escalations.py, gaps.py): teams that discussed a digest, requests for
# more help passed to the board's contact (kept only after the asker pressed Send), questions the audits do not
# cover counted by topic (never their text), and the gaps list (text kept only with the asker's consent).
FROM_ANSWER_TO_PRACTICE = Migration(
    2,
    "team discussions of the digest, requests for more help, uncovered topics and the gaps list",
    (
        {
            SQLITE: """CREATE TABLE digest_discussions (
                id INTEGER PRIMARY KEY,
                week TEXT NOT NULL,
                theme TEXT NOT NULL,
                channel TEXT NOT NULL,
                message_ts TEXT NOT NULL,
                agency TEXT NOT NULL,
                team TEXT NOT NULL DEFAULT '',
                recorded_by TEXT NOT NULL,
                recorded_at DOUBLE PRECISION NOT NULL,
                UNIQUE (channel, message_ts, recorded_by, agency, team)
            )""",
            POSTGRESQL: """CREATE TABLE digest_discussions (
                id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                week TEXT NOT NULL,
                theme TEXT NOT NULL,
                channel TEXT NOT NULL,
                message_ts TEXT NOT NULL,
                agency TEXT NOT NULL,
                team TEXT NOT NULL DEFAULT '',
                recorded_by TEXT NOT NULL,
                recorded_at DOUBLE PRECISION NOT NULL,
                UNIQUE (channel, message_ts, recorded_by, agency, team)
            )""",
        },
        "CREATE INDEX digest_discussions_at ON digest_discussions (recorded_at)",
        """CREATE TABLE help_requests (
            id TEXT PRIMARY KEY,
            requested_at DOUBLE PRECISION NOT NULL,
            requester TEXT NOT NULL,
            question TEXT NOT NULL,
            themes TEXT NOT NULL DEFAULT '[]',
            contact TEXT NOT NULL,
            contact_ts TEXT,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
            resolved_by TEXT,
            resolved_at DOUBLE PRECISION
        )""",
        "CREATE INDEX help_requests_at ON help_requests (requested_at)",
        {
            SQLITE: """CREATE TABLE uncovered_questions (
                id INTEGER PRIMARY KEY,
                asked_at DOUBLE PRECISION NOT NULL,
                topic TEXT NOT NULL
            )""",
            POSTGRESQL: """CREATE TABLE uncovered_questions (
                id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                asked_at DOUBLE PRECISION NOT NULL,
                topic TEXT NOT NULL
            )""",
        },
        "CREATE INDEX uncovered_questions_at ON uncovered_questions (asked_at)",
        {
            SQLITE: """CREATE TABLE audit_gaps (
                id INTEGER PRIMARY KEY,
                added_at DOUBLE PRECISION NOT NULL,
                topic TEXT NOT NULL,
                question TEXT NOT NULL
            )""",
            POSTGRESQL: """CREATE TABLE audit_gaps (
                id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                added_at DOUBLE PRECISION NOT NULL,
                topic TEXT NOT NULL,
                question TEXT NOT NULL
            )""",
        },
    ),
)

# 3: the question limit kept in the state database, so replicas sharing it count a person's questions together
# (ratelimit.SharedRateLimiter): each person only as a hash, each row gone once out of the window. On
# PostgreSQL, digest weeks also get `seq`, the insertion order SQLite keeps in rowid (the rotation's history).
SHARED_QUESTION_LIMIT = Migration(
    3,
    "the question limit shared by every process; digest weeks' insertion order on PostgreSQL",
    (
        """CREATE TABLE IF NOT EXISTS questions_limited (
            person TEXT NOT NULL,
            asked_at DOUBLE PRECISION NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS questions_limited_person ON questions_limited (person, asked_at)",
        "CREATE INDEX IF NOT EXISTS questions_limited_at ON questions_limited (asked_at)",
        """CREATE TABLE IF NOT EXISTS limit_warnings (
            person TEXT PRIMARY KEY,
            warned_at DOUBLE PRECISION NOT NULL
        )""",
        {
            SQLITE: "SELECT 1",  # SQLite keeps the insertion order in rowid already
            POSTGRESQL: "ALTER TABLE digest_weeks ADD COLUMN IF NOT EXISTS seq BIGINT GENERATED BY DEFAULT AS IDENTITY",
        },
    ),
)

# 4: Slack OAuth installation (several workspaces from one deployment): each workspace's installation and bot
# token, as slack_sdk's stores keep them (installations.py), and the one-use `state` values of install links.
# Keys use '' for an absent enterprise, team or user, so the primary keys compare equal on both dialects.
WORKSPACE_INSTALLATIONS = Migration(
    4,
    "Slack workspaces' installations and bot tokens; the install links' one-use states",
    (
        """CREATE TABLE IF NOT EXISTS slack_installations (
            enterprise_id TEXT NOT NULL DEFAULT '',
            team_id TEXT NOT NULL DEFAULT '',
            user_id TEXT NOT NULL DEFAULT '',
            installed_at DOUBLE PRECISION NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (enterprise_id, team_id, user_id)
        )""",
        """CREATE TABLE IF NOT EXISTS slack_bots (
            enterprise_id TEXT NOT NULL DEFAULT '',
            team_id TEXT NOT NULL DEFAULT '',
            installed_at DOUBLE PRECISION NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (enterprise_id, team_id)
        )""",
        """CREATE TABLE IF NOT EXISTS oauth_states (
            state TEXT PRIMARY KEY,
            expires_at DOUBLE PRECISION NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS oauth_states_expiry ON oauth_states (expires_at)",
    ),
)

# 5: who is answering a delivery, and until when (ledger.py, owners.py): a claim whose process died before answering
# (kill -9) no longer blocks Slack's redelivery of it. Plain SQL that both dialects run.
DELIVERY_CLAIMS = Migration(
    5,
    "the process answering each delivery, and its lease",
    (
        """CREATE TABLE IF NOT EXISTS delivery_claims (
            key TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            lease_until DOUBLE PRECISION NOT NULL
        )""",
    ),
)

MIGRATIONS: tuple[Migration, ...] = (
    RECORDS_OF_RELEASE_0,
    FROM_ANSWER_TO_PRACTICE,
    SHARED_QUESTION_LIMIT,
    WORKSPACE_INSTALLATIONS,
    DELIVERY_CLAIMS,
)


def check_history(migrations: tuple[Migration, ...]) -> None:
    """Raise MigrationError unless the versions run 1, 2, 3, ... with no gap or repeat."""
    versions = [migration.version for migration in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise MigrationError(f"migrations must be numbered 1, 2, 3, ... in order; found {versions}")


# -- SQLite: the version lives in PRAGMA user_version ------------------------------------------------------------
def sqlite_version(conn: sqlite3.Connection) -> int:
    """The last migration a SQLite state database has had (0: made before migrations, or new)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate_sqlite(
    conn: sqlite3.Connection, *, where: str, migrations: tuple[Migration, ...] = MIGRATIONS
) -> list[int]:
    """Apply the migrations `conn`'s database has not had, in one IMMEDIATE transaction; return their versions.

    Safe when several processes open the same file at once: the version is read again under the write lock, so
    each migration runs once. `conn` must be in autocommit mode (`isolation_level=None`).
    """
    check_history(migrations)
    known = migrations[-1].version if migrations else 0
    found = sqlite_version(conn)
    if found > known:
        raise NewerDatabaseError(where, found, known)
    if found == known:
        return []  # the usual case: a read, no lock
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = sqlite_version(conn)
        if found > known:
            raise NewerDatabaseError(where, found, known)
        applied = []
        for migration in migrations[found:]:
            for statement in migration.sql(SQLITE):
                conn.execute(statement)
            applied.append(migration.version)
        conn.execute(f"PRAGMA user_version = {known:d}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return applied
