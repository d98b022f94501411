"""The shapes of the knowledge-base data files, as frozen pydantic models.

Every model forbids unknown keys so a typo in a data file fails loudly instead of being ignored.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Word = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Text = Annotated[str, StringConstraints(min_length=1)]

_WHITESPACE = re.compile(r"\s+")


def normalise_whitespace(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends (the only change allowed to report text)."""
    return _WHITESPACE.sub(" ", text).strip()


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Kind(StrEnum):
    """How the report files a bullet."""

    FINDING = "finding"
    RECOMMENDATION = "recommendation"
    CONTEXT = "context"

    @property
    def label(self) -> str:
        return {
            "finding": "Finding",
            "recommendation": "Learning/recommendation",
            "context": WHY_DONE,
        }[self.value]


# How a context passage (an audit's purpose, its Business Plan priority, its introduction) is labelled wherever it
# is shown: report text about why the audit was done, never a finding or a recommendation.
WHY_DONE = "Why this audit was done"


class Wording(StrEnum):
    """How a bullet the report files under Learning/Recommendations reads: a curated judgement, the filing kept.

    Most ask something of agencies ("Police should keep families ... updated"); some state what the auditors saw
    ("Police stated that they were routinely notified of CP meetings"): those are learning points, not asks.
    """

    ASK = "ask"
    OBSERVATION = "observation"

    @property
    def label(self) -> str:
        return {"ask": "asks of agencies", "observation": "learning point"}[self.value]


def kind_label(kind: str, reads_as: str | None) -> str:
    """How a learning point is labelled wherever it is shown: the report's filing, then how it reads."""
    label = Kind(kind).label
    if kind == Kind.RECOMMENDATION.value:
        label += f": {Wording(reads_as or Wording.ASK.value).label}"
    return label


class Fact(Frozen):
    """A figure the report gives as context for an audit."""

    label: Text
    value: Text
    item: Slug | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _numbers_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int | float) else value


class Item(Frozen):
    """One bullet of the report, verbatim, with the agencies and themes it concerns."""

    id: Slug
    kind: Kind
    section: Text
    text: Text
    agencies: tuple[Slug, ...] = Field(min_length=1)
    themes: tuple[Slug, ...] = Field(min_length=1)
    notes: tuple[Text, ...] = ()
    reads_as: Wording | None = None  # only for kind recommendation; "observation" needs a note saying why

    @field_validator("text")
    @classmethod
    def _whitespace_only(cls, text: str) -> str:
        return normalise_whitespace(text)

    @field_validator("reads_as")
    @classmethod
    def _reads_as_a_recommendation(cls, reads_as: Wording | None, info: ValidationInfo) -> Wording | None:
        kind = info.data.get("kind")
        if reads_as is not None and kind is not None and kind is not Kind.RECOMMENDATION:
            raise ValueError(f"applies only to items of kind recommendation, not {kind.value}")
        if reads_as is Wording.OBSERVATION and not info.data.get("notes"):
            raise ValueError("observation needs a note (notes) saying why the bullet reads as one")
        return reads_as

    @property
    def wording(self) -> Wording | None:
        """How a recommendation reads (asks by default); None for findings and context."""
        if self.kind is not Kind.RECOMMENDATION:
            return None
        return self.reads_as or Wording.ASK


class Audit(Frozen):
    """One multi-agency audit: its metadata and the items the report lists for it."""

    id: Slug
    title: Text
    short_title: Text
    priority: Text | None = None
    # Optional: many boards' reports state neither; shown as "not stated", never invented.
    cases_audited: int | None = Field(default=None, ge=1)
    completed: Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] | None = None
    purpose: Text
    # The report's sentence(s) under the audit's own heading, when they differ from the purpose (verbatim).
    introduction: Text | None = None
    facts: tuple[Fact, ...] = ()
    notes: tuple[Text, ...] = ()
    items: tuple[Item, ...] = Field(min_length=1)

    @property
    def passages(self) -> tuple[Item, ...]:
        """The audit's items, then its purpose and Business Plan priority as context passages (see
        `context_passages`): everything a question can be answered from."""
        return (*self.items, *self.context_passages)

    @property
    def context_passages(self) -> tuple[Item, ...]:
        """The audit's purpose, priority and introduction, verbatim, as searchable context passages labelled why
        the audit was done, unless an item (or another of the three) already holds the text. Tagged with every agency (a
        multi-agency audit's purpose concerns the partnership) and the audit's defining theme(s): the theme(s)
        tagging most of its items."""
        counts: dict[str, int] = {}
        for item in self.items:
            for theme in item.themes:
                counts[theme] = counts.get(theme, 0) + 1
        if not counts:  # an audit built without items (synthetic benchmark data) has no passages to add to
            return ()
        top = max(counts.values())
        themes = tuple(theme for theme, count in counts.items() if count == top)
        held = [comparable_text(item.text) for item in self.items]
        passages: list[Item] = []
        named = (("purpose", self.purpose), ("priority", self.priority), ("introduction", self.introduction))
        for name, text in named:
            if text is None or any(comparable_text(text) in other for other in held):
                continue
            held.append(comparable_text(text))
            passages.append(
                Item(
                    id=f"{self.id}-{name}",
                    kind=Kind.CONTEXT,
                    section=WHY_DONE,
                    text=text,
                    agencies=(ALL_AGENCIES,),
                    themes=themes,
                    notes=(f"The audit's {name} as the report states it (audit metadata), shown as a passage.",),
                )
            )
        return tuple(passages)

    @property
    def completed_label(self) -> str:
        """The completion month as the report writes it, e.g. "August 2016" ("not stated" when it gives none)."""
        if self.completed is None:
            return NOT_STATED
        year, month = self.completed.split("-")
        names = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ]
        return f"{names[int(month) - 1]} {year}"


NOT_STATED = "not stated"

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def comparable_text(text: str) -> str:
    """Report text compared for holding another (whitespace, case and curly quotes aside)."""
    return normalise_whitespace(text).translate(_QUOTES).casefold()


def cases_label(cases: int | None) -> str:
    """How many cases an audit looked at, for people: "8 cases audited", or "cases audited: not stated"."""
    return f"{cases} cases audited" if cases is not None else f"cases audited: {NOT_STATED}"


class Agency(Frozen):
    id: Slug
    name: Text
    description: Text
    parent: Slug | None = None
    aliases: tuple[Word, ...] = ()


class Theme(Frozen):
    id: Slug
    name: Text
    description: Text
    why_it_matters: Text
    keywords: tuple[Word, ...] = ()
    # The 7-minute briefing's reflective questions for a team: two or three, so they fit in the seven minutes.
    discussion_questions: tuple[Text, ...] = Field(min_length=2, max_length=3)


class GlossaryTerm(Frozen):
    id: Slug
    term: Text
    expansion: Text | None = None
    definition: Text
    aliases: tuple[Word, ...] = ()
    # The concept as practitioners describe it in their own words, without naming it ("parents who nod along in
    # meetings then carry on as before"): matched like the definition, never shown as learning.
    described_as: tuple[Text, ...] = ()


class ThesaurusEntry(Frozen):
    """A group of practitioners' words that should find the report's words."""

    id: Slug
    terms: tuple[Word, ...] = Field(min_length=1)
    variants: tuple[Word, ...] = ()
    themes: tuple[Slug, ...] = ()
    agencies: tuple[Slug, ...] = ()


class OffTopicFile(Frozen):
    """Words that mark a question as being about the workplace, not practice ("annual leave", "vpn")."""

    phrases: tuple[Word, ...] = ()


class Act(Frozen):
    """A topic told by what someone did rather than named: one of `actors` followed, in the same sentence and within
    `reach` words, by one of `deeds` ("a member of nursery staff seen grabbing a toddler": an allegation against
    staff)."""

    actors: tuple[Word, ...] = Field(min_length=1)
    deeds: tuple[Word, ...] = Field(min_length=1)
    reach: int = Field(default=3, ge=1, le=6)


class Signpost(Frozen):
    """A safeguarding topic the audits do not cover, and where to send someone who asks about it."""

    id: Slug
    name: Text
    phrases: tuple[Word, ...] = Field(min_length=1)
    message: Text
    link: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    # About the kind of question (procedures, thresholds), not a topic: shown only when no topic signpost is named.
    fallback: bool = False
    # Only for questions of this intent ("fact": "how many ... last year" asks for figures the audits do not keep).
    intent: Literal["fact"] | None = None
    # The topic told by what someone did, with no phrase of it typed.
    acts: tuple[Act, ...] = ()
    # Passages that name the topic without learning on it (a board priority naming it): shown with the message,
    # so the asker sees every sentence the report has on it.
    passages: tuple[Slug, ...] = ()


class SignpostFile(Frozen):
    """Out-of-scope safeguarding topics ("FGM", "Prevent") with a message and link shown instead of results."""

    signposts: tuple[Signpost, ...] = ()


class AgencyFile(Frozen):
    agencies: tuple[Agency, ...] = Field(min_length=1)


class ThemeFile(Frozen):
    themes: tuple[Theme, ...] = Field(min_length=1)


class GlossaryFile(Frozen):
    terms: tuple[GlossaryTerm, ...] = Field(min_length=1)


class ThesaurusFile(Frozen):
    entries: tuple[ThesaurusEntry, ...] = ()


ALL_AGENCIES = "all-agencies"
