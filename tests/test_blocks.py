"""Block Kit building: labels, sources, acronyms, escaping, Slack's size limits, the "More" button."""

from __future__ import annotations

import json

import pytest
from slack_sdk.models.blocks import SectionBlock

from handlers import blocks, slack_text
from knowledge.base import EXAMPLE_QUESTIONS, KnowledgeBase

from .slackbot import PRE_VERBAL, PRE_VERBAL_QUESTION


def rendered(message: blocks.Message) -> str:
    return json.dumps(message.as_kwargs(), ensure_ascii=False)


def texts(message: blocks.Message) -> list[str]:
    """Every text object's text in a message."""
    found = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text"):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.as_kwargs()["blocks"])
    return found


def test_answer_labels_each_point_and_gives_its_source(kb: KnowledgeBase) -> None:
    message = blocks.answer_message(kb.ask(PRE_VERBAL_QUESTION, limit=100), kb)
    body = rendered(message)
    first = texts(message)[1]
    assert first.startswith("*1. Learning/recommendation: asks of agencies*\n")
    assert PRE_VERBAL in first
    assert "Families with Multiple Needs" in body
    assert "completed February 2017" in body
    assert "All agencies" in body
    assert message.text.startswith("Learning points 1–")


def test_findings_are_labelled_as_findings(kb: KnowledgeBase) -> None:
    answer = kb.ask("disguised compliance", limit=100)
    message = blocks.answer_message(answer, kb)
    labels = [text.split("\n")[0] for text in texts(message) if text.startswith("*1. ")]
    assert labels == [f"*1. {answer.results[0].kind_label}*"]
    assert answer.results[0].kind == "finding"
    assert labels[0] == "*1. Finding*"


def test_acronyms_in_the_answer_get_a_glossary_line(kb: KnowledgeBase) -> None:
    answer = kb.ask(PRE_VERBAL_QUESTION, limit=100)
    message = blocks.answer_message(answer, kb)
    shown = " ".join(result.text for result in answer.results[: blocks.PAGE_SIZE])
    expected = kb.acronyms_in(shown)
    assert expected, "the canonical answer mentions acronyms (CAF, TAC)"
    line = next(text for text in texts(message) if text.startswith("*Acronyms:*"))
    for entry in expected:
        assert f"{entry['term']} = {blocks.escape(entry['expansion'])}" in line


def test_more_button_carries_ids_not_the_question(kb: KnowledgeBase) -> None:
    question = "information sharing between agencies"
    answer = kb.ask(question, limit=100)
    assert len(answer.results) > blocks.PAGE_SIZE
    message = blocks.answer_message(answer, kb)
    button = message.as_kwargs()["blocks"][-1]["elements"][0]
    assert button["action_id"] == blocks.MORE_ACTION
    assert "information" not in button["value"]
    page = blocks.read_more_value(button["value"])
    assert page.offset == blocks.PAGE_SIZE
    assert page.ids == tuple(result.id for result in answer.results[blocks.PAGE_SIZE :])
    following = blocks.next_page(page, kb)
    assert following.text.startswith(f"Learning points {blocks.PAGE_SIZE + 1}–")
    assert answer.results[blocks.PAGE_SIZE].text.split()[0] in rendered(following)


def test_last_page_has_no_more_button(kb: KnowledgeBase) -> None:
    answer = kb.ask(PRE_VERBAL_QUESTION, limit=blocks.PAGE_SIZE)
    message = blocks.answer_message(answer, kb)
    assert all(block["type"] != "actions" for block in message.as_kwargs()["blocks"])


@pytest.mark.parametrize(
    "value",
    [None, "", "not json", "[]", '{"o": 3}', '{"o": -1, "t": 5, "ids": ["x"]}', '{"o": 3, "t": 9, "ids": []}'],
)
def test_a_button_value_that_is_not_ours_is_refused(value: str | None) -> None:
    with pytest.raises(blocks.BadButtonValue):
        blocks.read_more_value(value)


def test_a_button_for_items_that_no_longer_exist_is_refused(kb: KnowledgeBase) -> None:
    with pytest.raises(blocks.BadButtonValue):
        blocks.next_page(blocks.MorePage(offset=3, total=5, ids=("gone-1", "gone-2")), kb)


def test_more_value_fits_in_a_button() -> None:
    page = blocks.MorePage(offset=3, total=503, ids=tuple(f"item-{n:05d}" for n in range(500)))
    value = blocks.more_value(page)
    assert len(value) <= blocks.VALUE_LIMIT
    decoded = blocks.read_more_value(value)
    assert decoded.ids == page.ids[: len(decoded.ids)]
    assert decoded.total == 3 + len(decoded.ids)


def test_nothing_relevant_says_so_and_offers_themes_and_an_example(kb: KnowledgeBase) -> None:
    message = blocks.answer_message(kb.ask("how do I book annual leave?", limit=100), kb)
    body = rendered(message)
    assert "Nothing in the audits answers that." in body
    assert "Voice of the child" in body
    assert EXAMPLE_QUESTIONS[0] in body
    assert "Learning points" not in body


@pytest.mark.parametrize(
    "typed",
    ["<!channel> what about pre-verbal children?", "<!here>", "<@U0123ABC> pre-verbal", "a & b <script>"],
)
def test_echoed_user_text_is_escaped(kb: KnowledgeBase, typed: str) -> None:
    message = blocks.answer_message(kb.ask(typed, limit=100), kb, asked=typed)
    body = rendered(message)
    assert "<!" not in body and "<@" not in body and "<script>" not in body
    assert "You asked:* " + blocks.escape(typed) in body


def test_escape_handles_ampersand_first() -> None:
    assert blocks.escape("A&E <b> &lt;") == "A&amp;E &lt;b&gt; &amp;lt;"


def test_notification_text_is_escaped() -> None:
    assert blocks.Message(text="<!channel> hi").as_kwargs()["text"] == "&lt;!channel&gt; hi"


def test_long_text_is_split_within_the_limit_at_word_boundaries() -> None:
    words = " ".join(f"word{n}" for n in range(2000))
    pieces = slack_text.split_text(words)
    assert len(pieces) > 1
    assert all(len(piece) <= slack_text.TEXT_LIMIT for piece in pieces)
    assert " ".join(pieces) == words


def test_an_unbroken_text_is_cut_but_never_inside_an_escape() -> None:
    text = blocks.escape("&" * 2500)  # 12,500 characters of "&amp;" and no spaces
    pieces = slack_text.split_text(text)
    assert "".join(pieces) == text
    assert all(len(piece) <= slack_text.TEXT_LIMIT and piece.endswith(";") for piece in pieces)


def test_messages_are_split_at_fifty_blocks() -> None:
    many = tuple(SectionBlock(text=f"section {n}") for n in range(120))
    parts = blocks.split_messages(blocks.Message(text="many", blocks=many))
    assert [len(part.blocks) for part in parts] == [50, 50, 20]


def test_every_listing_respects_the_limits(kb: KnowledgeBase) -> None:
    messages = [
        blocks.themes_message(kb.themes()),
        blocks.glossary_message(kb.glossary(), term=""),
        blocks.agencies_message(kb.agencies(), asked="nobody"),
        *(blocks.recommendations_message(kb.recommendations(a.id)) for a in kb.agencies()),
    ]
    for message in messages:
        for part in blocks.split_messages(message):
            data = part.as_kwargs()  # to_dict() validates every block's own limits
            assert len(data["blocks"]) <= slack_text.BLOCK_LIMIT
            assert all(len(text) <= slack_text.TEXT_LIMIT for text in texts(part))


def test_recommendations_lead_with_the_agency_then_all_agencies(kb: KnowledgeBase) -> None:
    recommendations = kb.recommendations("police")
    body = rendered(blocks.recommendations_message(recommendations))
    assert "Learning/Recommendations for Police: 3 addressed to it, 7 to all agencies" in body
    for group in (*recommendations.own, *recommendations.for_all):
        assert blocks.escape(group.audit.title) in body
    own, for_all = body.index("*Addressed to Police* (3)"), body.index("*For all agencies* (7)")
    assert own < body.index("Police should keep families") < for_all
    assert "_[learning point]_ Police stated that they were routinely notified" in body
    assert "worded as an observation, not an ask of agencies" in body


def test_recommendations_say_when_none_is_addressed_to_the_agency(kb: KnowledgeBase) -> None:
    body = rendered(blocks.recommendations_message(kb.recommendations("bhrut")))
    assert "0 addressed to it, 7 to all agencies" in body
    assert body.index("*Addressed to BHRUT (hospitals):* none in the audits.") < body.index("*For all agencies* (7)")


def test_partial_glossary_matches_are_labelled(kb: KnowledgeBase) -> None:
    body = "\n".join(texts(blocks.glossary_message(kb.glossary("exploitation"), term="exploitation")))
    assert body.startswith("_No glossary entry is called “exploitation”; partial matches:_")
    assert "*CSE*" in body
    exact = rendered(blocks.glossary_message(kb.glossary("CSE"), term="CSE"))
    assert "partial" not in exact and "*CSE*" in exact


def test_unknown_glossary_term_is_echoed_escaped() -> None:
    body = rendered(blocks.glossary_message([], term="<!everyone>"))
    assert "&lt;!everyone&gt;" in body and "<!" not in body


def test_a_signposted_topic_beside_passages_shows_its_message_before_them(kb: KnowledgeBase) -> None:
    answer = kb.ask("parents are first cousins, any learning?")
    assert answer.found and answer.signposts
    message = blocks.answer_message(answer, kb)
    shown = texts(message)
    where = next(index for index, text in enumerate(shown) if text.startswith("*Consanguineous relationships"))
    priority = next(index for index, text in enumerate(shown) if "Business Plan Priority 4" in text)
    assert where < priority
    assert message.text.startswith("Learning points 1–1 of 1")
