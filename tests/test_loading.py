"""Malformed data files fail with `file: record: field: message` lines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from knowledge.loading import DataError, bundled_data_dir, load_knowledge


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), target)
    return target


def edit_audit(data: Path, change) -> Path:
    path = data / "audits" / "early-years.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def item(raw: dict, item_id: str) -> dict:
    return next(entry for entry in raw["items"] if entry["id"] == item_id)


def errors_of(data: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_knowledge(data)
    return caught.value.lines


def test_the_bundled_data_is_valid() -> None:
    knowledge = load_knowledge()
    assert len(knowledge.items) == 62


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda raw: raw["items"][1].update(kind="observation"),
            "item ey-f2: kind: Input should be 'finding', 'recommendation' or 'context'",
        ),
        (
            lambda raw: raw["items"][0].update(agencies=["polce"]),
            "item ey-f1: agencies: unknown agency 'polce'",
        ),
        (
            lambda raw: raw["items"][0].update(themes=["no-such-theme"]),
            "item ey-f1: themes: unknown theme 'no-such-theme'",
        ),
        (
            lambda raw: raw["items"][2].update(colour="red"),
            "item ey-f3: colour: Extra inputs are not permitted",
        ),
        (lambda raw: raw["items"][2].pop("text"), "item ey-f3: text: Field required"),
        (
            lambda raw: raw["items"][3].update(agencies=[]),
            "item ey-f4: agencies: Tuple should have at least 1 item",
        ),
        (
            lambda raw: raw.update(completed="August 2016"),
            "audit early-years: completed: String should match pattern",
        ),
        (
            lambda raw: raw.update(cases_audited=0),
            "audit early-years: cases_audited: Input should be greater than",
        ),
        (lambda raw: raw["items"][1].update(id=raw["items"][0]["id"]), "item ey-f1: id: duplicate id"),
        (
            lambda raw: raw["items"][0].update(reads_as="observation", notes=["why"]),
            "item ey-f1: reads_as: Value error, applies only to items of kind recommendation, not finding",
        ),
        (
            lambda raw: item(raw, "ey-r2").update(reads_as="observation"),
            "item ey-r2: reads_as: Value error, observation needs a note (notes)",
        ),
        (
            lambda raw: item(raw, "ey-r2").update(reads_as="finding"),
            "item ey-r2: reads_as: Input should be 'ask' or 'observation'",
        ),
    ],
)
def test_a_malformed_audit_names_file_record_and_field(data: Path, change, expected: str) -> None:
    path = edit_audit(data, change)
    lines = errors_of(data)
    assert any(line.startswith(f"{path}: {expected}") for line in lines), lines


def test_every_problem_is_reported_not_just_the_first(data: Path) -> None:
    def two_problems(raw):
        raw["items"][0]["kind"] = "nope"
        raw["items"][1]["section"] = ""

    edit_audit(data, two_problems)
    assert len(errors_of(data)) == 2


def test_broken_yaml_names_the_line(data: Path) -> None:
    path = data / "themes.yaml"
    path.write_text("themes:\n  - id: x\n    name: [unclosed\n", encoding="utf-8")
    lines = errors_of(data)
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}: line ")


def test_an_unknown_agency_in_the_thesaurus_is_caught(data: Path) -> None:
    path = data / "thesaurus.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["entries"][0]["agencies"] = ["nobody"]
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    entry = raw["entries"][0]["id"]
    assert f"{path}: entry {entry}: agencies: unknown agency 'nobody'" in errors_of(data)


def test_empty_and_binary_files_are_clear_errors(data: Path) -> None:
    (data / "glossary.yaml").write_text("", encoding="utf-8")
    (data / "audits" / "junk.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff")
    lines = errors_of(data)
    assert any("glossary.yaml: (file): (file): expected a mapping" in line for line in lines), lines
    assert any("junk.yaml: (file): (file): not UTF-8 text" in line for line in lines), lines


def test_the_workplace_words_file_is_optional_and_validated(data: Path) -> None:
    path = data / "offtopic.yaml"
    path.unlink()
    assert load_knowledge(data).offtopic == ()
    path.write_text("phrases: [annual leave]\ncolour: red\n", encoding="utf-8")
    assert f"{path}: offtopic: colour: Extra inputs are not permitted" in errors_of(data)
