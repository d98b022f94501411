"""Helpful / Not helpful votes on the bot's answers, kept in the state database without any question text.

Every answer the bot posts gets an id (`FeedbackLog.record_answer`) and the ids of the learning points it
showed. A practitioner's click is recorded once per person per answer. **A second click by the same person
on the same answer replaces their vote** (the latest click counts, so a mis-click can be put right); it
never adds a second vote. Clicking the same button again changes nothing.

What is stored: the answer id, when it was answered, the item ids shown in order, each vote and its time.
Not stored: the question, or who voted. The voter is kept only as a one-way hash of (answer id, user id):
enough to count each person once per answer, not enough to list what a given person voted on.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from knowledge.records.state import StateStore

if TYPE_CHECKING:
    from knowledge.base import KnowledgeBase, Result

MAX_ITEMS = 50
EXCERPT_CHARS = 90


class Vote(StrEnum):
    HELPFUL = "helpful"
    NOT_HELPFUL = "not_helpful"

    @property
    def label(self) -> str:
        return "Helpful" if self is Vote.HELPFUL else "Not helpful"


class Outcome(StrEnum):
    """What a click did."""

    RECORDED = "recorded"  # the person's first vote on this answer
    CHANGED = "changed"  # they had voted the other way; the new vote replaces it
    UNCHANGED = "unchanged"  # the same vote again: nothing changes


class FeedbackError(ValueError):
    """A vote that cannot be recorded; the message says why, in words fit for the person who clicked."""


class UnknownAnswerError(FeedbackError, LookupError):
    """The answer id is not in the state database (a forged button, or the state database was replaced)."""


@dataclass(frozen=True)
class Helpfulness:
    """Votes on the answers that showed one learning point, or one theme."""

    id: str
    name: str
    helpful: int = 0
    not_helpful: int = 0
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def votes(self) -> int:
        return self.helpful + self.not_helpful

    @property
    def share(self) -> float:
        """The share of votes that said Helpful (0.0 when there are no votes)."""
        return self.helpful / self.votes if self.votes else 0.0

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "votes": self.votes, "share_helpful": round(self.share, 4)}


@dataclass(frozen=True)
class FeedbackReport:
    votes: int
    helpful: int
    not_helpful: int
    answers: int
    answers_rated: int
    votes_on_empty_answers: int
    items: tuple[Helpfulness, ...]
    themes: tuple[Helpfulness, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "votes": self.votes,
            "helpful": self.helpful,
            "not_helpful": self.not_helpful,
            "answers": self.answers,
            "answers_rated": self.answers_rated,
            "votes_on_answers_without_learning_points": self.votes_on_empty_answers,
            "themes": [theme.to_json() for theme in self.themes],
            "items": [item.to_json() for item in self.items],
        }


def voter_key(answer_id: str, user_id: str) -> str:
    """The stored stand-in for a voter: a hash of the answer and the person, never the person's id."""
    return hashlib.sha256(f"{answer_id}\x00{user_id}".encode()).hexdigest()


class FeedbackLog:
    """Answers and the votes on them, in the state database."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    def record_answer(self, item_ids: Sequence[str], *, at: float | None = None) -> str:
        """Give a posted answer an id, remembering which learning points it showed (in order)."""
        answer_id = uuid.uuid4().hex
        shown = list(dict.fromkeys(item_ids))[:MAX_ITEMS]
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO answers (id, answered_at) VALUES (?, ?)", (answer_id, time.time() if at is None else at)
            )
            conn.executemany(
                "INSERT INTO answer_items (answer_id, position, item_id) VALUES (?, ?, ?)",
                [(answer_id, position, item_id) for position, item_id in enumerate(shown, start=1)],
            )
        return answer_id

    def answer_items(self, answer_id: str) -> list[str]:
        """The item ids an answer showed, in order; raises `UnknownAnswerError` for an unknown answer."""
        if self.store.conn.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)).fetchone() is None:
            raise UnknownAnswerError("That answer is no longer on record, so the vote could not be counted.")
        rows = self.store.conn.execute(
            "SELECT item_id FROM answer_items WHERE answer_id = ? ORDER BY position", (answer_id,)
        )
        return [row[0] for row in rows]

    def record_vote(self, answer_id: str, user_id: str, vote: Vote | str, *, at: float | None = None) -> Outcome:
        """Record a person's Helpful / Not helpful on an answer: once per person per answer, latest click wins.

        Raises `FeedbackError` for a vote that is neither, a missing user, or an unknown answer id.
        """
        try:
            vote = Vote(vote)
        except ValueError:
            raise FeedbackError(f"Unknown vote {str(vote)[:40]!r}: expected helpful or not_helpful.") from None
        if not user_id or not user_id.strip():
            raise FeedbackError("A vote needs the id of the person voting.")
        if not answer_id or len(answer_id) > 64:
            raise UnknownAnswerError("That answer is no longer on record, so the vote could not be counted.")
        voter = voter_key(answer_id, user_id)
        now = time.time() if at is None else at
        with self.store.transaction() as conn:
            if conn.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)).fetchone() is None:
                raise UnknownAnswerError("That answer is no longer on record, so the vote could not be counted.")
            row = conn.execute(
                "SELECT vote FROM feedback_votes WHERE answer_id = ? AND voter = ?", (answer_id, voter)
            ).fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO feedback_votes (answer_id, voter, vote, voted_at) VALUES (?, ?, ?, ?)",
                    (answer_id, voter, vote.value, now),
                )
                return Outcome.RECORDED
            if row["vote"] == vote.value:
                return Outcome.UNCHANGED
            conn.execute(
                "UPDATE feedback_votes SET vote = ?, voted_at = ? WHERE answer_id = ? AND voter = ?",
                (vote.value, now, answer_id, voter),
            )
            return Outcome.CHANGED

    def report(self, kb: KnowledgeBase | None = None) -> FeedbackReport:
        """Helpfulness per learning point and per theme (a vote counts once for each theme its answer showed).

        With a knowledge base, items and themes are named; items no longer in it are listed by id only.
        """
        conn = self.store.conn
        votes = conn.execute("SELECT answer_id, vote FROM feedback_votes").fetchall()
        shown: dict[str, list[str]] = {}
        for row in conn.execute("SELECT answer_id, item_id FROM answer_items ORDER BY answer_id, position"):
            shown.setdefault(row["answer_id"], []).append(row["item_id"])
        answers = conn.execute("SELECT count(*) FROM answers").fetchone()[0]

        item_counts: dict[str, list[int]] = {}
        theme_counts: dict[str, list[int]] = {}
        item_themes: dict[str, tuple[str, ...]] = {}
        items_known: dict[str, Result | None] = {}
        empty = 0
        for row in votes:
            index = 0 if row["vote"] == Vote.HELPFUL.value else 1
            item_ids = shown.get(row["answer_id"], [])
            if not item_ids:
                empty += 1
            themes: set[str] = set()
            for item_id in item_ids:
                item_counts.setdefault(item_id, [0, 0])[index] += 1
                if item_id not in item_themes:
                    result = _item(kb, item_id)
                    items_known[item_id] = result
                    item_themes[item_id] = result.themes if result is not None else ()
                themes.update(item_themes[item_id])
            for theme_id in themes:
                theme_counts.setdefault(theme_id, [0, 0])[index] += 1

        theme_names = {theme.id: theme.name for theme in kb.themes()} if kb is not None else {}
        items = []
        for item_id, (helpful, not_helpful) in item_counts.items():
            result = items_known.get(item_id)
            detail: dict[str, Any] = {"in_knowledge_base": result is not None} if kb is not None else {}
            name = item_id
            if result is not None:
                name = _excerpt(result.text)
                detail.update(audit=result.audit.id, kind=result.kind, themes=list(result.themes))
            items.append(Helpfulness(item_id, name, helpful, not_helpful, detail))
        themes_out = [
            Helpfulness(theme_id, theme_names.get(theme_id, theme_id), helpful, not_helpful)
            for theme_id, (helpful, not_helpful) in theme_counts.items()
        ]
        helpful_total = sum(1 for row in votes if row["vote"] == Vote.HELPFUL.value)
        return FeedbackReport(
            votes=len(votes),
            helpful=helpful_total,
            not_helpful=len(votes) - helpful_total,
            answers=answers,
            answers_rated=len({row["answer_id"] for row in votes}),
            votes_on_empty_answers=empty,
            items=tuple(sorted(items, key=_busiest_first)),
            themes=tuple(sorted(themes_out, key=_busiest_first)),
        )


def _busiest_first(entry: Helpfulness) -> tuple[int, float, str]:
    return (-entry.votes, entry.share, entry.id)


def _item(kb: KnowledgeBase | None, item_id: str) -> Result | None:
    if kb is None:
        return None
    from knowledge.base import NotFoundError

    try:
        return kb.item(item_id)
    except NotFoundError:
        return None


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"


def report_text(report: FeedbackReport) -> str:
    """The feedback report as plain text: totals, then helpfulness per theme and per learning point."""
    if not report.votes:
        return f"No feedback yet ({report.answers} answers given, none rated)."
    lines = [
        f"Feedback: {report.votes} votes on {report.answers_rated} of {report.answers} answers"
        f" ({report.helpful} helpful, {report.not_helpful} not helpful).",
    ]
    if report.votes_on_empty_answers:
        lines.append(f"{report.votes_on_empty_answers} votes were on answers that found no learning points.")
    lines += ["", "By theme (a vote counts once for each theme its answer showed):"]
    lines += _table(report.themes, name_width=44)
    lines += ["", "By learning point:"]
    lines += _table(report.items, name_width=44, with_id=True)
    return "\n".join(lines)


def _table(rows: Sequence[Helpfulness], *, name_width: int, with_id: bool = False) -> list[str]:
    if not rows:
        return ["  (none)"]
    header = f"  {'helpful':>7} {'not':>5} {'share':>6}  "
    lines = [header + ("id        " if with_id else "") + "name"]
    for row in rows:
        ident = f"{row.id:<9} " if with_id else ""
        name = row.name if len(row.name) <= name_width * 2 else row.name[: name_width * 2 - 1] + "…"
        lines.append(f"  {row.helpful:>7} {row.not_helpful:>5} {row.share:>6.0%}  {ident}{name}")
    return lines


def outcome_text(outcome: Outcome, vote: Vote) -> str:
    """The private thank-you for a click."""
    if outcome is Outcome.CHANGED:
        return f"Thanks — I've changed your feedback on that answer to “{vote.label}”."
    if outcome is Outcome.UNCHANGED:
        return f"Thanks — your “{vote.label}” on that answer was already counted."
    if vote is Vote.HELPFUL:
        return "Thanks for letting me know this was helpful."
    return "Thanks for letting me know this wasn't helpful: it helps us improve the answers."
