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

import sqlite3
from typing import TYPE_CHECKING

from knowledge.search.query import Analyser, Query, Unit
from knowledge.search.retrieval import Retriever
from knowledge.search.scoring import Hit, Match, Scorer
from knowledge.search.tuning import TUNING, Tuning
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
        if not query.units or (query.signposts and not query.signposts_told):
            # A safeguarding topic the audits do not cover is answered by its signpost, never by learning points.
            return []
        hits = self.score(query)
        if not hits:
            return []
        shown = self.scorer.threshold(query, hits)
        if self.reranker is not None and shown:
            # Scope is the keyword layer's (it found something); the semantic layer orders the passages it would
            # show and the next best it scored, up to `Tuning.semantic_pool`.
            pool = shown + [hit for hit in hits[: self.tuning.semantic_pool] if hit not in shown]
            shown = self.rerank(question, pool)
        return shown

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
