"""Candidate retrieval: the passages worth scoring, read from the full-text index at a cost bounded by a budget.

Each unit of the query is searched by its own stems, by the report phrases its concept expands to and by its
concept's tags (themes, agencies, audit). Ranking a term in FTS5 (`bm25()`) costs work for every passage holding
it, so only the rarest terms are ranked there, as many as fit in `Tuning.postings_budget` postings: the best
`candidates` passages by BM25 over those. A term too common to rank (a common word at a million passages holds
hundreds of thousands) is read only where a unit has no rarer own word, and then in index order and at most
`fill_candidates` rows (passages holding it beside a ranked term first). Those rows are ranked here, by the same
BM25 formula from the document counts the vocabulary already holds, so the work per question is bounded by
the budget and the candidate counts, not by the size of the library. Imports the query's types, the vocabulary
and the tuning.
"""

from __future__ import annotations

import math
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from knowledge.search.query import Query
from knowledge.search.tuning import TUNING, Tuning
from knowledge.vocabulary import AGENCY_TAG, AUDIT_TAG, THEME_TAG, Concept, Vocabulary, tag_token

# A term to retrieve candidates by: (column, stems, indexes of the units it stands for).
Route = tuple[str, tuple[str, ...], set[int]]
# A candidate row: rowid, item id, stems, tags, kind, audit id, bm25 rank. A recommendation worded as an observation
# (curated `reads_as`) has the kind "observation": see `Scorer.kind_wanted`.
Candidate = tuple[int, str, str, str, str, str, float]

# The weights of the full-text columns in BM25 (stems, tags), and FTS5's bm25() constants.
COLUMN_WEIGHTS = {"stems": 1.0, "tags": 0.3}
BM25_K1 = 1.2
BM25_B = 0.75
# The id of the FTS5 record holding the row count and each column's token total (fts5_index.c).
FTS5_AVERAGES_ROWID = 1
# A token as FTS5's unicode61 tokenizer reads one: a run of letters and digits ("a&e" is two).
_FTS_TOKEN = re.compile(r"[^\W_]+")
_ROW_COLUMNS = (
    "items.rowid, items.id, items.stems, items.tags,"
    " CASE WHEN items.reads_as = 'observation' THEN 'observation' ELSE items.kind END, items.audit_id"
)


def fts_phrase(stems: tuple[str, ...]) -> str:
    """An FTS5 phrase query for a sequence of stems."""
    return '"' + " ".join(stems) + '"'


def match_expression(routes: list[Route]) -> str:
    """The FTS5 MATCH expression for some routes: each column's phrases ORed ("" for no routes)."""
    parts = []
    for column in COLUMN_WEIGHTS:
        phrases = [fts_phrase(key) for route_column, key, _ in routes if route_column == column]
        if phrases:
            parts.append(f"{column} : (" + " OR ".join(phrases) + ")")
    return " OR ".join(parts)


def concept_tags(concept: Concept) -> list[str]:
    """The tag tokens a concept counts as evidence: its themes, agencies and audits."""
    tokens = [tag_token(THEME_TAG, theme) for theme in sorted(concept.themes)]
    tokens += [tag_token(AGENCY_TAG, agency) for agency in sorted(concept.agencies)]
    tokens += [tag_token(AUDIT_TAG, audit) for audit in sorted(concept.audits)]
    return tokens


def varints(data: bytes) -> list[int]:
    """The SQLite varints in a record, in order (as FTS5 stores its row count and column sizes)."""
    values, value, used = [], 0, 0
    for byte in data:
        used += 1
        if used == 9:
            values.append((value << 8) | byte)
            value, used = 0, 0
        elif byte & 0x80:
            value = (value << 7) | (byte & 0x7F)
        else:
            values.append((value << 7) | byte)
            value, used = 0, 0
    return values


def index_length(text: str, tokens: list[str]) -> int:
    """How many tokens the full-text index counts in a column's text, given the text split on spaces."""
    if text.replace(" ", "").isalnum():
        return len(tokens)
    return len(_FTS_TOKEN.findall(text))


@dataclass(frozen=True)
class Plan:
    """How a query's candidates are read: `ranked` by BM25 in the index, `fill` in index order (bounded)."""

    ranked: list[Route]
    common: list[Route]
    fill: list[Route]


class Retriever:
    """Reads the candidate passages for a query from one knowledge database."""

    def __init__(self, conn: sqlite3.Connection, vocabulary: Vocabulary, *, tuning: Tuning = TUNING) -> None:
        self.conn = conn
        self.vocab = vocabulary
        self.tuning = tuning
        self._average_length: float | None = None
        self._idfs: dict[str, float] = {}

    def routes(self, query: Query) -> list[Route]:
        """Each term ("route") is a unit's own stem, a report phrase its concept expands to, or a tag; a route
        may serve several units."""
        text_terms: dict[tuple[str, ...], set[int]] = {}
        tag_terms: dict[str, set[int]] = {}
        for index, unit in enumerate(query.units):
            if unit.offtopic or not unit.weight:
                continue  # a unit that weighs nothing (a closing thanks) ranks nothing
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
        return routes

    def fts_query(self, query: Query) -> str:
        """The FTS5 MATCH expression the candidates are ranked by ("" when there is nothing to rank)."""
        return match_expression(self.plan(query).ranked)

    def cost(self, routes: list[Route]) -> float:
        """Roughly how much work the full-text index does to rank these terms, in postings read.

        A phrase reads (some of) each of its words' postings; every term also adds to the work done for each
        matching passage (the OR and bm25() visit every term), about 1/`terms_per_doubling` of it.
        """
        df = self.vocab.stem_df
        postings = sum(sum(df.get(part, 0) for part in key) / len(key) for _, key, _ in routes)
        return postings * (1 + len(routes) / self.tuning.terms_per_doubling)

    def plan(self, query: Query) -> Plan:
        """Which terms are ranked in the index and which are too common to.

        All of them are ranked unless they cost more than `postings_budget`. Then each phrase is searched by its
        rarest word instead (a superset of its passages, read far more cheaply; scoring checks every word anyway),
        and the commonest terms are left out of the ranking until the rest fit, a unit's own words last. A unit
        left with none of its own words ranked is read by them in index order (`fill`): its common own words, or,
        with no own word in the index at all and nothing ranked for it, every term it has.
        """
        tuning = self.tuning
        routes = self.routes(query)
        if self.cost(routes) <= tuning.postings_budget:
            return Plan(routes, [], [])
        df = self.vocab.stem_df
        own = {(part,) for unit in query.units for part in unit.stems}
        merged: dict[tuple[str, tuple[str, ...]], set[int]] = {}
        for column, key, owners in routes:
            rarest = (min(key, key=lambda part: (df.get(part, 0), part)),)
            merged.setdefault((column, rarest), set()).update(owners)

        def expendable(route: tuple[str, tuple[str, ...]]) -> tuple[float, tuple[str, ...]]:
            column, key = route
            own_word = column == "stems" and key in own
            return (-df.get(key[0], 0) * (tuning.own_word_keep if own_word else 1.0), key)

        kept = dict(merged)
        postings = sum(df.get(key[0], 0) for _, key in kept)
        common: list[Route] = []
        for route in sorted(merged, key=expendable):
            if postings * (1 + len(kept) / tuning.terms_per_doubling) <= tuning.postings_budget:
                break
            owners = kept.pop(route)
            postings -= df.get(route[1][0], 0)
            common.append((route[0], route[1], owners))
        ranked = [(column, key, owners) for (column, key), owners in kept.items()]
        return Plan(ranked, common, self.fill_routes(query, ranked, common))

    @staticmethod
    def fill_routes(query: Query, ranked: list[Route], common: list[Route]) -> list[Route]:
        """The common routes to read in index order: for each unit none of whose own words is ranked, its common
        own words; for a unit with nothing ranked and no own word among the common routes, all its terms."""
        fill: dict[tuple[str, tuple[str, ...]], Route] = {}
        for index, unit in enumerate(query.units):

            def own(column: str, key: tuple[str, ...], unit_stems: tuple[str, ...] = unit.stems) -> bool:
                return column == "stems" and key[0] in unit_stems

            mine = [route for route in ranked if index in route[2]]
            if any(own(column, key) for column, key, _ in mine):
                continue
            common_mine = [route for route in common if index in route[2]]
            chosen = [route for route in common_mine if own(route[0], route[1])] or ([] if mine else common_mine)
            for route in chosen:
                fill.setdefault((route[0], route[1]), route)
        return list(fill.values())

    def candidates(self, query: Query) -> list[Candidate]:
        """The best `candidates` passages by BM25 over the ranked terms, then (when a unit needs them) up to
        `fill_candidates` more holding its common words; each ranked by BM25 over every term, best first."""
        plan = self.plan(query)
        tuning = self.tuning
        ranked_rows: list[Candidate] = []
        if plan.ranked:
            # Rank in the full-text index first and read only the best rows' text: joining before the LIMIT would
            # read every matching row.
            ranked_rows = self.conn.execute(
                f"SELECT {_ROW_COLUMNS}, ranked.rank"
                " FROM (SELECT rowid, bm25(items_fts, 1.0, 0.3) AS rank FROM items_fts"
                " WHERE items_fts MATCH ? ORDER BY rank, rowid LIMIT ?) AS ranked"
                " JOIN items ON items.rowid = ranked.rowid ORDER BY ranked.rank, ranked.rowid",
                (match_expression(plan.ranked), tuning.candidates),
            ).fetchall()
        if not plan.common:
            return ranked_rows
        # Every candidate's rank is BM25 over every term: the index's over the ranked ones plus, computed here, the
        # common ones' (BM25 is a sum over terms); a row read in index order gets the ranked terms' part here too.
        extras = self.ranks(ranked_rows, plan.common)
        rows = [(*row[:6], row[6] + extra) for row, extra in zip(ranked_rows, extras, strict=True)]
        filled = self.fill_rows(query, plan, exclude={row[0] for row in rows})
        rows += [(*row, rank) for row, rank in zip(filled, self.ranks(filled, plan.ranked + plan.common), strict=True)]
        return sorted(rows, key=lambda row: (row[6], row[0]))

    def fill_rows(self, query: Query, plan: Plan, *, exclude: object) -> list[tuple[int, str, str, str, str, str]]:
        """Passages the ranking may have missed, in index order, each read stopping at its LIMIT (FTS5 walks
        postings in rowid order and skips ahead): up to `fill_candidates` holding a word of each of the `fill_units`
        heaviest units, then up to
        `fill_candidates` holding a fill term (beside a ranked term first)."""
        limit = self.tuning.fill_candidates
        # By words only: a concept's tags can be hundreds (every audit on its theme), and an OR of hundreds of
        # terms is walked term by term at every step of the AND.
        routes = [route for route in plan.ranked + plan.common if route[0] == "stems"]
        weights = {unit: query.units[unit].weight for _, _, owners in routes for unit in owners}
        units = sorted(sorted(weights, key=lambda unit: (-weights[unit], unit))[: self.tuning.fill_units])
        every = " AND ".join(f"({match_expression([r for r in routes if unit in r[2]])})" for unit in units)
        found = self.read_rowids([every] if len(units) > 1 else [], limit)
        if plan.fill:
            fill = match_expression(plan.fill)
            beside = [f"({fill}) AND ({match_expression(plan.ranked)})"] if plan.ranked else []
            found += self.read_rowids([*beside, fill], limit)
        wanted = [rowid for rowid in dict.fromkeys(found) if rowid not in exclude]  # type: ignore[operator]
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        return self.conn.execute(f"SELECT {_ROW_COLUMNS} FROM items WHERE items.rowid IN ({marks})", wanted).fetchall()

    def read_rowids(self, matches: list[str], limit: int) -> list[int]:
        """Up to `limit` distinct rowids matching the expressions, in turn, each in index order."""
        found: dict[int, None] = {}
        for match in matches:
            if len(found) >= limit:
                break
            rows = self.conn.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH ? LIMIT ?", (match, limit))
            for (rowid,) in rows:
                found.setdefault(rowid)
        return list(found)[:limit]

    @property
    def average_length(self) -> float:
        """Tokens per row over both indexed columns, as FTS5's bm25() takes it (read once from the index)."""
        if self._average_length is None:
            row = self.conn.execute("SELECT block FROM items_fts_data WHERE id = ?", (FTS5_AVERAGES_ROWID,)).fetchone()
            counts = varints(row[0]) if row else []
            self._average_length = (sum(counts[1:]) / counts[0]) if counts and counts[0] else 1.0
        return self._average_length

    def idf(self, term: str) -> float:
        """FTS5's BM25 IDF of a term, from its document count (memoised: a concept can bring hundreds of tags)."""
        idf = self._idfs.get(term)
        if idf is None:
            rows, hits = self.vocab.doc_count, self.vocab.stem_df.get(term, 0)
            idf = math.log((rows - hits + 0.5) / (hits + 0.5))
            idf = self._idfs[term] = idf if idf > 0 else 1e-6
        return idf

    def ranks(self, rows: list[tuple[Any, ...]], routes: list[Route]) -> list[float]:
        """Each row's BM25 rank (negative: lower is better) over single-word routes, as FTS5's
        bm25(items_fts, 1.0, 0.3) computes it from the words' document counts; 0.0 for a row holding none."""
        idfs: dict[str, dict[str, float]] = {column: {} for column in COLUMN_WEIGHTS}
        for column, key, _ in routes:
            idfs[column][key[0]] = self.idf(key[0])
        scale = BM25_K1 * BM25_B / self.average_length
        base = BM25_K1 * (1 - BM25_B)
        ranks = []
        for row in rows:
            stems, tags = row[2].split(), row[3].split()
            norm = 0.0
            score = 0.0
            for column, tokens in (("stems", stems), ("tags", tags)):
                column_idfs = idfs[column]
                if not column_idfs:
                    continue
                for term in column_idfs.keys() & set(tokens):
                    if not norm:
                        norm = base + scale * (index_length(row[2], stems) + index_length(row[3], tags))
                    frequency = tokens.count(term) * COLUMN_WEIGHTS[column]
                    score += column_idfs[term] * frequency * (BM25_K1 + 1) / (frequency + norm)
            ranks.append(-score)
        return ranks
