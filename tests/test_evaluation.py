"""The evaluation command and regression floors on practitioner question sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from knowledge.base import KnowledgeBase
from knowledge.tools.evaluation import LATENCY_ROUNDS, EvalError, evaluate, load_questions

SETS = Path(__file__).parent / "data" / "eval"


def test_eval_reports_pipeline_baseline_and_latency(kb_path: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.yaml"
    questions.write_text(
        "questions:\n"
        "- question: fake cooperation\n  relevant: ['Elements of disguised compliance were evident']\n"
        "- question: how do I book annual leave\n  relevant: []\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--db", str(kb_path), "eval", str(questions), "--json", "--check"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["pipeline"]["mrr@5"] == 1.0
    assert report["pipeline"]["out_of_scope_rejected"] == 1.0
    assert report["baseline"]["out_of_scope_rejected"] == 0.0
    latency = report["latency_ms"]
    assert 0 < latency["median"] <= latency["p95"] <= latency["max"]


class SteppingClock:
    """A clock read before and after each question: the n-th question takes n milliseconds."""

    def __init__(self) -> None:
        self.calls = 0
        self.now = 0.0

    def __call__(self) -> float:
        self.calls += 1
        if self.calls % 2 == 0:
            self.now += self.calls / 2 / 1000
        return self.now


def test_latency_is_what_the_clock_says_each_question_took(kb: KnowledgeBase, tmp_path: Path) -> None:
    questions = tmp_path / "q.yaml"
    questions.write_text(
        "questions:\n- question: fake cooperation\n  relevant: []\n- question: dads\n  relevant: []\n", "utf-8"
    )
    clock = SteppingClock()
    report = evaluate(kb, load_questions(questions), clock=clock)
    timed = LATENCY_ROUNDS * 2
    assert clock.calls == 2 * timed
    assert report.latency_ms == {"median": (timed + 1) / 2, "p95": float(int(0.95 * (timed - 1)) + 1), "max": timed}


def test_check_fails_below_target(kb_path: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.yaml"
    questions.write_text(
        "questions:\n- question: what should police do\n  relevant: ['In 100% of the cases the referral was']\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--db", str(kb_path), "eval", str(questions), "--check"])
    assert result.exit_code == 1
    assert "TARGETS NOT MET" in result.stdout


def test_unknown_passage_is_a_clear_error(kb: KnowledgeBase, tmp_path: Path) -> None:
    questions = tmp_path / "q.yaml"
    questions.write_text("questions:\n- question: x\n  relevant: ['No such passage']\n", encoding="utf-8")
    with pytest.raises(EvalError, match="no passage starts with 'No such passage'"):
        evaluate(kb, load_questions(questions))


def test_skip_unresolved_leaves_out_and_lists_openings_that_name_no_passage(kb_path: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.yaml"
    questions.write_text(
        "questions:\n"
        "- question: fake cooperation\n"
        "  relevant: ['Elements of disguised compliance were evident', 'No such passage']\n"
        "- question: what is the purpose\n  relevant: ['Not a passage either']\n"
        "- question: how do I book annual leave\n  relevant: []\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--db", str(kb_path), "eval", str(questions), "--json", "--skip-unresolved"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    # The question left with no passage is dropped, not counted as out of scope.
    assert (report["questions"], report["in_scope"], report["out_of_scope"]) == (2, 1, 1)
    assert report["unresolved"] == [
        {"question": "fake cooperation", "opening": "No such passage", "question_skipped": False},
        {"question": "what is the purpose", "opening": "Not a passage either", "question_skipped": True},
    ]
    assert report["pipeline"]["recall@5"] == 1.0
    text = CliRunner().invoke(cli, ["--db", str(kb_path), "eval", str(questions), "--skip-unresolved"]).stdout
    assert "'what is the purpose': 'Not a passage either' (question skipped)" in text


@pytest.mark.parametrize(
    ("name", "floors"),
    [
        # Floors a little below the figures measured when the sets were added: a regression guard.
        ("practitioners-a.yaml", {"mrr@5": 0.90, "hit@1": 0.87, "recall@5": 0.89, "out_of_scope_rejected": 0.9}),
        ("practitioners-b.yaml", {"mrr@5": 0.88, "hit@1": 0.83, "recall@5": 0.87, "out_of_scope_rejected": 0.9}),
        ("practitioners-c.yaml", {"mrr@5": 0.90, "hit@1": 0.87, "recall@5": 0.88, "out_of_scope_rejected": 0.85}),
    ],
)
def test_practitioner_question_sets_stay_above_their_floors(kb: KnowledgeBase, name: str, floors: dict) -> None:
    scores = evaluate(kb, load_questions(SETS / name)).pipeline.as_dict()
    for metric, floor in floors.items():
        assert scores[metric] >= floor, (metric, scores)
