"""The weekly learning-theme digest: what one post holds, as plain text, and which theme comes next.

A digest is a "7-minute briefing" on one theme, the shape safeguarding partnerships use to take learning into
team meetings: why it matters (from themes.yaml), what the audits found (quoted verbatim, with the audit they come
from), the learning points the report files under Learning/Recommendations but words as observations, what agencies
are asked to do (verbatim, with the agencies addressed), two or three reflective questions for the team (from
themes.yaml) and the acronyms used. Reading it takes a few minutes (`Digest.reading_minutes`), which leaves the rest
of the seven for the questions.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from knowledge.base import AuditRef, KnowledgeBase, NotFoundError, Result
from knowledge.models import Kind, Wording

WIDTH = 100
EVENT_TYPE = "learning_digest"
SOURCE = "LSCB multi-agency audits 2016–17"
BRIEFING = "7-minute briefing"
READING_WORDS_PER_MINUTE = 200  # a common figure for reading plain professional prose
TEAM_PROMPT = "Read it together in a team meeting, then take the rest of the seven minutes for these:"
LEARNING_POINTS_HEADING = "Learning points (filed under Learning/Recommendations, worded as observations)"
ASKS_HEADING = "What agencies are asked to do"
# Most findings (and most items filed under Learning/Recommendations) one digest quotes, in report order: more
# than a Slack message of 50 blocks can hold, so the post is unchanged for any real theme, and the digest of a
# theme with thousands of points in a large library is built from what can be shown rather than from everything.
POINTS_PER_KIND = 100


@dataclass(frozen=True)
class Point:
    """One learning point, verbatim, with the names of the agencies it concerns."""

    id: str
    text: str
    agencies: tuple[str, ...]


@dataclass(frozen=True)
class AuditPoints:
    """The learning points of one audit, in report order."""

    audit: AuditRef
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Digest:
    theme_id: str
    name: str
    why_it_matters: str
    findings: tuple[AuditPoints, ...]
    recommendations: tuple[AuditPoints, ...]
    questions: tuple[str, ...]
    acronyms: tuple[tuple[str, str], ...]
    # Filed under Learning/Recommendations by the report but worded as observations (`reads_as: observation`):
    # kept apart from `recommendations`, which holds only what agencies are asked to do.
    learning_points: tuple[AuditPoints, ...] = ()

    @property
    def point_count(self) -> int:
        return sum(len(group.points) for group in self._groups())

    @property
    def reading_minutes(self) -> int:
        """Minutes to read the briefing aloud or alone (rounded up; at least 1)."""
        words = sum(
            len(text.split())
            for text in (self.why_it_matters, *self.texts(), *self.questions, *(full for _, full in self.acronyms))
        )
        return max(1, -(-words // READING_WORDS_PER_MINUTE))

    def about(self, week: str | None = None) -> str:
        """The line under the title: briefing, week, source, size and reading time."""
        parts = (
            BRIEFING,
            week,
            SOURCE,
            f"{self.point_count} learning points",
            f"about {self.reading_minutes} min to read",
        )
        return " · ".join(part for part in parts if part)

    def texts(self) -> list[str]:
        """Every verbatim learning point in the digest."""
        return [point.text for group in self._groups() for point in group.points]

    def _groups(self) -> tuple[AuditPoints, ...]:
        return (*self.findings, *self.learning_points, *self.recommendations)


def build_digest(kb: KnowledgeBase, theme_id: str) -> Digest:
    """The digest for a theme; raises NotFoundError for an unknown theme or one with no learning points."""
    theme = kb.theme(theme_id)
    findings = kb.theme_items(theme_id, kind=Kind.FINDING.value, limit=POINTS_PER_KIND)
    filed = kb.theme_items(theme_id, kind=Kind.RECOMMENDATION.value, limit=POINTS_PER_KIND)
    items = [*findings, *filed]
    observations = [item for item in filed if item.reads_as == Wording.OBSERVATION.value]
    recommendations = [item for item in filed if item.reads_as != Wording.OBSERVATION.value]
    if not findings and not filed:
        raise NotFoundError(f"theme {theme_id!r} has no findings or recommendations")
    questions = tuple(theme["discussion_questions"])
    used = " ".join([theme["name"], theme["why_it_matters"], *questions, *(item.text for item in items)])
    return Digest(
        theme_id=theme_id,
        name=theme["name"],
        why_it_matters=theme["why_it_matters"],
        findings=_by_audit(findings, kb),
        recommendations=_by_audit(recommendations, kb),
        questions=questions,
        acronyms=tuple((entry["term"], entry["expansion"]) for entry in kb.acronyms_in(used)),
        learning_points=_by_audit(observations, kb),
    )


def _by_audit(items: Iterable[Result], kb: KnowledgeBase) -> tuple[AuditPoints, ...]:
    groups: dict[str, list[Result]] = {}
    audits: dict[str, AuditRef] = {}
    for item in items:
        groups.setdefault(item.audit.id, []).append(item)
        audits[item.audit.id] = item.audit
    ordered = sorted(groups, key=lambda audit_id: (audits[audit_id].completed or "", audit_id))
    return tuple(
        AuditPoints(
            audits[audit_id],
            tuple(
                Point(item.id, item.text, tuple(kb.agency_name(agency) for agency in item.agencies))
                for item in groups[audit_id]
            ),
        )
        for audit_id in ordered
    )


def next_theme(order: Sequence[str], history: Sequence[str]) -> str | None:
    """The next theme in the rotation: the first, in data order, not yet posted in the current cycle.

    `order` is the themes that have learning points now, in data order; `history` is the themes already chosen,
    oldest first. A cycle ends once every current theme has been posted; a theme added later joins the current
    cycle, and one removed from the data is ignored.
    """
    current = set(order)
    if not current:
        return None
    seen: set[str] = set()
    for theme in history:
        if theme in current:
            seen.add(theme)
            if seen >= current:
                seen = set()
    return next(theme for theme in order if theme not in seen)


def _wrap(text: str, first: str, rest: str | None = None) -> list[str]:
    # Never break inside a word or at a hyphen: the learning points must read verbatim once unwrapped.
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=first,
        subsequent_indent=rest if rest is not None else first,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _section_text(heading: str, groups: Sequence[AuditPoints], *, agencies: str | None = None) -> list[str]:
    """One part of the plain-text digest: its heading, then each audit's points (with whom they concern)."""
    if not groups:
        return []
    lines = ["", heading]
    for group in groups:
        lines.append(f"  {group.audit.title} (completed {group.audit.completed_label})")
        for point in group.points:
            lines += _wrap(point.text, "  - ", "    ")
            if agencies is not None:
                lines += _wrap(f"{agencies}: " + ", ".join(point.agencies), "    ")
    return lines


def digest_text(digest: Digest, *, week: str | None = None) -> str:
    """The digest as plain text (for `learning-bot digest preview`), worded as the Slack post is."""
    lines = [f"Learning theme of the week: {digest.name}"]
    lines.append(digest.about(week))
    lines += ["", "Why it matters", *_wrap(digest.why_it_matters, "  ")]
    lines += _section_text("What the audits found", digest.findings)
    lines += _section_text(LEARNING_POINTS_HEADING, digest.learning_points, agencies="Concerns")
    lines += _section_text(ASKS_HEADING, digest.recommendations, agencies="For")
    if digest.questions:
        lines += ["", "Questions for your team", *_wrap(TEAM_PROMPT, "  ")]
        for number, question in enumerate(digest.questions, start=1):
            lines += _wrap(question, f"  {number}. ", "     ")
    if digest.acronyms:
        lines += ["", *_wrap("Acronyms: " + "; ".join(f"{term} = {full}" for term, full in digest.acronyms), "")]
    return "\n".join(lines)
