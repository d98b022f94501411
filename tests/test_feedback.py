"""Helpful / Not helpful votes: once per person per answer, latest click wins, reported per item and per theme."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from knowledge.base import KnowledgeBase
from knowledge.records.feedback import (
    FeedbackError,
    FeedbackLog,
    Outcome,
    UnknownAnswerError,
    Vote,
    outcome_text,
    report_text,
    voter_key,
)
from knowledge.records.state import StateStore, open_state_store

from .statedump import state_dump


@pytest.fixture
def state(state_location: str | Path) -> StateStore:
    """The state on SQLite and on PostgreSQL (each test runs on both)."""
    return open_state_store(state_location)


@pytest.fixture
def log(state: StateStore) -> FeedbackLog:
    return FeedbackLog(state)


def test_answers_get_distinct_ids_and_remember_the_items_shown_in_order(log: FeedbackLog) -> None:
    first = log.record_answer(["ey-f7", "cwd-f1", "ey-f7"], at=1000.0)
    second = log.record_answer([], at=1001.0)
    assert first != second
    assert log.answer_items(first) == ["ey-f7", "cwd-f1"]
    assert log.answer_items(second) == []


def test_a_second_click_replaces_the_vote_and_never_adds_one(log: FeedbackLog, state: StateStore) -> None:
    answer = log.record_answer(["ey-f7"])
    assert log.record_vote(answer, "U1", Vote.HELPFUL, at=10.0) is Outcome.RECORDED
    assert log.record_vote(answer, "U1", "helpful", at=11.0) is Outcome.UNCHANGED
    assert log.record_vote(answer, "U1", "not_helpful", at=12.0) is Outcome.CHANGED
    rows = state.conn.execute("SELECT vote, voted_at FROM feedback_votes").fetchall()
    assert [tuple(row) for row in rows] == [("not_helpful", 12.0)]
    assert log.record_vote(answer, "U2", "helpful") is Outcome.RECORDED
    report = log.report()
    assert (report.votes, report.helpful, report.not_helpful, report.answers_rated) == (2, 1, 1, 1)


def test_who_voted_is_not_stored(log: FeedbackLog, state: StateStore) -> None:
    answer = log.record_answer(["ey-f7"])
    log.record_vote(answer, "U0SECRETUSER", "helpful")
    dump = state_dump(state)
    assert "U0SECRETUSER" not in dump
    assert voter_key(answer, "U0SECRETUSER") in dump
    assert voter_key(answer, "U0SECRETUSER") != voter_key(log.record_answer([]), "U0SECRETUSER")


@pytest.mark.parametrize(
    ("answer", "user", "vote", "error", "message"),
    [
        ("known", "U1", "very helpful", FeedbackError, "Unknown vote 'very helpful': expected helpful or not_helpful."),
        ("known", "U1", "", FeedbackError, "Unknown vote '': expected helpful or not_helpful."),
        ("known", "", "helpful", FeedbackError, "A vote needs the id of the person voting."),
        ("known", "   ", "helpful", FeedbackError, "A vote needs the id of the person voting."),
        (
            "0" * 32,
            "U1",
            "helpful",
            UnknownAnswerError,
            "That answer is no longer on record, so the vote could not be counted.",
        ),
        ("", "U1", "helpful", UnknownAnswerError, "That answer is no longer on record"),
        ("x" * 5000, "U1", "helpful", UnknownAnswerError, "That answer is no longer on record"),
        ("'; DROP TABLE answers; --", "U1", "helpful", UnknownAnswerError, "That answer is no longer on record"),
    ],
)
def test_bad_votes_get_a_clear_error_and_change_nothing(
    log: FeedbackLog, state: StateStore, answer: str, user: str, vote: str, error: type[Exception], message: str
) -> None:
    known = log.record_answer(["ey-f7"])
    log.record_vote(known, "U9", "helpful")
    with pytest.raises(error) as raised:
        log.record_vote(known if answer == "known" else answer, user, vote)
    assert str(raised.value).startswith(message)
    assert state.conn.execute("SELECT count(*) FROM feedback_votes").fetchone()[0] == 1
    assert state.conn.execute("SELECT count(*) FROM answers").fetchone()[0] == 1


def test_concurrent_clicks_by_one_person_count_once(log: FeedbackLog, state: StateStore) -> None:
    answer = log.record_answer(["ey-f7"])
    outcomes: list[Outcome] = []
    barrier = threading.Barrier(8)

    def click() -> None:
        barrier.wait(timeout=10)
        outcomes.append(log.record_vote(answer, "U1", "helpful"))

    threads = [threading.Thread(target=click) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == sorted([Outcome.RECORDED] + [Outcome.UNCHANGED] * 7)
    assert state.conn.execute("SELECT count(*) FROM feedback_votes").fetchone()[0] == 1


def test_votes_survive_a_restart_and_a_store_opened_before_the_module(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    answer = FeedbackLog(StateStore(path)).record_answer(["ey-f7"])
    FeedbackLog(StateStore(path)).record_vote(answer, "U1", "helpful")
    assert FeedbackLog(StateStore(path)).report().votes == 1
    # A state file made before feedback existed gets its tables when the log opens it.
    bare = tmp_path / "bare.db"
    sqlite3.connect(bare).close()
    assert FeedbackLog(StateStore(bare)).report().votes == 0


def test_report_per_item_and_per_theme(log: FeedbackLog, kb: KnowledgeBase) -> None:
    items = [result.id for result in kb.ask("voice of the child", limit=3).results]
    assert len(items) == 3
    other = [result.id for result in kb.ask("what should police do", limit=2).results]
    first = log.record_answer(items)
    second = log.record_answer(other)
    nothing = log.record_answer([])
    log.record_vote(first, "U1", "helpful")
    log.record_vote(first, "U2", "helpful")
    log.record_vote(first, "U3", "not_helpful")
    log.record_vote(second, "U1", "not_helpful")
    log.record_vote(nothing, "U1", "not_helpful")

    report = log.report(kb)
    assert (report.votes, report.helpful, report.not_helpful) == (5, 2, 3)
    assert (report.answers, report.answers_rated, report.votes_on_empty_answers) == (3, 3, 1)
    by_item = {entry.id: entry for entry in report.items}
    for item_id in items:
        expected = (2 + (item_id in other and 0), 1 + (item_id in other))
        assert (by_item[item_id].helpful, by_item[item_id].not_helpful) == expected
        assert by_item[item_id].detail["in_knowledge_base"]
        assert kb.item(item_id).text.startswith(by_item[item_id].name.rstrip("…"))

    # A vote counts once per theme, however many of the answer's items bear that theme.
    expected_themes: dict[str, list[int]] = {}
    for answer_items, helpful, not_helpful in ((items, 2, 1), (other, 0, 1)):
        for theme in {theme for item_id in answer_items for theme in kb.item(item_id).themes}:
            counts = expected_themes.setdefault(theme, [0, 0])
            counts[0] += helpful
            counts[1] += not_helpful
    assert {entry.id: [entry.helpful, entry.not_helpful] for entry in report.themes} == expected_themes
    voice = next(entry for entry in report.themes if entry.id == "voice-of-the-child")
    assert voice.name == "Voice of the child"
    helpful, not_helpful = expected_themes["voice-of-the-child"]
    assert voice.votes == helpful + not_helpful >= 3
    assert voice.share == pytest.approx(helpful / (helpful + not_helpful))
    assert [entry.votes for entry in report.themes] == sorted((entry.votes for entry in report.themes), reverse=True)

    text = report_text(report)
    assert "Feedback: 5 votes on 3 of 3 answers (2 helpful, 3 not helpful)." in text
    assert "1 votes were on answers that found no learning points." in text
    assert "Voice of the child" in text and items[0] in text
    data = report.to_json()
    assert data["votes"] == 5 and data["themes"][0]["share_helpful"] <= 1


def test_items_no_longer_in_the_knowledge_base_are_listed_by_id(log: FeedbackLog, kb: KnowledgeBase) -> None:
    answer = log.record_answer(["retired-item-1"])
    log.record_vote(answer, "U1", "helpful")
    report = log.report(kb)
    assert [(entry.id, entry.name, entry.detail) for entry in report.items] == [
        ("retired-item-1", "retired-item-1", {"in_knowledge_base": False})
    ]
    assert report.themes == ()


def test_thank_you_texts() -> None:
    assert outcome_text(Outcome.RECORDED, Vote.HELPFUL) == "Thanks for letting me know this was helpful."
    assert "wasn't helpful" in outcome_text(Outcome.RECORDED, Vote.NOT_HELPFUL)
    assert "changed your feedback" in outcome_text(Outcome.CHANGED, Vote.NOT_HELPFUL)
    assert "already counted" in outcome_text(Outcome.UNCHANGED, Vote.HELPFUL)


def test_feedback_report_command(tmp_path: Path, kb_path: Path, kb: KnowledgeBase) -> None:
    path = tmp_path / "state.db"
    log = FeedbackLog(StateStore(path))
    item = kb.ask("voice of the child", limit=1).results[0].id
    log.record_vote(log.record_answer([item]), "U1", "helpful")
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", str(kb_path), "feedback", "report", "--state", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["votes"] == 1 and data["items"][0]["id"] == item and data["items"][0]["helpful"] == 1
    result = runner.invoke(cli, ["--db", str(kb_path), "feedback", "report"], env={"LEARNING_BOT_STATE": str(path)})
    assert result.exit_code == 0
    assert "Feedback: 1 votes on 1 of 1 answers" in result.stdout


def test_feedback_report_without_a_state_database_says_where_it_looked(tmp_path: Path, kb_path: Path) -> None:
    missing = tmp_path / "nowhere" / "state.db"
    result = CliRunner().invoke(cli, ["--db", str(kb_path), "feedback", "report", "--state", str(missing)])
    assert result.exit_code == 1
    assert f"no state database at {missing}" in result.stderr
    assert not missing.exists()


def test_feedback_report_with_no_votes(tmp_path: Path, kb_path: Path) -> None:
    path = tmp_path / "state.db"
    FeedbackLog(StateStore(path)).record_answer(["ey-f7"])
    result = CliRunner().invoke(cli, ["--db", str(kb_path), "feedback", "report", "--state", str(path)])
    assert result.exit_code == 0
    assert result.stdout.strip() == "No feedback yet (1 answers given, none rated)."
