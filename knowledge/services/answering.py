"""Answering a practitioner's question with care: the one flow every surface (mentions, DMs, `/learning`) calls.

`Answering.ask` admits the question (the rate limit), screens it for personal data, asks the knowledge base and
records what was answered (never the text); the listener then formats and posts the reply, reminds the asker
privately when the screen found something, and calls `Answering.log`. `Care` holds the records behind it: one
per running app, so a person's questions count against one limit wherever they ask. Nothing here sees Slack.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from logging import Logger

from knowledge.base import Answer, KnowledgeBase
from knowledge.privacy import PersonalData, detect, reminder_text
from knowledge.records.feedback import FeedbackLog
from knowledge.records.insights import QuestionLog
from knowledge.records.ratelimit import Decision, SharedRateLimiter
from knowledge.records.state import StateStore
from knowledge.services.practice import Practice


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


CARRY_LIMIT = 100  # results fetched per question: the first page is shown, "More" pages through the rest


@dataclass(frozen=True)
class Answered:
    """A question answered: the answer (every result to page through), its id for votes, and the screen."""

    question: str
    answer: Answer
    answer_id: str
    screening: Screening


class Answering:
    """admit -> screen -> ask -> record, for every surface; `page_size` results count as shown at first.

    With `practice`, a question the audits have no answer for is also counted under its topic (never its text).
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        care: Care,
        *,
        page_size: int,
        log_question_text: bool = False,
        practice: Practice | None = None,
    ) -> None:
        self.kb = kb
        self.care = care
        self.page_size = page_size
        self.log_question_text = log_question_text
        self.practice = practice

    def ask(self, question: str, *, user: str | None) -> Answered | Decision:
        """The answer to `user`'s question, or the rate limiter's refusal (a `Decision` not `allowed`)."""
        admitted = self.care.admit(user)
        if not admitted.allowed:
            return admitted
        screening = self.care.screen(question)
        answer = self.kb.ask(question, limit=CARRY_LIMIT)
        answer_id = self.care.answered(answer, [result.id for result in answer.results[: self.page_size]])
        if not answer.found and self.practice is not None:
            self.practice.count_uncovered(question, themes=answer.themes)
        return Answered(question, answer, answer_id, screening)

    def log(self, answered: Answered, logger: Logger) -> None:
        """After the reply: the kinds of personal data found (never the text); the question itself only when
        LOG_QUESTION_TEXT is on and nothing in it looks like case details."""
        if answered.screening.personal:
            labels = ", ".join(answered.screening.labels())
            logger.info("Reminded the asker not to share personal data (found: %s)", labels)
        elif self.log_question_text:
            logger.info("The question was: %s", answered.question)
