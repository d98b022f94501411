"""Candidate retrieval: the passages worth scoring, read from the FTS5 index by BM25.

Each unit of the query is searched by its own stems, by the report phrases its concept expands to and by its
concept's tags (themes, agencies, audit); when those terms would read too many postings (a common word at
100,000 passages), the commonest are left out. Imports the query's types, the vocabulary and the tuning.
"""

from __future__ import annotations

import sqlite3
from collections import Counter

from knowledge.search.query import Query
from knowledge.search.tuning import TUNING, Tuning
from knowledge.vocabulary import AGENCY_TAG, AUDIT_TAG, THEME_TAG, Concept, Vocabulary, tag_token

# A term to retrieve candidates by: (column, stems, indexes of the units it stands for).
Route = tuple[str, tuple[str, ...], set[int]]
# A candidate row: rowid, item id, stems, tags, kind, audit id, bm25 rank.
Candidate = tuple[int, str, str, str, str, str, float]


def fts_phrase(stems: tuple[str, ...]) -> str:
    """An FTS5 phrase query for a sequence of stems."""
    return '"' + " ".join(stems) + '"'


def concept_tags(concept: Concept) -> list[str]:
    """The tag tokens a concept counts as evidence: its themes, agencies and audits."""
    tokens = [tag_token(THEME_TAG, theme) for theme in sorted(concept.themes)]
    tokens += [tag_token(AGENCY_TAG, agency) for agency in sorted(concept.agencies)]
    tokens += [tag_token(AUDIT_TAG, audit) for audit in sorted(concept.audits)]
    return tokens


class Retriever:
    """Reads the candidate passages for a query from one knowledge database."""

    def __init__(self, conn: sqlite3.Connection, vocabulary: Vocabulary, *, tuning: Tuning = TUNING) -> None:
        self.conn = conn
        self.vocab = vocabulary
        self.tuning = tuning

    def routes(self, query: Query) -> list[Route]:
        """Each term ("route") is a unit's own stem, a report phrase its concept expands to, or a tag; a route
        may serve several units."""
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
                for token in concept_tags(unit.concept):
                    tag_terms.setdefault(token, set()).add(index)
        text_keys = list(text_terms)[: self.tuning.max_fts_terms]
        tag_keys = [term for term in tag_terms if term in self.vocab.stem_df]
        routes: list[Route] = [("stems", key, text_terms[key]) for key in text_keys]
        routes += [("tags", (term,), tag_terms[term]) for term in tag_keys]
        return self.within_budget(query, routes)

    def fts_query(self, query: Query) -> str:
        """The FTS5 MATCH expression for a query's routes ("" when there is nothing to search for)."""
        routes = self.routes(query)
        text_part = [fts_phrase(key) for column, key, _ in routes if column == "stems"]
        tag_part = [fts_phrase(key) for column, key, _ in routes if column == "tags"]
        parts = []
        if text_part:
            parts.append("stems : (" + " OR ".join(text_part) + ")")
        if tag_part:
            parts.append("tags : (" + " OR ".join(tag_part) + ")")
        return " OR ".join(parts)

    def cost(self, routes: list[Route]) -> float:
        """Roughly how much work the full-text index does for these terms, in postings read.

        A phrase reads (some of) each of its words' postings; every term also adds to the work done for each
        matching passage (the OR and bm25() visit every term), about 1/`terms_per_doubling` of it.
        """
        df = self.vocab.stem_df
        postings = sum(sum(df.get(part, 0) for part in key) / len(key) for _, key, _ in routes)
        return postings * (1 + len(routes) / self.tuning.terms_per_doubling)

    def within_budget(self, query: Query, routes: list[Route]) -> list[Route]:
        """The terms to retrieve candidates by: all of them, unless they cost more than `postings_budget`.

        Then each phrase is searched by its rarest word instead (a superset of its passages, read far more
        cheaply; scoring checks every word anyway), and the commonest terms are left out (they still count when
        the candidates are scored), a unit's own words last. Each unit keeps a term, except that units weighing
        together less than `min_result_coverage` of the question may lose theirs: passages matching nothing
        else could never be shown.
        """
        tuning = self.tuning
        if self.cost(routes) <= tuning.postings_budget:
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
            return (-df.get(key[0], 0) * (tuning.own_word_keep if own_word else 1.0), key)

        for route in sorted(merged, key=expendable):
            if postings * (1 + len(merged) / tuning.terms_per_doubling) <= tuning.postings_budget:
                break
            owners = merged[route]
            lost = sum(query.units[unit].weight for unit in owners if left[unit] == 1)
            if (orphaned + lost) / total_weight >= tuning.min_result_coverage:
                continue
            del merged[route]
            postings -= df.get(route[1][0], 0)
            orphaned += lost
            left.subtract(owners)
        return [(column, key, owners) for (column, key), owners in merged.items()]

    def candidates(self, query: Query) -> list[Candidate]:
        """The best `candidates` passages by BM25 over the query's routes, best first."""
        match = self.fts_query(query)
        if not match:
            return []
        # Rank in the full-text index first and read only the best rows' text: joining before the LIMIT would
        # read every matching row (tens of thousands for a common word at 100,000 passages).
        return self.conn.execute(
            "SELECT items.rowid, items.id, items.stems, items.tags, items.kind, items.audit_id, ranked.rank"
            " FROM (SELECT rowid, bm25(items_fts, 1.0, 0.3) AS rank FROM items_fts"
            " WHERE items_fts MATCH ? ORDER BY rank, rowid LIMIT ?) AS ranked"
            " JOIN items ON items.rowid = ranked.rowid ORDER BY ranked.rank, ranked.rowid",
            (match, self.tuning.candidates),
        ).fetchall()
