"""Candidate retrieval at scale: only the rarest terms are ranked in the index, common ones are read to a bound.

The work is counted, never timed: SQLite's progress handler counts the virtual-machine steps a retrieval takes
(every row the full-text index hands to bm25() and the sorter costs steps), and the rows read are counted.
"""

from __future__ import annotations

import dataclasses
import math
import re
import sqlite3
from pathlib import Path

import pytest

from knowledge.base import KnowledgeBase
from knowledge.loading import load_knowledge
from knowledge.search import TUNING, Searcher
from knowledge.search.retrieval import Retriever, match_expression, varints
from knowledge.store import build
from knowledge.tools.synthetic import synthetic_base

SMALL, LARGE = 2_000, 8_000
# A budget small enough that the common words of these corpora are too common to rank.
BOUNDED = dataclasses.replace(TUNING, postings_budget=300, candidates=50, fill_candidates=20)


def built(tmp_path_factory: pytest.TempPathFactory, passages: int) -> KnowledgeBase:
    base = synthetic_base(load_knowledge(), passages=passages, seed=5)
    path = tmp_path_factory.mktemp(f"corpus{passages}") / "knowledge.db"
    build(path, knowledge=base.knowledge, item_rows=base.rows())
    return KnowledgeBase(path)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return built(tmp_path_factory, SMALL)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return built(tmp_path_factory, LARGE)


def searcher(kb: KnowledgeBase, tuning: dataclasses.replace = BOUNDED) -> Searcher:  # type: ignore[valid-type]
    return Searcher(kb.conn, kb.vocabulary, tuning=tuning)


def steps(conn: sqlite3.Connection, call: object) -> int:
    """SQLite virtual-machine steps taken while `call()` runs."""
    counted = [0]

    def tick() -> int:
        counted[0] += 1
        return 0

    conn.set_progress_handler(tick, 1)
    try:
        call()  # type: ignore[operator]
    finally:
        conn.set_progress_handler(None, 1)
    return counted[0]


QUESTIONS = [
    "what should the police do",
    "hello can you help?",
    "CIN plans for CWD",
    "school nurse contacts for schools",
]


def test_the_varint_reader_reads_sqlite_varints() -> None:
    assert varints(bytes([0x05, 0x81, 0x00, 0xFF, 0x7F])) == [5, 128, 0x3FFF]
    assert varints(bytes([0xFF] * 8 + [0x01])) == [(2**56 - 1) << 8 | 1]


def test_the_average_length_is_the_index_own(small: KnowledgeBase) -> None:
    rows = small.conn.execute("SELECT stems, tags FROM items")
    tokens = sum(len(re.findall(r"[^\W_]+", f"{stems} {tags}")) for stems, tags in rows)
    retriever = Retriever(small.conn, small.vocabulary)
    assert retriever.average_length == pytest.approx(tokens / SMALL, rel=1e-12)


def test_bm25_computed_here_is_fts5s(small: KnowledgeBase) -> None:
    """Rows read in index order are ranked by the same formula as bm25(items_fts, 1.0, 0.3)."""
    retriever = Retriever(small.conn, small.vocabulary)
    routes = [("stems", ("polic",), {0}), ("stems", ("plan",), {1}), ("tags", ("themexhiddenmales",), {1})]
    match = match_expression(routes)
    rows = small.conn.execute(
        "SELECT items.rowid, items.id, items.stems, items.tags, items.kind, items.audit_id,"
        " bm25(items_fts, 1.0, 0.3) FROM items_fts JOIN items ON items.rowid = items_fts.rowid"
        " WHERE items_fts MATCH ? ORDER BY items.rowid",
        (match,),
    ).fetchall()
    assert len(rows) > 100
    ours = retriever.ranks([tuple(row[:6]) for row in rows], routes)
    assert ours == pytest.approx([row[6] for row in rows], rel=1e-9, abs=1e-12)


def test_under_the_budget_every_term_is_ranked_as_before(small: KnowledgeBase) -> None:
    search = searcher(small, TUNING)
    query = search.analyse("disguised compliance")
    plan = search.retriever.plan(query)
    assert plan.common == [] and plan.fill == []
    top = small.conn.execute(
        "SELECT rowid FROM items_fts WHERE items_fts MATCH ? ORDER BY bm25(items_fts, 1.0, 0.3), rowid LIMIT ?",
        (match_expression(plan.ranked), TUNING.candidates),
    ).fetchall()
    assert [row[0] for row in search.retriever.candidates(query)] == [row[0] for row in top]


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_ranked_terms_fit_the_budget_and_the_candidates_are_bounded(
    small: KnowledgeBase, large: KnowledgeBase, question: str
) -> None:
    for kb in (small, large):
        search = searcher(kb)
        query = search.analyse(question)
        plan = search.retriever.plan(query)
        assert search.retriever.cost(plan.ranked) <= BOUNDED.postings_budget
        candidates = search.retriever.candidates(query)
        assert len(candidates) <= BOUNDED.candidates + 2 * BOUNDED.fill_candidates
        assert [row[6] for row in candidates] == sorted(row[6] for row in candidates)


def test_a_unit_whose_words_are_all_common_is_still_read_by_them(large: KnowledgeBase) -> None:
    search = searcher(large)
    query = search.analyse("police")
    plan = search.retriever.plan(query)
    assert ("stems", ("polic",)) in [(column, key) for column, key, _ in plan.fill]
    assert large.vocabulary.stem_df["polic"] > BOUNDED.postings_budget
    candidates = search.retriever.candidates(query)
    holding = [row for row in candidates if "polic" in row[2].split()]
    assert len(holding) >= BOUNDED.fill_candidates
    assert all(math.isfinite(row[6]) and row[6] < 0 for row in holding)


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_work_does_not_grow_with_the_corpus(small: KnowledgeBase, large: KnowledgeBase, question: str) -> None:
    """Four times the passages, about the same work: ranked terms are bounded by the budget, every other read
    stops at its LIMIT. (Ranking every matching posting, the work would grow about fourfold.)"""
    work = []
    for kb in (small, large):
        search = searcher(kb)
        query = search.analyse(question)
        search.retriever.candidates(query)  # warm: the averages record is read once
        work.append(steps(kb.conn, lambda s=search, q=query: s.retriever.candidates(q)))
    assert work[1] < 1.6 * work[0], work


def test_bounded_retrieval_still_finds_passages_holding_every_unit(large: KnowledgeBase) -> None:
    """Coverage rewards passages holding every unit of the question: with all its words too common to rank, the
    candidates still hold such passages (read in index order), not only the best by the rarest words."""
    search = searcher(large)
    query = search.analyse("police plan")
    plan = search.retriever.plan(query)
    routes = plan.ranked + plan.common
    units = {unit for _, _, owners in routes for unit in owners}
    assert len(units) == 2 and plan.common

    def holds_every_unit(row: tuple) -> bool:
        tokens = {"stems": set(row[2].split()), "tags": set(row[3].split())}
        return all(any(key[0] in tokens[column] for column, key, owners in routes if unit in owners) for unit in units)

    assert sum(map(holds_every_unit, search.retriever.candidates(query))) >= BOUNDED.fill_candidates


def test_a_question_answered_in_full_is_answered_alike_with_a_bounded_budget(tmp_path: Path) -> None:
    """On the bundled knowledge nothing is over the default budget: the bounded path changes no answer there."""
    path = tmp_path / "knowledge.db"
    build(path)
    kb = KnowledgeBase(path)
    unbounded = dataclasses.replace(TUNING, postings_budget=10**9)
    for question in [*QUESTIONS, "voice of the child for pre-verbal children", "core group attendance"]:
        bounded_hits = searcher(kb, TUNING).search(question)[1]
        full_hits = searcher(kb, unbounded).search(question)[1]
        assert [hit.item_id for hit in bounded_hits] == [hit.item_id for hit in full_hits]
