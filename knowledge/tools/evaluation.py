"""Measuring search quality on a question file: MRR@5, hit@1, recall@5, out-of-scope rejection, latency.

The question file is YAML: ``questions: [{question: str, relevant: [opening words of each relevant passage]}]``;
an empty ``relevant`` list marks an out-of-scope question whose right answer is nothing. Every run also scores
a baseline over the same passages: plain FTS5 BM25 with no thesaurus, no typo correction and no threshold.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from knowledge.base import KnowledgeBase
from knowledge.loading import UnreadableFile, read_data_file
from knowledge.models import normalise_whitespace
from knowledge.tools.baseline import baseline_search

K = 5
TARGETS = {"mrr@5": 0.95, "hit@1": 0.90, "recall@5": 0.95, "out_of_scope_rejected": 1.0}
LATENCY_ROUNDS = 7


class EvalQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    question: str
    relevant: tuple[str, ...] = ()


class EvalFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    questions: tuple[EvalQuestion, ...]


class EvalError(Exception):
    """The question file is unreadable or names passages the knowledge base does not hold."""


@dataclass
class Scores:
    mrr: float = 0.0
    hit1: float = 0.0
    recall: float = 0.0
    rejected: float = 0.0
    misses: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, float]:
        return {
            "mrr@5": round(self.mrr, 4),
            "hit@1": round(self.hit1, 4),
            "recall@5": round(self.recall, 4),
            "out_of_scope_rejected": round(self.rejected, 4),
        }


@dataclass
class Report:
    questions: int
    in_scope: int
    out_of_scope: int
    pipeline: Scores
    baseline: Scores
    latency_ms: dict[str, float]
    # With skip_unresolved: openings that name no passage, as {"question", "opening", "question_skipped"}.
    unresolved: list[dict[str, Any]] = field(default_factory=list)

    def failures(self, targets: dict[str, float] = TARGETS) -> list[str]:
        scores = self.pipeline.as_dict()
        return [f"{name} {scores[name]:.3f} < {target}" for name, target in targets.items() if scores[name] < target]

    def as_dict(self) -> dict[str, Any]:
        return {
            "questions": self.questions,
            "in_scope": self.in_scope,
            "out_of_scope": self.out_of_scope,
            "pipeline": {**self.pipeline.as_dict(), "misses": self.pipeline.misses},
            "baseline": {**self.baseline.as_dict(), "misses": self.baseline.misses},
            "latency_ms": self.latency_ms,
            "targets": TARGETS,
            "failures": self.failures(),
            "unresolved": self.unresolved,
        }


def load_questions(path: Path) -> tuple[EvalQuestion, ...]:
    """The questions of an evaluation file; `EvalError` with one `file: field: problem` line per problem."""
    try:
        raw = yaml.safe_load(read_data_file(Path(path)).decode("utf-8"))
        questions = EvalFile.model_validate(raw).questions
    except ValidationError as exc:
        lines = [
            f"{path}: {'.'.join(str(part) for part in problem['loc']) or '(file)'}: {problem['msg']}"
            for problem in exc.errors(include_url=False)
        ]
        raise EvalError("\n".join(lines)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(file)"
        raise EvalError(f"{path}: {where}: {getattr(exc, 'problem', None) or 'not valid YAML'}") from None
    except (OSError, UnicodeDecodeError, UnreadableFile) as exc:
        raise EvalError(f"{path}: cannot read it ({exc})") from None
    if not questions:
        raise EvalError(f"{path}: questions: the list is empty (nothing to evaluate)")
    return questions


def _resolve(kb: KnowledgeBase, openings: tuple[str, ...], *, missing: list[str] | None = None) -> set[str]:
    """The passages the openings name; an opening naming none is an error, or appended to `missing` if given."""
    rows = kb.conn.execute("SELECT id, text FROM items").fetchall()
    found: set[str] = set()
    for opening in openings:
        wanted = normalise_whitespace(opening)
        ids = [row["id"] for row in rows if normalise_whitespace(row["text"]).startswith(wanted)]
        if not ids and missing is None:
            raise EvalError(f"no passage starts with {opening!r}")
        if not ids and missing is not None:
            missing.append(opening)
        found.update(ids)
    return found


def _resolvable(
    kb: KnowledgeBase, questions: tuple[EvalQuestion, ...]
) -> tuple[tuple[EvalQuestion, ...], list[dict[str, Any]]]:
    """The questions with their unresolvable openings left out (a question left with none is dropped: it
    would otherwise count as out of scope), and what was left out."""
    kept: list[EvalQuestion] = []
    unresolved: list[dict[str, Any]] = []
    for question in questions:
        missing: list[str] = []
        _resolve(kb, question.relevant, missing=missing)
        remaining = tuple(opening for opening in question.relevant if opening not in missing)
        dropped = bool(missing) and not remaining
        unresolved += [{"question": question.question, "opening": o, "question_skipped": dropped} for o in missing]
        if not dropped:
            kept.append(question.model_copy(update={"relevant": remaining}))
    return tuple(kept), unresolved


def _score(ranked_lists: list[list[str]], relevants: list[set[str]], questions: list[str]) -> Scores:
    scores = Scores()
    in_scope = [(r, rel, q) for r, rel, q in zip(ranked_lists, relevants, questions, strict=True) if rel]
    out_scope = [(r, q) for r, rel, q in zip(ranked_lists, relevants, questions, strict=True) if not rel]
    for ranked, relevant, question in in_scope:
        top = ranked[:K]
        rank = next((index for index, item in enumerate(top, start=1) if item in relevant), None)
        scores.mrr += 1 / rank if rank else 0.0
        scores.hit1 += 1.0 if rank == 1 else 0.0
        scores.recall += len(relevant & set(top)) / len(relevant)
        if rank != 1 or relevant - set(top):
            scores.misses.append(
                {"question": question, "rank": rank, "top": top, "missing": sorted(relevant - set(top))}
            )
    for ranked, question in out_scope:
        if not ranked:
            scores.rejected += 1
        else:
            scores.misses.append({"question": question, "rank": None, "top": ranked[:K], "missing": []})
    if in_scope:
        scores.mrr /= len(in_scope)
        scores.hit1 /= len(in_scope)
        scores.recall /= len(in_scope)
    scores.rejected = scores.rejected / len(out_scope) if out_scope else 1.0
    return scores


def evaluate(
    kb: KnowledgeBase,
    questions: tuple[EvalQuestion, ...],
    *,
    skip_unresolved: bool = False,
    clock: Callable[[], float] = time.perf_counter,
) -> Report:
    """Score the full pipeline and the plain-BM25 baseline on the same questions, and time the pipeline.

    An opening that names no passage is an `EvalError`, unless `skip_unresolved`: then it is left out and listed.
    `clock` (seconds) times each question; tests pass one they control.
    """
    unresolved: list[dict[str, Any]] = []
    if skip_unresolved:
        questions, unresolved = _resolvable(kb, questions)
    relevants = [_resolve(kb, q.relevant) for q in questions]
    texts = [q.question for q in questions]
    pipeline = [[result.id for result in kb.ask(text, limit=K).results] for text in texts]
    baseline = [baseline_search(kb.conn, text, limit=K) for text in texts]
    timings: list[float] = []
    for _ in range(LATENCY_ROUNDS):
        for text in texts:
            started = clock()
            kb.ask(text, limit=K)
            timings.append((clock() - started) * 1000)
    timings.sort()
    latency = {
        "median": round(statistics.median(timings), 3),
        "p95": round(timings[int(0.95 * (len(timings) - 1))], 3),
        "max": round(timings[-1], 3),
    }
    return Report(
        questions=len(questions),
        in_scope=sum(1 for rel in relevants if rel),
        out_of_scope=sum(1 for rel in relevants if not rel),
        pipeline=_score(pipeline, relevants, texts),
        baseline=_score(baseline, relevants, texts),
        latency_ms=latency,
        unresolved=unresolved,
    )


def report_text(report: Report) -> str:
    pipeline, baseline = report.pipeline.as_dict(), report.baseline.as_dict()
    lines = [
        f"{report.questions} questions ({report.in_scope} in scope, {report.out_of_scope} out of scope)",
        "",
        f"{'metric':<24}{'pipeline':>10}{'baseline':>10}{'target':>10}",
    ]
    for name, target in TARGETS.items():
        lines.append(f"{name:<24}{pipeline[name]:>10.3f}{baseline[name]:>10.3f}{target:>10.2f}")
    lines.append("")
    lines.append(
        f"latency per question (in-process, {LATENCY_ROUNDS} rounds): median {report.latency_ms['median']:.2f} ms,"
        f" p95 {report.latency_ms['p95']:.2f} ms"
    )
    if report.pipeline.misses:
        lines.append("")
        lines.append("pipeline misses:")
        for miss in report.pipeline.misses:
            lines.append(f"  - {miss['question']!r}: rank {miss['rank']}, top {miss['top']}, missing {miss['missing']}")
    if report.unresolved:
        lines.append("")
        lines.append("left out (no passage starts with the opening):")
        for gap in report.unresolved:
            dropped = " (question skipped)" if gap["question_skipped"] else ""
            lines.append(f"  - {gap['question']!r}: {gap['opening']!r}{dropped}")
    failures = report.failures()
    lines.append("")
    lines.append("targets met" if not failures else "TARGETS NOT MET: " + "; ".join(failures))
    return "\n".join(lines)
