"""The rules ingest reads other boards' layouts with: lead-ins, column headers, kinds from wording, unknown
agencies, PDF input, and reports that do not state cases audited or the month completed."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers import home_blocks
from knowledge import formatting
from knowledge.authoring.headings import (
    column_kind,
    lead_in_kind,
    section_kind,
    without_date,
    without_lead_in,
    wording_kind,
)
from knowledge.authoring.ingest import IngestError, ingest_report
from knowledge.authoring.report_reader import ReportError, read_report
from knowledge.authoring.suggestions import Suggester, known_agency_names, unknown_agencies
from knowledge.base import KnowledgeBase
from knowledge.models import Audit, Kind

from .layout_files import pdf_from_markdown


@pytest.mark.parametrize(
    ("text", "kind", "purpose"),
    [
        (
            "The audit was undertaken in October 2016 and key findings included:",
            Kind.FINDING,
            "The audit was undertaken in October 2016",
        ),
        ("We found:", Kind.FINDING, None),
        ("The audit found that:", Kind.FINDING, None),
        ("Recommendations:", Kind.RECOMMENDATION, None),
        ("Six cases were audited. The panel recommended that:", Kind.RECOMMENDATION, "Six cases were audited."),
        (
            "Key findings and learning were shared with the board.",
            None,
            "Key findings and learning were shared with the board.",
        ),
        ("The findings of the audit are set out below:", None, "The findings of the audit are set out below:"),
    ],
)
def test_lead_ins_give_the_kind_and_leave_the_purpose(text: str, kind: Kind | None, purpose: str | None) -> None:
    assert lead_in_kind(text) is kind
    assert without_lead_in(text) == purpose


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Areas of development", Kind.RECOMMENDATION),
        ("Areas improving", Kind.FINDING),
        ("Areas for continued development", Kind.RECOMMENDATION),
        ("What's working well", Kind.FINDING),
        ("Recommendations", Kind.RECOMMENDATION),
        ("Agency", None),
        ("Theme", None),
    ],
)
def test_column_headers_decide_kind(header: str, kind: Kind | None) -> None:
    assert column_kind(header) is kind


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("What did we find?", Kind.FINDING),
        ("3. What we found", None),  # numbered: read by the walker without its number
        ("What do we need to do?", Kind.RECOMMENDATION),
        ("What needs to happen", Kind.RECOMMENDATION),
        ("Why it matters", None),
    ],
)
def test_question_headings_open_sections(heading: str, kind: Kind | None) -> None:
    assert section_kind(heading) is kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Supervision: Need for more robust supervision of staff.", Kind.RECOMMENDATION),
        ("Strength: the core group met every month.", Kind.FINDING),
        ("Need: Police notifications to reach schools the next day.", Kind.RECOMMENDATION),
        ("Practitioners must use the escalation policy.", Kind.RECOMMENDATION),
        ("Ensure that plans are reviewed on time.", Kind.RECOMMENDATION),
        ("Agencies shared information well in most cases.", Kind.FINDING),
        ("GPs: GP practices were rarely invited to strategy discussions.", Kind.FINDING),
    ],
)
def test_kind_from_wording(text: str, kind: Kind) -> None:
    assert wording_kind(text)[0] is kind


def test_a_date_closing_a_heading_is_not_part_of_the_title() -> None:
    assert without_date("Emotional Wellbeing April 2016") == "Emotional Wellbeing"
    assert without_date("Audit of Pre-Birth Assessments (July 2020)") == "Audit of Pre-Birth Assessments"
    assert without_date("Audit topic: Private Fostering") == "Private Fostering"
    assert without_date("2016") == "2016"


def test_unknown_agencies_are_named_and_never_all_agencies(kb: KnowledgeBase) -> None:
    known = known_agency_names(kb)
    found = unknown_agencies("Referrals to MARAC were late; Housing and adult services were not told.", known)
    assert {agency.id for agency in found} == {"marac", "housing", "adult-services"}
    assert unknown_agencies("The Careline Service logged the calls.", known)[0].id == "careline"
    # Known agencies, by name or inside a known name, are not reported.
    assert unknown_agencies("CAMHS and the Child and Adolescent Mental Health Service met the MASE Panel.", known) == ()
    suggestion = Suggester(kb).suggest("Housing were not told that the family had moved.")
    assert suggestion.agencies == ("housing",)
    everyone = Suggester(kb).suggest("All agencies should invite Housing to core groups.")
    assert everyone.agencies == ("all-agencies", "housing")


def test_a_pdf_with_text_and_a_table(tmp_path: Path) -> None:
    markdown = "\n".join(
        [
            "# Neglect Audit March 2021",
            "",
            "The audit found that:",
            "",
            "- Health visitors saw every child at home.",
            "",
            "| Areas improving | Areas for development |",
            "|---|---|",
            "| Chronologies were kept up to date. "
            "| Agencies should share chronologies.<br>Managers should check plans. |",
        ]
    )
    report = read_report(pdf_from_markdown(markdown, tmp_path / "neglect.pdf"))
    assert report.format == "pdf"
    assert report.where(1) == "line 1, page 1"
    from knowledge.authoring.ingest import read_audits

    (audit,) = read_audits(report).audits
    assert (audit.title, audit.completed()[0]) == ("Neglect Audit", "2021-03")
    assert [(item.kind, item.text) for item in audit.items] == [
        (Kind.FINDING, "Health visitors saw every child at home."),
        (Kind.FINDING, "Chronologies were kept up to date."),
        (Kind.RECOMMENDATION, "Agencies should share chronologies."),
        (Kind.RECOMMENDATION, "Managers should check plans."),
    ]


def test_a_pdf_without_text_or_broken_gets_one_clear_line(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 50, 50)  # a drawing, no text: like a scan
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(ReportError, match=r"^scan.pdf has no text layer"):
        read_report(tmp_path / "scan.pdf")
    data = (tmp_path / "scan.pdf").read_bytes()
    (tmp_path / "cut.pdf").write_bytes(data[: len(data) // 3])
    with pytest.raises(ReportError, match=r"^cut.pdf is a damaged or unreadable PDF|^cut.pdf has no text layer"):
        read_report(tmp_path / "cut.pdf")


def test_nothing_found_says_what_was_seen(kb: KnowledgeBase, tmp_path: Path) -> None:
    report = tmp_path / "notes.md"
    report.write_text(
        "# Partnership newsletter\n\n## Training dates\n\n- Neglect training in May.\n- DSL forum in June.\n",
        encoding="utf-8",
    )
    with pytest.raises(IngestError) as raised:
        ingest_report(report, kb=kb, out_dir=tmp_path / "out")
    message = str(raised.value)
    assert "2 heading(s): 'Partnership newsletter' (line 1), 'Training dates' (line 3)" in message
    assert "1 run(s) of bullets: 2 at line 5" in message
    assert "no heading is followed by a Findings/Recommendations heading" in message
    assert not (tmp_path / "out").exists()


def test_an_audit_that_states_no_cases_or_month_says_not_stated(kb: KnowledgeBase) -> None:
    audit = Audit.model_validate(
        {
            "id": "neglect",
            "title": "Neglect",
            "short_title": "Neglect",
            "purpose": "To learn.",
            "items": [
                {
                    "id": "n-f1",
                    "kind": "finding",
                    "section": "F",
                    "text": "T.",
                    "agencies": ["police"],
                    "themes": ["neglect"],
                }
            ],
        }
    )
    assert (audit.cases_audited, audit.completed, audit.completed_label) == (None, None, "not stated")
    row = {"id": "neglect", "title": "Neglect", "priority": None, "items": 1}
    row |= {"completed_label": audit.completed_label, "cases_audited": None}
    assert formatting.audits_text([row]).startswith("Neglect — completed not stated, cases audited: not stated")
    assert "completed not stated, cases audited: not stated, 1 learning points" in home_blocks.audits_text([row])


def test_a_pdf_over_pages_with_wrapped_bullets_and_headings(tmp_path: Path) -> None:
    long = (
        "Practitioners from every agency described the same pattern of missed appointments, late referrals and"
        " plans that were not reviewed, which meant that the impact of neglect on the children was not seen until"
        " a crisis brought the family to the attention of children's social care."
    )
    lines = ["# Neglect of Older Children: A Multi-Agency Audit Completed in the Spring Term March 2022", ""]
    lines += ["We found:", ""] + [f"- {number}. {long}" for number in range(1, 16)]
    report = read_report(pdf_from_markdown("\n".join(lines), tmp_path / "long.pdf"))
    assert report.pages and len(report.pages) >= 2
    from knowledge.authoring.ingest import read_audits

    (audit,) = read_audits(report).audits
    assert audit.title.startswith("Neglect of Older Children")
    assert audit.completed()[0] == "2022-03"
    assert [item.text for item in audit.items] == [f"{number}. {long}" for number in range(1, 16)]
    assert {item.kind for item in audit.items} == {Kind.FINDING}
    assert ", page 2" in report.where(audit.items[-1].number)
