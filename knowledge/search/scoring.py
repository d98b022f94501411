"""Scoring: how much of the question each candidate passage covers, and which passages are good enough to show.

Every unit carries a weight and earns full credit when its own words are in the passage, less when only a
thesaurus expansion is, less again when only a tag matches. Words the knowledge base has never seen weigh
against the question, which is how out-of-scope questions ("how do I book leave") get nothing. BM25 breaks ties;
naming an audit or asking for recommendations nudges those up. Imports the query's types, retrieval's candidate
rows, the vocabulary and the tuning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.models import ALL_AGENCIES
from knowledge.search.query import INTENT_WORDS, STOP_STEMS, Query, Unit
from knowledge.search.retrieval import Candidate
from knowledge.search.tuning import TUNING, Tuning
from knowledge.text import stem
from knowledge.vocabulary import AGENCY_TAG, THEME_TAG, Concept, Vocabulary, tag_token

# The kind a candidate row gives a recommendation worded as an observation.
OBSERVATION = "observation"
# How many of the cases, in a passage's stems: "in 2 of the 6 case", "4 out of 6", "in 100[%] of the case", "all 8
# case" (not a priority's number, a date or "under 5"); and said without a number: "the major[ity]", "one case".
COUNT = re.compile(r"\b\d+ (?:out )?of\b|\ball \d+ case")
# Words that may stand between a phrase's own words in a passage ("team around the child", "sharing of information").
PHRASE_SLACK = 3
AUDIT_STEM = stem("audit")
DIGIT = re.compile(r"\d")
# A number that counts something: not a year ("2016") nor a priority's number ("Priority 1").
# (Neither a year nor a priority's number, "Priority 2.5" being stemmed "prioriti 2 5".)
COUNTING_NUMBER = re.compile(r"(?<!prioriti )(?<!prioriti \d )\b(?!(?:19|20)\d\d\b)\d")
# How many of the audited cases: "all 8 case", "2 of the 6 case", "for 8 case be audit".
CASE_COUNT = re.compile(r"\b\d+ (?:out )?of\b|\b\d+ case")
VAGUE_COUNT = re.compile(r"\ball case|\bmajor\b|\b(?:one|two|three|four|five|six) case")


class Sequence:
    """A passage's stems in order, to tell whether a phrase's words come together in it."""

    def __init__(self, words: list[str], text: str | None = None) -> None:
        self.words = words
        self._text = text
        # The stems space-joined and padded (on first use), to find a phrase side by side with one substring search.
        self._padded: str | None = None
        self._positions: dict[str, list[int]] | None = None

    def together(self, key: tuple[str, ...]) -> bool:
        """Whether every stem of `key` occurs within a window of len(key) + PHRASE_SLACK words, in any order
        ("sharing information" and "information sharing"; "voice of the child" and "the child's voice")."""
        if len(key) < 2:
            return True
        if self._padded is None:
            self._padded = f" {self._text if self._text is not None else ' '.join(self.words)} "
        if f" {' '.join(key)} " in self._padded:
            return True  # side by side, in order: the commonest case, without indexing the passage's words
        if self._positions is None:
            self._positions = {}
            for position, word in enumerate(self.words):
                self._positions.setdefault(word, []).append(position)
        reach = len(key) + PHRASE_SLACK
        first, *rest = key
        for start in self._positions.get(first, ()):
            if all(any(abs(position - start) < reach for position in self._positions.get(part, ())) for part in rest):
                return True
        return False


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
    # With the semantic layer on: the cosine of the question's and the passage's embeddings, and the keyword score
    # (`score` becomes the fused one).
    cosine: float | None = None
    keyword: float | None = None
    # Whether the passage holds a number (a count, a share, a date); worked out for count questions only.
    numbered: bool = False
    # The nudge down a context passage gets when the question does not ask why (<= 0).
    demoted: float = 0.0
    # The passage shown before it, which this one continues ("This leads to scrutiny as to why ...").
    continues: str | None = None


def reach(unit: Unit) -> tuple[set[str], set[str], set[str]]:
    """The stems, tag tokens and audits through which a unit could earn any credit in a passage."""
    concept = unit.concept
    if unit.offtopic:
        return set(), set(), set()
    if unit.titles:
        return set(), set(), unit.titles
    if concept is None:
        return set(unit.stems), set(), set()
    stems = set(unit.stems).union(*concept.expansions)
    tags = {tag_token(THEME_TAG, theme) for theme in concept.themes}
    tags |= {tag_token(AGENCY_TAG, agency) for agency in concept.agencies}
    return stems, tags, concept.audits


def tagged(concept: Concept, tags: set[str], audit_id: str) -> bool:
    """Whether a passage bears any of a concept's audit, theme or agency tags."""
    return (
        audit_id in concept.audits
        or any(tag_token(THEME_TAG, theme) in tags for theme in concept.themes)
        or any(tag_token(AGENCY_TAG, agency) in tags for agency in concept.agencies)
    )


def tag_hits(concept: Concept, tags: set[str]) -> list[str]:
    """The concept's themes and agencies a passage is tagged with, as "theme:x"/"agency:y"."""
    return [
        *(f"theme:{theme}" for theme in concept.themes if tag_token(THEME_TAG, theme) in tags),
        *(f"agency:{agency}" for agency in concept.agencies if tag_token(AGENCY_TAG, agency) in tags),
    ]


class Scorer:
    """Scores candidate passages against a query and applies the thresholds."""

    def __init__(self, vocabulary: Vocabulary, *, tuning: Tuning = TUNING) -> None:
        self.vocab = vocabulary
        self.tuning = tuning
        self._strengths: dict[tuple[str, ...], float] = {}

    # -- one unit in one passage ------------------------------------------------------------------------------
    def match(
        self,
        unit: Unit,
        stems: set[str],
        tags: set[str],
        audit_id: str,
        *,
        audit_named: bool = False,
        sequence: Sequence | None = None,
    ) -> Match:
        """How a unit matches a passage: by its own words, a concept's phrase, audit or tag, part of it, or not.
        A phrase's words scattered through a passage ("team" in "CAF Team", "child" and "meetings" elsewhere) are
        not the phrase: they earn only part of its credit."""
        tuning = self.tuning
        if unit.offtopic:
            return Match(unit.text, unit.weight, 0.0, "workplace word")
        if unit.titles:
            # "the families audit": the title word names that audit, not the families in other audits' passages.
            if audit_id in unit.titles:
                return Match(unit.text, unit.weight, tuning.credit_own, "audit", [audit_id])
            return Match(unit.text, unit.weight, 0.0, "names another audit")
        if audit_named and unit.concept is not None and audit_id in unit.concept.audits:
            # "the CWD audit": the question is about that audit, so every passage of it matches the name fully.
            return Match(unit.text, unit.weight, tuning.credit_own, "audit", [audit_id])
        own = [part for part in unit.stems if part in stems]
        scattered = False
        if own and len(own) == len(unit.stems):
            if sequence is None or sequence.together(unit.stems):
                credit = tuning.credit_corrected if unit.corrected else tuning.credit_own
                return Match(unit.text, unit.weight, credit, "typo-corrected word" if unit.corrected else "word", own)
            scattered = True
        if unit.concept is not None:
            found = self.concept_match(unit, unit.concept, stems, tags, audit_id, sequence=sequence)
            if found is not None and (not scattered or found.credit >= tuning.credit_scattered):
                return found
        if scattered:
            return Match(unit.text, unit.weight, tuning.credit_scattered, "phrase's words apart", own)
        own = [part for part in own if part not in STOP_STEMS]
        if own:
            credit = tuning.credit_partial * len(own) / len(unit.stems)
            return Match(unit.text, unit.weight, credit, "part of phrase", own)
        return Match(unit.text, unit.weight, 0.0, "none")

    def concept_match(
        self,
        unit: Unit,
        concept: Concept,
        stems: set[str],
        tags: set[str],
        audit_id: str,
        *,
        sequence: Sequence | None = None,
    ) -> Match | None:
        """A match through the unit's concept: a report phrase (its words together), the concept's audit, or one of
        its tags."""
        tuning = self.tuning
        expansions = [
            key
            for key in concept.expansions
            if stems.issuperset(key) and (sequence is None or len(key) == 1 or sequence.together(key))
        ]
        if expansions:
            # A rare report phrase is strong evidence; a common single word ("families") is weak.
            best = max(expansions, key=lambda key: (self.strength(key), key))
            credit = tuning.credit_expansion * min(1.0, self.strength(best) / unit.weight) if unit.weight else 0.0
            if credit >= tuning.credit_tag or not tagged(concept, tags, audit_id):
                return Match(unit.text, unit.weight, credit, "thesaurus", [" ".join(best)])
        if audit_id in concept.audits:
            return Match(unit.text, unit.weight, tuning.credit_audit, "audit", [audit_id])
        hits = tag_hits(concept, tags)
        if hits:
            return Match(unit.text, unit.weight, tuning.credit_tag, "tag", hits)
        return None

    def strength(self, key: tuple[str, ...]) -> float:
        """How distinctive a report phrase is: the sum of its words' IDF (memoised: scored for every candidate)."""
        strength = self._strengths.get(key)
        if strength is None:
            strength = self._strengths[key] = sum(self.vocab.idf(part) for part in key)
        return strength

    # -- passages ---------------------------------------------------------------------------------------------
    def score(self, query: Query, rows: list[Candidate]) -> list[Hit]:
        """Every candidate passage with its score parts, best first (no threshold applied)."""
        if not rows:
            return []
        tuning = self.tuning
        total_weight = sum(unit.weight for unit in query.units) or 1.0
        best_bm25 = min(row[6] for row in rows) or -1.0  # bm25() is negative: lower is better
        audits = query.audits
        # Most units match nothing in most candidates: the stems, tags and audits through which each unit could
        # match at all tell so at once (the same Match as `match` gives, for a fraction of the work).
        reaches = [reach(unit) for unit in query.units]
        # An agency's own recommendations and those addressed to every agency, as `recommendations` lists them.
        agency_tags = {tag_token(AGENCY_TAG, agency) for agency in (*query.named_agencies, ALL_AGENCIES)}
        texts = [unit.text for unit in query.units]
        # "how many CSE cases were looked at": the audited cases are counted, so the topic names the audit.
        audit_named = query.names_audit or query.counts_audited
        hits: list[Hit] = []
        for rowid, item_id, stems_text, tags_text, kind, audit_id, rank in rows:
            words = stems_text.split()
            stems = set(words)
            tags = set(tags_text.split())
            sequence = Sequence(words, stems_text)
            matches = [
                self.match(unit, stems, tags, audit_id, audit_named=audit_named, sequence=sequence)
                if audit_id in reach_audits or not (stems.isdisjoint(reach_stems) and tags.isdisjoint(reach_tags))
                else Match(text, unit.weight, 0.0, "none")
                for unit, text, (reach_stems, reach_tags, reach_audits) in zip(query.units, texts, reaches, strict=True)
            ]
            coverage = sum(m.weight * m.credit for m in matches) / total_weight
            bm25 = rank / best_bm25 if best_bm25 else 0.0
            bonus = 0.0
            if query.wants_kind and self.kind_wanted(query, kind):
                # Asked for by name ("the CWD recommendations"), the kind matters more than the words.
                bonus += tuning.named_kind_bonus if query.names_kind else tuning.kind_bonus
            if audits and audit_id in audits:
                bonus += tuning.kind_bonus
            intent = self.intent_bonus(query, kind, stems_text, tags, agency_tags, item_id=item_id)
            bonus += intent
            if coverage and not any(m.credit > tuning.credit_tag for m in matches):
                # Only tags matched: the passage is on the question's themes but says none of its words, and gives
                # way to one that does.
                bonus -= tuning.tag_only_penalty
            score = coverage + tuning.bm25_share * bm25 + bonus
            numbered = query.counts and DIGIT.search(stems_text) is not None
            hits.append(
                Hit(rowid, item_id, coverage, bm25, bonus, score, matches, demoted=min(intent, 0.0), numbered=numbered)
            )
        hits.sort(key=lambda hit: (-hit.score, hit.rowid))
        return hits

    @staticmethod
    def kind_wanted(query: Query, kind: str) -> bool:
        """Whether a passage is of the kind the question asks for. A bullet the report files under recommendations
        but words as an observation is a finding to a question asking what happened ("how good were the
        assessments"), and a recommendation to one asking for the recommendations by name."""
        if kind == OBSERVATION:
            return query.wants_kind == ("recommendation" if query.names_kind else "finding")
        return kind == query.wants_kind

    def intent_bonus(
        self, query: Query, kind: str, stems_text: str, tags: set[str], agency_tags: set[str], *, item_id: str = ""
    ) -> float:
        """A nudge for the passage the question's intent asks for: one holding a number for a fact question, the
        audit's context for a purpose question (its stated purpose most), a recommendation tagged with the named
        agency for an agency one; and less for a context passage (why the audit was done) when the question does
        not ask why."""
        if query.intent == "fact":
            if query.counts_audited:
                # How many cases were audited: the context tells it as the audit's set-up ("8 cases being
                # audited"), a finding as what was found across them ("across all 8 cases"); both answer.
                if CASE_COUNT.search(stems_text):
                    return self.tuning.intent_bonus if kind != "context" else self.tuning.intent_bonus / 2
            elif COUNT.search(stems_text):
                return self.tuning.intent_bonus
            if VAGUE_COUNT.search(stems_text) or COUNTING_NUMBER.search(stems_text) is not None:
                return self.tuning.intent_bonus / 2
        if kind == "context":
            if query.intent != "purpose":
                return -self.tuning.context_penalty
            # How an audit was done is told where the context speaks of the audit, not in a priority's statement.
            if query.method and AUDIT_STEM not in stems_text.split():
                return self.tuning.intent_bonus / 2
            # Why an audit was done is its stated purpose; its priority or introduction is the background to it.
            if not query.method and item_id in self.vocab.purpose_items:
                return 2 * self.tuning.intent_bonus
            return self.tuning.intent_bonus
        if query.intent == "agency" and kind == "recommendation" and not tags.isdisjoint(agency_tags):
            return self.tuning.intent_bonus
        if query.asks_of_agency and kind == "finding":
            # "what's expected of health visitors": what is asked of them is a recommendation; a finding naming
            # them ("... via the CAF Team and the Health Visiting service") says what was found, not asked.
            return -self.tuning.intent_bonus
        return 0.0

    def well_evidenced(self, hit: Hit) -> bool:
        """A long, chatty question: several concepts matched, outweighing any single word left unexplained."""
        tuning = self.tuning
        matched = [m for m in hit.matches if m.credit >= tuning.credit_tag]
        unmatched = [m.weight for m in hit.matches if m.credit == 0]
        evidence = sum(m.weight * m.credit for m in hit.matches)
        return (
            hit.coverage >= tuning.min_evidenced_coverage
            and len(matched) >= tuning.evidenced_units
            and evidence >= tuning.evidence_margin * max(unmatched, default=0.0)
        )

    def main_concept(self, query: Query, hits: list[Hit]) -> int | None:
        """The index of the concept unit the question is mainly about, or None: of those any candidate matches (in
        words, a phrase or a tag), the one fewest candidates match; the heavier on a tie. A broad concept ("mum":
        parents and families) matches many passages, the specific one beside it ("new boyfriend": significant
        males) few. With none matched, the heaviest concept."""
        concepts = [index for index, unit in enumerate(query.units) if unit.concept is not None]
        # What is asked, not the case told beside it, is what the question is mainly about.
        concepts = [index for index in concepts if not query.units[index].told] or concepts
        reach = {index: sum(hit.matches[index].credit >= self.tuning.credit_tag for hit in hits) for index in concepts}
        matched = [index for index in concepts if reach[index]]
        return max(
            matched or concepts,
            key=lambda index: (-reach[index] if matched else 0, query.units[index].weight, -index),
            default=None,
        )

    def concept_evidenced(
        self, hit: Hit, units: list[Unit], main: int | None, specific: set[int] | None = None
    ) -> bool:
        """The passage holds the question's main concept in words (not only a tag), or is tagged with a specific
        concept the question names (the tags are curated: "face value" on a passage tagged professional
        curiosity), and that evidence outweighs every word it leaves unexplained: the question is answered on the
        evidence for its learning topic."""
        if hit.coverage < self.tuning.min_result_coverage:
            return False
        named = main is not None and hit.matches[main].credit > self.tuning.credit_tag
        if not named and not any(hit.matches[index].credit >= self.tuning.credit_tag for index in specific or ()):
            return False
        evidence = sum(m.weight * m.credit for m in hit.matches)
        # A broad learning concept the passage does not hold ("parents" beside "probing") is the setting of the
        # topic, no sign that the question is on something else; a specific one ("chronology") may be.
        unmatched = max(
            (
                m.weight
                for m, unit in zip(hit.matches, units, strict=True)
                if m.credit == 0
                and (unit.concept is None or unit.specific or unit.signpost or unit.offtopic)
                # ... nor is a learning concept in the case told before what is asked ("pregnant woman, disclosed
                # DV from her ex. Partner never comes ..."): the scene, not the topic.
                and not (unit.concept is not None and (unit.told or unit.scene) and not unit.signpost)
            ),
            default=0.0,
        )
        return evidence >= self.tuning.evidence_margin * unmatched

    def count_found(self, query: Query, hits: list[Hit]) -> bool:
        """A question asking how many of something there are is answered only by a passage holding a number and
        every concept the question names, in words: a count of something else ("2191 open cases") is no answer."""
        # "how many of the multiple needs children ...": the audited cases are counted, so an audit's own topic
        # needs no number beside it; anything else counted must be ("how many CSE referrals went to MASE").
        named = [
            index
            for index, unit in enumerate(query.units)
            if unit.concept is not None
            and not set(unit.words) <= INTENT_WORDS
            and not unit.signpost
            and not unit.told  # the case told is not what is counted
            and not (query.audits and unit.concept.audits)
        ]
        return any(
            hit.numbered and all(hit.matches[index].credit > self.tuning.credit_tag for index in named) for hit in hits
        )

    def threshold(self, query: Query, hits: list[Hit]) -> list[Hit]:
        """The hits good enough to show, best first (possibly none)."""
        tuning = self.tuning
        # Only passages that match something specific count: a concept, or a word that is not everyday
        # English ("when is the next team meeting" matches only "team" and "meeting").
        # With no concept named at all, only a word rarer than everyday English is such evidence ("how do I put in
        # a leave request" matches "request" and "leave" in passages, and says nothing of a learning topic).
        # Nor is a number: "whats 2 plus 2" matches "2 of the 6 cases".
        conceptless = all(unit.concept is None for unit in query.units)
        plain = tuning.everyday_zipf if conceptless else tuning.filler_zipf
        specific = {
            index
            for index, unit in enumerate(query.units)
            if unit.concept is not None
            or (unit.commonness < plain and not (conceptless and all(word.isdigit() for word in unit.words)))
        }
        hits = [hit for hit in hits if any(m.credit > 0 and i in specific for i, m in enumerate(hit.matches))]
        if not hits:
            return []
        best = max(hit.coverage for hit in hits)
        main = self.main_concept(query, hits)
        specific = {index for index, unit in enumerate(query.units) if unit.specific}
        if best < tuning.min_coverage and not any(
            self.well_evidenced(hit) or self.concept_evidenced(hit, query.units, main, specific) for hit in hits[:5]
        ):
            return []
        if query.counts and not self.count_found(query, hits[:5]):
            query.uncounted = True
            return []
        cutoff = max(tuning.min_result_coverage, best * tuning.relative_cutoff)
        # A passage nudged down (why an audit was done, to a question not asking why) must clear the cut-off by as
        # much: restating the audit's topic is no answer to a question only loosely on it.
        return [hit for hit in hits if hit.coverage + hit.demoted >= cutoff]
