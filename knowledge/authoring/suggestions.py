"""Suggesting the agencies and themes of a new learning point, with the matcher the search uses.

The search's analysis (`Searcher.analyse`) finds the vocabulary concepts a text names: agencies by name or
alias, themes by name or keyword, thesaurus entries with the themes and agencies they stand for. Each concept
that fires votes for its themes and agencies with the weight the search gives its words (rare words weigh
more); a concept that *names* a theme or agency votes fully, one that only relates to it (a thesaurus entry)
votes less. The strongest few are suggested, for a person to confirm: they are suggestions, never curation.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from knowledge.base import KnowledgeBase
from knowledge.models import ALL_AGENCIES, normalise_whitespace
from knowledge.text import MAX_QUESTION_CHARS
from knowledge.vocabulary import key_of

NAMED_VOTE = 1.0
RELATED_VOTE = 0.5
MAX_THEMES = 4
MAX_AGENCIES = 3
RELATIVE_CUTOFF = 0.5
AUDIT_THEME_VOTE = 0.5
# Words that address a recommendation or finding to every agency.
_EVERYONE = re.compile(
    r"\ball (?:the )?(?:agencies|professionals?|partners?|partner agencies|services|practitioners|staff)\b"
    r"|\b(?:all|every|each|any) (?:organisation|agency|professional|service|partner)s?\b",
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+")


@dataclass(frozen=True)
class Suggestion:
    """Suggested agencies and themes for one text, strongest first, with the votes behind them."""

    agencies: tuple[str, ...]
    themes: tuple[str, ...]
    agency_votes: dict[str, float]
    theme_votes: dict[str, float]
    unknown: tuple[UnknownAgency, ...] = ()


def chunks(text: str, *, limit: int = MAX_QUESTION_CHARS) -> list[str]:
    """A text cut at sentence ends into pieces the search analyses whole (it reads at most `limit` chars)."""
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE.split(text.strip()):
        while len(sentence) > limit:
            pieces.append(sentence[:limit])
            sentence = sentence[limit:]
        if current and len(current) + 1 + len(sentence) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return pieces


def _top(votes: dict[str, float], *, limit: int) -> tuple[str, ...]:
    if not votes:
        return ()
    best = max(votes.values())
    ranked = sorted(votes.items(), key=lambda pair: (-pair[1], pair[0]))
    return tuple(name for name, vote in ranked[:limit] if vote >= best * RELATIVE_CUTOFF)


class Suggester:
    """Suggests agencies and themes from a knowledge base's vocabularies."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.agency_ids = {agency.id for agency in kb.agencies()}
        self.theme_ids = {row[0] for row in kb.conn.execute("SELECT id FROM themes")}
        self.known_names = known_agency_names(kb)
        self._theme_names = {
            key_of(text) for row in kb.conn.execute("SELECT id, name FROM themes") for text in (row[0], row[1])
        }

    def votes(self, text: str) -> tuple[dict[str, float], dict[str, float]]:
        """How strongly each agency and theme fires on a text: (agency votes, theme votes)."""
        agencies: dict[str, float] = defaultdict(float)
        themes: dict[str, float] = defaultdict(float)
        seen: set[tuple[str, ...]] = set()
        for piece in chunks(text):
            for unit in self.kb.searcher.analyse(piece).units:
                concept = unit.concept
                if concept is None or unit.stems in seen:
                    continue
                seen.add(unit.stems)
                labels = set(concept.labels)
                named_agencies = {label.split(":", 1)[1] for label in labels if label.startswith("agency:")}
                for theme in concept.themes:
                    if theme in self.theme_ids:
                        named = f"theme:{theme}" in labels
                        themes[theme] += unit.weight * (NAMED_VOTE if named else RELATED_VOTE)
                for agency in concept.agencies:
                    if agency not in self.agency_ids:
                        continue
                    if agency in named_agencies:
                        agencies[agency] += unit.weight * NAMED_VOTE
                    elif not named_agencies:  # a thesaurus entry's agency, not a service under a named agency
                        agencies[agency] += unit.weight * RELATED_VOTE
        return dict(agencies), dict(themes)

    def suggest(self, text: str, *, audit_themes: Iterable[str] = ()) -> Suggestion:
        """The agencies and themes to suggest for a learning point's text.

        `audit_themes` (themes its audit's title names) get a vote too: an audit's subject is usually a theme
        of each of its points. `all-agencies` is suggested when the text addresses every agency or
        professional ("all agencies", "any organisation"), or names no agency at all (a finding about practice
        across the agencies, "Elements of disguised compliance were evident in all cases.").
        """
        agency_votes, theme_votes = self.votes(text)
        top_theme = max(theme_votes.values(), default=0.0)
        for theme in audit_themes:
            theme_votes[theme] = theme_votes.get(theme, 0.0) + max(top_theme, 1.0) * AUDIT_THEME_VOTE
        everyone = bool(_EVERYONE.search(text))
        specific = {agency: vote for agency, vote in agency_votes.items() if agency != ALL_AGENCIES}
        agencies = list(_top(specific, limit=MAX_AGENCIES))
        unknown = unknown_agencies(text, self.known_names)
        if everyone or not (agencies or unknown):
            # Addressed to everyone, or naming no agency at all: practice across the agencies.
            agencies.insert(0, ALL_AGENCIES)
        # A service the vocabulary does not know is named as itself, never folded into all-agencies.
        agencies += [agency.id for agency in unknown if agency.id not in agencies]
        themes = _top(theme_votes, limit=MAX_THEMES)
        return Suggestion(tuple(agencies), themes, agency_votes, theme_votes, unknown)

    def title_themes(self, titles: Sequence[str]) -> tuple[str, ...]:
        """The themes an audit's titles name outright ("Children with Disabilities" -> disability).

        Like the search, the title is read as its longest known phrases, but only phrases that name a theme
        count (for a title already in the knowledge base, the longest phrase names the audit itself).
        """
        concepts = self.kb.vocabulary.concepts
        longest = self.kb.vocabulary.max_phrase
        named: list[str] = []
        for title in titles:
            stems = key_of(title)
            start = 0
            while start < len(stems):
                step = 1
                for end in range(min(len(stems), start + longest), start, -1):
                    concept = concepts.get(stems[start:end])
                    themes = [
                        label.removeprefix("theme:")
                        for label in (concept.labels if concept else ())
                        if label.startswith("theme:")
                        and label.removeprefix("theme:") in self.theme_ids
                        # one word names a theme only as its own name ("Neglect"), not as one of its keywords
                        # ("Wellbeing" is a supervision keyword; an "Emotional Wellbeing" audit is not about it)
                        and (end - start > 1 or stems[start:end] in self._theme_names)
                    ]
                    if themes:
                        named.extend(theme for theme in themes if theme not in named)
                        step = end - start
                        break
                start += step
        return tuple(named)


@dataclass(frozen=True)
class Agreement:
    """How far suggested tags agree with curated ones, over items matched by their text."""

    field: str
    items: int
    exact: int
    precision: float
    recall: float
    jaccard: float

    def line(self) -> str:
        return (
            f"{self.field}: {self.items} items, precision {self.precision:.2f}, recall {self.recall:.2f},"
            f" mean Jaccard {self.jaccard:.2f}, exact {self.exact}/{self.items}"
        )


def agreement(field: str, pairs: Sequence[tuple[Sequence[str], Sequence[str]]]) -> Agreement:
    """Micro-averaged precision and recall, mean per-item Jaccard and exact matches of (suggested, curated)."""
    true_positive = suggested_total = curated_total = exact = 0
    jaccards: list[float] = []
    for suggested, curated in pairs:
        ours, theirs = set(suggested), set(curated)
        true_positive += len(ours & theirs)
        suggested_total += len(ours)
        curated_total += len(theirs)
        exact += ours == theirs
        union = ours | theirs
        jaccards.append(len(ours & theirs) / len(union) if union else 1.0)
    return Agreement(
        field=field,
        items=len(pairs),
        exact=exact,
        precision=true_positive / suggested_total if suggested_total else 0.0,
        recall=true_positive / curated_total if curated_total else 0.0,
        jaccard=sum(jaccards) / len(jaccards) if jaccards else 0.0,
    )


def compare_tags(kb: KnowledgeBase, items: Iterable[tuple[str, Sequence[str], Sequence[str]]]) -> tuple[Agreement, ...]:
    """Agreement of suggested (text, agencies, themes) with the knowledge base's curated items of the same text.

    Returns (agencies, themes) agreements over the items that have a curated twin; none when no item has.
    """
    curated = {
        normalise_whitespace(row["text"]): (json.loads(row["agencies"]), json.loads(row["themes"]))
        for row in kb.conn.execute("SELECT text, agencies, themes FROM items")
    }
    agency_pairs: list[tuple[Sequence[str], Sequence[str]]] = []
    theme_pairs: list[tuple[Sequence[str], Sequence[str]]] = []
    for text, agencies, themes in items:
        twin = curated.get(normalise_whitespace(text))
        if twin is not None:
            agency_pairs.append((agencies, twin[0]))
            theme_pairs.append((themes, twin[1]))
    if not agency_pairs:
        return ()
    return agreement("agencies", agency_pairs), agreement("themes", theme_pairs)


# -- agencies the vocabulary does not know ------------------------------------------------------------------------
# Services reports often name that a board's agencies.yaml may not list. A name here that is no alias of a known
# agency is reported, never folded into all-agencies or into the nearest known agency.
COMMON_SERVICES = (
    "housing",
    "housing services",
    "housing association",
    "housing officer",
    "housing officers",
    "marac",
    "mappa",
    "careline",
    "adult services",
    "adult social care",
    "adult mental health services",
    "adult mental health",
    "probation",
    "probation service",
    "national probation service",
    "ambulance service",
    "london ambulance service",
    "fire service",
    "fire brigade",
    "idva",
    "idvas",
    "lado",
    "cafcass",
    "dwp",
    "jobcentre",
    "job centre",
    "substance misuse service",
    "substance misuse services",
    "drug and alcohol service",
    "drug and alcohol services",
    "youth service",
    "youth services",
    "family court",
    "private fostering team",
    "virtual school",
    "leaving care team",
    "immigration services",
    "home office",
    "domestic abuse service",
    "domestic abuse services",
)
_SERVICE_PHRASE = re.compile(
    r"\b((?:[A-Z][\w'’&-]*\s+){1,4}(?:Service|Services|Team|Panel|Unit|Trust|Hub|Partnership))\b"
)
_PHRASE_CUT = re.compile(r"^(?:The|A|An|Our|Their|Local|All|Each|Every|Any)\s+")


@dataclass(frozen=True)
class UnknownAgency:
    """A service a text names that no agency in agencies.yaml goes by."""

    id: str
    name: str


def known_agency_names(kb: KnowledgeBase) -> set[str]:
    """Every agency id, name and alias in the knowledge base, lower-cased."""
    names: set[str] = set()
    for row in kb.conn.execute("SELECT id, name, aliases FROM agencies"):
        names.update({row["id"].lower(), row["name"].lower(), *(alias.lower() for alias in json.loads(row["aliases"]))})
    return names


def unknown_agencies(text: str, known: set[str]) -> tuple[UnknownAgency, ...]:
    """The services a text names that are not in the vocabulary: common services ("Housing", "MARAC",
    "adult services") and capitalised names of a service, team or panel ("Careline Service")."""
    lowered = normalise_whitespace(text).lower().replace("’", "'")
    found: dict[str, UnknownAgency] = {}
    spans: list[tuple[int, int]] = []
    for name in sorted(COMMON_SERVICES, key=len, reverse=True):
        for match in re.finditer(rf"\b{re.escape(name)}\b", lowered):
            if any(start <= match.start() < end for start, end in spans):
                continue
            spans.append((match.start(), match.end()))
            if name not in known:
                shown = normalise_whitespace(text)[match.start() : match.end()]
                key = _agency_id(name)
                found.setdefault(key, UnknownAgency(key, shown))
    for name in known:  # a service phrase inside a known agency's name is that agency
        if len(name) >= 4 and name in lowered:
            spans.extend((m.start(), m.end()) for m in re.finditer(rf"\b{re.escape(name)}\b", lowered))
    for match in _SERVICE_PHRASE.finditer(normalise_whitespace(text)):
        phrase = _PHRASE_CUT.sub("", match.group(1)).strip()
        start = match.start(1) + (len(match.group(1)) - len(phrase))
        end = match.end(1)
        if len(phrase.split()) < 2 or any(a < end and start < b for a, b in spans):
            continue
        lowered_phrase = phrase.lower().replace("’", "'")
        words_in = lowered_phrase.split()
        if lowered_phrase in known or any(" ".join(words_in[i:]) in known for i in range(len(words_in) - 1)):
            continue
        key = _agency_id(phrase)
        found.setdefault(key, UnknownAgency(key, phrase))
    return tuple(found.values())


def _agency_id(name: str) -> str:
    value = re.sub(r"[^a-z0-9]+", "-", name.lower().replace("'", "").replace("’", "")).strip("-")
    return value or "agency"


def agency_entry(agency: UnknownAgency) -> str:
    """A suggested agencies.yaml entry for a service the vocabulary does not know (to complete and confirm)."""
    return "\n".join(
        [
            f"- id: {agency.id}",
            f"  name: {agency.name}",
            "  description: TODO: what this service does (written by a person, not by ingest)",
            "  parent: null",
            f"  aliases: [{agency.name.lower()}]",
        ]
    )
