"""`Care`: one rate limit across surfaces, the privacy screen, and what an answered question leaves behind."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from knowledge.base import KnowledgeBase
from knowledge.privacy import PersonalData
from knowledge.records.ratelimit import Decision
from knowledge.records.state import StateStore
from knowledge.services.answering import Answered, Answering, Care


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_answered_question_leaves_only_counts_and_an_answer_id(tmp_path: Path, kb: KnowledgeBase) -> None:
    state = StateStore(tmp_path / "state.db")
    care = Care(state, questions_per_minute=2)
    question = "a boy named Jayden, what should police do about CSE?"
    screening = care.screen(question)
    assert screening.personal and screening.labels() == ["name"]
    assert "Jayden" not in screening.reminder()
    answer = kb.ask(question)
    shown = [result.id for result in answer.results[:3]]
    answer_id = care.answered(answer, shown, at=3600.0)
    assert care.feedback.answer_items(answer_id) == shown
    more = care.page_shown([result.id for result in answer.results[3:6]])
    assert more != answer_id
    assert care.questions.report().questions == 1  # a further page is not a new question
    dump = "\n".join(state.conn.iterdump())
    assert "Jayden" not in dump and "police do" not in dump


def test_one_limit_per_person_whatever_the_surface(tmp_path: Path) -> None:
    clock = Clock()
    care = Care(StateStore(tmp_path / "state.db"), questions_per_minute=2, clock=clock)
    assert care.admit("U1").allowed and care.admit("U1").allowed
    refused = care.admit("U1")
    assert not refused.allowed and refused.notify
    assert care.admit("U2").allowed
    assert care.admit(None).allowed  # no person to count (e.g. a workflow): not limited
    clock.now = 61
    assert care.admit("U1").allowed


def test_screen_of_a_clean_question() -> None:
    screening = Care.screen("what did the 2016-17 audits find in 4 of 6 cases?")
    assert not screening.personal and screening.kinds == frozenset()
    assert Care.screen("ring 07700 900123").kinds == {PersonalData.PHONE_NUMBER}


def test_answering_admits_screens_asks_and_records_for_every_surface(tmp_path: Path, kb: KnowledgeBase) -> None:
    clock = Clock()
    care = Care(StateStore(tmp_path / "state.db"), questions_per_minute=1, clock=clock)
    answering = Answering(kb, care, page_size=3)
    asked = answering.ask("how do we hear the voice of pre-verbal children?", user="U1")
    assert isinstance(asked, Answered) and asked.answer.found and not asked.screening.personal
    assert len(asked.answer.results) > 3  # every result to page through, not just the first page
    assert care.feedback.answer_items(asked.answer_id) == [result.id for result in asked.answer.results[:3]]
    refused = answering.ask("and for babies?", user="U1")
    assert isinstance(refused, Decision) and not refused.allowed and refused.notify
    assert care.questions.report().questions == 1  # a refused question is neither answered nor recorded


REMINDED = "Reminded the asker not to share personal data"


@pytest.mark.parametrize(
    ("log_question_text", "question", "logged", "hidden"),
    [
        (False, "what about pre-verbal children?", [], ["pre-verbal"]),
        (True, "what about pre-verbal children?", ["The question was: what about pre-verbal children?"], []),
        (True, "a boy named Jayden, pre-verbal?", [f"{REMINDED} (found: name)"], ["Jayden"]),
    ],
)
def test_answering_logs_kinds_of_personal_data_and_the_question_only_when_allowed(
    tmp_path: Path,
    kb: KnowledgeBase,
    caplog: pytest.LogCaptureFixture,
    log_question_text: bool,
    question: str,
    logged: list[str],
    hidden: list[str],
) -> None:
    care = Care(StateStore(tmp_path / "state.db"), questions_per_minute=0)
    answering = Answering(kb, care, page_size=3, log_question_text=log_question_text)
    asked = answering.ask(question, user="U1")
    assert isinstance(asked, Answered)
    caplog.set_level(logging.DEBUG)
    answering.log(asked, logging.getLogger("test.answering"))
    assert [record.getMessage() for record in caplog.records] == logged
    assert not any(secret in caplog.text for secret in hidden)
