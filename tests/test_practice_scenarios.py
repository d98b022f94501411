"""From answer to practice, through signed Slack requests to the real app and the fake Web API: "We discussed this
in our team" on the digest, "I need more help", "Suggest it for next year's audits", and "Mark resolved".

Each path also checks that no question text is stored or logged before its asker pressed Send.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from handlers import practice_blocks
from knowledge.base import KnowledgeBase
from knowledge.records.state import StateStore
from knowledge.reporting.quarter import Period, build_report

from .digesting import MONDAY_SLOT, WEEK, make_digests
from .fakeslack import TEAM_ID, FakeSlack
from .slackbot import APP_ID, DM_CHANNEL, USER_ID, RunningBot, message, unique_ts
from .statedump import sql_dump

CONTACT = "CBOARD001"
OTHER_USER = "U0000OTHR"
FOUND_QUESTION = "how do we hear the voice of pre-verbal children?"
UNCOVERED_QUESTION = "what is the local guidance on female genital mutilation?"
PERSONAL_QUESTION = "a boy named Tyreese, mum on 07700 900461: how do we hear the voice of pre-verbal children?"


@pytest.fixture
def bot(kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[RunningBot]:
    with RunningBot(kb, fake_slack, tmp_path / "state.db", help_contact=CONTACT) as running:
        yield running


def ask_in_dm(bot: RunningBot, fake: FakeSlack, text: str, *, user: str = USER_ID) -> tuple[dict[str, Any], str]:
    """A person's DM to the bot (also kept where conversations.replies finds it); returns the answer and its ts."""
    ts = unique_ts()
    fake.add_message(DM_CHANNEL, {"type": "message", "user": user, "text": text, "ts": ts})
    before = len(fake.calls_to("chat.postMessage"))
    assert bot.send_event(message(text, channel=DM_CHANNEL, channel_type="im", ts=ts, user=user)).status == 200
    answer = fake.wait_for("chat.postMessage", before + 1)[-1]
    return answer.args, ts


def button(posted: dict[str, Any], action_id: str) -> dict[str, Any]:
    return next(
        element
        for block in posted["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("action_id") == action_id
    )


def press(
    bot: RunningBot, fake: FakeSlack, posted: dict[str, Any], action_id: str, *, channel: str, user: str = USER_ID
) -> None:
    ts = posted.get("ts") or unique_ts()
    payload = {
        "type": "block_actions",
        "user": {"id": user, "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "team": {"id": TEAM_ID},
        "container": {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": False},
        "channel": {"id": channel},
        "message": {"ts": ts, "blocks": posted["blocks"]},
        "response_url": fake.response_url(),
        "trigger_id": "1234.5678.abcdef",
        "actions": [{**button(posted, action_id), "block_id": "b", "action_ts": unique_ts()}],
    }
    assert bot.send_action(payload).status == 200


def submit(bot: RunningBot, view: dict[str, Any], values: dict[str, Any], *, user: str = USER_ID) -> dict[str, Any]:
    """Press the form's submit button; returns Slack's response_action (empty when the form just closes)."""
    payload = {
        "type": "view_submission",
        "user": {"id": user, "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "team": {"id": TEAM_ID},
        "trigger_id": "1234.5678.abcdef",
        "view": {**view, "id": "V0000VIEW", "team_id": TEAM_ID, "state": {"values": values}},
    }
    reply = bot.send_action(payload)
    assert reply.status == 200
    return json.loads(reply.body) if reply.body else {}


def typed(text: str) -> dict[str, Any]:
    return {
        practice_blocks.QUESTION_BLOCK: {practice_blocks.QUESTION_INPUT: {"type": "plain_text_input", "value": text}}
    }


def opened_view(fake: FakeSlack, count: int = 1) -> dict[str, Any]:
    return fake.wait_for("views.open", count)[-1].args["view"]


def view_text(view: dict[str, Any]) -> str:
    return json.dumps(view, ensure_ascii=False)


# -- the digest: "We discussed this in our team" -----------------------------------------------------------------
def test_a_team_records_its_discussion_of_the_digest(
    bot: RunningBot, fake_slack: FakeSlack, kb: KnowledgeBase, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    make_digests(kb, bot.state.path, fake_slack.url).run_due(MONDAY_SLOT)
    [digest] = fake_slack.posted["CDIGEST"]
    assert button(digest, practice_blocks.DISCUSSED_ACTION)["text"]["text"] == "We discussed this in our team"
    theme = json.loads(button(digest, practice_blocks.DISCUSSED_ACTION)["value"])["t"]

    press(bot, fake_slack, digest, practice_blocks.DISCUSSED_ACTION, channel="CDIGEST")
    view = opened_view(fake_slack)
    assert view["callback_id"] == practice_blocks.DISCUSSION_VIEW
    [agency_input, team_input] = [block for block in view["blocks"] if block["type"] == "input"]
    options = {option["value"] for option in agency_input["element"]["options"]}
    assert options == {agency.id for agency in kb.agencies()}
    assert team_input["optional"] is True  # no free text unless typed on purpose

    choice = {"selected_option": {"value": "health-visiting", "text": {"type": "plain_text", "text": "x"}}}
    values = {
        practice_blocks.AGENCY_BLOCK: {practice_blocks.AGENCY_INPUT: {"type": "static_select", **choice}},
        practice_blocks.TEAM_BLOCK: {practice_blocks.TEAM_INPUT: {"type": "plain_text_input", "value": None}},
    }
    reply = submit(bot, view, values)
    assert reply["response_action"] == "update"
    assert "Recorded: your team in *Health visiting*" in view_text(reply["view"])
    again = submit(bot, view, values)
    assert "Already recorded" in view_text(again["view"])
    bot.drain()

    rows = [dict(row) for row in StateStore(bot.state.path).conn.execute("SELECT * FROM digest_discussions")]
    assert len(rows) == 1
    row = rows[0]
    assert (row["week"], row["theme"], row["channel"], row["agency"], row["team"], row["recorded_by"]) == (
        WEEK,
        theme,
        "CDIGEST",
        "health-visiting",
        "",
        USER_ID,
    )
    assert row["message_ts"] == digest["ts"]
    report = build_report(StateStore(bot.state.path), kb, Period(date(2026, 11, 1), date(2027, 1, 31)))
    assert report.summary.discussions == 1
    assert report.tables["discussions-by-agency"].rows == (("Health visiting", 1, 1),)


def test_a_discussion_needs_an_agency_from_the_list(bot: RunningBot, fake_slack: FakeSlack, kb: KnowledgeBase) -> None:
    make_digests(kb, bot.state.path, fake_slack.url).run_due(MONDAY_SLOT)
    [digest] = fake_slack.posted["CDIGEST"]
    press(bot, fake_slack, digest, practice_blocks.DISCUSSED_ACTION, channel="CDIGEST")
    view = opened_view(fake_slack)
    forged = {"selected_option": {"value": "not-an-agency"}}
    reply = submit(bot, view, {practice_blocks.AGENCY_BLOCK: {practice_blocks.AGENCY_INPUT: forged}})
    assert reply == {"response_action": "errors", "errors": {"agency": "Choose your agency from the list."}}
    assert StateStore(bot.state.path).conn.execute("SELECT count(*) FROM digest_discussions").fetchone()[0] == 0


# -- "I need more help" ------------------------------------------------------------------------------------------
def test_more_help_shows_the_question_and_sends_it_only_on_send(
    bot: RunningBot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    answer, ts = ask_in_dm(bot, fake_slack, FOUND_QUESTION)
    assert json.loads(button(answer, practice_blocks.HELP_ACTION)["value"]) == {"c": DM_CHANNEL, "ts": ts}
    assert FOUND_QUESTION not in json.dumps(answer["blocks"])  # the button carries where, not what

    press(bot, fake_slack, answer, practice_blocks.HELP_ACTION, channel=DM_CHANNEL)
    view = opened_view(fake_slack)
    [field] = [block for block in view["blocks"] if block["type"] == "input"]
    assert field["element"]["initial_value"] == FOUND_QUESTION
    assert f"<#{CONTACT}>" in view_text(view) and ":warning:" not in view_text(view)
    bot.drain()
    # Opened, not sent: the text is nowhere but Slack.
    assert FOUND_QUESTION not in sql_dump(bot.state.path)
    assert FOUND_QUESTION not in caplog.text
    assert fake_slack.calls_to("chat.postMessage")[-1].args["channel"] == DM_CHANNEL  # nothing to the contact


def test_a_sent_request_reaches_the_contact_who_marks_it_resolved(
    kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    with RunningBot(kb, fake_slack, tmp_path / "state.db", help_contact=CONTACT) as bot:
        answer, _ = ask_in_dm(bot, fake_slack, FOUND_QUESTION)
        press(bot, fake_slack, answer, practice_blocks.HELP_ACTION, channel=DM_CHANNEL)
        view = opened_view(fake_slack)
        edited = FOUND_QUESTION + " We have a 10-month-old on a plan."
        reply = submit(bot, view, typed(edited))
        assert reply["response_action"] == "update" and "Sent to" in view_text(reply["view"])
        notice = next(c for c in fake_slack.wait_for("chat.postMessage", 2) if c.args["channel"] == CONTACT)
        shown = json.dumps(notice.args["blocks"])
        assert "10-month-old on a plan" in shown and f"<@{USER_ID}>" in shown
        stored = dict(StateStore(bot.state.path).conn.execute("SELECT * FROM help_requests").fetchone())
        assert (stored["question"], stored["requester"], stored["status"]) == (edited, USER_ID, "open")
        assert "voice-of-the-child" in json.loads(stored["themes"])

        posted_notice = fake_slack.posted[CONTACT][-1]
        press(bot, fake_slack, posted_notice, practice_blocks.RESOLVE_ACTION, channel=CONTACT, user="UCONTACT1")
        [update] = fake_slack.wait_for("chat.update")
        assert update.args["ts"] == posted_notice["ts"] and "Resolved by <@UCONTACT1>" in json.dumps(update.args)
        told = fake_slack.wait_for("chat.postMessage", 3)[-1]
        assert told.args["channel"] == USER_ID and "resolved" in told.args["text"]
        press(bot, fake_slack, posted_notice, practice_blocks.RESOLVE_ACTION, channel=CONTACT, user="UCONTACT2")
        [again] = fake_slack.wait_for("response/hook")
        assert "<@UCONTACT1> had already marked it resolved." in json.dumps(again.args)
        bot.drain()
        row = (
            StateStore(bot.state.path)
            .conn.execute("SELECT status, resolved_by, contact_ts FROM help_requests")
            .fetchone()
        )
        assert tuple(row) == ("resolved", "UCONTACT1", posted_notice["ts"])


def test_a_user_group_contact_gets_the_request_by_direct_message(
    kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    with RunningBot(kb, fake_slack, tmp_path / "state.db", help_contact="S0000TEAM") as bot:
        answer, _ = ask_in_dm(bot, fake_slack, FOUND_QUESTION)
        press(bot, fake_slack, answer, practice_blocks.HELP_ACTION, channel=DM_CHANNEL)
        view = opened_view(fake_slack)
        assert "<!subteam^S0000TEAM>" in view_text(view)
        submit(bot, view, typed(FOUND_QUESTION))
        bot.drain()
    assert fake_slack.calls_to("usergroups.users.list")[0].args["usergroup"] == "S0000TEAM"
    told = {call.args["channel"] for call in fake_slack.calls_to("chat.postMessage")}
    assert {"UCONTACT1", "UCONTACT2"} <= told


def test_case_details_are_warned_about_and_never_sent(
    bot: RunningBot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    answer, _ = ask_in_dm(bot, fake_slack, PERSONAL_QUESTION)
    press(bot, fake_slack, answer, practice_blocks.HELP_ACTION, channel=DM_CHANNEL)
    view = opened_view(fake_slack)
    assert ":warning:" in view_text(view) and "a phone number and a name" in view_text(view)
    reply = submit(bot, view, typed(PERSONAL_QUESTION))
    assert reply["response_action"] == "errors" and "take those details out" in reply["errors"]["question"]
    bot.drain()
    for secret in ("Tyreese", "07700 900461"):
        assert secret not in sql_dump(bot.state.path)
        assert secret not in caplog.text
    assert not any(call.args.get("channel") == CONTACT for call in fake_slack.calls_to("chat.postMessage"))


def test_only_the_asker_can_pass_a_question_on(bot: RunningBot, fake_slack: FakeSlack) -> None:
    answer, _ = ask_in_dm(bot, fake_slack, FOUND_QUESTION)
    press(bot, fake_slack, answer, practice_blocks.HELP_ACTION, channel=DM_CHANNEL, user=OTHER_USER)
    [told] = fake_slack.wait_for("response/hook")
    assert "Only the person who asked" in json.dumps(told.args)
    bot.drain()
    assert fake_slack.calls_to("views.open") == []


def test_without_a_contact_there_is_no_help_button(kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path) -> None:
    with RunningBot(kb, fake_slack, tmp_path / "state.db") as bot:
        answer, _ = ask_in_dm(bot, fake_slack, FOUND_QUESTION)
    assert practice_blocks.HELP_ACTION not in json.dumps(answer["blocks"])


# -- topics not covered, and "Suggest it for next year's audits" -------------------------------------------------
def test_an_uncovered_question_is_counted_by_topic_and_kept_only_when_suggested(
    bot: RunningBot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    answer, _ = ask_in_dm(bot, fake_slack, UNCOVERED_QUESTION)  # counted before the answer is posted
    conn = StateStore(bot.state.path).conn
    assert [tuple(row) for row in conn.execute("SELECT topic FROM uncovered_questions")] == [("harmful-practices",)]
    assert UNCOVERED_QUESTION not in sql_dump(bot.state.path)
    assert "genital" not in sql_dump(bot.state.path) and "genital" not in caplog.text

    press(bot, fake_slack, answer, practice_blocks.GAP_ACTION, channel=DM_CHANNEL)
    view = opened_view(fake_slack)
    assert view["callback_id"] == practice_blocks.GAP_VIEW
    assert UNCOVERED_QUESTION in view_text(view)
    assert UNCOVERED_QUESTION not in sql_dump(bot.state.path)  # opened, not sent
    reply = submit(bot, view, typed(UNCOVERED_QUESTION))
    assert reply["response_action"] == "update" and "Added to the board's list" in view_text(reply["view"])
    bot.drain()
    [gap] = [dict(row) for row in StateStore(bot.state.path).conn.execute("SELECT * FROM audit_gaps")]
    assert gap["question"] == UNCOVERED_QUESTION and gap["topic"] == "harmful-practices"
    assert USER_ID not in json.dumps(gap)  # kept without the asker's name
    assert UNCOVERED_QUESTION not in caplog.text


def test_learning_command_counts_an_uncovered_question_by_topic_only(
    bot: RunningBot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bot.send_command("/learning", UNCOVERED_QUESTION, response_url=fake_slack.response_url())
    fake_slack.wait_for("response/hook")
    bot.drain()
    conn = StateStore(bot.state.path).conn
    assert [tuple(row) for row in conn.execute("SELECT topic FROM uncovered_questions")] == [("harmful-practices",)]
    assert "genital" not in sql_dump(bot.state.path) and "genital" not in caplog.text
