"""What practitioners ask about: themes, agencies and unanswered rates by week, never the questions themselves."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from knowledge.base import KnowledgeBase
from knowledge.records.insights import QuestionLog, iso_week, report_text
from knowledge.records.state import StateStore, open_state_store

from .statedump import state_dump

POLICE_CSE = "what should police do about CSE?"
SCHOOLS = "what should schools do about school nurse contacts?"
OUT_OF_SCOPE = "how do I book annual leave"


def at(day: str, hour: int = 12, minute: int = 0) -> float:
    year, month, dom = (int(part) for part in day.split("-"))
    return datetime(year, month, dom, hour, minute, tzinfo=UTC).timestamp()


@pytest.fixture
def state(state_location: str | Path) -> StateStore:
    """The state on SQLite and on PostgreSQL (each test runs on both)."""
    return open_state_store(state_location)


@pytest.fixture
def log(state: StateStore) -> QuestionLog:
    return QuestionLog(state)


def test_a_question_is_recorded_without_its_text(log: QuestionLog, state: StateStore, kb: KnowledgeBase) -> None:
    question = "what should police do about CSE, Zebedee?"
    answer = kb.ask(question)
    assert answer.found and "police" in answer.agencies
    log.record(answer, at=at("2017-03-01", 14, 37))
    rows = [dict(row) for row in state.conn.execute("SELECT * FROM questions_asked")]
    assert rows == [
        {
            "id": 1,
            "asked_at": at("2017-03-01", 14),  # kept to the hour
            "found": 1,
            "results": answer.total,
            "themes": json.dumps(sorted(answer.themes)),
            "agencies": json.dumps(sorted(answer.agencies)),
        }
    ]
    dump = state_dump(state)  # SQLite: the file's bytes too
    for fragment in ("Zebedee", "what should police"):
        assert fragment not in dump


def test_report_counts_themes_agencies_and_unanswered_weeks(log: QuestionLog, kb: KnowledgeBase) -> None:
    police, schools, nothing = kb.ask(POLICE_CSE), kb.ask(SCHOOLS), kb.ask(OUT_OF_SCOPE)
    assert police.found and schools.found and not nothing.found
    # ISO week 2020-W53 runs Monday 28 December 2020 to Sunday 3 January 2021.
    log.record(police, at=at("2020-12-28"))
    log.record(nothing, at=at("2021-01-03", 23, 59))
    log.record(police, at=at("2021-01-04", 0, 0))  # 2021-W01
    # 2021-W02 has no questions at all; 2021-W03:
    log.record(schools, at=at("2021-01-18"))
    log.record(nothing, at=at("2021-01-19"))
    log.record(nothing, at=at("2021-01-24"))

    report = log.report(kb=kb)
    assert (report.questions, report.unanswered) == (6, 3)
    assert report.unanswered_rate == 0.5
    themes = {tally.id: tally.questions for tally in report.themes}
    assert themes["cse"] == 2 and themes["police-investigations"] == 2 and themes["schools"] == 1
    assert report.themes[0].questions == 2 and report.themes[0].share == pytest.approx(2 / 6)
    assert next(t for t in report.themes if t.id == "cse").name == kb.theme("cse")["name"]
    agencies = {tally.id: (tally.name, tally.questions) for tally in report.agencies}
    assert agencies["police"] == ("Police", 2)
    assert agencies["education"][1] == 1
    weeks = [(week.week, week.starts.isoformat(), week.questions, week.unanswered) for week in report.weeks]
    assert weeks == [
        ("2020-W53", "2020-12-28", 2, 1),
        ("2021-W01", "2021-01-04", 1, 0),
        ("2021-W02", "2021-01-11", 0, 0),
        ("2021-W03", "2021-01-18", 3, 2),
    ]
    assert report.weeks[2].unanswered_rate is None
    assert report.weeks[3].unanswered_rate == pytest.approx(2 / 3)

    text = report_text(report)
    assert "Questions so far: 6, of which 3 found nothing in the audits (50%)." in text
    assert "2021-W03" in text and "67%" in text and "2021-W02" in text
    assert "Police" in text

    since = log.report(since=date(2021, 1, 4), kb=kb)
    assert (since.questions, since.unanswered) == (4, 2)
    assert [week.week for week in since.weeks] == ["2021-W01", "2021-W02", "2021-W03"]
    assert report_text(since).startswith("Questions since 2021-01-04: 4")

    top = log.report(kb=kb, top=1)
    assert len(top.themes) == 1 and len(top.agencies) == 1


def test_an_empty_log_reports_plainly(log: QuestionLog) -> None:
    report = log.report(since=date(2030, 1, 1))
    assert (report.questions, report.themes, report.weeks, report.unanswered_rate) == (0, (), (), None)
    assert report_text(report) == "No questions recorded since 2030-01-01."
    assert report.to_json()["unanswered_rate"] is None


def test_iso_weeks() -> None:
    assert iso_week(date(2021, 1, 3)) == "2020-W53"
    assert iso_week(date(2021, 1, 4)) == "2021-W01"
    assert iso_week(date(2016, 8, 1)) == "2016-W31"


def test_record_counts_is_bounded_and_deduplicated(log: QuestionLog, state: StateStore) -> None:
    log.record_counts(themes=["cse", "cse"], agencies=[], found=False, results=-3, at=at("2017-01-02"))
    row = state.conn.execute("SELECT themes, results, found FROM questions_asked").fetchone()
    assert tuple(row) == ('["cse"]', 0, 0)


def test_insights_command(tmp_path: Path, kb_path: Path, kb: KnowledgeBase) -> None:
    path = tmp_path / "state.db"
    log = QuestionLog(StateStore(path))
    log.record(kb.ask(POLICE_CSE), at=at("2017-01-02"))
    log.record(kb.ask(OUT_OF_SCOPE), at=at("2017-02-06"))
    runner = CliRunner()
    base = ["--db", str(kb_path), "insights", "--state", str(path)]
    result = runner.invoke(cli, [*base, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["questions"] == 2 and data["unanswered_rate"] == 0.5
    assert {"id": "police", "name": "Police", "questions": 1, "share": 0.5} in data["agencies"]
    assert data["weeks"][0] == {
        "week": "2017-W01",
        "starts": "2017-01-02",
        "questions": 1,
        "unanswered": 0,
        "unanswered_rate": 0.0,
    }
    result = runner.invoke(cli, [*base, "--since", "2017-02-01"])
    assert result.exit_code == 0
    assert "Questions since 2017-02-01: 1, of which 1 found nothing in the audits (100%)." in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "1 March"], "Invalid value for '--since': '1 March' does not match the format '%Y-%m-%d'."),
        (["--since", "2017-02-30"], "Invalid value for '--since'"),
        (["--top", "0"], "Invalid value for '--top'"),
    ],
)
def test_insights_command_rejects_bad_options(tmp_path: Path, kb_path: Path, args: list[str], message: str) -> None:
    path = tmp_path / "state.db"
    QuestionLog(StateStore(path))
    result = CliRunner().invoke(cli, ["--db", str(kb_path), "insights", "--state", str(path), *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_insights_without_a_state_database(tmp_path: Path, kb_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--db", str(kb_path), "insights"], env={"LEARNING_BOT_STATE": str(tmp_path / "x.db")}
    )
    assert result.exit_code == 1
    assert "no state database at" in result.stderr and "x.db" in result.stderr
