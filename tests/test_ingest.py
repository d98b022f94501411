"""`learning-bot ingest` on the board's report: every bullet verbatim under the right audit and section,
the audits' metadata, drafts that pass validation, and how the suggested tags agree with the curated ones."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.authoring.ingest import Reading, ingest_report, read_audits
from knowledge.authoring.report_reader import read_report
from knowledge.authoring.suggestions import compare_tags
from knowledge.base import KnowledgeBase
from knowledge.loading import AUDIT_ADAPTER, Knowledge, load_knowledge
from knowledge.models import ALL_AGENCIES, Kind, normalise_whitespace

from .conftest import SEED


@pytest.fixture(scope="module")
def curated() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="module")
def seed_reading() -> Reading:
    return read_audits(read_report(SEED))


def item_key(audit_title: str, kind: str, section: str, text: str) -> tuple[str, str, str, str]:
    return audit_title, kind, section, normalise_whitespace(text)


def test_the_seed_gives_the_62_curated_bullets_verbatim_in_order_under_their_audit_and_section(
    seed_reading: Reading, curated: Knowledge
) -> None:
    ingested = [
        item_key(audit.title, item.kind.value, item.section, item.text)
        for audit in seed_reading.audits
        for item in audit.items
    ]
    expected = [
        item_key(audit.title, item.kind.value, item.section, item.text)
        for audit in sorted(curated.audits, key=lambda audit: audit.completed)
        for item in audit.items
    ]
    assert len(expected) == 62
    assert ingested == expected


def test_the_seed_gives_each_audits_metadata(seed_reading: Reading, curated: Knowledge) -> None:
    by_title = {audit.title: audit for audit in seed_reading.audits}
    assert set(by_title) == {audit.title for audit in curated.audits}
    for audit in curated.audits:
        found = by_title[audit.title]
        assert found.cases() == (audit.cases_audited, None)
        assert found.completed() == (audit.completed, None)
        assert (found.entry.priority if found.entry else None) == audit.priority
        purpose, _source, _number = found.purpose()
        assert purpose is not None and audit.purpose in purpose, audit.id  # the curated purpose, verbatim


def test_the_seed_places_everything_and_explains_the_heading_that_differs(seed_reading: Reading) -> None:
    assert seed_reading.unplaced == []
    assert seed_reading.remarks == []
    cse = next(audit for audit in seed_reading.audits if audit.title == "CSE/MASE")
    assert cse.heading == "Child Sexual Exploitation (CSE) and MASE Panel"
    fmn = next(audit for audit in seed_reading.audits if audit.title.startswith("Families"))
    assert fmn.heading == "Families with Multiple Needs"
    assert [(audit.id, audit.prefix) for audit in seed_reading.audits] == [
        ("early-years", "ey"),
        ("children-with-disabilities", "cwd"),
        ("cse-mase", "cse"),
        ("families-with-multiple-needs", "fmn"),
    ]


def test_drafts_are_valid_audits_with_every_suggestion_marked(kb: KnowledgeBase, tmp_path: Path) -> None:
    result = ingest_report(SEED, kb=kb, out_dir=tmp_path)
    assert result.written
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "children-with-disabilities.yaml",
        "cse-mase.yaml",
        "early-years.yaml",
        "families-with-multiple-needs.yaml",
    ]
    assert result.problems == []
    for draft in result.drafts:
        text = draft.path.read_text(encoding="utf-8")
        audit = AUDIT_ADAPTER.validate_python(yaml.safe_load(text))
        lines = text.splitlines()
        assert sum(line.startswith("  agencies:") for line in lines) == len(audit.items)
        tags = [line for line in lines if line.startswith(("  agencies:", "  themes:"))]
        assert all(line.endswith("# suggested: confirm") for line in tags)
        assert any(line.startswith("short_title:") and line.endswith("# suggested: confirm") for line in lines)
        assert "Agencies and themes suggested by learning-bot ingest; confirm before publishing." in audit.notes
        assert all(item.agencies and item.themes for item in audit.items)
        assert audit.id == draft.id
        assert [item.id for item in audit.items if item.kind is Kind.FINDING][:2] == [
            f"{draft.prefix}-f1",
            f"{draft.prefix}-f2",
        ]
    cse = yaml.safe_load((tmp_path / "cse-mase.yaml").read_text(encoding="utf-8"))
    assert cse["completed"] == "2016-12" and cse["cases_audited"] == 8
    assert (
        "The summary table calls this audit 'CSE/MASE'; its section heading is"
        " 'Child Sexual Exploitation (CSE) and MASE Panel'." in cse["notes"]
    )


def test_item_prefixes_already_used_by_other_audits_are_not_reused(kb: KnowledgeBase, tmp_path: Path) -> None:
    # The bundled knowledge base holds the curated 'families-multiple-needs' audit (items fmn-...): a new file
    # for the same audit under another id must not reuse its item ids.
    result = ingest_report(SEED, kb=kb, out_dir=tmp_path, dry_run=True)
    prefixes = {draft.id: draft.prefix for draft in result.drafts}
    assert prefixes["families-with-multiple-needs"] == "fmn2"
    assert prefixes["early-years"] == "ey"  # replaces the curated early-years audit, so keeps its prefix
    assert list(tmp_path.iterdir()) == []


def test_suggested_tags_agree_with_the_curated_ones(kb: KnowledgeBase, seed_reading: Reading, tmp_path: Path) -> None:
    result = ingest_report(SEED, kb=kb, out_dir=tmp_path, dry_run=True)
    items = [(item.text, item.agencies, item.themes) for item in result.reading.items]
    agencies, themes = compare_tags(kb, items)
    print(f"\n{agencies.line()}\n{themes.line()}")
    assert agencies.items == themes.items == 62
    # Floors well under the measured figures (see the ingest section of the README): a regression guard.
    assert agencies.precision >= 0.7 and agencies.recall >= 0.5 and agencies.jaccard >= 0.5
    assert themes.precision >= 0.6 and themes.recall >= 0.5 and themes.jaccard >= 0.4


def test_all_agencies_is_suggested_for_text_addressed_to_everyone(kb: KnowledgeBase) -> None:
    from knowledge.authoring.suggestions import Suggester

    suggester = Suggester(kb)
    everyone = suggester.suggest("All agencies should attend core group meetings.")
    assert everyone.agencies[0] == ALL_AGENCIES
    named = suggester.suggest("Police should keep families updated on the progress of their investigation.")
    assert named.agencies == ("police",)
    assert "police-investigations" in named.themes


# -- structure beyond the seed ------------------------------------------------------------------------------------
def reading_of(tmp_path: Path, text: str, name: str = "report.txt") -> Reading:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_audits(read_report(path))


SEED_LINES = SEED.read_text(encoding="utf-8").splitlines()


def seed_line(number: int) -> str:
    return SEED_LINES[number - 1]


def test_without_a_summary_table_audits_are_found_by_their_sections(tmp_path: Path) -> None:
    text = "\n".join(line for number, line in enumerate(SEED_LINES, start=1) if not 9 <= number <= 16)
    reading = reading_of(tmp_path, text)
    assert [audit.title for audit in reading.audits] == [
        "Early Years Multi-Agency Audits",
        "Children with Disabilities (CWD)",
        "Child Sexual Exploitation (CSE) and MASE Panel",
        "Families with Multiple Needs",
    ]
    assert len(reading.items) == 62
    cse = reading.audits[2]
    assert cse.cases() == (8, 63)  # "... for 8 cases being audited." in its introduction
    assert reading.audits[0].cases() == (None, None)
    assert reading.audits[0].completed() == (None, None)


def test_bullets_and_sections_outside_any_audit_are_reported_with_their_lines(tmp_path: Path) -> None:
    text = "\n".join(
        [
            "- A stray bullet before any heading.",  # 1
            "",
            "Findings",  # 3
            "- Another stray bullet.",  # 4
            "",
            "Annual report",  # 6: a heading, but no Findings or Recommendations follow it
            "",
            "This year the partnership looked again at how agencies work together, and at what changed.",  # 8
            "",
            "Neglect audit",  # 10
            "",
            "Findings",  # 12
            seed_line(106),  # 13
            "A paragraph in the findings that is not a bullet, so it cannot be placed as an item here.",  # 14
        ]
    )
    reading = reading_of(tmp_path, text)
    assert [audit.title for audit in reading.audits] == ["Neglect audit"]
    assert [item.text for item in reading.items] == ["Elements of disguised compliance were evident in all cases."]
    assert [(notice.number, notice.message.split(":")[0]) for notice in reading.unplaced] == [
        (1, "bullet outside any audit"),
        (3, "section heading 'Findings' is not under any audit heading"),
        (4, "bullet outside any audit"),
        (14, "paragraph in 'Neglect audit' / Findings is not a bullet, not placed"),
    ]


def test_a_table_audit_with_no_section_in_the_body_is_reported(tmp_path: Path) -> None:
    text = "\n".join([*SEED_LINES[:16], "", "Families with Multiple Needs.", "", "Findings", seed_line(106)])
    reading = reading_of(tmp_path, text)
    assert [audit.title for audit in reading.audits] == [
        "Families with Multiple Needs: Parental Mental Ill-Health, Domestic Abuse and Substance Abuse"
    ]
    missing = [notice for notice in reading.unplaced if "no heading in the body matches it" in notice.message]
    assert [notice.number for notice in missing] == [9, 11, 13]


def test_a_header_row_lets_bare_numbers_and_dates_be_read_by_column(tmp_path: Path) -> None:
    text = "\n".join(
        [
            "| Audit | Cases | Date completed |",
            "| --- | --- | --- |",
            "| Neglect | 7 | March 2018 |",
            "| Priority 3: To tackle neglect. | | |",
            "",
            "## Neglect",
            "",
            "### Findings",
            "",
            f"1. {seed_line(106)[2:]}",
            "",
            "### Recommendations",
            "",
            f"* {seed_line(117)[2:]}",
        ]
    )
    reading = reading_of(tmp_path, text, "report.md")
    (audit,) = reading.audits
    assert audit.cases() == (7, None)
    assert audit.completed() == ("2018-03", None)
    assert audit.entry is not None and audit.entry.priority == "Priority 3: To tackle neglect."
    assert [(item.kind, item.section) for item in audit.items] == [
        (Kind.FINDING, "Findings"),
        (Kind.RECOMMENDATION, "Recommendations"),
    ]


def test_wrapped_bullets_are_joined_and_a_sub_heading_is_remarked(tmp_path: Path) -> None:
    text = "\n".join(
        [
            "Neglect audit",
            "",
            "Findings",
            "- Elements of disguised compliance were",
            "  evident in all cases.",
            "Police",  # a sub-heading inside the section: kept, and remarked on
            "- Police investigations were thorough and taking into account the needs and voice of the child.",
        ]
    )
    reading = reading_of(tmp_path, text)
    assert [item.text for item in reading.items] == [
        "Elements of disguised compliance were evident in all cases.",
        "Police investigations were thorough and taking into account the needs and voice of the child.",
    ]
    assert [notice.number for notice in reading.remarks] == [6]
    assert reading.unplaced == []


@pytest.mark.parametrize(
    ("heading", "title", "matches"),
    [
        ("Child Sexual Exploitation (CSE) and MASE Panel", "CSE/MASE", True),
        ("Child Sexual Exploitation and MASE Panel", "CSE/MASE", True),  # acronym from the capitals
        ("Families with Multiple Needs.", "Families with Multiple Needs: Parental Mental Ill-Health", True),
        ("Early years multi-agency audit", "Early Years Multi-Agency Audits", True),
        ("Children with Disabilities", "Child Sexual Exploitation", False),
        ("Key Findings and Learning from Multi-Agency Audits", "Early Years Multi-Agency Audits", False),
        ("Introduction", "Early Years Multi-Agency Audits", False),
    ],
)
def test_headings_match_table_titles_by_words_and_acronyms(heading: str, title: str, matches: bool) -> None:
    from knowledge.authoring.headings import title_score
    from knowledge.authoring.summary_table import TITLE_MATCH_CUTOFF

    assert (title_score(heading, title) >= TITLE_MATCH_CUTOFF) is matches


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("Completed August 2016", "2016-08"),
        ("Completed Sept 2016", "2016-09"),
        ("completed: 3 March, 2018", "2018-03"),
        ("2017-02", "2017-02"),
        ("02/2017", "2017-02"),
        ("Completed in the spring", None),
    ],
)
def test_month_names_become_year_month(text: str, month: str | None) -> None:
    from knowledge.authoring.summary_table import parse_month

    assert parse_month(text) == month


@pytest.mark.parametrize(
    ("text", "cases"),
    [("10 cases audited.", 10), ("Cases audited: 8", 8), ("six cases", 6), ("8 case files", 8), ("cases", None)],
)
def test_cases_audited_are_read(text: str, cases: int | None) -> None:
    from knowledge.authoring.summary_table import parse_cases

    assert parse_cases(text) == cases


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("Findings:", Kind.FINDING),
        ("Key findings", Kind.FINDING),
        ("Learning/Recommendations.", Kind.RECOMMENDATION),
        ("Learning / Recommendations", Kind.RECOMMENDATION),
        ("Learning and recommendations", Kind.RECOMMENDATION),
        ("Recommendations", Kind.RECOMMENDATION),
        ("Key Findings and Learning", None),
        ("Introduction", None),
    ],
)
def test_section_headings(heading: str, kind: Kind | None) -> None:
    from knowledge.authoring.headings import section_kind

    assert section_kind(heading) is kind


def test_a_failed_write_restores_replaced_files_and_leaves_nothing_behind(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from knowledge.authoring import drafts
    from knowledge.authoring.drafts import DraftWriteError

    (tmp_path / "early-years.yaml").write_text("# edited by a reviewer\n", encoding="utf-8")
    real_replace = os.replace

    def failing_replace(source: str | Path, target: str | Path) -> None:
        if Path(target).name == "cse-mase.yaml":  # the disk fills up on the third draft
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(drafts.os, "replace", failing_replace)
    with pytest.raises(DraftWriteError, match=r"No space left on device\); nothing was written"):
        ingest_report(SEED, kb=kb, out_dir=tmp_path, force=True)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["early-years.yaml"]
    assert (tmp_path / "early-years.yaml").read_text(encoding="utf-8") == "# edited by a reviewer\n"


def test_a_directory_in_the_way_is_a_clear_error(kb: KnowledgeBase, tmp_path: Path) -> None:
    from knowledge.authoring.drafts import DraftWriteError

    (tmp_path / "cse-mase.yaml").mkdir()
    with pytest.raises(DraftWriteError, match=r"cse-mase.yaml is not a file\); nothing was written"):
        ingest_report(SEED, kb=kb, out_dir=tmp_path, force=True)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cse-mase.yaml"]


def test_another_boards_layout(kb: KnowledgeBase, tmp_path: Path) -> None:
    """Numbered audit headings, a header row with bare numbers, other section names and bullet marks, and a
    report-level "Next steps" after the last audit (its bullets are reported, not given to that audit)."""
    path = tmp_path / "other-board.md"
    path.write_text(
        "\n".join(
            [
                "# Multi-agency case audits 2018/19",  # 1
                "",
                "| Audit | Cases | Date completed |",  # 3
                "|---|---|---|",
                "| Neglect | 9 | June 2018 |",  # 5
                "| Aim: to test how agencies identify neglect early. | | |",  # 6
                "| Missing from education | six cases | Nov 2018 |",  # 7
                "",
                "## 1. Neglect",  # 9
                "",
                "### Key findings",  # 11
                "",
                f"• {seed_line(106)[2:]}",  # 13
                "",
                "### Good practice",  # 15
                "",
                f"• {seed_line(82)[2:]}",  # 17
                "",
                "### Recommendations",  # 19
                "",
                f"1. {seed_line(117)[2:]}",  # 21
                "",
                "## 2. Missing from Education (MfE)",  # 23
                "",
                "### Findings",  # 25
                "",
                f"- {seed_line(107)[2:]}",  # 27
                "",
                "### Learning and recommendations",  # 29
                "",
                f"- {seed_line(118)[2:]}",  # 31
                "",
                "## Next steps",  # 33
                "",
                f"- {seed_line(116)[2:]}",  # 35
            ]
        ),
        encoding="utf-8",
    )
    result = ingest_report(path, kb=kb, out_dir=tmp_path / "out")
    neglect, education = result.reading.audits
    assert (neglect.title, neglect.heading, neglect.id, neglect.prefix) == ("Neglect", "Neglect", "neglect", "neglect")
    assert (education.id, education.prefix) == ("missing-from-education", "mfe")
    assert (neglect.cases(), neglect.completed()) == ((9, None), ("2018-06", None))
    assert (education.cases(), education.completed()) == ((6, None), ("2018-11", None))
    assert neglect.purpose()[0] == "Aim: to test how agencies identify neglect early."
    assert [(item.kind, item.section, item.number) for item in neglect.items] == [
        (Kind.FINDING, "Key findings", 13),
        (Kind.FINDING, "Good practice", 17),
        (Kind.RECOMMENDATION, "Recommendations", 21),
    ]
    assert [(item.kind, item.section) for item in education.items] == [
        (Kind.FINDING, "Findings"),
        (Kind.RECOMMENDATION, "Learning and recommendations"),
    ]
    assert [notice.number for notice in result.reading.unplaced] == [33, 35]
    # No purpose anywhere for the second audit: the draft says so, and check will name the field.
    assert result.problems == [
        f"{tmp_path / 'out' / 'missing-from-education.yaml'}: audit missing-from-education: purpose:"
        " Input should be a valid string"
    ]
    assert "purpose: null  # not found in the report: fill in" in result.drafts[1].text
