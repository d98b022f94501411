"""The search pipeline, layer by layer: words, typos, thesaurus, tags, threshold, awkward input."""

from __future__ import annotations

import pytest

from knowledge.base import KnowledgeBase
from knowledge.text import stem, strip_slack_markup, words
from knowledge.tools.baseline import baseline_search


def top_ids(kb: KnowledgeBase, question: str, n: int = 5) -> list[str]:
    return [result.id for result in kb.ask(question, limit=n).results]


def first_text(kb: KnowledgeBase, question: str) -> str:
    answer = kb.ask(question, limit=1)
    assert answer.results, f"nothing found for {question!r}"
    return answer.results[0].text


# -- text layer ------------------------------------------------------------------------------------------------
def test_words_fold_possessives_and_split_hyphens() -> None:
    assert words("The child’s voice; pre-verbal children's A&E") == [
        "the",
        "child",
        "voice",
        "pre",
        "verbal",
        "children",
        "a&e",
    ]


def test_words_read_would_and_will_contractions_as_the_words() -> None:
    # Without the apostrophe "she'd" and "I'll" would be "shed" and "ill" (as in ill-health).
    assert " ".join(words("she’d benefit, I'll ask, we'll see")) == "she would benefit i will ask we will see"


def test_words_read_a_babys_age_as_a_baby() -> None:
    assert words("a 4 month old, a 9-month-old and a 6 wk old") == ["a", "baby", "a", "baby", "and", "a", "baby"]
    assert words("for 18 months") == ["for", "18", "months"]  # a time, not an age


def test_stems_fold_irregular_plurals() -> None:
    assert stem("children") == stem("child")
    assert stem("assessments") == stem("assessment")


def test_slack_markup_is_stripped_before_searching() -> None:
    assert "U123" not in strip_slack_markup("<@U123> what about <!here> dads <https://x.test|link>")
    assert "dads" in strip_slack_markup("<@U123> what about dads")


# -- typo correction -------------------------------------------------------------------------------------------
def test_a_typo_is_corrected_against_the_vocabulary(kb: KnowledgeBase) -> None:
    answer = kb.ask("profesional curiousity")
    assert answer.corrections["profesional"] == "professional"
    assert answer.results[0].text.startswith("Throughout the audits and case discussion")


def test_real_words_the_audits_do_not_use_are_not_corrected(kb: KnowledgeBase) -> None:
    for word in ("party", "leave", "password", "football"):
        assert kb.vocabulary.correct(word) is None, word


# -- thesaurus ---------------------------------------------------------------------------------------------------
def test_a_lay_word_finds_the_reports_word(kb: KnowledgeBase) -> None:
    assert first_text(kb, "dads").startswith("In 4 out of 6 there were significant males")


def test_lay_phrase_for_disguised_compliance(kb: KnowledgeBase) -> None:
    assert "disguised compliance" in first_text(kb, "parents faking cooperation going through the motions")


def test_an_acronym_finds_its_expansion(kb: KnowledgeBase) -> None:
    # The report writes "Looked After Children"; practitioners write LAC.
    assert first_text(kb, "LAC flags on hospital systems").startswith("BHRUT systems did not flag up")


def test_an_expansion_finds_its_acronym(kb: KnowledgeBase) -> None:
    assert "CAMHS" in first_text(kb, "child and adolescent mental health service")


# -- tags and filters --------------------------------------------------------------------------------------------
def test_naming_an_agency_favours_its_items(kb: KnowledgeBase) -> None:
    results = kb.ask("what should police do", limit=3).results
    assert results
    assert all("police" in result.agencies for result in results)


def test_naming_an_audit_favours_its_items(kb: KnowledgeBase) -> None:
    results = kb.ask("what did the CSE audit find about social workers", limit=2).results
    assert results[0].audit.id == "cse-mase"
    assert "social worker" in results[0].text


def test_theme_tags_count_as_evidence(kb: KnowledgeBase) -> None:
    answer = kb.ask("toxic trio", limit=5)
    assert answer.results
    assert all("toxic-trio" in result.themes for result in answer.results[:3])


# -- threshold ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question",
    [
        "how do I book annual leave",
        "what's the wifi password",
        "who won the football last night",
        "can I claim mileage for home visits?",
        "where do I park at the civic centre",
    ],
)
def test_out_of_scope_questions_get_nothing(kb: KnowledgeBase, question: str) -> None:
    answer = kb.ask(question)
    assert answer.results == ()
    assert any("Themes you can ask about" in suggestion for suggestion in answer.suggestions)


def test_the_baseline_returns_something_for_out_of_scope(kb: KnowledgeBase) -> None:
    # Plain BM25 has no threshold: this is why the pipeline needs one.
    assert baseline_search(kb.conn, "how do I change the time of the team meeting")


# -- awkward input -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question",
    [
        '"voice of the child',
        "voice AND child",
        "NEAR(voice child)",
        "stems: voice",
        "tags : x",
        "*",
        "-police",
        "child)",
        "(",
        "^",
        "voice OR",
        "NOT",
        "a" * 10_000,
        "🧒" * 50,
    ],
)
def test_fts_syntax_and_huge_input_never_raise(kb: KnowledgeBase, question: str) -> None:
    answer = kb.ask(question)
    assert isinstance(answer.results, tuple)


def test_a_repeated_request_costs_no_more_lookups_than_one(kb: KnowledgeBase) -> None:
    """Each "X form for Y" may look the form's name up in the passages; a question repeating it a hundred times
    (cut to length first) must not cost a hundred full-text queries."""
    statements: list[str] = []
    # Top-level statements only (SQLite also traces the full-text index's own reads, prefixed "--").
    kb.conn.set_trace_callback(lambda sql: None if sql.startswith("--") else statements.append(sql))
    try:
        kb.searcher.analyse("referral form for the family")
        once = len(statements)
        statements.clear()
        kb.searcher.analyse(" ".join(f"referral form for child{index}" for index in range(100)))
        repeated = len(statements)
    finally:
        kb.conn.set_trace_callback(None)
    assert repeated <= once + 2, (once, repeated)


def test_fts_operators_are_searched_as_words(kb: KnowledgeBase) -> None:
    assert first_text(kb, '"voice of the child" AND (pre-verbal OR babies)').startswith("Specific consideration")


def test_more_pages_through_results(kb: KnowledgeBase) -> None:
    first = kb.ask("SMART child protection plans", limit=2)
    second = kb.ask("SMART child protection plans", limit=2, offset=2)
    assert first.total == second.total >= 4
    assert first.has_more
    assert not {r.id for r in first.results} & {r.id for r in second.results}


def test_explain_names_the_parts_of_the_score(kb: KnowledgeBase) -> None:
    result = kb.ask("polce investigaton", explain=True).results[0]
    explanation = result.explanation
    assert explanation["corrections"]["polce"] == "police"
    assert {unit["via"] for unit in explanation["units"]} <= {
        "word",
        "typo-corrected word",
        "thesaurus",
        "audit",
        "tag",
        "part of phrase",
        "none",
    }
    assert explanation["score"] == pytest.approx(result.score, abs=1e-3)


def test_ages_and_informal_contractions_are_understood() -> None:
    assert words("got a 15yo and a 3 year old") == ["got", "a", "teenager", "and", "a", "child"]
    assert words("4 of 6 cases in 2016-17") == ["4", "of", "6", "cases", "in", "2016", "17"]


def test_filler_words_do_not_sink_a_chatty_question(kb: KnowledgeBase) -> None:
    question = "mum says all the right things but nothing ever changes, feels like shes hiding things from us"
    assert "disguised compliance" in first_text(kb, question)


def test_a_distinctive_unknown_word_marks_a_question_out_of_scope(kb: KnowledgeBase) -> None:
    # "referrals" is in the audits; radicalisation is not, and it is what the question is about.
    assert kb.ask("radicalisation referrals").results == ()


def test_a_childs_name_in_the_question_does_not_sink_it(kb: KnowledgeBase) -> None:
    assert first_text(kb, "what about Jayden's voice, he's pre-verbal").startswith("Specific consideration")


def test_chat_abbreviations_are_ignored(kb: KnowledgeBase) -> None:
    assert first_text(kb, "dm question about dads?").startswith("In 4 out of 6 there were significant males")


def test_a_long_question_with_several_matched_concepts_is_answered(kb: KnowledgeBase) -> None:
    question = (
        "quick q from the ward re a newborn - how do we get the voice of the child when baby cant talk yet"
        " and dad is never seen"
    )
    assert first_text(kb, question).startswith("Specific consideration should be given")


@pytest.mark.parametrize(
    "question",
    [
        "is there parking at the office",
        "how many weeks of maternity leave do I get",
        "how do I change my out of office",
        "what's the dress code for court",
        "how do I get access to the shared drive",
    ],
)
def test_workplace_questions_that_share_words_with_the_audits_get_nothing(kb: KnowledgeBase, question: str) -> None:
    # "maternity" is BHRUT's, "court" the CPS's, "access" Protocol's: the workplace words decide.
    assert kb.ask(question).results == ()


def test_workplace_words_match_as_typed_not_as_stems(kb: KnowledgeBase) -> None:
    # "office" is a workplace word; "officers" (stemmed alike) are the police.
    assert "police" in kb.ask("what should police officers do").results[0].agencies
    assert kb.ask("a login for Protocol for children's centres").results
