"""The shapes of the knowledge-base data files, as frozen pydantic models.

Every model forbids unknown keys so a typo in a data file fails loudly instead of being ignored.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

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
        return {"finding": "Finding", "recommendation": "Learning/recommendation", "context": "Context"}[self.value]


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

    @field_validator("text")
    @classmethod
    def _whitespace_only(cls, text: str) -> str:
        return normalise_whitespace(text)


class Audit(Frozen):
    """One multi-agency audit: its metadata and the items the report lists for it."""

    id: Slug
    title: Text
    short_title: Text
    priority: Text | None = None
    cases_audited: int = Field(ge=1)
    completed: Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
    purpose: Text
    facts: tuple[Fact, ...] = ()
    notes: tuple[Text, ...] = ()
    items: tuple[Item, ...] = Field(min_length=1)

    @property
    def completed_label(self) -> str:
        """The completion month as the report writes it, e.g. "August 2016"."""
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


class AgencyFile(Frozen):
    agencies: tuple[Agency, ...] = Field(min_length=1)


class ThemeFile(Frozen):
    themes: tuple[Theme, ...] = Field(min_length=1)


class GlossaryFile(Frozen):
    terms: tuple[GlossaryTerm, ...] = Field(min_length=1)


class ThesaurusFile(Frozen):
    entries: tuple[ThesaurusEntry, ...] = ()


ALL_AGENCIES = "all-agencies"
