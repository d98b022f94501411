"""The tables of the board's report for a period, gathered read-only from the state database.

Every table is a `Table` (a title, columns and rows) so the page, its charts and the CSV files show the same
numbers. Weeks are ISO weeks (Monday to Sunday, UTC); a period is whole days, `start` to `end` inclusive.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from knowledge.records.discussions import DiscussionLog
from knowledge.records.escalations import EscalationLog
from knowledge.records.gaps import GapLog
from knowledge.records.insights import iso_week

if TYPE_CHECKING:
    from knowledge.base import KnowledgeBase
    from knowledge.records.state import StateStore

Cell = str | int | float
MAX_PERIOD_DAYS = 400


class PeriodError(ValueError):
    """A report period that cannot be used (ends before it starts, or is longer than a year)."""


@dataclass(frozen=True)
class Table:
    """One table of the report: `name` is its CSV file's stem."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""

    def column(self, name: str) -> list[Cell]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(f"the period ends ({self.end}) before it starts ({self.start})")
        if (self.end - self.start).days > MAX_PERIOD_DAYS:
            raise PeriodError(f"the period is longer than {MAX_PERIOD_DAYS} days; report a quarter or a year")

    @property
    def bounds(self) -> tuple[float, float]:
        """[start, end) as Unix times."""
        start = datetime(self.start.year, self.start.month, self.start.day, tzinfo=UTC)
        end = datetime(self.end.year, self.end.month, self.end.day, tzinfo=UTC) + timedelta(days=1)
        return start.timestamp(), end.timestamp()

    def weeks(self) -> list[str]:
        monday = self.start - timedelta(days=self.start.weekday())
        weeks = []
        while monday <= self.end:
            weeks.append(iso_week(monday))
            monday += timedelta(days=7)
        return weeks

    @property
    def label(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"


@dataclass(frozen=True)
class Summary:
    questions: int
    unanswered: int
    helpful: int
    not_helpful: int
    digests_posted: int
    discussions: int
    agencies_discussing: int
    escalations_opened: int
    escalations_resolved: int
    escalations_open: int
    gaps_added: int


@dataclass(frozen=True)
class BoardReport:
    period: Period
    summary: Summary
    tables: dict[str, Table] = field(default_factory=dict)


def _week_of(timestamp: float) -> str:
    return iso_week(datetime.fromtimestamp(timestamp, UTC).date())


def build_report(store: StateStore, kb: KnowledgeBase, period: Period) -> BoardReport:
    """Gather every table for `period` (read-only: nothing in the state database changes)."""
    start, end = period.bounds
    weeks = period.weeks()
    conn = store.conn
    theme_names = {theme.id: theme.name for theme in kb.themes()}
    for theme_id in _all_theme_ids(kb):
        theme_names.setdefault(theme_id, kb.theme(theme_id)["name"])
    agency_names = {agency.id: agency.name for agency in kb.agencies()}

    # Questions asked (never their text): by week, theme and agency.
    by_week: Counter[str] = Counter()
    unanswered_week: Counter[str] = Counter()
    theme_week: dict[str, Counter[str]] = defaultdict(Counter)
    agency_week: dict[str, Counter[str]] = defaultdict(Counter)
    for row in conn.execute(
        "SELECT asked_at, found, themes, agencies FROM questions_asked WHERE asked_at >= ? AND asked_at < ?",
        (start, end),
    ):
        week = _week_of(row["asked_at"])
        by_week[week] += 1
        unanswered_week[week] += 0 if row["found"] else 1
        for theme_id in json.loads(row["themes"]):
            theme_week[theme_id][week] += 1
        for agency_id in json.loads(row["agencies"]):
            agency_week[agency_id][week] += 1
    questions_table = Table(
        "questions-by-week",
        "Questions asked and questions the audits had no answer for, by week",
        ("week", "questions", "no_answer"),
        tuple((week, by_week[week], unanswered_week[week]) for week in weeks),
    )
    theme_table = _by_week_table(
        "questions-by-theme", "Questions by theme and week", "theme", theme_week, theme_names, weeks
    )
    agency_table = _by_week_table(
        "questions-by-agency", "Questions by agency and week", "agency", agency_week, agency_names, weeks
    )

    # Topics the audits do not cover (counted without any question text), and the consented gaps list.
    gaps = GapLog(store)
    uncovered = gaps.uncovered_between(start, end)
    topic_table = Table(
        "unanswered-topics",
        "Questions the audits had no answer for, by topic",
        ("topic", "questions"),
        tuple((_topic_name(topic, theme_names), count) for topic, count in uncovered.items()),
        note="Counted by topic only; the questions themselves are not kept.",
    )
    gap_rows = gaps.gaps_between(start, end)
    gaps_table = Table(
        "audit-gaps",
        "Gaps for next year's audit programme (questions kept with the asker's consent)",
        ("added", "topic", "question"),
        tuple(
            (
                datetime.fromtimestamp(gap.added_at, UTC).date().isoformat(),
                _topic_name(gap.topic, theme_names),
                gap.question,
            )
            for gap in gap_rows
        ),
    )

    # Helpful / Not helpful votes, by the week they were given.
    helpful: Counter[str] = Counter()
    not_helpful: Counter[str] = Counter()
    for row in conn.execute(
        "SELECT voted_at, vote FROM feedback_votes WHERE voted_at >= ? AND voted_at < ?", (start, end)
    ):
        (helpful if row["vote"] == "helpful" else not_helpful)[_week_of(row["voted_at"])] += 1
    feedback_table = Table(
        "helpfulness",
        "Helpful and Not helpful votes on the answers, by week",
        ("week", "helpful", "not_helpful"),
        tuple((week, helpful[week], not_helpful[week]) for week in weeks),
    )

    # Digests posted, and the team discussions recorded against them.
    posted: dict[str, set[str]] = defaultdict(set)
    week_theme: dict[str, str] = {
        row["week"]: row["theme"]
        for row in conn.execute("SELECT week, theme FROM digest_weeks WHERE theme IS NOT NULL")
    }
    for row in conn.execute(
        "SELECT channel, week FROM digest_posts WHERE status = 'sent' AND sent_at >= ? AND sent_at < ?", (start, end)
    ):
        posted[row["week"]].add(row["channel"])
    discussions = DiscussionLog(store).between(start, end)
    discussed: Counter[str] = Counter()
    discussed_agencies: dict[str, set[str]] = defaultdict(set)
    by_agency: Counter[str] = Counter()
    teams_by_agency: dict[str, set[str]] = defaultdict(set)
    for discussion in discussions:
        discussed[discussion.week] += 1
        discussed_agencies[discussion.week].add(discussion.agency)
        by_agency[discussion.agency] += 1
        teams_by_agency[discussion.agency].add(discussion.team or f"(unnamed team of {discussion.recorded_by})")
    digest_weeks = sorted(set(posted) | set(discussed))
    digest_table = Table(
        "digests",
        "Digests posted and team discussions recorded, by digest week",
        ("week", "theme", "channels_posted", "team_discussions", "agencies"),
        tuple(
            (
                week,
                theme_names.get(week_theme.get(week, ""), week_theme.get(week, "")),
                len(posted[week]),
                discussed[week],
                len(discussed_agencies[week]),
            )
            for week in digest_weeks
        ),
        note="A digest discussed in the period counts here even if it was posted before the period began.",
    )
    discussion_table = Table(
        "discussions-by-agency",
        "Team discussions of the digests, by agency",
        ("agency", "discussions", "teams"),
        tuple(
            (agency_names.get(agency, agency), count, len(teams_by_agency[agency]))
            for agency, count in sorted(by_agency.items(), key=lambda pair: (-pair[1], pair[0]))
        ),
    )

    # "I need more help": requests opened in the period, and what became of them.
    requests = EscalationLog(store).between(start, end)
    opened: Counter[str] = Counter()
    resolved: Counter[str] = Counter()
    for request in requests:
        week = _week_of(request.requested_at)
        opened[week] += 1
        if request.status == "resolved":
            resolved[week] += 1
    escalation_table = Table(
        "escalations",
        "Requests for more help passed to the board's contact, by the week they were made",
        ("week", "opened", "resolved", "still_open"),
        tuple((week, opened[week], resolved[week], opened[week] - resolved[week]) for week in weeks),
        note="Resolved: marked resolved by the contact by the time this report was made.",
    )

    summary = Summary(
        questions=sum(by_week.values()),
        unanswered=sum(unanswered_week.values()),
        helpful=sum(helpful.values()),
        not_helpful=sum(not_helpful.values()),
        digests_posted=sum(len(channels) for channels in posted.values()),
        discussions=len(discussions),
        agencies_discussing=len(by_agency),
        escalations_opened=len(requests),
        escalations_resolved=sum(1 for request in requests if request.status == "resolved"),
        escalations_open=sum(1 for request in requests if request.status == "open"),
        gaps_added=len(gap_rows),
    )
    tables = (
        questions_table,
        theme_table,
        agency_table,
        topic_table,
        feedback_table,
        digest_table,
        discussion_table,
        escalation_table,
        gaps_table,
    )
    return BoardReport(period, summary, {table.name: table for table in tables})


def _all_theme_ids(kb: KnowledgeBase) -> list[str]:
    return [row[0] for row in kb.conn.execute("SELECT id FROM themes ORDER BY position")]


def _topic_name(topic: str, theme_names: dict[str, str]) -> str:
    from knowledge.topics import topic_name

    return theme_names.get(topic) or topic_name(topic)


def _by_week_table(
    name: str,
    title: str,
    key: str,
    counts: dict[str, Counter[str]],
    names: dict[str, str],
    weeks: Sequence[str],
) -> Table:
    """Long-form rows (week, id, name, questions), busiest id first, for every id asked about in the period."""
    ranked = sorted(counts, key=lambda ident: (-sum(counts[ident].values()), ident))
    rows = tuple((week, ident, names.get(ident, ident), counts[ident][week]) for ident in ranked for week in weeks)
    note = "One question can match several themes or agencies; each counts once for each."
    return Table(name, title, ("week", key + "_id", key, "questions"), rows, note=note)
