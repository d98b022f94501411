"""`Care`: one rate limit across surfaces, the privacy screen, and what an answered question leaves behind."""

from __future__ import annotations

from pathlib import Path

from knowledge.base import KnowledgeBase
from knowledge.privacy import PersonalData
from knowledge.records.state import StateStore
from knowledge.services.answering import Care


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
