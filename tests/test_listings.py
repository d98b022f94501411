"""What practitioners read says exactly what is true: agency listings, learning points vs asks, glossary look-up,
accents and look-alikes, and errors that never echo a huge argument back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from handlers.digest_blocks import digest_blocks
from knowledge import formatting
from knowledge.base import KnowledgeBase
from knowledge.digest import ASKS_HEADING, LEARNING_POINTS_HEADING, build_digest, digest_text
from knowledge.text import clip, fold, normalise, words

POLICE_NOTIFIED = "Police stated that they were routinely notified of CP meetings and plans were shared."
POLICE_VOC = "Police stated that in one case, the child was at the forefront of the investigation"


def run(*args: str, db: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# -- recommendations by agency ----------------------------------------------------------------------------------
def test_an_agency_with_nothing_of_its_own_is_told_so_before_the_all_agency_items(kb: KnowledgeBase) -> None:
    recommendations = kb.recommendations("bhrut")
    assert recommendations.own == () and recommendations.for_all_count == 7
    text = formatting.recommendations_text(recommendations)
    lines = text.splitlines()
    assert lines[0] == "Learning/Recommendations for BHRUT (hospitals): 0 addressed to it, 7 to all agencies."
    assert lines[2] == "Addressed to BHRUT (hospitals): none in the audits."
    assert lines[4] == "For all agencies (7):"


def test_the_agencys_own_items_come_before_the_all_agency_ones(kb: KnowledgeBase) -> None:
    recommendations = kb.recommendations("police")
    own = [result.id for group in recommendations.own for result in group.items]
    for_all = [result.id for group in recommendations.for_all for result in group.items]
    assert own == ["cwd-r3", "cwd-r7", "cse-r4"]
    assert not set(own) & set(for_all)
    assert all("all-agencies" in result.agencies for group in recommendations.for_all for result in group.items)
    text = formatting.recommendations_text(recommendations)
    assert text.index("Addressed to Police (3):") < text.index(POLICE_NOTIFIED[:40]) < text.index("For all agencies")


def test_an_umbrella_agency_says_its_services_are_included(kb: KnowledgeBase) -> None:
    recommendations = kb.recommendations("health")
    nelft = [result.id for group in recommendations.own for result in group.items if "nelft" in result.agencies]
    assert nelft == ["fmn-r5"]
    text = formatting.recommendations_text(recommendations)
    assert text.startswith("Learning/Recommendations for Health: 3 addressed to it or its services,")
    assert "Addressed to Health or its services (3):" in text


def test_all_agencies_lists_its_items_once_without_an_empty_second_part(kb: KnowledgeBase) -> None:
    recommendations = kb.recommendations("all-agencies")
    assert recommendations.for_all == () and recommendations.own_count == 7
    assert "For all agencies" not in formatting.recommendations_text(recommendations)


# -- learning points vs asks of agencies ------------------------------------------------------------------------
def test_a_bullet_worded_as_an_observation_is_labelled_a_learning_point_wherever_shown(kb: KnowledgeBase) -> None:
    observation, ask = kb.item("cwd-r7"), kb.item("cse-r4")
    assert (observation.kind, observation.reads_as) == ("recommendation", "observation")
    assert observation.kind_label == "Learning/recommendation: learning point"
    assert ask.kind_label == "Learning/recommendation: asks of agencies"
    assert kb.item("cse-f1").kind_label == "Finding"
    answer = kb.ask("were police notified of CP meetings", limit=10)
    shown = next(result for result in answer.results if result.id == "cwd-r7")
    assert shown.to_json()["reads_as"] == "observation"
    text = formatting.answer_text(answer, kb)
    number = [result.id for result in answer.results].index("cwd-r7") + answer.offset + 1
    assert f"{number}. Learning/recommendation: learning point" in text
    listing = formatting.recommendations_text(kb.recommendations("police"))
    assert f"[learning point] {POLICE_NOTIFIED[:60]}" in listing.replace("\n    ", " ")
    assert "[learning point] Police should keep" not in listing
    assert formatting.LEARNING_POINT_NOTE.split(";")[0] in listing


def test_the_digest_keeps_observations_out_of_what_agencies_are_asked_to_do(kb: KnowledgeBase) -> None:
    digest = build_digest(kb, "voice-of-the-child")
    asks = [point.id for group in digest.recommendations for point in group.points]
    learning = [point.id for group in digest.learning_points for point in group.points]
    assert learning == ["cwd-r3"] and asks == ["fmn-r1"]
    text = digest_text(digest)
    found, heading, asked = (
        text.index(part) for part in ("What the audits found", LEARNING_POINTS_HEADING, ASKS_HEADING)
    )
    assert found < heading < text.index(POLICE_VOC) < asked
    assert "Learning/Recommendations" in LEARNING_POINTS_HEADING  # the report's filing is still said
    assert "Concerns: Police" in text
    blocks = json.dumps([block.to_dict() for block in digest_blocks(digest)])
    assert blocks.index(f"*{LEARNING_POINTS_HEADING}*") < blocks.index(POLICE_VOC) < blocks.index(f"*{ASKS_HEADING}*")


def test_every_digest_asks_only_what_asks(kb: KnowledgeBase) -> None:
    for theme in kb.themes():
        digest = build_digest(kb, theme.id)
        for group in digest.recommendations:
            assert all(kb.item(point.id).reads_as == "ask" for point in group.points), theme.id
        for group in digest.learning_points:
            assert all(kb.item(point.id).reads_as == "observation" for point in group.points), theme.id


# -- glossary ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("term", ["the", "AND", "and", "of the", "what is the", "!!!"])
def test_stop_words_never_match_a_glossary_entry(kb: KnowledgeBase, term: str) -> None:
    assert kb.glossary(term) == []


def test_term_and_expansion_matches_come_first_then_aliases(kb: KnowledgeBase) -> None:
    assert [(e["term"], e["match"]) for e in kb.glossary("CSE")] == [("CSE", "term")]
    assert [(e["term"], e["match"]) for e in kb.glossary("child sexual exploitation")] == [("CSE", "term")]
    assert [(e["term"], e["match"]) for e in kb.glossary("a and e")] == [("A&E", "alias")]
    assert [(e["term"], e["match"]) for e in kb.glossary("LSCB")] == [("LSCB", "term")]  # a stop word, and a term


def test_partial_and_misspelt_matches_are_labelled_close(kb: KnowledgeBase) -> None:
    assert [(e["term"], e["match"]) for e in kb.glossary("exploitation")] == [("CSE", "close"), ("MASE", "close")]
    assert [(e["term"], e["match"]) for e in kb.glossary("CAMS")] == [("CAMHS", "close")]
    assert next(e["term"] for e in kb.glossary("what is a CAF")) == "CAF"
    assert len(kb.glossary("child")) == 5


def test_the_cli_says_when_a_glossary_match_is_partial(kb_path: Path) -> None:
    code, out, _ = run("glossary", "exploitation", db=kb_path)
    assert code == 0
    assert out.startswith("No glossary entry is called 'exploitation'; partial matches:\nCSE — Child Sexual")
    code, out, _ = run("glossary", "CSE", db=kb_path)
    assert out.startswith("CSE — Child Sexual Exploitation\n")
    code, out, _ = run("glossary", "the", db=kb_path)
    assert code == 2 and out.startswith("No glossary entry for 'the'.")
    code, out, _ = run("glossary", "exploitation", "--json", db=kb_path)
    assert [entry["match"] for entry in json.loads(out)] == ["close", "close"]


# -- accents and look-alikes ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("ñéglect", "neglect"),
        ("ＣＡＦ", "CAF"),  # full-width
        ("𝐂𝐒𝐄", "CSE"),  # mathematical bold
        ("ﬁle", "file"),  # ligature
        ("Straße", "Strasse"),
        ("Ørsted", "Orsted"),
        ("naïve café", "naive cafe"),
        ("child’s", "child’s"),  # not an accent: apostrophes are unified later, by normalise
    ],
)
def test_accents_and_compatibility_characters_are_folded(typed: str, plain: str) -> None:
    assert fold(typed) == plain
    assert fold(plain) == plain


def test_folding_happens_before_every_match(kb: KnowledgeBase) -> None:
    assert normalise("Ñéglect") == "neglect" and words("ñéglect toolkït") == ["neglect", "toolkit"]
    assert [r.id for r in kb.ask("ñéglect").results] == [r.id for r in kb.ask("neglect").results] != []
    assert [e["term"] for e in kb.glossary("ñéglect")] == ["Neglect"]
    assert kb.resolve_agency("pölice") == "police"
    assert kb.resolve_agency("ＮＥＬＦＴ") == "nelft"


# -- errors never echo a huge argument --------------------------------------------------------------------------
def test_clip_cuts_what_it_echoes() -> None:
    assert clip("police") == "police"
    assert clip("x" * 100_000) == "x" * 79 + "…"
    assert clip("a" + " " * 10_000) == "a"
    assert clip("a" + " " * 10_000 + "b") == "a…"
    assert clip("two\n  lines") == "two lines"


@pytest.mark.parametrize(
    "args",
    [
        ("recommendations", "q" * 100_000),
        ("recommendations", "q" * 100_000, "--json"),
        ("glossary", "q" * 100_000),
        ("digest", "preview", "--theme", "q" * 100_000),
    ],
)
def test_errors_do_not_echo_a_100_kb_argument(kb_path: Path, args: tuple[str, ...]) -> None:
    code, out, err = run(*args, db=kb_path)
    assert code == 2
    assert "q" * 79 + "…" in out + err
    assert "q" * 81 not in out + err
