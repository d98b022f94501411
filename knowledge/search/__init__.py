"""Matching practitioners' questions to learning points.

The pipeline, in order, one module each:

1. `query`: *analyse* the question into weighted units (concept phrases and single content words), correcting
   typos against the knowledge vocabulary.
2. `retrieval`: *retrieve* candidates with FTS5/BM25 over the stemmed passages and their tags.
3. `scoring`: *score* each candidate by how much of the question it covers, then *threshold*: nothing is
   returned unless the best coverage passes `Tuning.min_coverage`.
4. `semantic` (optional, off by default): *re-rank* the passages good enough to show by meaning, fusing the keyword
   score with sentence-embedding cosine; scope stays the keyword layer's. Imported only when turned on.

`tuning` holds every constant and weight in one frozen `Tuning`. This package imports only the reading layer
(text, vocabulary) and the standard library; the plain-BM25 evaluation baseline lives in `knowledge.tools`.
"""

from __future__ import annotations

import re
import sqlite3
from typing import TYPE_CHECKING

from knowledge.search.query import Analyser, Query, Unit
from knowledge.search.retrieval import Retriever
from knowledge.search.scoring import Hit, Match, Scorer
from knowledge.search.tuning import TUNING, Tuning
from knowledge.text import continues
from knowledge.vocabulary import Vocabulary

if TYPE_CHECKING:
    from knowledge.search.semantic import Reranker

__all__ = ["TUNING", "Hit", "Match", "Query", "Searcher", "Tuning", "Unit"]


class Searcher:
    """Answers questions against one knowledge database connection."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        vocabulary: Vocabulary | None = None,
        *,
        tuning: Tuning = TUNING,
        reranker: Reranker | None = None,
    ) -> None:
        self.conn = conn
        self.vocab = vocabulary or Vocabulary(conn)
        self.tuning = tuning
        self.analyser = Analyser(conn, self.vocab, tuning=tuning)
        self.retriever = Retriever(conn, self.vocab, tuning=tuning)
        self.scorer = Scorer(self.vocab, tuning=tuning)
        self.reranker = reranker

    def analyse(self, question: str) -> Query:
        """The question as weighted units (see `knowledge.search.query`)."""
        return self.analyser.analyse(question)

    def score(self, query: Query) -> list[Hit]:
        """Every candidate passage with its score parts, best first (no threshold applied)."""
        return self.scorer.score(query, self.retriever.candidates(query))

    def search(self, question: str) -> tuple[Query, list[Hit]]:
        """Analyse, retrieve, score and threshold: the relevant passages, best first (possibly none)."""
        query = self.analyse(question)
        return query, self.passages(query)

    def passages(self, query: Query) -> list[Hit]:
        """Retrieve, score and threshold for an analysed question: the relevant passages, best first."""
        question = query.question
        if query.asks_details:
            # How many cases an audit looked at, or when: its details answer (`KnowledgeBase.ask`), with the
            # passages that state that count ("across all 8 cases").
            return self.stating_the_count(query) if query.counts_audited else []
        if not query.units or (query.signposts and not query.signposts_told):
            # A safeguarding topic the audits do not cover is answered by its signpost, never by learning points;
            # shown beside it, the passages that name the topic (a board priority naming it).
            return self.naming_passages(query)
        hits = self.score(query)
        if not hits:
            return []
        shown = self.with_continuations(query, self.scorer.threshold(query, hits), hits)
        if self.reranker is not None and shown:
            # Scope is the keyword layer's (it found something); the semantic layer orders the passages it would
            # show and the next best it scored, up to `Tuning.semantic_pool`.
            pool = shown + [hit for hit in hits[: self.tuning.semantic_pool] if hit not in shown]
            shown = self.rerank(question, pool)
        return shown

    def stating_the_count(self, query: Query) -> list[Hit]:
        """The passages good enough to show that hold their audit's number of cases audited as a number."""
        hits = self.score(query)
        shown = self.scorer.threshold(query, hits) if hits else []
        if not shown:
            return []
        marks = ",".join("?" * len(shown))
        rows = self.conn.execute(
            "SELECT items.rowid, items.text, audits.cases_audited FROM items JOIN audits ON audits.id = items.audit_id"
            f" WHERE items.rowid IN ({marks})",
            [hit.rowid for hit in shown],
        ).fetchall()
        stating = {
            rowid for rowid, text, cases in rows if cases is not None and re.search(rf"(?<!\d){cases} cases\b", text)
        }
        return [hit for hit in shown if hit.rowid in stating]

    def naming_passages(self, query: Query) -> list[Hit]:
        """The passages the question's signposts list as naming their topic, in the signposts' order."""
        ids = list(dict.fromkeys(p for topic in query.signposts for p in self.vocab.signposts[topic].passages))
        if not ids or query.practical:  # how to refer or where the form is: the report says nothing to that
            return []
        marks = ",".join("?" * len(ids))
        rowids = dict(self.conn.execute(f"SELECT id, rowid FROM items WHERE id IN ({marks})", ids).fetchall())
        unmatched = [Match(unit.text, unit.weight, 0.0, "none") for unit in query.units]
        return [Hit(rowids[i], i, 0.0, 0.0, 0.0, 0.0, list(unmatched)) for i in ids if i in rowids]

    def with_continuations(self, query: Query, shown: list[Hit], hits: list[Hit]) -> list[Hit]:
        """Each of the first `continued_from` passages shown, followed by the next passage of its audit section when
        that one opens by pointing back at it ("This leads to scrutiny as to why ..."): it says no more on its own,
        and finishes what the passage before it says."""
        head = shown[: self.tuning.continued_from]
        if not head:
            return shown
        marks = ",".join("?" * len(head))
        rows = self.conn.execute(
            "SELECT this.rowid, next.rowid, next.id, next.text FROM items AS this JOIN items AS next"
            " ON next.audit_id = this.audit_id AND next.position = this.position + 1"
            " AND next.kind = this.kind AND next.section IS this.section"
            f" WHERE this.rowid IN ({marks})",
            [hit.rowid for hit in head],
        ).fetchall()
        following = {rowid: (next_rowid, next_id) for rowid, next_rowid, next_id, text in rows if continues(text)}
        if not following:
            return shown
        scored = {hit.item_id: hit for hit in hits}
        out = list(shown)
        for hit in head:
            if hit.rowid not in following:
                continue
            next_rowid, next_id = following[hit.rowid]
            later = next((index for index, other in enumerate(out) if other.item_id == next_id), None)
            before = out.index(hit)
            if later is not None and later < before:
                continue  # shown first already
            if later is not None:
                follower = out.pop(later)
            else:
                follower = scored.get(next_id) or Hit(
                    next_rowid,
                    next_id,
                    hit.coverage,
                    0.0,
                    0.0,
                    hit.score,
                    [Match(unit.text, unit.weight, 0.0, "none") for unit in query.units],
                )
            follower.continues = hit.item_id
            out.insert(out.index(hit) + 1, follower)
        return out

    def rerank(self, question: str, hits: list[Hit]) -> list[Hit]:
        """The keyword layer's passages re-ordered by the semantic layer (each hit's score becomes the fused one)."""
        assert self.reranker is not None
        marks = ",".join("?" * len(hits))
        texts = dict(self.conn.execute(f"SELECT id, text FROM items WHERE rowid IN ({marks})", [h.rowid for h in hits]))
        by_id = {hit.item_id: hit for hit in hits}
        fused = self.reranker.fused(question, [(hit.item_id, texts[hit.item_id], hit.score) for hit in hits])
        reordered = []
        for item_id, score, cosine in fused:
            hit = by_id[item_id]
            hit.keyword, hit.score, hit.cosine = hit.score, score, cosine
            reordered.append(hit)
        return reordered
