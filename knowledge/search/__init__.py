"""Matching practitioners' questions to learning points.

The pipeline, in order:

1. *Analyse* the question: strip Slack markup, cut it to a sane length, split it into words, correct typos
   against the knowledge vocabulary (rapidfuzz), and group words into *units*: a phrase that names a concept
   (thesaurus entry, agency, theme, glossary term, audit) or a single content word.
2. *Retrieve* candidates with FTS5/BM25 over the stemmed passages and their tags (themes, agencies, audit),
   querying each unit's own stems, its concepts' report phrases and its concepts' tags.
3. *Score* each candidate by how much of the question it covers: every unit carries an IDF weight and earns
   full credit when its own words are in the passage, less when only a thesaurus expansion is, less again when
   only a tag matches. Words the knowledge base has never seen weigh against the question, which is how
   out-of-scope questions ("how do I book leave") get nothing. BM25 breaks ties; naming an audit or asking for
   recommendations nudges those up.
4. *Threshold*: nothing is returned unless the best coverage passes `MIN_COVERAGE`.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from knowledge.text import (
    FINDING_CUES,
    MAX_QUESTION_CHARS,
    RECOMMENDATION_CUES,
    STOPWORDS,
    normalise,
    stem,
    strip_slack_markup,
    words,
)
from knowledge.vocabulary import AGENCY_TAG, AUDIT_TAG, THEME_TAG, Concept, Vocabulary, tag_token

# Credit a unit earns, by how it matched a passage.
CREDIT_OWN = 1.0
CREDIT_CORRECTED = 0.9
CREDIT_EXPANSION = 0.8
CREDIT_AUDIT = 0.8
AUDIT_WORDS = frozenset({"audit", "audits", "audited"})
CREDIT_TAG = 0.6
CREDIT_PARTIAL = 0.5
# Weight of a word the knowledge base has never seen, relative to the rarest known word.
UNKNOWN_WEIGHT = 1.0
DISTINCTIVE_ZIPF = 3.5
FILLER_ZIPF = 4.8
FILLER_WEIGHT = 0.15
KNOWN_FILLER_WEIGHT = 0.35
MAX_FULL_PHRASE = 6
MIN_COVERAGE = 0.45
MIN_RESULT_COVERAGE = 0.25
# A workplace word ("annual leave", "vpn") weighs like the most distinctive word the passages could hold.
OFFTOPIC_WEIGHT = 1.0
MIN_EVIDENCED_COVERAGE = 0.25
EVIDENCED_UNITS = 3
EVIDENCE_MARGIN = 1.5
RELATIVE_CUTOFF = 0.4
BM25_SHARE = 0.15
KIND_BONUS = 0.1
CANDIDATES = 200
MAX_FTS_TERMS = 60
# Retrieval reads every posting of every term it searches for; at 100,000 passages a common word ("child",
# "plan") or tag has tens of thousands. Above this many, the commonest terms are left out of the candidate query.
POSTINGS_BUDGET = 20_000
TERMS_PER_DOUBLING = 64
# When leaving terms out, a unit's own word is kept over a thesaurus phrase or tag this many times rarer.
OWN_WORD_KEEP = 0.25


@dataclass
class Unit:
    """One meaningful piece of a question: a concept phrase or a single word."""

    typed: tuple[str, ...]
    words: tuple[str, ...]
    stems: tuple[str, ...]
    weight: float = 0.0
    commonness: float = 0.0
    offtopic: bool = False
    corrected: bool = False
    concept: Concept | None = None

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass
class Query:
    """A question after analysis."""

    question: str
    units: list[Unit]
    corrections: dict[str, str]
    notice: str | None = None
    wants_kind: str | None = None
    names_audit: bool = False
    truncated: bool = False

    @property
    def themes(self) -> set[str]:
        return {theme for unit in self.units if unit.concept for theme in unit.concept.themes}

    @property
    def agencies(self) -> set[str]:
        return {agency for unit in self.units if unit.concept for agency in unit.concept.agencies}

    @property
    def audits(self) -> set[str]:
        return {audit for unit in self.units if unit.concept for audit in unit.concept.audits}


@dataclass
class Match:
    """How one unit matched one passage."""

    unit: str
    weight: float
    credit: float
    via: str
    evidence: list[str] = field(default_factory=list)


@dataclass
class Hit:
    """A scored passage, with the parts of its score."""

    rowid: int
    item_id: str
    coverage: float
    bm25: float
    bonus: float
    score: float
    matches: list[Match]


_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+)\b")


def _name_like(text: str) -> set[str]:
    """Capitalised words that do not start a sentence: in a question these are usually names."""
    return {match.group(1).lower() for match in _CAPITALISED.finditer(text.strip())}


STOP_STEMS = frozenset(stem(word) for word in STOPWORDS)
OFFTOPIC = Concept(labels=["offtopic"])  # marks a workplace phrase while the question is being split into units


def _filler_discount(zipf: float) -> float:
    """1.0 for a rare or unlisted word, falling to FILLER_WEIGHT for the most everyday words."""
    if zipf <= DISTINCTIVE_ZIPF:
        return 1.0
    if zipf >= FILLER_ZIPF:
        return FILLER_WEIGHT
    share = (zipf - DISTINCTIVE_ZIPF) / (FILLER_ZIPF - DISTINCTIVE_ZIPF)
    return 1.0 - share * (1.0 - FILLER_WEIGHT)


# A term to retrieve candidates by: (column, stems, indexes of the units it stands for).
Route = tuple[str, tuple[str, ...], set[int]]


def _longest_matches(
    tokens: list[str],
    taken: list[bool],
    *,
    longest: int,
    shortest: int,
    find: Callable[[tuple[str, ...]], Concept | None],
) -> list[tuple[list[int], Concept]]:
    """Scan left to right for the longest untaken runs of `tokens` that `find` recognises; mark them taken."""
    found: list[tuple[list[int], Concept]] = []
    position = 0
    while position < len(tokens):
        for length in range(min(longest, len(tokens) - position), shortest - 1, -1):
            if any(taken[position : position + length]):
                continue
            value = find(tuple(tokens[position : position + length]))
            if value is not None:
                found.append((list(range(position, position + length)), value))
                taken[position : position + length] = [True] * length
                position += length
                break
        else:
            position += 1
    return found


def _fts_phrase(stems: tuple[str, ...]) -> str:
    return '"' + " ".join(stems) + '"'


class Searcher:
    """Answers questions against one knowledge database connection."""

    def __init__(self, conn: sqlite3.Connection, vocabulary: Vocabulary | None = None) -> None:
        self.conn = conn
        self.vocab = vocabulary or Vocabulary(conn)
        self._strengths: dict[tuple[str, ...], float] = {}

    # -- 1. analysis -------------------------------------------------------------------------------------------
    def analyse(self, question: str) -> Query:
        text = strip_slack_markup(question or "")
        truncated = len(text) > MAX_QUESTION_CHARS
        text = text[:MAX_QUESTION_CHARS]
        typed = words(text)
        query = Query(question=question, units=[], corrections={}, truncated=truncated)
        if not normalise(text).strip():
            query.notice = "empty"
            return query
        present = set(typed)
        query.names_audit = bool(present & AUDIT_WORDS)
        if present & RECOMMENDATION_CUES:
            query.wants_kind = "recommendation"
        elif present & FINDING_CUES:
            query.wants_kind = "finding"

        spans: list[tuple[list[int], Concept | None]] = []
        taken = [False] * len(typed)
        # Workplace words ("annual leave", "vpn", "out of office") say the question is not about practice.
        if self.vocab.offtopic:
            spans += _longest_matches(
                typed,
                taken,
                longest=self.vocab.max_offtopic,
                shortest=1,
                find=lambda phrase: OFFTOPIC if phrase in self.vocab.offtopic else None,
            )

        zipf = self.english(present - STOPWORDS)
        fixed: list[str] = []
        for index, word in enumerate(typed):
            skip = word in STOPWORDS or taken[index]
            correction = None if skip else self.vocab.correct(word, zipf=zipf.get(word))
            if correction is not None:
                query.corrections[word] = correction
                fixed.append(correction)
            else:
                fixed.append(word)
        corrected = set(fixed)
        zipf.update(self.english(corrected - present - STOPWORDS))
        if query.wants_kind is None and corrected & RECOMMENDATION_CUES:
            query.wants_kind = "recommendation"
        elif query.wants_kind is None and corrected & FINDING_CUES:
            query.wants_kind = "finding"
        stems = [stem(word) for word in fixed]
        content = [word not in STOPWORDS for word in fixed]

        # Phrases that only stopwords make into phrases ("turning up") are matched on the full word sequence.
        if self.vocab.full_keys:
            spans += _longest_matches(
                stems,
                taken,
                longest=MAX_FULL_PHRASE,
                shortest=2,
                find=lambda key: self.vocab.concepts.get(key) if key in self.vocab.full_keys else None,
            )
        # Other phrases are matched on the content words, across stopwords ("voice of the child").
        runs: list[list[int]] = [[]]
        for index, is_content in enumerate(content):
            if taken[index]:
                runs.append([])
            elif is_content:
                runs[-1].append(index)
        for run in runs:
            cursor = 0
            while cursor < len(run):
                for length in range(min(self.vocab.max_phrase, len(run) - cursor), 0, -1):
                    key = tuple(stems[index] for index in run[cursor : cursor + length])
                    concept = self.vocab.concepts.get(key)
                    if concept is not None or length == 1:
                        spans.append((run[cursor : cursor + length], concept))
                        cursor += length
                        break

        for picked, concept in sorted(spans, key=lambda span: span[0][0]):
            unit = Unit(
                typed=tuple(typed[index] for index in picked),
                words=tuple(fixed[index] for index in picked),
                stems=tuple(stems[index] for index in picked),
                concept=None if concept is OFFTOPIC else concept,
                offtopic=concept is OFFTOPIC,
            )
            unit.corrected = unit.typed != unit.words
            # A word repeated in the question counts once.
            if all(existing.stems != unit.stems for existing in query.units):
                query.units.append(unit)

        names = _name_like(text)
        for unit in query.units:
            if unit.offtopic:
                unit.weight = self.vocab.idf_max * OFFTOPIC_WEIGHT
                continue
            unknown = unit.concept is None and not (set(unit.stems) & self.vocab.known_stems)
            if unknown and (set(unit.typed) <= names or all(len(word) <= 2 for word in unit.typed)):
                # Most likely a person's name ("what about Jayden's voice?") or a stray letter or two ("q", "vs"):
                # it says nothing about the topic.
                unit.commonness = FILLER_ZIPF
                unit.weight = self._weight(unit)
                continue
            # A corrected typo is as common as the word it was corrected to.
            unit.commonness = max((zipf.get(word, 0.0) for word in (*unit.typed, *unit.words)), default=0.0)
            unit.weight = self._weight(unit)
        if not query.units:
            query.notice = "no-content-words"
        return query

    def english(self, words_: set[str]) -> dict[str, float]:
        """How common each word is in ordinary English (Zipf scale); words not listed are absent."""
        if not words_:
            return {}
        placeholders = ",".join("?" * len(words_))
        return dict(self.conn.execute(f"SELECT word, zipf FROM english WHERE word IN ({placeholders})", sorted(words_)))

    def _weight(self, unit: Unit) -> float:
        vocab = self.vocab
        known = [vocab.idf(part) for part in unit.stems if part in vocab.stem_df and part not in STOP_STEMS]
        if known and unit.concept is None:
            # An everyday word the passages happen to use ("common", "known") is weak evidence either way.
            return max(known) * max(_filler_discount(unit.commonness), KNOWN_FILLER_WEIGHT)
        if known:
            return max(known)
        if unit.concept is not None:
            expansions = [sum(vocab.idf(part) for part in key) / len(key) for key in unit.concept.expansions if key]
            if expansions:
                return max(expansions)
            return vocab.idf_max * UNKNOWN_WEIGHT
        # A word the knowledge base has never seen: distinctive words ("radicalisation", "wifi") say the
        # question is about something else; everyday filler ("actually", "days") says little.
        return vocab.idf_max * UNKNOWN_WEIGHT * _filler_discount(unit.commonness)

    # -- 2. retrieval ------------------------------------------------------------------------------------------
    def _fts_query(self, query: Query) -> str:
        # Each term ("route") is a unit's own stem, a report phrase its concepts expand to, or a tag; a route
        # may serve several units.
        text_terms: dict[tuple[str, ...], set[int]] = {}
        tag_terms: dict[str, set[int]] = {}
        for index, unit in enumerate(query.units):
            if unit.offtopic:
                continue
            for part in unit.stems:
                if part in self.vocab.stem_df:
                    text_terms.setdefault((part,), set()).add(index)
            if unit.concept is not None:
                for key in sorted(unit.concept.expansions):
                    text_terms.setdefault(key, set()).add(index)
                tokens = [tag_token(THEME_TAG, theme) for theme in sorted(unit.concept.themes)]
                tokens += [tag_token(AGENCY_TAG, agency) for agency in sorted(unit.concept.agencies)]
                tokens += [tag_token(AUDIT_TAG, audit) for audit in sorted(unit.concept.audits)]
                for token in tokens:
                    tag_terms.setdefault(token, set()).add(index)
        text_keys = list(text_terms)[:MAX_FTS_TERMS]
        tag_keys = [term for term in tag_terms if term in self.vocab.stem_df]
        routes = [("stems", key, text_terms[key]) for key in text_keys]
        routes += [("tags", (term,), tag_terms[term]) for term in tag_keys]
        routes = self._within_budget(query, routes)
        text_part = [_fts_phrase(key) for column, key, _ in routes if column == "stems"]
        tag_part = [_fts_phrase(key) for column, key, _ in routes if column == "tags"]
        parts = []
        if text_part:
            parts.append("stems : (" + " OR ".join(text_part) + ")")
        if tag_part:
            parts.append("tags : (" + " OR ".join(tag_part) + ")")
        return " OR ".join(parts)

    def _cost(self, routes: list[Route]) -> float:
        """Roughly how much work the full-text index does for these terms, in postings read.

        A phrase reads (some of) each of its words' postings; every term also adds to the work done for each
        matching passage (the OR and bm25() visit every term), about 1/TERMS_PER_DOUBLING of it.
        """
        df = self.vocab.stem_df
        postings = sum(sum(df.get(part, 0) for part in key) / len(key) for _, key, _ in routes)
        return postings * (1 + len(routes) / TERMS_PER_DOUBLING)

    def _within_budget(self, query: Query, routes: list[Route]) -> list[Route]:
        """The terms to retrieve candidates by: all of them, unless they cost more than POSTINGS_BUDGET.

        Then each phrase is searched by its rarest word instead (a superset of its passages, read far more
        cheaply; scoring checks every word anyway), and the commonest terms are left out (they still count when
        the candidates are scored), a unit's own words last. Each unit keeps a term, except that units weighing
        together less than MIN_RESULT_COVERAGE of the question may lose theirs: passages matching nothing else
        could never be shown.
        """
        if self._cost(routes) <= POSTINGS_BUDGET:
            return routes
        df = self.vocab.stem_df
        own = {(part,) for unit in query.units for part in unit.stems}
        merged: dict[tuple[str, tuple[str, ...]], set[int]] = {}
        for column, key, owners in routes:
            rarest = (min(key, key=lambda part: (df.get(part, 0), part)),)
            merged.setdefault((column, rarest), set()).update(owners)
        postings = sum(df.get(key[0], 0) for _, key in merged)
        left = Counter(unit for owners in merged.values() for unit in owners)
        total_weight = sum(unit.weight for unit in query.units) or 1.0
        orphaned = 0.0

        def expendable(route: tuple[str, tuple[str, ...]]) -> tuple[float, tuple[str, ...]]:
            column, key = route
            own_word = column == "stems" and key in own
            return (-df.get(key[0], 0) * (OWN_WORD_KEEP if own_word else 1.0), key)

        for route in sorted(merged, key=expendable):
            if postings * (1 + len(merged) / TERMS_PER_DOUBLING) <= POSTINGS_BUDGET:
                break
            owners = merged[route]
            lost = sum(query.units[unit].weight for unit in owners if left[unit] == 1)
            if (orphaned + lost) / total_weight >= MIN_RESULT_COVERAGE:
                continue
            del merged[route]
            postings -= df.get(route[1][0], 0)
            orphaned += lost
            left.subtract(owners)
        return [(column, key, owners) for (column, key), owners in merged.items()]

    def _candidates(self, query: Query) -> list[tuple[int, str, str, str, str, str, float]]:
        match = self._fts_query(query)
        if not match:
            return []
        # Rank in the full-text index first and read only the best rows' text: joining before the LIMIT would
        # read every matching row (tens of thousands for a common word at 100,000 passages).
        return self.conn.execute(
            "SELECT items.rowid, items.id, items.stems, items.tags, items.kind, items.audit_id, ranked.rank"
            " FROM (SELECT rowid, bm25(items_fts, 1.0, 0.3) AS rank FROM items_fts"
            " WHERE items_fts MATCH ? ORDER BY rank, rowid LIMIT ?) AS ranked"
            " JOIN items ON items.rowid = ranked.rowid ORDER BY ranked.rank, ranked.rowid",
            (match, CANDIDATES),
        ).fetchall()

    # -- 3. scoring --------------------------------------------------------------------------------------------
    def _match(self, unit: Unit, stems: set[str], tags: set[str], audit_id: str, *, audit_named: bool = False) -> Match:
        if unit.offtopic:
            return Match(unit.text, unit.weight, 0.0, "workplace word")
        if audit_named and unit.concept is not None and audit_id in unit.concept.audits:
            # "the CWD audit": the question is about that audit, so every passage of it matches the name fully.
            return Match(unit.text, unit.weight, CREDIT_OWN, "audit", [audit_id])
        own = [part for part in unit.stems if part in stems]
        if own and len(own) == len(unit.stems):
            credit = CREDIT_CORRECTED if unit.corrected else CREDIT_OWN
            return Match(unit.text, unit.weight, credit, "typo-corrected word" if unit.corrected else "word", own)
        concept = unit.concept
        if concept is not None:
            expansions = [key for key in concept.expansions if stems.issuperset(key)]
            if expansions:
                # A rare report phrase is strong evidence; a common single word ("families") is weak.
                best = max(expansions, key=lambda key: (self._strength(key), key))
                credit = CREDIT_EXPANSION * min(1.0, self._strength(best) / unit.weight) if unit.weight else 0.0
                if credit >= CREDIT_TAG or not self._tagged(concept, tags, audit_id):
                    return Match(unit.text, unit.weight, credit, "thesaurus", [" ".join(best)])
            if audit_id in concept.audits:
                return Match(unit.text, unit.weight, CREDIT_AUDIT, "audit", [audit_id])
            tag_hits = [
                name
                for name in (
                    *(f"theme:{theme}" for theme in concept.themes if tag_token(THEME_TAG, theme) in tags),
                    *(f"agency:{ag}" for ag in concept.agencies if tag_token(AGENCY_TAG, ag) in tags),
                )
            ]
            if tag_hits:
                return Match(unit.text, unit.weight, CREDIT_TAG, "tag", tag_hits)
        own = [part for part in own if part not in STOP_STEMS]
        if own:
            credit = CREDIT_PARTIAL * len(own) / len(unit.stems)
            return Match(unit.text, unit.weight, credit, "part of phrase", own)
        return Match(unit.text, unit.weight, 0.0, "none")

    @staticmethod
    def _reach(unit: Unit) -> tuple[set[str], set[str], set[str]]:
        """The stems, tag tokens and audits through which a unit could earn any credit in a passage."""
        concept = unit.concept
        if unit.offtopic:
            return set(), set(), set()
        if concept is None:
            return set(unit.stems), set(), set()
        stems = set(unit.stems).union(*concept.expansions)
        tags = {tag_token(THEME_TAG, theme) for theme in concept.themes}
        tags |= {tag_token(AGENCY_TAG, agency) for agency in concept.agencies}
        return stems, tags, concept.audits

    def _strength(self, key: tuple[str, ...]) -> float:
        """How distinctive a report phrase is: the sum of its words' IDF (memoised: scored for every candidate)."""
        strength = self._strengths.get(key)
        if strength is None:
            strength = self._strengths[key] = sum(self.vocab.idf(part) for part in key)
        return strength

    @staticmethod
    def _well_evidenced(hit: Hit) -> bool:
        """A long, chatty question: several concepts matched, outweighing any single word left unexplained."""
        matched = [m for m in hit.matches if m.credit >= CREDIT_TAG]
        unmatched = [m.weight for m in hit.matches if m.credit == 0]
        evidence = sum(m.weight * m.credit for m in hit.matches)
        return (
            hit.coverage >= MIN_EVIDENCED_COVERAGE
            and len(matched) >= EVIDENCED_UNITS
            and evidence >= EVIDENCE_MARGIN * max(unmatched, default=0.0)
        )

    @staticmethod
    def _tagged(concept: Concept, tags: set[str], audit_id: str) -> bool:
        return (
            audit_id in concept.audits
            or any(tag_token(THEME_TAG, theme) in tags for theme in concept.themes)
            or any(tag_token(AGENCY_TAG, agency) in tags for agency in concept.agencies)
        )

    def score(self, query: Query) -> list[Hit]:
        """Every candidate passage with its score parts, best first (no threshold applied)."""
        rows = self._candidates(query)
        if not rows:
            return []
        total_weight = sum(unit.weight for unit in query.units) or 1.0
        best_bm25 = min(row[6] for row in rows) or -1.0  # bm25() is negative: lower is better
        audits = query.audits
        # Most units match nothing in most candidates: the stems, tags and audits through which each unit could
        # match at all tell so at once (the same Match as _match gives, for a fraction of the work).
        reach = [self._reach(unit) for unit in query.units]
        texts = [unit.text for unit in query.units]
        hits: list[Hit] = []
        for rowid, item_id, stems_text, tags_text, kind, audit_id, rank in rows:
            stems = set(stems_text.split())
            tags = set(tags_text.split())
            matches = [
                self._match(unit, stems, tags, audit_id, audit_named=query.names_audit)
                if audit_id in reach_audits or not (stems.isdisjoint(reach_stems) and tags.isdisjoint(reach_tags))
                else Match(text, unit.weight, 0.0, "none")
                for unit, text, (reach_stems, reach_tags, reach_audits) in zip(query.units, texts, reach, strict=True)
            ]
            coverage = sum(m.weight * m.credit for m in matches) / total_weight
            bm25 = rank / best_bm25 if best_bm25 else 0.0
            bonus = 0.0
            if query.wants_kind and kind == query.wants_kind:
                bonus += KIND_BONUS
            if audits and audit_id in audits:
                bonus += KIND_BONUS
            score = coverage + BM25_SHARE * bm25 + bonus
            hits.append(Hit(rowid, item_id, coverage, bm25, bonus, score, matches))
        hits.sort(key=lambda hit: (-hit.score, hit.rowid))
        return hits

    # -- 4. threshold ------------------------------------------------------------------------------------------
    def search(self, question: str) -> tuple[Query, list[Hit]]:
        """Analyse, retrieve, score and threshold: the relevant passages, best first (possibly none)."""
        query = self.analyse(question)
        if not query.units:
            return query, []
        hits = self.score(query)
        if not hits:
            return query, []
        # Only passages that match something specific count: a concept, or a word that is not everyday
        # English ("when is the next team meeting" matches only "team" and "meeting").
        specific = {
            index for index, unit in enumerate(query.units) if unit.concept is not None or unit.commonness < FILLER_ZIPF
        }
        hits = [hit for hit in hits if any(m.credit > 0 and i in specific for i, m in enumerate(hit.matches))]
        if not hits:
            return query, []
        best = max(hit.coverage for hit in hits)
        if best < MIN_COVERAGE and not any(self._well_evidenced(hit) for hit in hits[:5]):
            return query, []
        cutoff = max(MIN_RESULT_COVERAGE, best * RELATIVE_CUTOFF)
        return query, [hit for hit in hits if hit.coverage >= cutoff]


def baseline_search(conn: sqlite3.Connection, question: str, *, limit: int = 5) -> list[str]:
    """Plain FTS5 BM25 over the passage text: no thesaurus, no typo correction, no threshold."""
    terms = list(dict.fromkeys(stem(word) for word in words(strip_slack_markup(question or ""))))
    if not terms:
        return []
    match = "stems : (" + " OR ".join(_fts_phrase((term,)) for term in terms) + ")"
    rows = conn.execute(
        "SELECT items.id FROM items_fts JOIN items ON items.rowid = items_fts.rowid"
        " WHERE items_fts MATCH ? ORDER BY bm25(items_fts, 1.0, 0.0) LIMIT ?",
        (match, limit),
    ).fetchall()
    return [row[0] for row in rows]
