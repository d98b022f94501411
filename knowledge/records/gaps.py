"""Questions the audits do not cover: counted by topic without their text, and the board's list of gaps.

Every question that found nothing adds one row of (hour, topic): a theme-like topic worked out from the question's
words (`knowledge.topics`), never the words themselves. Only when the asker presses "Add to the gaps list" (their
explicit consent) is the question's text kept, in `audit_gaps`, for planning next year's audits.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from knowledge.records.state import StateStore

TIME_RESOLUTION = 3600
MAX_QUESTION_CHARS = 500


class GapError(ValueError):
    """A gap that cannot be added; the message says why."""


@dataclass(frozen=True)
class Gap:
    added_at: float
    topic: str
    question: str


class GapLog:
    """Uncovered topics (counts) and the consented gaps list, in the state database."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    def count_uncovered(self, topic: str, *, at: float | None = None) -> None:
        """Count one question that found nothing, under its topic (to the hour; never its text)."""
        now = time.time() if at is None else at
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO uncovered_questions (asked_at, topic) VALUES (?, ?)",
                (now - now % TIME_RESOLUTION, topic[:60]),
            )

    def add_gap(self, question: str, *, topic: str, at: float | None = None) -> Gap:
        """Keep a question for next year's audit planning (only after the asker consented). Not who asked."""
        question = " ".join(question.split())[:MAX_QUESTION_CHARS]
        if not question:
            raise GapError("There is no question to add.")
        now = time.time() if at is None else at
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO audit_gaps (added_at, topic, question) VALUES (?, ?, ?)", (now, topic[:60], question)
            )
        return Gap(now, topic[:60], question)

    def uncovered_between(self, start: float, end: float) -> dict[str, int]:
        """Questions that found nothing in [start, end), by topic, busiest first."""
        rows = self.store.conn.execute(
            "SELECT topic, count(*) AS n FROM uncovered_questions WHERE asked_at >= ? AND asked_at < ?"
            " GROUP BY topic ORDER BY n DESC, topic",
            (start, end),
        )
        return {row["topic"]: row["n"] for row in rows}

    def gaps_between(self, start: float, end: float) -> list[Gap]:
        rows = self.store.conn.execute(
            "SELECT added_at, topic, question FROM audit_gaps WHERE added_at >= ? AND added_at < ? ORDER BY added_at",
            (start, end),
        )
        return [Gap(*row) for row in rows]
