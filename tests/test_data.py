"""The bundled data: every bullet of the report once and verbatim, vocabularies cross-checked."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from knowledge.loading import load_knowledge
from knowledge.models import ALL_AGENCIES, Kind, Wording, normalise_whitespace


@pytest.fixture(scope="module")
def knowledge():
    return load_knowledge()


def seed_bullets(seed_text: str) -> list[str]:
    return [normalise_whitespace(line[2:]) for line in seed_text.splitlines() if re.match(r"^- \S", line)]


def test_the_seed_has_62_bullets(seed_text: str) -> None:
    assert len(seed_bullets(seed_text)) == 62


def test_every_bullet_appears_exactly_once_and_verbatim(knowledge, seed_text: str) -> None:
    texts = Counter(item.text for _, item in knowledge.items)
    bullets = Counter(seed_bullets(seed_text))
    assert len(knowledge.items) == 62
    assert texts == bullets


def test_item_text_is_a_verbatim_substring_of_the_report(knowledge, seed_text: str) -> None:
    report = normalise_whitespace(seed_text)
    for _, item in knowledge.items:
        assert item.text in report, item.id


def test_items_are_filed_as_the_report_files_them(knowledge) -> None:
    for _, item in knowledge.items:
        section = item.section.lower()
        if item.kind is Kind.FINDING:
            assert section.startswith("findings"), item.id
        elif item.kind is Kind.RECOMMENDATION:
            assert section.startswith("learning/recommendations"), item.id
        else:
            assert not section.startswith(("findings", "learning")), item.id


def test_four_audits_with_their_metadata(knowledge) -> None:
    audits = {audit.id: audit for audit in knowledge.audits}
    assert [(a.title, a.cases_audited, a.completed) for a in knowledge.audits] == [
        ("Early Years Multi-Agency Audits", 10, "2016-08"),
        ("Children with Disabilities (CWD)", 6, "2016-09"),
        ("CSE/MASE", 8, "2016-12"),
        (
            "Families with Multiple Needs: Parental Mental Ill-Health, Domestic Abuse and Substance Abuse",
            8,
            "2017-02",
        ),
    ]
    assert audits["children-with-disabilities"].priority.startswith("Business Plan Priority 4:")
    assert audits["early-years"].completed_label == "August 2016"


def test_disability_figures_are_recorded_as_facts(knowledge) -> None:
    cwd = next(audit for audit in knowledge.audits if audit.id == "children-with-disabilities")
    values = {fact.value for fact in cwd.facts}
    for figure in ("2191", "437", "19.9%", "12", "321", "3.7%"):
        assert any(figure in value for value in values), figure


def test_the_six_versus_eight_cases_inconsistency_is_noted_not_corrected(knowledge) -> None:
    fmn = next(audit for audit in knowledge.audits if audit.id == "families-multiple-needs")
    assert fmn.cases_audited == 8
    assert any("6" in note and "8" in note for note in fmn.notes)
    assert any("In 2 of the 6 cases" in item.text for item in fmn.items)


def test_vocabularies_cover_what_the_items_use(knowledge) -> None:
    agencies = {agency.id for agency in knowledge.agencies}
    themes = {theme.id for theme in knowledge.themes}
    used_themes = {theme for _, item in knowledge.items for theme in item.themes}
    assert ALL_AGENCIES in agencies
    assert {agency for _, item in knowledge.items for agency in item.agencies} <= agencies
    assert used_themes <= themes
    assert used_themes == themes, "every theme should bear at least one learning point"


def test_vocabularies_name_what_practitioners_need(knowledge) -> None:
    agencies = {agency.id for agency in knowledge.agencies}
    assert {
        "police",
        "childrens-social-care",
        "health",
        "nelft",
        "bhrut",
        "camhs",
        "health-visiting",
        "school-nursing",
        "education",
        "education-welfare",
        "childrens-centres",
        "nspcc",
        "safer-london",
        "refuge",
        "fusion",
        "youth-offending",
        "cp-chairs",
        "lscb",
    } <= agencies
    terms = {term.term.lower() for term in knowledge.glossary}
    for acronym in (
        "caf",
        "tac",
        "cse",
        "mase",
        "voc",
        "smart",
        "lscb",
        "bhrut",
        "nelft",
        "rio",
        "cpis",
        "camhs",
        "yotp",
        "dsl",
        "iro",
        "cps",
        "lac",
        "cwd",
        "lbr",
        "cpat",
    ):
        assert any(acronym == term or term.startswith(acronym + " ") or acronym in term.split("/") for term in terms), (
            acronym
        )


def test_every_theme_has_discussion_questions_and_why_it_matters(knowledge) -> None:
    for theme in knowledge.themes:
        assert 2 <= len(theme.discussion_questions) <= 3, theme.id
        assert len(theme.why_it_matters) > 80, theme.id


OBSERVATIONS = {"ey-r1", *(f"cwd-r{n}" for n in range(1, 10))}


def test_recommendations_worded_as_observations_are_marked_and_explained(knowledge) -> None:
    """A curated judgement on how a bullet filed under Learning/Recommendations reads; the filing is kept."""
    marked = {item.id for _, item in knowledge.items if item.reads_as is Wording.OBSERVATION}
    assert marked == OBSERVATIONS
    for _, item in knowledge.items:
        if item.id in OBSERVATIONS:
            assert item.kind is Kind.RECOMMENDATION and item.wording is Wording.OBSERVATION
            assert any("Learning/Recommendations" in note for note in item.notes), item.id
        elif item.kind is Kind.RECOMMENDATION:
            assert item.wording is Wording.ASK, item.id
            # an ask is worded as one: it says what should, would or is to be done
            assert re.search(r"\bshould\b|\bwould benefit\b|\bto (?:ensure|be)\b", item.text), item.id
        else:
            assert item.wording is None
