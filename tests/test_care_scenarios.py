"""Practitioner care in the real app over HTTP: privacy reminders, feedback buttons, insights, the question limit
and the App Home tab, with signed requests and the Web API captured by FakeSlack."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli import cli
from handlers import blocks, home_blocks
from knowledge.base import KnowledgeBase
from knowledge.records.insights import QuestionLog

from .fakeslack import TEAM_ID, FakeSlack
from .slackbot import (
    APP_ID,
    CHANNEL,
    DM_CHANNEL,
    PRE_VERBAL_QUESTION,
    USER_ID,
    RunningBot,
    button_press,
    event_envelope,
    mention,
    message,
    posted_text,
    unique_ts,
)
from .statedump import sql_dump

# Made-up case details of the kind a practitioner might type.
CASE_NAME = "Tyreese"
CASE_PHONE = "07700 900461"
PERSONAL_QUESTION = f"a boy named {CASE_NAME}, mum on {CASE_PHONE}: how do we hear the voice of pre-verbal children?"
OUT_OF_SCOPE = "how do I book annual leave"


@pytest.fixture
def bot(kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[RunningBot]:
    with RunningBot(kb, fake_slack, tmp_path / "state.db", questions_per_minute=3) as running:
        yield running


def feedback_press(posted: dict[str, Any], action_id: str, *, response_url: str, user: str = USER_ID) -> dict[str, Any]:
    """The block_actions payload Slack sends when Helpful / Not helpful on a posted answer is pressed."""
    button = next(
        element
        for block in posted["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("action_id") == action_id
    )
    ts = posted.get("ts") or unique_ts()
    return {
        "type": "block_actions",
        "user": {"id": user, "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "team": {"id": TEAM_ID},
        "container": {"type": "message", "message_ts": ts, "channel_id": CHANNEL, "is_ephemeral": False},
        "channel": {"id": CHANNEL},
        "message": {"ts": ts, "blocks": posted["blocks"]},
        "response_url": response_url,
        "trigger_id": "1234.5678.abcdef",
        "actions": [{**button, "block_id": "feedback", "action_ts": unique_ts()}],
    }


# -- privacy guard ------------------------------------------------------------------------------------------------
def test_personal_data_gets_an_answer_and_a_private_reminder_and_is_kept_nowhere(
    bot: RunningBot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    event = mention(PERSONAL_QUESTION)
    assert bot.send_event(event).status == 200
    [answer] = fake_slack.wait_for("chat.postMessage")
    [reminder] = fake_slack.wait_for("chat.postEphemeral")
    bot.drain()
    assert answer.args["thread_ts"] == event["ts"]
    assert "pre-verbal" in posted_text(answer.args)
    assert (reminder.args["channel"], reminder.args["user"], reminder.args["thread_ts"]) == (
        CHANNEL,
        USER_ID,
        event["ts"],
    )
    shown = posted_text(reminder.args)
    assert "a phone number and a name" in shown and "don't share details" in shown
    for secret in (CASE_NAME, CASE_PHONE):
        assert secret not in shown
        assert secret not in posted_text(answer.args)
        assert secret not in caplog.text
        assert secret not in sql_dump(bot.state.path)
    assert "Reminded the asker not to share personal data (found: name, phone_number)" in caplog.text


def test_a_clean_question_gets_no_reminder(bot: RunningBot, fake_slack: FakeSlack) -> None:
    bot.send_event(message("what did the 2016-17 audits find in 4 of 6 cases about CP plans?"))
    fake_slack.wait_for("chat.postMessage")
    bot.drain()
    assert fake_slack.calls_to("chat.postEphemeral") == []


def test_a_dm_with_personal_data_is_reminded_in_the_dm(bot: RunningBot, fake_slack: FakeSlack) -> None:
    bot.send_event(message("DOB 03/03/2015, postcode RM7 0AG - neglect concerns, what do the audits say?"))
    [reminder] = fake_slack.wait_for("chat.postEphemeral")
    assert reminder.args["channel"] == DM_CHANNEL and "thread_ts" not in reminder.args
    assert "a date of birth" in posted_text(reminder.args) and "a postcode" in posted_text(reminder.args)


def test_learning_command_with_personal_data_never_echoes_it_into_the_channel(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    bot.send_command("/learning", f"{PERSONAL_QUESTION} --share", response_url=fake_slack.response_url())
    answer, reminder = fake_slack.wait_for("response/hook", 2)
    assert answer.args["response_type"] == "in_channel"
    assert CASE_NAME not in posted_text(answer.args) and CASE_PHONE not in posted_text(answer.args)
    assert "pre-verbal" in posted_text(answer.args)
    assert reminder.args["response_type"] == "ephemeral"
    assert "don't share details" in posted_text(reminder.args)
    # Asked privately, the question is still shown back to the asker (only they see it).
    bot.send_command("/learning", PERSONAL_QUESTION, response_url=fake_slack.response_url("private"))
    private, _ = fake_slack.wait_for("response/private", 2)
    assert private.args["response_type"] == "ephemeral" and CASE_NAME in posted_text(private.args)


# -- feedback ------------------------------------------------------------------------------------------------------
def test_helpful_and_not_helpful_are_recorded_once_per_person_and_thanked_privately(
    bot: RunningBot, fake_slack: FakeSlack, kb_path: Path
) -> None:
    bot.send_event(mention(PRE_VERBAL_QUESTION))
    fake_slack.wait_for("chat.postMessage")
    posted = fake_slack.posted[CHANNEL][0]
    feedback = [block for block in posted["blocks"] if block.get("block_id") == "feedback"]
    assert [button["text"]["text"] for button in feedback[0]["elements"]] == ["Helpful", "Not helpful"]

    presses = [
        ("one", blocks.FEEDBACK_HELPFUL, USER_ID, "Thanks for letting me know this was helpful."),
        ("two", blocks.FEEDBACK_HELPFUL, USER_ID, "already counted"),
        ("three", blocks.FEEDBACK_NOT_HELPFUL, USER_ID, "changed your feedback on that answer to “Not helpful”"),
        ("four", blocks.FEEDBACK_HELPFUL, "U0000OTHER", "Thanks for letting me know this was helpful."),
    ]
    for name, action_id, user, expected in presses:
        press = feedback_press(posted, action_id, response_url=fake_slack.response_url(name), user=user)
        assert bot.send_action(press).status == 200
        [thanks] = fake_slack.wait_for(f"response/{name}")
        assert thanks.args["response_type"] == "ephemeral" and thanks.args["replace_original"] is False
        assert expected in posted_text(thanks.args)
    bot.drain()

    result = CliRunner().invoke(
        cli, ["--db", str(kb_path), "feedback", "report", "--json", "--state", str(bot.state.path)]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["votes"], report["helpful"], report["not_helpful"], report["answers_rated"]) == (2, 1, 1, 1)
    assert {theme["id"] for theme in report["themes"]} >= {"young-children"}
    assert USER_ID not in sql_dump(bot.state.path)


def test_a_forged_feedback_button_is_answered_plainly_and_records_nothing(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    bot.send_event(mention(PRE_VERBAL_QUESTION))
    fake_slack.wait_for("chat.postMessage")
    posted = json.loads(json.dumps(fake_slack.posted[CHANNEL][0]))
    for block in posted["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == blocks.FEEDBACK_HELPFUL:
                element["value"] = "not-an-answer-id"
    bot.send_action(feedback_press(posted, blocks.FEEDBACK_HELPFUL, response_url=fake_slack.response_url()))
    [reply] = fake_slack.wait_for("response/hook")
    assert "That answer is no longer on record" in posted_text(reply.args)
    bot.drain()
    assert 'INSERT INTO "feedback_votes"' not in sql_dump(bot.state.path)


def test_every_answer_and_every_more_page_carries_feedback_buttons(bot: RunningBot, fake_slack: FakeSlack) -> None:
    bot.send_event(mention("information sharing between agencies"))
    fake_slack.wait_for("chat.postMessage")
    posted = fake_slack.posted[CHANNEL][0]
    bot.send_action(button_press(posted, response_url=fake_slack.response_url()))
    first, more = fake_slack.wait_for("chat.postMessage", 2)
    bot.send_event(mention(OUT_OF_SCOPE))
    nothing = fake_slack.wait_for("chat.postMessage", 3)[2]
    ids = []
    for post in (first, more, nothing):
        [block] = [block for block in post.args["blocks"] if block.get("block_id") == "feedback"]
        ids.append(block["elements"][0]["value"])
    assert len(set(ids)) == 3  # each page is its own answer to vote on


# -- insights ------------------------------------------------------------------------------------------------------
def test_every_answered_question_is_recorded_without_its_text(bot: RunningBot, fake_slack: FakeSlack) -> None:
    event = mention("what should police do about CSE?")
    bot.send_event(event)
    bot.send_event(event, retry=1)  # a retry is not a second question
    bot.send_event(message(OUT_OF_SCOPE))
    bot.send_command("/learning", "disguised compliance", response_url=fake_slack.response_url())
    fake_slack.wait_for("chat.postMessage", 2)
    fake_slack.wait_for("response/hook")
    bot.drain()
    report = QuestionLog(bot.state).report()
    assert (report.questions, report.unanswered) == (3, 1)
    assert {tally.id for tally in report.agencies} == {"police"}
    assert {"cse", "disguised-compliance"} <= {tally.id for tally in report.themes}
    dump = sql_dump(bot.state.path)
    assert "police do" not in dump and "annual leave" not in dump and "disguised compliance" not in dump


# -- the question limit --------------------------------------------------------------------------------------------
def test_a_flood_from_one_person_is_limited_with_one_friendly_message(bot: RunningBot, fake_slack: FakeSlack) -> None:
    events = [mention(PRE_VERBAL_QUESTION) for _ in range(6)]  # the limit is 3 a minute in this fixture
    for event in events:
        assert bot.send_event(event).status == 200
    fake_slack.wait_for("chat.postMessage", 3)
    [notice] = fake_slack.wait_for("chat.postEphemeral")
    bot.send_event(mention(PRE_VERBAL_QUESTION, user="U0000OTHER"))  # someone else is not held up
    fake_slack.wait_for("chat.postMessage", 4)
    bot.drain()
    assert len(fake_slack.calls_to("chat.postMessage")) == 4
    assert len(fake_slack.calls_to("chat.postEphemeral")) == 1
    assert notice.args["user"] == USER_ID
    assert "keep things fair for everyone" in posted_text(notice.args)
    assert QuestionLog(bot.state).report().questions == 4


def test_the_limit_counts_slash_commands_too(bot: RunningBot, fake_slack: FakeSlack) -> None:
    for _ in range(3):
        bot.send_event(message(PRE_VERBAL_QUESTION))
    fake_slack.wait_for("chat.postMessage", 3)
    bot.send_command("/learning", PRE_VERBAL_QUESTION, response_url=fake_slack.response_url())
    [reply] = fake_slack.wait_for("response/hook")
    assert reply.args["response_type"] == "ephemeral"
    assert "Please try again in about" in posted_text(reply.args)


# -- App Home ------------------------------------------------------------------------------------------------------
def test_opening_the_home_tab_publishes_it_and_a_theme_opens_its_learning(
    bot: RunningBot, fake_slack: FakeSlack, kb: KnowledgeBase
) -> None:
    opened = {"type": "app_home_opened", "user": USER_ID, "channel": DM_CHANNEL, "tab": "home", "event_ts": unique_ts()}
    assert bot.send_event(opened).status == 200
    [publish] = fake_slack.wait_for("views.publish")
    assert publish.args["user_id"] == USER_ID
    view = publish.args["view"]
    assert view["type"] == "home"
    text = json.dumps(view, ensure_ascii=False)
    assert "/learning QUESTION" in text and "No weekly digest is set up" in text
    theme_block = next(block for block in view["blocks"] if block.get("block_id") == "theme:cse")

    press = {
        "type": "block_actions",
        "user": {"id": USER_ID, "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "team": {"id": TEAM_ID},
        "container": {"type": "view", "view_id": "V0000HOME"},
        "view": {"id": "V0000HOME", "type": "home", "blocks": view["blocks"]},
        "trigger_id": "5555.6666.home",
        "actions": [{**theme_block["accessory"], "block_id": "theme:cse", "action_ts": unique_ts()}],
    }
    assert bot.send_action(press).status == 200
    [modal] = fake_slack.wait_for("views.open")
    assert modal.args["trigger_id"] == "5555.6666.home"
    shown = json.dumps(modal.args["view"], ensure_ascii=False)
    for result in kb.theme_items("cse"):
        assert json.dumps(home_blocks.escape(result.text), ensure_ascii=False)[1:-1] in shown

    messages_tab = {**opened, "tab": "messages", "event_ts": unique_ts()}
    bot.send_event(messages_tab)
    bot.drain()
    assert len(fake_slack.calls_to("views.publish")) == 1


def test_home_tab_shows_the_next_digest_when_one_is_set_up(
    kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    with RunningBot(kb, fake_slack, tmp_path / "state.db", digest_channel="CDIGEST01") as running:
        envelope = event_envelope({"type": "app_home_opened", "user": USER_ID, "tab": "home", "event_ts": unique_ts()})
        running.post(json.dumps(envelope), content_type="application/json")
        [publish] = fake_slack.wait_for("views.publish")
    text = json.dumps(publish.args["view"], ensure_ascii=False)
    assert "<#CDIGEST01>" in text
    assert any(f"*{theme.name}*" in text for theme in kb.themes())
