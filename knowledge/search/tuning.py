"""Every number the search is tuned by, in one frozen object that the query, retrieval and scoring steps share.

A `Searcher` takes a `Tuning` (default: `TUNING`), so an experiment can change a weight without editing code and
two searchers with different tunings can run side by side. Imports nothing from the rest of the search.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tuning:
    """Constants and weights of the search, with what each one does."""

    # Credit a unit earns, by how it matched a passage.
    credit_own: float = 1.0
    credit_corrected: float = 0.9
    credit_expansion: float = 0.8
    credit_audit: float = 0.8
    credit_tag: float = 0.6
    credit_partial: float = 0.5
    # A phrase whose words are all in a passage, but apart (not within a few words of each other).
    credit_scattered: float = 0.6
    # Weight of a word the knowledge base has never seen, relative to the rarest known word.
    unknown_weight: float = 1.0
    # A word the knowledge base does not know, or a workplace word, in a question that names a learning concept
    # weighs this share of its weight: rejection rests on the absence of evidence for a learning topic.
    beside_concept: float = 0.3
    # ... but only while the question names as many specific concepts as it has unknown English words: a concept
    # whose weight is at least this share of the rarest word's (not one found in a large share of the passages).
    specific_share: float = 0.5
    # ... up to this much specific evidence excuses any number of unknown words (a phrase and an everyday word do).
    excuse_cap: float = 1.5
    # ... a single word at least this common in English counts as this share of a specific concept.
    everyday_zipf: float = 4.0
    everyday_evidence: float = 0.5
    # ... and an everyday word (Zipf above `distinctive_zipf`) that names no concept weighs this share.
    everyday_beside_concept: float = 0.5
    # A thesaurus word at least this common in English ("time", "quick") is not on its own such evidence.
    evidence_zipf: float = 4.5
    # A question describes a concept (glossary definition, theme description) when it shares this many stems
    # with the description, weighing together this much (each stem weighs log(descriptions / descriptions using it)).
    description_stems: int = 3
    description_score: float = 8.0
    # Zipf commonness in ordinary English: at or below `distinctive_zipf` a word weighs fully; from `filler_zipf`
    # on it is everyday filler and weighs `filler_weight` (`known_filler_weight` if the passages use it).
    distinctive_zipf: float = 3.5
    filler_zipf: float = 4.8
    filler_weight: float = 0.15
    known_filler_weight: float = 0.35
    # A case told before the question asked weighs this share when the asking sentence names a topic itself.
    narrative_share: float = 0.5
    # Longest phrase matched on the full word sequence (stopwords included).
    max_full_phrase: int = 6
    # Nothing is returned unless the best passage covers this much of the question ...
    min_coverage: float = 0.45
    # ... and no passage is shown below this coverage, nor below `relative_cutoff` x the best one's.
    min_result_coverage: float = 0.25
    relative_cutoff: float = 0.4
    # A workplace word ("annual leave", "vpn") weighs like the most distinctive word the passages could hold.
    offtopic_weight: float = 1.0
    # A long, chatty question passes with less coverage when this many concepts matched, their evidence
    # outweighing the heaviest unexplained word by `evidence_margin`.
    min_evidenced_coverage: float = 0.25
    evidenced_units: int = 3
    evidence_margin: float = 1.5
    # Share of the (normalised) BM25 rank in the score, and the nudge for the wanted kind or a named audit.
    bm25_share: float = 0.15
    kind_bonus: float = 0.1
    # ... when the question names the kind it wants ("the recommendations", "the findings").
    named_kind_bonus: float = 0.2
    # The nudge down for a passage matching the question only through tags (no word nor phrase of it).
    tag_only_penalty: float = 0.05
    # The nudge for the passage a question's intent asks for (a number, the audit's context, an agency's own).
    intent_bonus: float = 0.1
    # Why an audit was done (its purpose, priority, introduction) restates the audit's topic in full: unless the
    # question asks why, such a context passage gives way to the learning points by this much.
    context_penalty: float = 0.2
    # With the semantic layer on: it orders the passages the keyword layer would show and, when that found any, the
    # best this many it scored (some below the cut-off: a passage that says the same in other words).
    semantic_pool: int = 10
    # Candidates read from the full-text index, and terms searched for at most.
    candidates: int = 200
    max_fts_terms: int = 60
    # Ranking a term in the full-text index does work for every posting it has; at 100,000 passages a common word
    # ("child", "plan") or tag has tens of thousands. Above this many, the commonest terms are left out of the
    # ranking; every `terms_per_doubling` terms double the work done per matching passage.
    postings_budget: int = 5_000
    terms_per_doubling: int = 64
    # A unit none of whose own words fits in the budget is read by them in index order, this many passages at
    # most (those holding a ranked term too first), ranked by the same BM25 from the words' document counts.
    fill_candidates: int = 100
    # ... after as many passages holding a word of each of the question's heaviest `fill_units` units (what coverage
    # rewards, which the rarest terms' BM25 may miss).
    fill_units: int = 3
    # How many of the first passages shown bring the next passage along when it continues them ("This leads to ...").
    continued_from: int = 5
    # When leaving terms out, a unit's own word is kept over a thesaurus phrase or tag this many times rarer.
    own_word_keep: float = 0.25


TUNING = Tuning()
