"""The state database on PostgreSQL: the same migrations, one transaction each, the URL chosen by one setting."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.settings import Settings
from knowledge.base import KnowledgeBase
from knowledge.records.insights import QuestionLog
from knowledge.records.migrations import MIGRATIONS, Migration, NewerDatabaseError
from knowledge.records.postgres import PostgresStore, StateUrlError, redacted, translate
from knowledge.records.state import StateStore, open_state_store

LATEST = MIGRATIONS[-1].version


def tables(store: PostgresStore) -> set[str]:
    rows = store.conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    ).fetchall()
    return {row[0] for row in rows}


def columns(store: StateStore | PostgresStore, table: str) -> list[str]:
    if isinstance(store, StateStore):
        return [row["name"] for row in store.conn.execute(f"PRAGMA table_info({table})")]
    rows = store.conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND table_name = ? ORDER BY ordinal_position",
        (table,),
    )
    return [row[0] for row in rows]


def test_a_new_database_gets_every_migration_once(postgres_url: str) -> None:
    store = PostgresStore(postgres_url)
    assert store.migrated == list(range(1, LATEST + 1))
    assert store.version == LATEST
    assert PostgresStore(postgres_url).migrated == []  # a second process finds it done
    assert {"processed_events", "digest_posts", "answers", "questions_asked", "questions_limited"} <= tables(store)


def test_the_layout_matches_sqlites(postgres_url: str, tmp_path: Path) -> None:
    """The same tables with the same columns (PostgreSQL's digest_weeks adds seq, SQLite's rowid)."""
    sqlite, postgres = StateStore(tmp_path / "state.db"), PostgresStore(postgres_url)
    names = [row[0] for row in sqlite.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert set(names) == tables(postgres) - {"state_version"}
    for table in names:
        extra = ["seq"] if table == "digest_weeks" else []
        assert columns(postgres, table) == [*columns(sqlite, table), *extra], table


def test_a_database_newer_than_this_release_is_refused_in_one_line(postgres_url: str) -> None:
    store = PostgresStore(postgres_url)
    store.conn.execute("UPDATE state_version SET version = ?", (LATEST + 1,))
    with pytest.raises(NewerDatabaseError) as refused:
        PostgresStore(postgres_url)
    assert str(refused.value).startswith(f"{redacted(postgres_url)}: the state database is at version {LATEST + 1}")


def test_a_failing_migration_changes_nothing(postgres_url: str) -> None:
    """Every migration runs in one transaction: one that fails leaves the database as it was (here: empty)."""
    broken = (*MIGRATIONS, Migration(LATEST + 1, "half a change", ("CREATE TABLE extra (x TEXT)", "NOT SQL AT ALL")))
    with pytest.raises(Exception, match="syntax error"):
        PostgresStore(postgres_url, migrations=broken)
    import psycopg

    with psycopg.connect(postgres_url) as conn:
        found = conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()")
        assert found.fetchone() == (0,)


def test_processes_opening_a_new_database_together_all_succeed(postgres_url: str) -> None:
    errors: list[BaseException] = []
    migrated: list[list[int]] = []
    barrier = threading.Barrier(4)

    def open_store() -> None:
        try:
            barrier.wait(timeout=10)
            migrated.append(PostgresStore(postgres_url).migrated)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(migrated) == [[], [], [], list(range(1, LATEST + 1))]  # exactly one ran the migrations


def test_one_setting_chooses_the_database(postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEARNING_BOT_STATE", postgres_url)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.learning_bot_state == postgres_url
    assert isinstance(open_state_store(settings.learning_bot_state), PostgresStore)
    monkeypatch.setenv("LEARNING_BOT_STATE", str(tmp_path / "state.db"))
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.learning_bot_state == tmp_path / "state.db"
    assert isinstance(open_state_store(settings.learning_bot_state), StateStore)


def test_an_unreachable_server_is_one_clear_line_without_the_password(tmp_path: Path) -> None:
    url = f"postgresql://bot:s3cret-password@/nothing?host={tmp_path}&connect_timeout=2"
    with pytest.raises(StateUrlError) as refused:
        PostgresStore(url)
    message = str(refused.value)
    assert "s3cret-password" not in message
    assert message.startswith("cannot connect to the state database postgresql://bot:***@/nothing")
    assert "\n" not in message


@pytest.mark.parametrize(
    ("sqlite", "postgres"),
    [
        ("SELECT 1 FROM t WHERE a = ? AND b = ?", "SELECT 1 FROM t WHERE a = %s AND b = %s"),
        ("SELECT '?' AS mark, 50 % 7 FROM t WHERE a = ?", "SELECT '?' AS mark, 50 %% 7 FROM t WHERE a = %s"),
        ("INSERT OR IGNORE INTO t (a) VALUES (?)", "INSERT INTO t (a) VALUES (%s) ON CONFLICT DO NOTHING"),
        ("insert or ignore into t (a) values (?);", "INSERT INTO t (a) values (%s) ON CONFLICT DO NOTHING"),
    ],
)
def test_the_records_sql_is_spelled_for_postgresql(sqlite: str, postgres: str) -> None:
    assert translate(sqlite) == postgres


def test_passwords_are_redacted() -> None:
    assert redacted("postgresql://bot:pw@db:5432/x") == "postgresql://bot:***@db:5432/x"
    assert redacted("postgresql://bot@db/x") == "postgresql://bot@db/x"
    assert redacted("postgresql:///x?host=/run/pg") == "postgresql:///x?host=/run/pg"


def test_the_reports_read_a_postgresql_state(postgres_url: str, kb: KnowledgeBase) -> None:
    QuestionLog(PostgresStore(postgres_url)).record(kb.ask("what should police do about CSE?"), at=1_700_000_000.0)
    result = CliRunner().invoke(cli, ["insights", "--state", postgres_url])
    assert result.exit_code == 0, result.output
    assert "Questions so far: 1, of which 0 found nothing" in result.output
    feedback = CliRunner().invoke(cli, ["feedback", "report", "--state", postgres_url])
    assert feedback.exit_code == 0, feedback.output


def test_a_quarter_of_practice_records_reports_the_same_on_both(
    postgres_url: str, tmp_path: Path, kb: KnowledgeBase
) -> None:
    """Discussions, help requests, uncovered topics, gaps, feedback and insights: the board's quarterly report
    from a simulated quarter is the same whichever database holds it."""
    from datetime import date

    from knowledge.reporting.quarter import Period, build_report
    from knowledge.tools.simulation import simulate_quarter

    period = Period(date(2017, 1, 1), date(2017, 3, 31))
    reports = []
    for store in (StateStore(tmp_path / "state.db"), PostgresStore(postgres_url)):
        simulate_quarter(store, kb, start=date(2016, 12, 19), days=60, seed=7)  # type: ignore[arg-type]
        reports.append(build_report(store, kb, period))  # type: ignore[arg-type]
    sqlite, postgres = reports
    assert sqlite == postgres
    assert sum(len(table.rows) for table in sqlite.tables.values()) > 20  # a quarter's worth, not empty tables
