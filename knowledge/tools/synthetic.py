"""A deterministic synthetic knowledge base of any size, for benchmarking search at scale.

Synthetic passages recombine the sentences and clauses of the bundled items (and of the themes' and glossary's
curated descriptions) with practitioners' words from the thesaurus, glossary, theme keywords and agency aliases,
and carry realistic tags: the themes and agencies of the text they were made from. Real collections also hold
case references and misspellings, which keep their vocabulary growing with size; so do these. The bundled items
come first, verbatim, so questions about them still have their real answers among the noise.

This is benchmark data only: it is built into a temporary directory and never shipped or shown as knowledge.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from knowledge.loading import Knowledge
from knowledge.models import ALL_AGENCIES, Audit, Kind
from knowledge.store import item_row

# About as many passages per audit as a national repository's reviews hold learning points.
PASSAGES_PER_AUDIT = 66
SYNTHETIC_NOTE = "Synthetic benchmark data: never shipped, never shown as knowledge."

_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+")
_CLAUSE_BREAK = re.compile(r",\s+")
_WORD = re.compile(r"[A-Za-z]{5,}")
MAX_TAGS = 4


class SyntheticError(ValueError):
    """The synthetic knowledge base cannot be made as asked."""


@dataclass(frozen=True)
class Clause:
    """A piece of text to recombine, with the kind and tags of the item it came from."""

    text: str
    kind: str
    section: str
    themes: tuple[str, ...]
    agencies: tuple[str, ...]


@dataclass(frozen=True)
class Phrase:
    """A practitioner's word or phrase, with the tags its vocabulary entry stands for."""

    text: str
    themes: tuple[str, ...]
    agencies: tuple[str, ...]


@dataclass(frozen=True)
class Passage:
    """One item of the synthetic knowledge base (bundled items are passages too)."""

    item_id: str
    audit_id: str
    kind: str
    section: str
    text: str
    agencies: tuple[str, ...]
    themes: tuple[str, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SyntheticBase:
    """A knowledge value (real vocabularies, real and synthetic audits) and the passages to build with it."""

    knowledge: Knowledge
    passages: list[Passage]
    bundled: int

    def rows(self) -> Iterator[dict[str, Any]]:
        """The `items` rows for `knowledge.store.build(..., item_rows=...)`: stemming happens here, lazily."""
        for rowid, passage in enumerate(self.passages, start=1):
            yield item_row(
                rowid=rowid,
                item_id=passage.item_id,
                audit_id=passage.audit_id,
                kind=passage.kind,
                section=passage.section,
                text=passage.text,
                agencies=passage.agencies,
                themes=passage.themes,
                notes=passage.notes,
            )


def _pieces(text: str) -> Iterator[str]:
    for sentence in _SENTENCE_END.split(text):
        sentence = sentence.strip()
        if len(sentence.split()) > 25:
            yield from (part.strip() for part in _CLAUSE_BREAK.split(sentence))
        else:
            yield sentence


def clauses(knowledge: Knowledge) -> list[Clause]:
    """Sentences and clauses of the items and curated descriptions, at least three words each."""
    found: list[Clause] = []
    for _audit, item in knowledge.items:
        for piece in _pieces(item.text):
            if len(piece.split()) >= 3:
                found.append(Clause(piece, item.kind.value, item.section, item.themes, item.agencies))
    for theme in knowledge.themes:
        for piece in (*_pieces(theme.description), *_pieces(theme.why_it_matters)):
            if len(piece.split()) >= 3:
                found.append(Clause(piece, Kind.FINDING.value, "Findings", (theme.id,), ()))
    for term in knowledge.glossary:
        for piece in _pieces(term.definition):
            if len(piece.split()) >= 3:
                found.append(Clause(piece, Kind.CONTEXT.value, "Context", (), ()))
    return found


def phrases(knowledge: Knowledge) -> list[Phrase]:
    """Every practitioner's word the vocabularies hold, with its tags."""
    found: list[Phrase] = []
    for entry in knowledge.thesaurus:
        found += [Phrase(text, entry.themes, entry.agencies) for text in (*entry.terms, *entry.variants)]
    for theme in knowledge.themes:
        found += [Phrase(text, (theme.id,), ()) for text in (theme.name, *theme.keywords)]
    for agency in knowledge.agencies:
        if agency.id != ALL_AGENCIES:
            found += [Phrase(text, (), (agency.id,)) for text in (agency.name, *agency.aliases)]
    for term in knowledge.glossary:
        found += [Phrase(text, (), ()) for text in (term.term, term.expansion or "", *term.aliases) if text]
    return found


def misspell(word: str, rng: random.Random) -> str:
    """The word with one typing slip: a letter dropped, doubled, swapped with the next, or replaced."""
    index = rng.randrange(1, len(word) - 1)
    slip = rng.randrange(4)
    if slip == 0:
        return word[:index] + word[index + 1 :]
    if slip == 1:
        return word[:index] + word[index] + word[index:]
    if slip == 2:
        return word[:index] + word[index + 1] + word[index] + word[index + 2 :]
    return word[:index] + rng.choice(string.ascii_lowercase) + word[index + 1 :]


def _unique(values: list[str], limit: int) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))[:limit]


def _passage(rng: random.Random, pool: list[Clause], words: list[Phrase]) -> tuple[str, Clause, list[str], list[str]]:
    parts = rng.sample(pool, rng.choices((1, 2, 3), weights=(3, 4, 2))[0])
    themes = [theme for part in parts for theme in part.themes]
    agencies = [agency for part in parts for agency in part.agencies]
    texts = [part.text for part in parts]
    for _ in range(rng.choices((0, 1, 2), weights=(3, 5, 2))[0]):
        phrase = rng.choice(words)
        themes += phrase.themes
        agencies += phrase.agencies
        where = rng.randrange(len(texts))
        if rng.random() < 0.5:
            texts[where] = f"Regarding {phrase.text}: {texts[where]}"
        else:
            texts[where] = f"{texts[where].rstrip('.')} ({phrase.text})."
    text = " ".join(texts)
    if rng.random() < 0.3:
        text += f" (case {rng.randrange(1, 100_000)})"
    if rng.random() < 0.2:
        candidates = _WORD.findall(text)
        if candidates:
            target = rng.choice(candidates)
            text = text.replace(target, misspell(target, rng), 1)
    return text, parts[0], themes, agencies


def synthetic_base(knowledge: Knowledge, *, passages: int, seed: int = 0) -> SyntheticBase:
    """A knowledge base of exactly `passages` items: the bundled ones first, then synthetic ones.

    Deterministic for a given `seed` and bundled data. Raises `SyntheticError` when `passages` < 1.
    """
    if passages < 1:
        raise SyntheticError(f"passages must be at least 1, not {passages}")
    rng = random.Random(seed)
    chosen: list[Passage] = [
        Passage(item.id, audit.id, item.kind.value, item.section, item.text, item.agencies, item.themes, item.notes)
        for audit, item in knowledge.items[:passages]
    ]
    bundled = len(chosen)
    count = passages - bundled
    audits = synthetic_audits(knowledge, count=-(-count // PASSAGES_PER_AUDIT) if count else 0, rng=rng)
    pool, words = clauses(knowledge), phrases(knowledge)
    theme_ids = [theme.id for theme in knowledge.themes]
    per_audit: dict[str, int] = {}
    for index in range(count):
        audit = audits[index * len(audits) // count]
        text, first, themes, agencies = _passage(rng, pool, words)
        number = per_audit[audit.id] = per_audit.get(audit.id, 0) + 1
        chosen.append(
            Passage(
                item_id=f"{audit.id}-{first.kind[0]}{number}",
                audit_id=audit.id,
                kind=first.kind,
                section=first.section,
                text=text,
                agencies=_unique(agencies, MAX_TAGS) or (ALL_AGENCIES,),
                themes=_unique(themes, MAX_TAGS) or (rng.choice(theme_ids),),
                notes=(SYNTHETIC_NOTE,),
            )
        )
    synthetic_knowledge = Knowledge(
        audits=(*knowledge.audits, *audits),
        agencies=knowledge.agencies,
        themes=knowledge.themes,
        glossary=knowledge.glossary,
        thesaurus=knowledge.thesaurus,
        content_hash=f"synthetic:{passages}:{seed}:{knowledge.content_hash}",
    )
    return SyntheticBase(synthetic_knowledge, chosen, bundled)


def synthetic_audits(knowledge: Knowledge, *, count: int, rng: random.Random) -> list[Audit]:
    """`count` synthetic audits, each titled after a theme and numbered, completed between 2012 and 2024."""
    purposes = [audit.purpose for audit in knowledge.audits]
    audits = []
    for number in range(1, count + 1):
        theme = knowledge.themes[(number - 1) % len(knowledge.themes)]
        audits.append(
            Audit.model_construct(
                id=f"synthetic-{number:05d}",
                title=f"Synthetic audit {number:05d}: {theme.name}",
                short_title=f"Synthetic {number:05d}",
                priority=None,
                cases_audited=rng.randint(4, 12),
                completed=f"{rng.randint(2012, 2024)}-{rng.randint(1, 12):02d}",
                purpose=rng.choice(purposes),
                facts=(),
                notes=(SYNTHETIC_NOTE,),
                items=(),
            )
        )
    return audits
