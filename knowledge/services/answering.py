"""Practitioner care around every question: the rate limit, the privacy check, and what is recorded afterwards.

One `Care` per running app, shared by every surface that takes questions (mentions, DMs, `/learning`), so a
person's questions count against one limit wherever they ask. The Slack listeners call it; it never sees Slack.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from knowledge.base import Answer
from knowledge.privacy import PersonalData, detect, reminder_text
from knowledge.records.feedback import FeedbackLog
from knowledge.records.insights import QuestionLog
from knowledge.records.ratelimit import Decision, SharedRateLimiter
from knowledge.records.state import StateStore


@dataclass(frozen=True)
class Screening:
    """What the privacy check found in a question: kinds only, never the text."""

    kinds: frozenset[PersonalData]

    @property
    def personal(self) -> bool:
        return bool(self.kinds)

    def reminder(self) -> str:
        return reminder_text(self.kinds)

    def labels(self) -> list[str]:
        """The kinds found, for a log line (never the text itself)."""
        return sorted(kind.value for kind in self.kinds)


class Care:
    """The rate limiter, the feedback log and the question log, for one app."""

    def __init__(self, state: StateStore, *, questions_per_minute: int, clock: Callable[[], float] = time.time) -> None:
        # Counted in the state database: across restarts, and across replicas that share it.
        self.limiter = SharedRateLimiter(state, questions_per_minute, clock=clock)
        self.feedback = FeedbackLog(state)
        self.questions = QuestionLog(state)

    def admit(self, user_id: str | None) -> Decision:
        """Whether a person's question may be answered now (questions without a person are not limited)."""
        return self.limiter.check(user_id) if user_id else Decision(True)

    @staticmethod
    def screen(question: str) -> Screening:
        return Screening(detect(question))

    def answered(self, answer: Answer, shown: Sequence[str], *, at: float | None = None) -> str:
        """Record an answered question (themes, agencies, found; never its text); return the new answer's id."""
        self.questions.record(answer, at=at)
        return self.feedback.record_answer(shown, at=at)

    def page_shown(self, shown: Sequence[str], *, at: float | None = None) -> str:
        """A further page of an earlier answer ("More"): its own answer id for votes; not a new question."""
        return self.feedback.record_answer(shown, at=at)
