"""The same report as plain text, Markdown and Word (.docx, generated with python-docx) gives the same items."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.authoring.ingest import Reading, read_audits
from knowledge.authoring.report_reader import BULLET, HEADING, ROW, read_report

from .conftest import SEED
from .report_files import docx_from_text, markdown_from_text


def items_of(reading: Reading) -> list[tuple[str, str, str, str]]:
    return [(audit.title, item.kind.value, item.section, item.text) for audit in reading.audits for item in audit.items]


def metadata_of(reading: Reading) -> list[tuple[object, ...]]:
    return [
        (audit.title, audit.heading, audit.cases(), audit.completed(), audit.entry and audit.entry.priority)
        for audit in reading.audits
    ]


@pytest.fixture(scope="module")
def text_reading() -> Reading:
    return read_audits(read_report(SEED))


@pytest.fixture(scope="module")
def markdown_path(tmp_path_factory: pytest.TempPathFactory, seed_text: str) -> Path:
    path = tmp_path_factory.mktemp("md") / "report.md"
    path.write_text(markdown_from_text(seed_text), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory: pytest.TempPathFactory, seed_text: str) -> Path:
    return docx_from_text(seed_text, tmp_path_factory.mktemp("docx") / "report.docx")


def test_markdown_gives_the_same_items_and_metadata(markdown_path: Path, text_reading: Reading) -> None:
    reading = read_audits(read_report(markdown_path))
    assert len(items_of(reading)) == 62
    assert items_of(reading) == items_of(text_reading)
    assert metadata_of(reading) == metadata_of(text_reading)
    assert reading.unplaced == [] and reading.remarks == []


def test_word_gives_the_same_items_and_metadata(docx_path: Path, text_reading: Reading) -> None:
    reading = read_audits(read_report(docx_path))
    assert len(items_of(reading)) == 62
    assert items_of(reading) == items_of(text_reading)
    assert metadata_of(reading) == metadata_of(text_reading)
    assert reading.unplaced == [] and reading.remarks == []
    assert reading.report.unit == "paragraph"


def test_word_list_styles_headings_and_table_rows_are_recognised(docx_path: Path) -> None:
    report = read_report(docx_path)
    styles = [paragraph.style for paragraph in report.paragraphs]
    assert styles.count(BULLET) == 62  # List Bullet, List Number and List Paragraph + numbering
    headings = [paragraph for paragraph in report.paragraphs if paragraph.style == HEADING]
    assert [(heading.text, heading.level) for heading in headings][:3] == [
        ("KEY FINDINGS AND LEARNING FROM MULTI-AGENCY AUDITS 2016 – 2017", 1),
        ("Introduction", 1),
        ("Key Findings and Learning", 1),
    ]
    assert ("Early Years Multi-Agency Audits", 2) in [(heading.text, heading.level) for heading in headings]
    rows = [paragraph for paragraph in report.paragraphs if paragraph.style == ROW]
    assert len(rows) == 8
    assert rows[0].cells == ("Early Years Multi-Agency Audits", "10 cases audited.", "Completed August 2016")
    assert len(rows[1].cells) == 1  # the purpose row, merged across the columns


def test_markdown_numbered_and_starred_bullets_and_table(markdown_path: Path) -> None:
    report = read_report(markdown_path)
    assert sum(paragraph.style == BULLET for paragraph in report.paragraphs) == 62
    rows = [paragraph for paragraph in report.paragraphs if paragraph.style == ROW]
    assert rows[0].cells == ("Audit", "Cases audited", "Completed")  # the header row
    assert len(rows) == 9
