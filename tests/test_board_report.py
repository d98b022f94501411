"""The board's quarterly report: its tables from a simulated quarter, the CSV files, the CLI and posting it."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import cli
from knowledge.base import KnowledgeBase
from knowledge.records.escalations import EscalationLog
from knowledge.records.gaps import GapLog
from knowledge.records.state import StateStore
from knowledge.reporting.page import PAGE_NAME, write_report
from knowledge.reporting.quarter import Period, PeriodError, build_report
from knowledge.tools.simulation import EXAMPLE_REQUESTS, simulate_quarter

from .fakeslack import FakeSlack
from .statedump import sql_dump

QUARTER = Period(date(2017, 1, 1), date(2017, 3, 31))


@pytest.fixture(scope="module")
def quarter_state(tmp_path_factory: pytest.TempPathFactory, kb: KnowledgeBase) -> Path:
    path = tmp_path_factory.mktemp("quarter") / "state.db"
    store = StateStore(path)
    simulate_quarter(store, kb, start=date(2016, 12, 19), days=120, seed=7)
    return path


def ts(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_totals_are_counted_from_the_period_only(quarter_state: Path, kb: KnowledgeBase) -> None:
    store = StateStore(quarter_state)
    report = build_report(store, kb, QUARTER)
    start, end = ts(date(2017, 1, 1)), ts(date(2017, 4, 1))
    conn = store.conn
    questions, unanswered = conn.execute(
        "SELECT count(*), sum(1 - found) FROM questions_asked WHERE asked_at >= ? AND asked_at < ?", (start, end)
    ).fetchone()
    everything = conn.execute("SELECT count(*) FROM questions_asked").fetchone()[0]
    assert 0 < questions < everything  # the simulation runs before and after the quarter
    assert (report.summary.questions, report.summary.unanswered) == (questions, unanswered)
    votes = dict(
        conn.execute(
            "SELECT vote, count(*) FROM feedback_votes WHERE voted_at >= ? AND voted_at < ? GROUP BY vote",
            (start, end),
        ).fetchall()
    )
    assert (report.summary.helpful, report.summary.not_helpful) == (votes["helpful"], votes["not_helpful"])
    opened = conn.execute(
        "SELECT count(*), sum(status = 'resolved') FROM help_requests WHERE requested_at >= ? AND requested_at < ?",
        (start, end),
    ).fetchone()
    assert (report.summary.escalations_opened, report.summary.escalations_resolved) == tuple(opened)
    assert report.summary.escalations_open == opened[0] - opened[1]


def test_tables_agree_with_the_summary(quarter_state: Path, kb: KnowledgeBase) -> None:
    report = build_report(StateStore(quarter_state), kb, QUARTER)
    tables, summary = report.tables, report.summary
    assert sum(tables["questions-by-week"].column("questions")) == summary.questions
    assert sum(tables["questions-by-week"].column("no_answer")) == summary.unanswered
    assert sum(tables["unanswered-topics"].column("questions")) == summary.unanswered
    assert sum(tables["helpfulness"].column("helpful")) == summary.helpful
    assert sum(tables["discussions-by-agency"].column("discussions")) == summary.discussions
    assert sum(tables["escalations"].column("opened")) == summary.escalations_opened
    assert tables["questions-by-week"].column("week")[0] == "2016-W52"  # 1 January 2017 is a Sunday
    assert tables["questions-by-week"].column("week")[-1] == "2017-W13"
    theme_names = {theme.id: theme.name for theme in kb.themes()}
    assert set(tables["questions-by-theme"].column("theme")) <= set(theme_names.values())
    assert summary.digests_posted == 13 and len(tables["digests"].rows) >= 13


def test_files_hold_the_same_tables(quarter_state: Path, kb: KnowledgeBase, tmp_path: Path) -> None:
    report = build_report(StateStore(quarter_state), kb, QUARTER)
    files = write_report(report, tmp_path / "out")
    assert files.page == tmp_path / "out" / PAGE_NAME
    assert {path.stem for path in files.tables} == set(report.tables)
    for table in report.tables.values():
        rows = read_csv(tmp_path / "out" / f"{table.name}.csv")
        assert tuple(rows[0].keys()) == table.columns if rows else True
        assert [tuple(row.values()) for row in rows] == [tuple(str(cell) for cell in row) for row in table.rows]


def test_a_gap_that_looks_like_a_formula_stays_text(tmp_path: Path, kb: KnowledgeBase) -> None:
    store = StateStore(tmp_path / "state.db")
    GapLog(store).add_gap(
        '=HYPERLINK("http://x") what about fabricated illness?', topic="other", at=ts(date(2017, 2, 1))
    )
    files = write_report(build_report(store, kb, QUARTER), tmp_path / "out")
    [row] = read_csv(tmp_path / "out" / "audit-gaps.csv")
    assert row["question"].startswith("'=HYPERLINK")
    assert files.page.read_text(encoding="utf-8").count("&quot;http://x&quot;") == 1  # escaped, never a link


def test_help_request_texts_are_never_in_the_report(quarter_state: Path, kb: KnowledgeBase, tmp_path: Path) -> None:
    store = StateStore(quarter_state)
    assert EscalationLog(store).between(*QUARTER.bounds)  # there are requests, with their text, in the period
    files = write_report(build_report(store, kb, QUARTER), tmp_path / "out")
    everything = "".join(path.read_text(encoding="utf-8") for path in files.paths)
    for text in EXAMPLE_REQUESTS:
        assert text not in everything


def run_report(
    kb_path: Path, state: Path, out: Path, *extra: str, start: str = "2017-01-01", end: str = "2017-03-31"
) -> Result:
    """`learning-bot --db KB report --state STATE --from START --to END --out OUT [extra...]`."""
    where = ["--db", str(kb_path), "report", "--state", str(state), "--out", str(out)]
    return CliRunner().invoke(cli, [*where, "--from", start, "--to", end, *extra])


def test_the_cli_writes_the_report_and_changes_no_record(quarter_state: Path, kb_path: Path, tmp_path: Path) -> None:
    before = sql_dump(quarter_state)
    result = run_report(kb_path, quarter_state, tmp_path / "board")
    assert result.exit_code == 0, result.output
    assert f"Wrote {tmp_path / 'board' / PAGE_NAME} and 9 CSV files" in result.stdout
    assert (tmp_path / "board" / "questions-by-theme.csv").is_file()
    assert sql_dump(quarter_state) == before


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2017-03-31", "2017-01-01", "the period ends (2017-01-01) before it starts (2017-03-31)"),
        ("2016-01-01", "2017-03-31", "the period is longer than 400 days"),
        ("2017-13-01", "2017-03-31", "'2017-13-01' does not match the format '%Y-%m-%d'"),
    ],
)
def test_a_bad_period_is_refused_and_nothing_is_written(
    quarter_state: Path, kb_path: Path, tmp_path: Path, start: str, end: str, message: str
) -> None:
    result = run_report(kb_path, quarter_state, tmp_path / "board", start=start, end=end)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "board").exists()


def test_no_state_database_is_a_clear_error(kb_path: Path, tmp_path: Path) -> None:
    result = run_report(kb_path, tmp_path / "none.db", tmp_path / "board")
    assert result.exit_code == 1
    assert f"no state database at {tmp_path / 'none.db'}" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_post_uploads_the_page_to_the_admin_channel(
    quarter_state: Path, kb_path: Path, tmp_path: Path, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", fake_slack.url)
    monkeypatch.setenv("ADMIN_CHANNEL", "CADMIN01")
    result = run_report(kb_path, quarter_state, tmp_path / "board", "--post")
    assert result.exit_code == 0, result.output
    [asked] = fake_slack.calls_to("files.getUploadURLExternal")
    assert asked.args["filename"] == PAGE_NAME
    [file_id] = fake_slack.uploads
    assert fake_slack.uploads[file_id] == (tmp_path / "board" / PAGE_NAME).read_bytes()
    [done] = fake_slack.calls_to("files.completeUploadExternal")
    assert done.args["channel_id"] == "CADMIN01"
    assert done.args["files"] == [{"id": file_id, "title": "Assurance report 2017-01-01 to 2017-03-31"}]
    assert "1 January 2017 to 31 March 2017" in done.args["initial_comment"]
    assert f"Posted to the admin channel (file {file_id})." in result.stdout


def test_post_without_an_admin_channel_says_which_setting(
    quarter_state: Path, kb_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    result = run_report(kb_path, quarter_state, tmp_path / "board", "--post")
    assert result.exit_code == 1
    assert "set ADMIN_CHANNEL to post the report" in result.stderr
    assert (tmp_path / "board" / PAGE_NAME).is_file()  # the files are kept


def test_period_rejects_an_inverted_range() -> None:
    with pytest.raises(PeriodError, match="ends"):
        Period(date(2017, 2, 1), date(2017, 1, 1))


def test_a_quiet_period_still_makes_a_whole_page(tmp_path: Path, kb: KnowledgeBase) -> None:
    report = build_report(StateStore(tmp_path / "state.db"), kb, Period(date(2030, 1, 1), date(2030, 1, 31)))
    assert report.summary.questions == 0
    page = write_report(report, tmp_path / "out").page.read_text(encoding="utf-8")
    assert page.count('<svg role="img"') == 8
    assert "-mark-" not in page  # nothing drawn as data...
    assert page.count("Nothing recorded in this period") == 8  # ...and each chart says so


def test_a_database_of_the_old_release_upgrades_and_reports(tmp_path: Path, kb: KnowledgeBase) -> None:
    """Migration 2 adds the practice tables to a state database made before them; its rows are reported."""
    import shutil

    path = tmp_path / "state.db"
    shutil.copyfile(Path(__file__).parent / "data" / "state-v0.db", path)
    store = StateStore(path)
    assert 2 in store.migrated
    conn = store.conn
    old_questions = conn.execute("SELECT count(*) FROM questions_asked").fetchone()[0]
    first, last = conn.execute("SELECT min(asked_at), max(asked_at) FROM questions_asked").fetchone()
    start, end = (datetime.fromtimestamp(moment, UTC).date() for moment in (first, last))
    EscalationLog(store).open_request(question="How do we escalate drift?", requester="U1", contact="C1", at=first)
    report = build_report(store, kb, Period(start, end))
    assert report.summary.questions == old_questions > 0
    assert (report.summary.escalations_opened, report.summary.discussions) == (1, 0)
