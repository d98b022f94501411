"""What practitioners ask about, recorded without their questions, for the board's Learning and Improvement group.

For every question answered the state database keeps one row: when (to the hour, UTC), which themes and
agencies the question matched (`Answer.themes`, `Answer.agencies`), whether anything was found and how many
learning points matched. Never the question's text, and never who asked. Pages of the same answer ("More")
are not new questions: record only the first page.

`QuestionLog.report` gives the most-asked themes and agencies and, per ISO week (Monday to Sunday, UTC), the
share of questions the audits had no answer for.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from knowledge.records.migrations import POSTGRESQL, SQLITE
from knowledge.records.state import StateStore

if TYPE_CHECKING:
    from knowledge.base import KnowledgeBase

# Times are kept to the hour: the reports need no more, and a coarse time is harder to tie to one message.
TIME_RESOLUTION = 3600


class Answered(Protocol):
    """What is recorded of an answer (a `knowledge.base.Answer`); its question text is never read."""

    @property
    def found(self) -> bool: ...

    themes: tuple[str, ...]
    agencies: tuple[str, ...]
    total: int


@dataclass(frozen=True)
class Tally:
    id: str
    name: str
    questions: int
    share: float  # of all questions in the period

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "questions": self.questions, "share": round(self.share, 4)}


@dataclass(frozen=True)
class Week:
    """One ISO week: how many questions, and how many found nothing."""

    week: str  # "2017-W05"
    starts: date
    questions: int
    unanswered: int

    @property
    def unanswered_rate(self) -> float | None:
        return self.unanswered / self.questions if self.questions else None

    def to_json(self) -> dict[str, Any]:
        rate = self.unanswered_rate
        return {
            "week": self.week,
            "starts": self.starts.isoformat(),
            "questions": self.questions,
            "unanswered": self.unanswered,
            "unanswered_rate": None if rate is None else round(rate, 4),
        }


@dataclass(frozen=True)
class InsightsReport:
    since: date | None
    questions: int
    unanswered: int
    themes: tuple[Tally, ...]
    agencies: tuple[Tally, ...]
    weeks: tuple[Week, ...]

    @property
    def unanswered_rate(self) -> float | None:
        return self.unanswered / self.questions if self.questions else None

    def to_json(self) -> dict[str, Any]:
        rate = self.unanswered_rate
        return {
            "since": self.since.isoformat() if self.since else None,
            "questions": self.questions,
            "unanswered": self.unanswered,
            "unanswered_rate": None if rate is None else round(rate, 4),
            "themes": [tally.to_json() for tally in self.themes],
            "agencies": [tally.to_json() for tally in self.agencies],
            "weeks": [week.to_json() for week in self.weeks],
        }


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _timestamp(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


class QuestionLog:
    """The record of questions asked (never their text), in the state database."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    def record(self, answer: Answered, *, at: float | None = None) -> None:
        """Record one answered question: its time (to the hour), matched themes and agencies, and what was found."""
        now = time.time() if at is None else at
        self.record_counts(
            themes=answer.themes, agencies=answer.agencies, found=answer.found, results=answer.total, at=now
        )

    def record_counts(
        self, *, themes: Iterable[str], agencies: Iterable[str], found: bool, results: int, at: float
    ) -> None:
        """Record one question from its parts (what `record` stores for an `Answer`)."""
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO questions_asked (asked_at, found, results, themes, agencies) VALUES (?, ?, ?, ?, ?)",
                (
                    at - at % TIME_RESOLUTION,
                    int(bool(found)),
                    max(int(results), 0),
                    json.dumps(sorted(set(themes))),
                    json.dumps(sorted(set(agencies))),
                ),
            )

    def report(self, *, since: date | None = None, kb: KnowledgeBase | None = None, top: int = 10) -> InsightsReport:
        """Most-asked themes and agencies (top `top` of each) and the unanswered rate per ISO week since `since`."""
        where, params = ("WHERE asked_at >= ?", (_timestamp(since),)) if since else ("", ())
        conn = self.store.conn
        questions, unanswered = conn.execute(
            f"SELECT count(*), coalesce(sum(1 - found), 0) FROM questions_asked {where}", params
        ).fetchone()
        theme_names = {theme.id: theme.name for theme in kb.themes()} if kb is not None else {}
        agency_names = {agency.id: agency.name for agency in kb.agencies()} if kb is not None else {}

        postgres = getattr(self.store, "dialect", SQLITE) == POSTGRESQL
        # Each id in a JSON list column, one row each; and the UTC day of a timestamp: spelled per dialect.
        if postgres:
            elements = "jsonb_array_elements_text(questions_asked.{0}::jsonb)"
            day = "to_char(to_timestamp(asked_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
        else:
            elements, day = "json_each(questions_asked.{0})", "date(asked_at, 'unixepoch')"

        def tallies(column: str, names: dict[str, str]) -> tuple[Tally, ...]:
            rows = conn.execute(
                f"SELECT each.value AS id, count(*) AS n FROM questions_asked, {elements.format(column)}"
                f" AS each{'(value)' if postgres else ''} {where} GROUP BY each.value ORDER BY n DESC, each.value"
                " LIMIT ?",
                (*params, top),
            )
            return tuple(
                Tally(row["id"], names.get(row["id"], row["id"]), row["n"], row["n"] / questions) for row in rows
            )

        days = conn.execute(
            f"SELECT {day} AS day, count(*) AS n, sum(1 - found) AS unanswered"
            f" FROM questions_asked {where} GROUP BY day ORDER BY day",
            params,
        ).fetchall()
        return InsightsReport(
            since=since,
            questions=questions,
            unanswered=unanswered,
            themes=tallies("themes", theme_names),
            agencies=tallies("agencies", agency_names),
            weeks=_weeks((date.fromisoformat(row["day"]), row["n"], row["unanswered"]) for row in days),
        )


def _weeks(days: Iterable[tuple[date, int, int]]) -> tuple[Week, ...]:
    """Group daily counts into ISO weeks, with the quiet weeks in between shown as zero questions."""
    counts: dict[date, list[int]] = {}
    for day, questions, unanswered in days:
        monday = day - timedelta(days=day.weekday())
        totals = counts.setdefault(monday, [0, 0])
        totals[0] += questions
        totals[1] += unanswered
    if not counts:
        return ()
    weeks = []
    monday, last = min(counts), max(counts)
    while monday <= last:
        questions, unanswered = counts.get(monday, (0, 0))
        weeks.append(Week(iso_week(monday), monday, questions, unanswered))
        monday += timedelta(days=7)
    return tuple(weeks)


def report_text(report: InsightsReport) -> str:
    """The insights report as plain text."""
    period = f"since {report.since.isoformat()}" if report.since else "so far"
    if not report.questions:
        return f"No questions recorded {period}."
    lines = [
        f"Questions {period}: {report.questions}, of which {report.unanswered} found nothing in the audits"
        f" ({report.unanswered_rate:.0%}).",
        "",
        "Most-asked themes:",
        *_tally_lines(report.themes),
        "",
        "Most-asked agencies:",
        *_tally_lines(report.agencies),
        "",
        "Questions without an answer, by ISO week (UTC):",
        f"  {'week':<9} {'from':<10} {'asked':>6} {'no answer':>9} {'rate':>5}",
    ]
    for week in report.weeks:
        rate = "—" if week.unanswered_rate is None else f"{week.unanswered_rate:.0%}"
        lines.append(
            f"  {week.week:<9} {week.starts.isoformat():<10} {week.questions:>6} {week.unanswered:>9} {rate:>5}"
        )
    lines += ["", "Shares are of all questions in the period; one question can match several themes."]
    return "\n".join(lines)


def _tally_lines(tallies: tuple[Tally, ...]) -> list[str]:
    if not tallies:
        return ["  (none matched)"]
    return [f"  {tally.questions:>5} {tally.share:>5.0%}  {tally.name}" for tally in tallies]
