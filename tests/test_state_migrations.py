"""The state database's numbered migrations: an old release's database upgrades with nothing lost, a newer one is
refused, a failed migration changes nothing, processes opening a new file together all succeed, reading writes
nothing."""

from __future__ import annotations

import multiprocessing
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from knowledge.records.digest_log import DigestLog
from knowledge.records.feedback import FeedbackLog
from knowledge.records.insights import QuestionLog
from knowledge.records.ledger import DeliveryLedger
from knowledge.records.migrations import (
    DIALECTS,
    MIGRATIONS,
    Migration,
    MigrationError,
    NewerDatabaseError,
    check_history,
    migrate_sqlite,
)
from knowledge.records.state import StateStore, create_database

# Made with release 55e8768's own code by tests/data/make_state_v0.py (see its docstring).
STATE_V0 = Path(__file__).parent / "data" / "state-v0.db"
LATEST = MIGRATIONS[-1].version
TABLES = (
    "processed_events",
    "digest_weeks",
    "digest_posts",
    "digest_choice",
    "answers",
    "answer_items",
    "feedback_votes",
    "questions_asked",
)


def rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every state table, read with plain sqlite3 (no code under test)."""
    conn = sqlite3.connect(path)
    try:
        return {table: sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in TABLES}
    finally:
        conn.close()


def layout(path: Path) -> dict[str, object]:
    """Tables with their columns (name, not-null, default, primary key) and the indexes: what code relies on."""
    conn = sqlite3.connect(path)
    try:
        tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")]
        shape: dict[str, object] = {
            table: [(c[1], c[3], c[4], c[5]) for c in conn.execute(f"PRAGMA table_info({table})")] for table in tables
        }
        shape["indexes"] = sorted(
            conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        )
        return shape
    finally:
        conn.close()


@pytest.fixture
def old_copy(tmp_path: Path) -> Path:
    path = tmp_path / "state.db"
    shutil.copyfile(STATE_V0, path)
    return path


def test_the_fixture_is_an_unversioned_database_of_the_old_release() -> None:
    conn = sqlite3.connect(f"file:{STATE_V0}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    finally:
        conn.close()
    counts = {table: len(found) for table, found in rows(STATE_V0).items()}
    assert counts == {
        "processed_events": 4,
        "digest_weeks": 2,
        "digest_posts": 3,
        "digest_choice": 1,
        "answers": 3,
        "answer_items": 4,
        "feedback_votes": 4,
        "questions_asked": 3,
    }


def test_a_database_of_the_old_release_upgrades_with_every_row_kept(old_copy: Path) -> None:
    before = rows(old_copy)
    state = StateStore(old_copy)
    assert state.migrated == list(range(1, LATEST + 1))
    assert state.version == LATEST
    assert rows(old_copy) == before
    assert StateStore(old_copy).migrated == []  # once only

    # And the code reads them as the old release wrote them.
    ledger = DeliveryLedger(state, clock=lambda: 1_795_000_100.0)
    assert not ledger.claim(event_id="Ev0001")  # a retry of a delivery answered before the upgrade
    assert not ledger.claim(channel="C0000CHAN", ts="1795000000.000100")
    assert not ledger.claim_key("action:C0000CHAN:1795000001.000200:more")
    digests = DigestLog(state)
    themes = ["voice-of-the-child", "neglect", "cse"]
    plan = digests.plan("2026-W47", themes=themes)
    assert (plan.theme, plan.decided) == ("voice-of-the-child", True)
    assert plan.sent == {"CDIGEST": "1795000002.000300"}
    assert plan.failed == {"CSECOND": "not_in_channel"}
    assert digests.history() == [("2026-W47", "voice-of-the-child", False), ("2026-W48", None, True)]
    assert digests.pending_choice() == "cse"
    in_flight = digests.claim("CTHIRD", "2026-W47", themes=themes, owner="run-c", now=1_795_002_000.0)
    assert (in_flight.status, in_flight.uncertain_since) == ("go", 1_795_000_005.0)  # looks before posting again
    report = FeedbackLog(state).report()
    assert (report.votes, report.helpful, report.not_helpful, report.answers) == (4, 2, 2, 3)
    assert report.votes_on_empty_answers == 1
    assert FeedbackLog(state).answer_items(_first_answer(old_copy)) == ["ey-f7", "ey-r2", "dv-f1"]
    insights = QuestionLog(state).report()
    assert (insights.questions, insights.unanswered) == (3, 1)


def _first_answer(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT id FROM answers ORDER BY answered_at LIMIT 1").fetchone()[0]
    finally:
        conn.close()


def test_a_new_database_and_an_upgraded_one_have_the_same_layout(old_copy: Path, tmp_path: Path) -> None:
    StateStore(old_copy)
    new = tmp_path / "new" / "state.db"
    StateStore(new)
    assert layout(new) == layout(old_copy)
    assert set(TABLES) <= set(layout(new))


def test_a_database_newer_than_this_release_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    StateStore(path).conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    before = path.read_bytes()
    with pytest.raises(NewerDatabaseError) as refused:
        StateStore(path)
    message = str(refused.value)
    assert "\n" not in message
    assert message == (
        f"{path}: the state database is at version {LATEST + 1}, newer than this release knows (up to {LATEST});"
        " upgrade the bot, or point LEARNING_BOT_STATE at another file"
    )
    assert path.read_bytes() == before


def test_the_cli_refuses_a_newer_database_in_one_line(tmp_path: Path, kb_path: Path) -> None:
    from click.testing import CliRunner

    from bot.cli import cli

    path = tmp_path / "state.db"
    StateStore(path).conn.execute(f"PRAGMA user_version = {LATEST + 7}")
    result = CliRunner().invoke(cli, ["--db", str(kb_path), "insights", "--state", str(path)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: {path}: the state database is at version {LATEST + 7}, newer than this release knows"
        f" (up to {LATEST}); upgrade the bot, or point LEARNING_BOT_STATE at another file"
    ]


def test_a_failing_migration_changes_nothing(old_copy: Path) -> None:
    broken = (*MIGRATIONS, Migration(LATEST + 1, "half a change", ("CREATE TABLE extra (x TEXT)", "NOT SQL AT ALL")))
    before = rows(old_copy)
    conn = sqlite3.connect(old_copy, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        migrate_sqlite(conn, where=str(old_copy), migrations=broken)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0  # not even the migrations before it
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'extra'").fetchone()[0] == 0
    conn.close()
    assert rows(old_copy) == before


def test_a_later_migration_upgrades_an_old_database_keeping_its_rows(old_copy: Path) -> None:
    later = Migration(
        LATEST + 1,
        "when a vote was last changed",
        (
            "ALTER TABLE feedback_votes ADD COLUMN changed_at DOUBLE PRECISION",
            "UPDATE feedback_votes SET changed_at = voted_at",
        ),
    )
    before = rows(old_copy)
    conn = sqlite3.connect(old_copy, isolation_level=None)
    assert migrate_sqlite(conn, where=str(old_copy), migrations=(*MIGRATIONS, later)) == [*range(1, LATEST + 2)]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST + 1
    votes = conn.execute("SELECT answer_id, voter, vote, voted_at, changed_at FROM feedback_votes").fetchall()
    conn.close()
    assert sorted(vote[:4] for vote in votes) == before["feedback_votes"]
    assert all(vote[4] == vote[3] for vote in votes)
    with pytest.raises(NewerDatabaseError):
        StateStore(old_copy)  # this release knows only up to LATEST


def test_migrations_are_numbered_one_by_one() -> None:
    check_history(MIGRATIONS)
    step = Migration(1, "one", ("SELECT 1",))
    with pytest.raises(MigrationError, match=r"numbered 1, 2, 3, \.\.\. in order; found \[1, 3\]"):
        check_history((step, Migration(3, "three", ("SELECT 1",))))
    with pytest.raises(MigrationError, match=r"found \[2\]"):
        check_history((Migration(2, "two", ("SELECT 1",)),))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_migration_has_its_sql_for_each_dialect(dialect: str) -> None:
    for migration in MIGRATIONS:
        statements = migration.sql(dialect)
        assert statements and all(isinstance(statement, str) and statement.strip() for statement in statements)
    assert "AUTOINCREMENT" not in " ".join(MIGRATIONS[0].sql("postgresql")).upper()
    with pytest.raises(MigrationError, match="unknown SQL dialect 'oracle'"):
        MIGRATIONS[0].sql("oracle")


def test_a_database_made_by_another_process_meanwhile_is_used_untouched(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    theirs = StateStore(path)
    DeliveryLedger(theirs).claim(event_id="EvTHEIRS")
    assert create_database(path) is False  # it lost the race: the existing file is kept
    assert not StateStore(path).claim_event("event:EvTHEIRS")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("state.db")) == []


def _open_together(root: str, rounds: int, barrier: multiprocessing.synchronize.Barrier, errors: object) -> None:
    for n in range(rounds):
        barrier.wait(timeout=60)
        try:
            state = StateStore(Path(root) / f"state-{n}.db")
            DigestLog(state).plan("2026-W48", themes=["a"])
            state.claim_event(f"event:{n}")
        except Exception as exc:  # reported to the test, which fails naming it
            errors.put(f"round {n}: {type(exc).__name__}: {exc}")  # type: ignore[attr-defined]


def test_processes_opening_a_new_database_together_all_succeed(tmp_path: Path) -> None:
    """Two `digest post` runs at once on a new state file once met "database is locked" (the switch to WAL)."""
    context = multiprocessing.get_context("fork")
    workers, rounds = 4, 25
    barrier = context.Barrier(workers)
    errors = context.Queue()
    processes = [
        context.Process(target=_open_together, args=(str(tmp_path), rounds, barrier, errors)) for _ in range(workers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert found == []
    assert [process.exitcode for process in processes] == [0] * workers
    for n in range(rounds):
        conn = sqlite3.connect(tmp_path / f"state-{n}.db")
        assert conn.execute("SELECT count(*) FROM processed_events").fetchone()[0] == 1  # all claimed one key
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
        conn.close()
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".new")]


# -- reading writes nothing ---------------------------------------------------------------------------------------
def test_reading_the_digest_log_takes_no_write_lock_and_writes_nothing(old_copy: Path) -> None:
    state = StateStore(old_copy)
    conn = state.conn
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    changes = conn.total_changes
    # Another process is in the middle of a write: reading must not wait for it (nor fail).
    writer = sqlite3.connect(old_copy, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        log = DigestLog(state)
        assert log.plan("2026-W49", themes=["voice-of-the-child", "neglect", "cse"]).theme == "cse"
        assert log.history()[0][0] == "2026-W47"
        assert log.pending_choice() == "cse"
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        conn.set_trace_callback(None)
    assert conn.total_changes == changes
    writes = [s for s in statements if s.split()[0].upper() in {"INSERT", "UPDATE", "DELETE", "CREATE", "REPLACE"}]
    assert writes == [] and not [s for s in statements if "IMMEDIATE" in s.upper() or "EXCLUSIVE" in s.upper()]
    assert any(s.startswith("SELECT") for s in statements)


def test_the_app_home_digest_line_writes_nothing(old_copy: Path, kb_path: Path) -> None:
    from bot.app import handler_deps
    from bot.settings import Settings
    from handlers.home import digest_line
    from knowledge.base import KnowledgeBase

    state = StateStore(old_copy)
    conn = state.conn
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    changes = conn.total_changes
    settings = Settings(_env_file=None, digest_channel="CDIGEST")  # type: ignore[call-arg]
    deps = handler_deps(settings, KnowledgeBase(kb_path), state)
    line = digest_line(deps, now=datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    conn.set_trace_callback(None)
    assert line
    assert conn.total_changes == changes
    assert not [s for s in statements if s.split()[0].upper() in {"INSERT", "UPDATE", "DELETE", "CREATE"}]
    assert not [s for s in statements if "IMMEDIATE" in s.upper()]


# The SQL of every released migration, by dialect (sha256, first 16 hex digits). A database upgraded by a release
# ran exactly this: a released migration never changes, a new one is added instead.
RELEASED = {
    1: {"sqlite": "f0dae9f44885cd9e", "postgresql": "fd0dda09ac0d21da"},
    2: {"sqlite": "9119c037c3cec65c", "postgresql": "d40cf2ed098eb709"},
    3: {"sqlite": "4d3e5ee9c99e77c8", "postgresql": "4240ba06851e9f3e"},
    4: {"sqlite": "1e53f7abb1891101", "postgresql": "1e53f7abb1891101"},
    5: {"sqlite": "f5bafde0ca5ad7e4", "postgresql": "f5bafde0ca5ad7e4"},
}


def test_a_released_migration_never_changes() -> None:
    import hashlib

    for migration in MIGRATIONS:
        if migration.version not in RELEASED:
            continue
        for dialect in DIALECTS:
            digest = hashlib.sha256("\n;\n".join(migration.sql(dialect)).encode()).hexdigest()[:16]
            assert digest == RELEASED[migration.version][dialect], (
                f"migration {migration.version} ({dialect}) changed: add a new migration instead"
            )
