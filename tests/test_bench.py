"""The synthetic knowledge base and `learning-bot bench` (search at scale)."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli import cli
from knowledge.base import KnowledgeBase
from knowledge.loading import Knowledge, load_knowledge
from knowledge.models import Kind
from knowledge.store import DISTINCT_WORDS, ITEM_COLUMNS, build
from knowledge.text import words
from knowledge.tools.bench import QUESTIONS, TARGETS, check_targets, percentiles, report_text, run_bench
from knowledge.tools.synthetic import SYNTHETIC_NOTE, SyntheticError, misspell, synthetic_base

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge()


def test_the_same_seed_makes_the_same_knowledge_base(knowledge: Knowledge) -> None:
    first = synthetic_base(knowledge, passages=400, seed=7)
    again = synthetic_base(knowledge, passages=400, seed=7)
    other = synthetic_base(knowledge, passages=400, seed=8)
    assert list(first.rows()) == list(again.rows())
    assert first.knowledge.audits == again.knowledge.audits
    assert [row["text"] for row in first.rows()] != [row["text"] for row in other.rows()]


@pytest.mark.parametrize("passages", [1, 10, 62, 63, 500])
def test_exactly_n_passages_the_bundled_ones_first_and_verbatim(knowledge: Knowledge, passages: int) -> None:
    base = synthetic_base(knowledge, passages=passages, seed=1)
    rows = list(base.rows())
    assert len(rows) == passages
    bundled = knowledge.items[:passages]
    assert base.bundled == len(bundled)
    for row, (audit, item) in zip(rows, bundled, strict=False):
        assert (row["id"], row["audit_id"], row["text"]) == (item.id, audit.id, item.text)


def test_rows_are_valid_items(knowledge: Knowledge) -> None:
    base = synthetic_base(knowledge, passages=1000, seed=2)
    rows = list(base.rows())
    audit_ids = {audit.id for audit in base.knowledge.audits}
    theme_ids = {theme.id for theme in knowledge.themes}
    agency_ids = {agency.id for agency in knowledge.agencies}
    assert [row["rowid"] for row in rows] == list(range(1, 1001))
    assert len({row["id"] for row in rows}) == 1000
    for row in rows:
        assert list(row) == [*ITEM_COLUMNS, DISTINCT_WORDS]
        assert row[DISTINCT_WORDS] == set(words(row["text"]))
        assert SLUG.match(row["id"]), row["id"]
        assert row["audit_id"] in audit_ids
        assert row["kind"] in {kind.value for kind in Kind}
        assert row["text"].strip() and row["stems"].strip()
        themes, agencies = json.loads(row["themes"]), json.loads(row["agencies"])
        assert themes and set(themes) <= theme_ids
        assert agencies and set(agencies) <= agency_ids
        assert row["tags"].split()[0] == "auditx" + row["audit_id"].replace("-", "")
    synthetic = rows[base.bundled :]
    assert synthetic and all(json.loads(row["notes"]) == [SYNTHETIC_NOTE] for row in synthetic)
    # About 66 passages per audit, as a national repository's reviews hold learning points.
    assert len(base.knowledge.audits) - len(knowledge.audits) == -(-len(synthetic) // 66)


def test_synthetic_vocabulary_is_the_report_and_the_vocabularies(knowledge: Knowledge) -> None:
    base = synthetic_base(knowledge, passages=2000, seed=3)
    texts = " ".join(passage.text for passage in base.passages[base.bundled :]).lower()
    assert "disguised compliance" in texts
    assert "(case " in texts  # case references, as real collections have
    words = set(re.findall(r"[a-z]+", texts))
    known = set(re.findall(r"[a-z]+", " ".join(item.text for _, item in knowledge.items).lower()))
    assert len(words - known) > 100  # thesaurus, glossary and typing slips widen the vocabulary


def test_misspell_makes_one_slip_after_the_first_letter() -> None:
    rng = random.Random(0)
    slips = [misspell("safeguarding", rng) for _ in range(200)]
    assert all(abs(len(slip) - len("safeguarding")) <= 1 and slip[0] == "s" for slip in slips)
    assert sum(slip != "safeguarding" for slip in slips) > 180
    assert slips == [misspell("safeguarding", rng) for rng in [random.Random(0)] for _ in range(200)]


@pytest.mark.parametrize("passages", [0, -5])
def test_no_passages_is_refused(knowledge: Knowledge, passages: int) -> None:
    with pytest.raises(SyntheticError, match="at least 1"):
        synthetic_base(knowledge, passages=passages)


def test_a_synthetic_knowledge_base_builds_and_answers(knowledge: Knowledge, tmp_path: Path) -> None:
    base = synthetic_base(knowledge, passages=3000, seed=4)
    db = tmp_path / "synthetic.db"
    build(db, knowledge=base.knowledge, item_rows=base.rows())
    kb = KnowledgeBase(db)
    assert kb.conn.execute("SELECT count(*) FROM items").fetchone()[0] == 3000
    answer = kb.ask("disgused complience")
    assert answer.corrections == {"disgused": "disguised", "complience": "compliance"}
    assert answer.results and "disguised compliance" in answer.results[0].text.lower()
    assert not kb.ask("how do I book annual leave?").results
    # The typo vocabulary counts each word once per passage, whether a row brings its words or only its text.
    expected = Counter(word for row in base.rows() for word in set(words(row["text"])))
    assert dict(kb.conn.execute("SELECT word, df FROM words").fetchall()) == expected


def test_rows_without_their_words_are_counted_from_their_text(knowledge: Knowledge, tmp_path: Path) -> None:
    base = synthetic_base(knowledge, passages=200, seed=6)
    rows = [{key: value for key, value in row.items() if key != DISTINCT_WORDS} for row in base.rows()]
    build(tmp_path / "plain.db", knowledge=base.knowledge, item_rows=rows)
    build(tmp_path / "counted.db", knowledge=base.knowledge, item_rows=base.rows())
    read = "SELECT word, df FROM words ORDER BY word"
    plain = KnowledgeBase(tmp_path / "plain.db").conn.execute(read).fetchall()
    assert plain and plain == KnowledgeBase(tmp_path / "counted.db").conn.execute(read).fetchall()


def test_percentiles() -> None:
    assert percentiles([]) == {"p50": 0.0, "p95": 0.0, "p99": 0.0}
    assert percentiles([2.0]) == {"p50": 2.0, "p95": 2.0, "p99": 2.0}
    figures = percentiles([float(value) for value in range(1, 101)])
    assert figures["p50"] == pytest.approx(50.5)
    assert figures["p95"] == pytest.approx(95.05)
    assert figures["p99"] == pytest.approx(99.01)


def test_a_tiny_bench_run_reports_every_figure_and_leaves_nothing(knowledge: Knowledge, tmp_path: Path) -> None:
    report = run_bench(knowledge, passages=300, seed=5, repeats=2, cold_runs=1, workdir=tmp_path)
    assert list(tmp_path.iterdir()) == []  # the synthetic databases are deleted
    assert report["passages"] == 300 and report["bundled_passages"] == len(knowledge.items)
    assert set(report["seconds"]) == {"generate", "build", "open", "rapidfuzz_prepare"}
    assert set(report["memory_mb"]) == {"bench_peak_rss", "serving_peak_rss", "serving_rss_after_imports"}
    assert report["memory_mb"]["serving_peak_rss"] > 0
    for name in ("pipeline", "bm25", "rapidfuzz"):
        assert set(report["overall_ms"][name]) == {"p50", "p95", "p99"}
    assert [row["question"] for row in report["questions"]] == [question for _, question in QUESTIONS]
    for row in report["questions"]:
        assert row["pipeline_ms"]["p50"] > 0 and row["bm25_ms"] is not None and row["rapidfuzz_ms"] is not None
    out_of_scope = [row for row in report["questions"] if row["kind"] == "out of scope"]
    assert out_of_scope and all(row["results"] == 0 for row in out_of_scope)
    assert set(report["ratios"]["pipeline_over_bm25"]) == {"p50", "p95", "p99"}
    assert report["cold_ask"]["runs"] == 1 and report["cold_ask"]["slack_imported"] is False
    assert set(report["targets"]) == set(TARGETS)
    assert report["targets"]["pipeline_p95_ms"]["met"] is None  # a scale target, set at 100,000 passages
    cold = report["targets"]["cold_ask_s"]  # judged at any size: measured, and met exactly when under the target
    assert cold["measured"] == report["cold_ask"]["median_s"] > 0
    assert cold["met"] is (cold["measured"] < TARGETS["cold_ask_s"])
    assert json.loads(json.dumps(report)) == report  # plain JSON, nothing lost on the way (the --json output)


def scale_report(
    *, passages: int, cold_s: float | None, p95_ms: float, build_s: float = 6.0, surface_ms: float = 8.0
) -> dict[str, Any]:
    """The figures `check_targets` reads, as a run of `passages` would report them."""
    return {
        "passages": passages,
        "overall_ms": {"pipeline": {"p95": p95_ms}},
        "ratios": {"pipeline_over_bm25": {"p95": 0.2}},
        "seconds": {"build": build_s},
        "memory_mb": {"serving_peak_rss": 67.0},
        "bundled_ms": {"p99": 1.6},
        "cold_ask": {"median_s": cold_s} if cold_s is not None else None,
        "surfaces_ms": {"App Home tab": {"p95": surface_ms}},
    }


def test_targets_are_met_or_not_by_the_measured_figures() -> None:
    at_scale = check_targets(scale_report(passages=100_000, cold_s=0.3, p95_ms=20.0))
    assert {name: target["met"] for name, target in at_scale.items()} == dict.fromkeys(TARGETS, True)
    slow = check_targets(scale_report(passages=100_000, cold_s=1.5, p95_ms=25.0))
    assert (slow["cold_ask_s"]["met"], slow["pipeline_p95_ms"]["met"]) == (False, False)  # a target is a strict limit
    assert slow["cold_ask_s"]["measured"] == 1.5
    slow_surface = check_targets(scale_report(passages=100_000, cold_s=0.3, p95_ms=20.0, surface_ms=100.0))
    assert slow_surface["surfaces_p95_ms"] == {"target": 100.0, "measured": 100.0, "met": False}
    million = check_targets(scale_report(passages=1_000_000, cold_s=0.3, p95_ms=20.0, build_s=45.0))
    assert million["build_s"] == {"target": 60.0, "measured": 45.0, "met": True}  # a million may take longer
    hundred_k = check_targets(scale_report(passages=100_000, cold_s=0.3, p95_ms=20.0, build_s=45.0))
    assert hundred_k["build_s"]["met"] is False
    small = check_targets(scale_report(passages=300, cold_s=None, p95_ms=99.0))
    assert small["pipeline_p95_ms"]["met"] is None and small["cold_ask_s"]["met"] is None  # not judged, not measured
    assert small["bundled_p99_ms"]["met"] is True


def test_bench_command_prints_json_and_its_text_rendering() -> None:
    result = CliRunner().invoke(
        cli, ["bench", "--passages", "300", "--repeats", "1", "--cold-runs", "0", "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["passages"] == 300 and data["repeats"] == 1 and data["cold_ask"] is None
    text = report_text(data)
    assert text.startswith("Synthetic knowledge base: 300 passages")
    assert "pipeline / BM25" in text and "not judged in this run" in text
    assert all(question[:39] in text for _, question in QUESTIONS)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--passages", "0"], "Invalid value for '--passages'"),
        (["--passages", "many"], "'many' is not a valid integer"),
        (["--repeats", "0"], "Invalid value for '--repeats'"),
        (["--cold-runs", "-1"], "Invalid value for '--cold-runs'"),
    ],
)
def test_bench_refuses_bad_options(args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["bench", *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_ask_imports_no_slack_library(kb_path: Path) -> None:
    script = (
        "import sys\n"
        "from bot.cli import cli\n"
        f"cli(['--db', {str(kb_path)!r}, 'ask', 'fake cooperation'], standalone_mode=False)\n"
        "loaded = sorted(name for name in sys.modules if name.startswith(('slack_bolt', 'slack_sdk', 'slack')))\n"
        "print('SLACK:', loaded)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "SLACK: []" in done.stdout
