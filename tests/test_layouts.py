"""Ingest across the report layouts boards publish: per-layout precision and recall of the items (verbatim
text with the right kind, in the right audit), agency-tag accuracy, unknown agencies and audit metadata.

Run with `-s` to see the table (`python -m pytest -q -p no:cacheprovider -s tests/test_layouts.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from knowledge.authoring.ingest import IngestResult, ingest_report
from knowledge.authoring.suggestions import agreement
from knowledge.base import KnowledgeBase
from knowledge.loading import bundled_data_dir
from knowledge.models import normalise_whitespace

from .conftest import SEED
from .layout_files import docx_from_markdown, pdf_from_markdown

LAYOUTS_DIR = Path(__file__).parent / "data" / "layouts"
BAR = 0.90
# (layout name, source file in LAYOUTS_DIR, rendering: "" = read as is, "docx" or "pdf" = rendered from the source)
LAYOUTS = [
    ("seed report (text)", "", ""),
    ("dated headings + 'key findings included:'", "dated-headings.txt", ""),
    ("numbered themes, 'Label: text' bullets", "numbered-themes.txt", ""),
    ("3-column table (Markdown)", "three-column.md", ""),
    ("3-column table (Word)", "three-column.md", "docx"),
    ("3-column table (PDF)", "three-column.md", "pdf"),
    ("'we found' / 'recommendations:' lead-ins", "we-found.md", ""),
    ("7-minute briefing", "seven-minute-briefing.md", ""),
    ("text + table (Markdown)", "text-and-table.md", ""),
    ("text + table (PDF)", "text-and-table.md", "pdf"),
    # Written after the reader above was finished, to see how it does on layouts it was not built on (see the
    # README in tests/data/layouts for the first-run figures); then fixed.
    ("question headings briefing (held out)", "briefing-questions.md", ""),
    ("'Audit topic:' + strengths/improvement (held out)", "strengths-improvement.txt", ""),
]


@dataclass(frozen=True)
class Expected:
    audit: str
    kind: str
    text: str
    agencies: tuple[str, ...]


def seed_expected() -> tuple[list[Expected], dict]:
    items = []
    for path in sorted((bundled_data_dir() / "audits").glob("*.yaml")):
        audit = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in audit["items"]:
            items.append(Expected(audit["title"], item["kind"], item["text"], tuple(item["agencies"])))
    return items, {"audits": [], "unknown_agencies": []}


def expected_of(source: str) -> tuple[list[Expected], dict]:
    if not source:
        return seed_expected()
    raw = yaml.safe_load((LAYOUTS_DIR / source.replace(Path(source).suffix, ".expected.yaml")).read_text("utf-8"))
    items = [Expected(i["audit"], i["kind"], i["text"], tuple(i["agencies"])) for i in raw["items"]]
    return items, raw


def report_path(source: str, rendering: str, tmp: Path) -> Path:
    if not source:
        return SEED
    path = LAYOUTS_DIR / source
    if rendering == "docx":
        return docx_from_markdown(path.read_text(encoding="utf-8"), tmp / f"{path.stem}.docx")
    if rendering == "pdf":
        return pdf_from_markdown(path.read_text(encoding="utf-8"), tmp / f"{path.stem}.pdf")
    return path


def _same_audit(expected: str, titles: tuple[str, str]) -> bool:
    wanted = expected.casefold()
    return any(wanted in title.casefold() or title.casefold() in wanted for title in titles if title)


@dataclass(frozen=True)
class Score:
    layout: str
    expected: int
    found: int
    matched: int
    agencies_exact: int
    agency_pairs: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 0.0

    @property
    def tag_accuracy(self) -> float:
        return self.agencies_exact / self.matched if self.matched else 0.0


def score(layout: str, result: IngestResult, expected: list[Expected]) -> Score:
    found = [(audit, item) for draft in result.drafts for audit in [draft.audit] for item in audit.items]
    unmatched = list(expected)
    matched = exact = 0
    pairs = []
    for audit, item in found:
        for want in unmatched:
            if (
                normalise_whitespace(want.text) == item.text
                and want.kind == item.kind.value
                and _same_audit(want.audit, (audit.title, audit.short_title))
            ):
                unmatched.remove(want)
                matched += 1
                exact += set(item.agencies) == set(want.agencies)
                pairs.append((tuple(item.agencies), want.agencies))
                break
    return Score(layout, len(expected), len(found), matched, exact, tuple(pairs))


@pytest.fixture(scope="module")
def results(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[IngestResult, Score, dict]]:
    tmp = tmp_path_factory.mktemp("layouts")
    outcome = {}
    for layout, source, rendering in LAYOUTS:
        path = report_path(source, rendering, tmp)
        result = ingest_report(path, kb=kb, out_dir=tmp / "out" / layout.replace("/", "-"), dry_run=True)
        expected, raw = expected_of(source)
        outcome[layout] = (result, score(layout, result, expected), raw)
    return outcome


def test_every_layout_yields_its_items_verbatim_with_the_right_kind(results: dict) -> None:
    lines = [
        "",
        f"{'layout':<50} {'expected':>8} {'found':>6} {'right':>6} {'precision':>9} {'recall':>7} {'agencies':>9}",
    ]
    all_pairs = []
    for layout, (_result, found, _raw) in results.items():
        all_pairs += found.agency_pairs
        lines.append(
            f"{layout:<50} {found.expected:>8} {found.found:>6} {found.matched:>6} {found.precision:>9.2f}"
            f" {found.recall:>7.2f} {found.tag_accuracy:>9.2f}"
        )
    overall = agreement("agencies", all_pairs)
    lines.append(f"agency tags over all matched items: {overall.line()}")
    print("\n".join(lines))
    for layout, (_result, found, _raw) in results.items():
        assert found.precision >= BAR and found.recall >= BAR, (layout, found.precision, found.recall)


@pytest.mark.parametrize("layout", [name for name, source, _ in LAYOUTS if source])
def test_audits_and_their_months_are_found(results: dict, layout: str) -> None:
    result, _score, raw = results[layout]
    audits = [draft.audit for draft in result.drafts]
    assert [audit.title for audit in audits] == [audit["title"] for audit in raw["audits"]]
    assert [audit.completed()[0] for audit in audits] == [audit["completed"] for audit in raw["audits"]]
    for audit, want in zip(audits, raw["audits"], strict=True):
        if "cases" in want:
            assert audit.cases()[0] == want["cases"]


@pytest.mark.parametrize("layout", [name for name, source, _ in LAYOUTS if source])
def test_unknown_agencies_are_named_never_all_agencies(results: dict, layout: str) -> None:
    result, _score, raw = results[layout]
    unknown = {agency.id for draft in result.drafts for item in draft.audit.items for agency in item.unknown}
    assert unknown == set(raw["unknown_agencies"])
    for draft in result.drafts:
        for item in draft.audit.items:
            for agency in item.unknown:
                assert agency.id in item.agencies
                assert f"# unknown agency {agency.name!r}" in draft.text
            if item.unknown and not any(word in item.text.lower() for word in ("all agencies", "practitioners")):
                assert "all-agencies" not in item.agencies
        for agency_id in {a.id for item in draft.audit.items for a in item.unknown}:
            assert f"#   - id: {agency_id}" in draft.text
