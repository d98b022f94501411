"""Matching practitioners' questions to learning points.

The pipeline, in order, one module each:

1. `query`: *analyse* the question into weighted units (concept phrases and single content words), correcting
   typos against the knowledge vocabulary.
2. `retrieval`: *retrieve* candidates with FTS5/BM25 over the stemmed passages and their tags.
3. `scoring`: *score* each candidate by how much of the question it covers, then *threshold*: nothing is
   returned unless the best coverage passes `Tuning.min_coverage`.

`tuning` holds every constant and weight in one frozen `Tuning`. This package imports only the reading layer
(text, vocabulary) and the standard library; the plain-BM25 evaluation baseline lives in `knowledge.tools`.
"""

from __future__ import annotations

import sqlite3

from knowledge.search.query import Analyser, Query, Unit
from knowledge.search.retrieval import Retriever
from knowledge.search.scoring import Hit, Match, Scorer
from knowledge.search.tuning import TUNING, Tuning
from knowledge.vocabulary import Vocabulary

__all__ = ["TUNING", "Hit", "Match", "Query", "Searcher", "Tuning", "Unit"]


class Searcher:
    """Answers questions against one knowledge database connection."""

    def __init__(
        self, conn: sqlite3.Connection, vocabulary: Vocabulary | None = None, *, tuning: Tuning = TUNING
    ) -> None:
        self.conn = conn
        self.vocab = vocabulary or Vocabulary(conn)
        self.tuning = tuning
        self.analyser = Analyser(conn, self.vocab, tuning=tuning)
        self.retriever = Retriever(conn, self.vocab, tuning=tuning)
        self.scorer = Scorer(self.vocab, tuning=tuning)

    def analyse(self, question: str) -> Query:
        """The question as weighted units (see `knowledge.search.query`)."""
        return self.analyser.analyse(question)

    def score(self, query: Query) -> list[Hit]:
        """Every candidate passage with its score parts, best first (no threshold applied)."""
        return self.scorer.score(query, self.retriever.candidates(query))

    def search(self, question: str) -> tuple[Query, list[Hit]]:
        """Analyse, retrieve, score and threshold: the relevant passages, best first (possibly none)."""
        query = self.analyse(question)
        if not query.units or query.signposts:
            # A safeguarding topic the audits do not cover is answered by its signpost, never by learning points.
            return query, []
        hits = self.score(query)
        if not hits:
            return query, []
        return query, self.scorer.threshold(query, hits)
