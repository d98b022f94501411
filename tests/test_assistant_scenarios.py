"""Slack's assistant view and the "Find learning for this message" shortcut, through signed requests to the real
app with the fake Web API recording assistant.threads.setSuggestedPrompts / setStatus, chat.postEphemeral and more.

Each path also checks that the question's words are not stored or logged.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from handlers import assistant, shortcuts
from knowledge.base import KnowledgeBase
from knowledge.records.state import StateStore

from .fakeslack import TEAM_ID, FakeSlack
from .slackbot import APP_ID, CHANNEL, DM_CHANNEL, USER_ID, RunningBot, message, posted_text, unique_event_id, unique_ts
from .statedump import sql_dump

PRE_VERBAL = "how do we hear the voice of pre-verbal children?"
FOLLOW_UP = "and what about disguised compliance?"
PERSONAL = "a boy named Tyreese, mum on 07700 900461: how do we hear the voice of pre-verbal children?"
COLLEAGUE = "U0000COLL"


@pytest.fixture
def bot(kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[RunningBot]:
    with RunningBot(kb, fake_slack, tmp_path / "state.db") as running:
        yield running


def thread_started(thread_ts: str) -> dict[str, Any]:
    return {
        "type": "assistant_thread_started",
        "assistant_thread": {
            "user_id": USER_ID,
            "context": {"channel_id": CHANNEL, "team_id": TEAM_ID, "enterprise_id": None},
            "channel_id": DM_CHANNEL,
            "thread_ts": thread_ts,
        },
        "event_ts": unique_ts(),
    }


def in_thread(fake: FakeSlack, text: str, thread_ts: str) -> dict[str, Any]:
    """A person's message in an assistant thread; the thread (opened by Slack) is where conversations.replies
    finds it, as Bolt's assistant middleware reads the thread's context from there."""
    if not any(m.get("ts") == thread_ts for m in fake.posted.get(DM_CHANNEL, [])):
        fake.add_message(DM_CHANNEL, {"type": "message", "subtype": "assistant_app_thread", "ts": thread_ts})
    event = message(text, channel=DM_CHANNEL, channel_type="im", thread_ts=thread_ts)
    fake.add_message(
        DM_CHANNEL, {"type": "message", "user": USER_ID, "text": text, "ts": event["ts"], "thread_ts": thread_ts}
    )
    return event


# -- the assistant view ----------------------------------------------------------------------------------------
def test_a_new_assistant_thread_gets_a_greeting_and_prompts_from_the_themes(
    bot: RunningBot, fake_slack: FakeSlack, kb: KnowledgeBase
) -> None:
    thread_ts = unique_ts()
    assert bot.send_event(thread_started(thread_ts)).status == 200
    [prompts] = fake_slack.wait_for("assistant.threads.setSuggestedPrompts")
    [greeting] = fake_slack.wait_for("chat.postMessage")
    assert (greeting.args["channel"], greeting.args["thread_ts"]) == (DM_CHANNEL, thread_ts)
    assert greeting.args["text"] == assistant.WELCOME
    assert (prompts.args["channel_id"], prompts.args["thread_ts"]) == (DM_CHANNEL, thread_ts)
    busiest = sorted(kb.themes(), key=lambda theme: -theme.count)[:4]
    assert [prompt["title"] for prompt in prompts.args["prompts"]] == [theme.name for theme in busiest]
    assert all(prompt["message"].startswith("What did the audits find about ") for prompt in prompts.args["prompts"])


def test_questions_in_the_thread_get_a_status_then_answers_in_the_thread(
    bot: RunningBot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    thread_ts = unique_ts()
    first = in_thread(fake_slack, PRE_VERBAL, thread_ts)
    event_id = unique_event_id()
    assert bot.send_event(first, event_id=event_id).status == 200
    [status] = fake_slack.wait_for("assistant.threads.setStatus")
    [answer] = fake_slack.wait_for("chat.postMessage")
    assert (status.args["channel_id"], status.args["thread_ts"], status.args["status"]) == (
        DM_CHANNEL,
        thread_ts,
        "searching the audits...",
    )
    assert status.at <= answer.at
    assert answer.args["thread_ts"] == thread_ts and "pre-verbal" in posted_text(answer.args)
    # Slack's retry of the same delivery is not answered twice; a follow-up is answered in the same thread.
    assert bot.send_event(first, event_id=event_id, retry=1).status == 200
    bot.send_event(in_thread(fake_slack, FOLLOW_UP, thread_ts))
    answers = fake_slack.wait_for("chat.postMessage", 2)
    bot.drain()
    assert len(fake_slack.calls_to("chat.postMessage")) == 2
    assert answers[1].args["thread_ts"] == thread_ts and "disguised compliance" in posted_text(answers[1].args).lower()
    for words in (PRE_VERBAL, FOLLOW_UP):
        assert words not in sql_dump(bot.state.path)
        assert words not in caplog.text
    rows = StateStore(bot.state.path).conn.execute("SELECT count(*) FROM questions_asked").fetchone()[0]
    assert rows == 2  # counted for insights, without the words


def test_case_details_in_the_assistant_get_a_private_reminder_and_are_kept_nowhere(
    bot: RunningBot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    thread_ts = unique_ts()
    bot.send_event(in_thread(fake_slack, PERSONAL, thread_ts))
    [reminder] = fake_slack.wait_for("chat.postEphemeral")
    bot.drain()
    assert (reminder.args["channel"], reminder.args["user"], reminder.args["thread_ts"]) == (
        DM_CHANNEL,
        USER_ID,
        thread_ts,
    )
    assert "a phone number and a name" in posted_text(reminder.args)
    for secret in ("Tyreese", "07700 900461"):
        assert secret not in sql_dump(bot.state.path)
        assert secret not in caplog.text
        assert secret not in posted_text(fake_slack.calls_to("chat.postMessage")[0].args)


# -- the message shortcut ----------------------------------------------------------------------------------------
def shortcut_payload(text: str, *, fake: FakeSlack, thread_ts: str | None = None) -> dict[str, Any]:
    ts = unique_ts()
    found: dict[str, Any] = {"type": "message", "user": COLLEAGUE, "text": text, "ts": ts}
    if thread_ts:
        found["thread_ts"] = thread_ts
    return {
        "type": "message_action",
        "callback_id": shortcuts.CALLBACK_ID,
        "trigger_id": "1234.5678.abcdef",
        "response_url": fake.response_url(),
        "team": {"id": TEAM_ID},
        "api_app_id": APP_ID,
        "channel": {"id": CHANNEL, "name": "safeguarding"},
        "user": {"id": USER_ID, "team_id": TEAM_ID},
        "message_ts": ts,
        "message": found,
    }


def share_press(ephemeral: dict[str, Any], *, fake: FakeSlack) -> dict[str, Any]:
    share = next(
        element
        for block in ephemeral["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == shortcuts.SHARE_ACTION
    )
    return {
        "type": "block_actions",
        "user": {"id": USER_ID, "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "team": {"id": TEAM_ID},
        "container": {"type": "message", "message_ts": unique_ts(), "channel_id": CHANNEL, "is_ephemeral": True},
        "channel": {"id": CHANNEL},
        "response_url": fake.response_url("share"),
        "trigger_id": "1234.5678.abcdef",
        "actions": [{**share, "block_id": "share", "action_ts": unique_ts()}],
    }


def test_the_shortcut_answers_only_its_user_and_shares_the_learning_on_request(
    bot: RunningBot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    words = "We keep losing track of what the baby's day is like - pre-verbal children's voice?"
    payload = shortcut_payload(words, fake=fake_slack, thread_ts="1700000000.000100")
    assert bot.send_action(payload).status == 200
    [private] = fake_slack.wait_for("chat.postEphemeral")
    assert (private.args["channel"], private.args["user"], private.args["thread_ts"]) == (
        CHANNEL,
        USER_ID,
        "1700000000.000100",
    )
    shown = posted_text(private.args)
    assert "pre-verbal" in shown and "losing track" not in shown  # the message's words are not echoed
    assert fake_slack.calls_to("chat.postMessage") == []  # nothing in the channel yet

    assert bot.send_action(share_press(private.args, fake=fake_slack)).status == 200
    [shared] = fake_slack.wait_for("chat.postMessage")
    [done] = fake_slack.wait_for("response/share")
    bot.drain()
    assert (shared.args["channel"], shared.args["thread_ts"]) == (CHANNEL, "1700000000.000100")
    assert f"Shared by <@{USER_ID}>" in posted_text(shared.args) and "pre-verbal" in posted_text(shared.args)
    assert "losing track" not in posted_text(shared.args)
    assert shortcuts.SHARED in posted_text(done.args)
    assert "losing track" not in sql_dump(bot.state.path) and "losing track" not in caplog.text


def test_the_shortcut_warns_about_case_details_and_keeps_nothing(
    bot: RunningBot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bot.send_action(shortcut_payload(PERSONAL, fake=fake_slack))
    [private] = fake_slack.wait_for("chat.postEphemeral")
    bot.drain()
    shown = posted_text(private.args)
    assert ":warning:" in shown and "this message looks like it may include a phone number and a name" in shown
    for secret in ("Tyreese", "07700 900461"):
        assert secret not in shown
        assert secret not in sql_dump(bot.state.path)
        assert secret not in caplog.text


def test_the_shortcut_in_a_channel_the_bot_is_not_in_answers_through_the_response_url(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    fake_slack.queue("chat.postEphemeral", body={"ok": False, "error": "not_in_channel"})
    bot.send_action(shortcut_payload(PRE_VERBAL, fake=fake_slack))
    [private] = fake_slack.wait_for("response/hook")
    assert private.args["response_type"] == "ephemeral" and "pre-verbal" in posted_text(private.args)


def test_a_forged_share_button_is_refused(bot: RunningBot, fake_slack: FakeSlack) -> None:
    forged = {
        "blocks": [
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": shortcuts.SHARE_ACTION,
                        "value": json.dumps({"ids": [], "c": CHANNEL}),
                    }
                ],
            }
        ]
    }
    bot.send_action(share_press(forged, fake=fake_slack))
    [told] = fake_slack.wait_for("response/share")
    bot.drain()
    assert "expired" in posted_text(told.args)
    assert fake_slack.calls_to("chat.postMessage") == []
