"""The real app over HTTP (waitress on 127.0.0.1), signed requests, its Web API calls captured by FakeSlack."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from handlers import blocks
from knowledge.base import KnowledgeBase

from .fakeslack import BOT_USER_ID, FakeSlack
from .slackbot import (
    BOT_TOKEN,
    CHANNEL,
    DM_CHANNEL,
    PRE_VERBAL,
    PRE_VERBAL_QUESTION,
    SIGNING_SECRET,
    RunningBot,
    button_press,
    mention,
    message,
    posted_text,
    unique_event_id,
)

PRIVATE = "Kayleigh-Marie Oduya"  # a made-up name standing for case details a practitioner might type


@pytest.fixture
def bot(kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[RunningBot]:
    with RunningBot(kb, fake_slack, tmp_path / "state.db", answer_channels="CANSWER1") as running:
        yield running


def test_start_up_checks_the_token_against_the_configured_api(bot: RunningBot, fake_slack: FakeSlack) -> None:
    auth = fake_slack.calls_to("auth.test")
    assert len(auth) == 1
    assert auth[0].headers["Authorization"] == f"Bearer {BOT_TOKEN}"


def test_health(bot: RunningBot) -> None:
    reply = bot.request("GET", "/healthz")
    assert (reply.status, json.loads(reply.body)) == (200, {"ok": True})
    assert bot.request("GET", "/").status == 404
    assert bot.request("GET", "/slack/events").status == 404


def test_mention_is_answered_once_in_its_thread(bot: RunningBot, fake_slack: FakeSlack) -> None:
    event = mention(PRE_VERBAL_QUESTION)
    reply = bot.send_event(event)
    assert reply.status == 200
    [post] = fake_slack.wait_for("chat.postMessage")
    bot.drain()
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert post.args["channel"] == CHANNEL
    assert post.args["thread_ts"] == event["ts"]
    first = post.args["blocks"][2]["text"]["text"]
    assert first.startswith("*1. Learning/recommendation: asks of agencies*") and PRE_VERBAL in first
    assert "Families with Multiple Needs" in posted_text(post.args)
    assert post.headers["Authorization"] == f"Bearer {BOT_TOKEN}"


def test_dm_is_answered_in_the_dm(bot: RunningBot, fake_slack: FakeSlack) -> None:
    assert bot.send_event(message(PRE_VERBAL_QUESTION)).status == 200
    [post] = fake_slack.wait_for("chat.postMessage")
    assert post.args["channel"] == DM_CHANNEL
    assert "thread_ts" not in post.args
    assert PRE_VERBAL in posted_text(post.args)


def test_follow_up_mention_in_a_thread_is_answered_in_that_thread(bot: RunningBot, fake_slack: FakeSlack) -> None:
    first = mention(PRE_VERBAL_QUESTION)
    bot.send_event(first)
    fake_slack.wait_for("chat.postMessage")
    follow_up = mention("what did the audits find about dads and partners?", thread_ts=first["ts"])
    bot.send_event(follow_up)
    posts = fake_slack.wait_for("chat.postMessage", 2)
    assert [post.args["thread_ts"] for post in posts] == [first["ts"], first["ts"]]


def test_one_message_as_app_mention_and_message_is_answered_once(bot: RunningBot, fake_slack: FakeSlack) -> None:
    event = mention(PRE_VERBAL_QUESTION, channel="CANSWER1")
    twin = {**event, "type": "message", "channel_type": "channel"}
    bot.send_event(event)
    bot.send_event(twin)
    fake_slack.wait_for("chat.postMessage")
    bot.drain()
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_ignored_events_post_nothing(bot: RunningBot, fake_slack: FakeSlack) -> None:
    ignored = [
        message("edited?", subtype="message_changed", message={"text": "edited?"}),
        message("", subtype="message_deleted"),
        message("a bot asks?", subtype="bot_message", bot_id="B0000OTHER"),
        message("my own answer?", user=BOT_USER_ID, bot_id="BBOT0001"),
        message("no mention, not an answer channel?", channel=CHANNEL, channel_type="channel"),
    ]
    for event in ignored:
        assert bot.send_event(event).status == 200
    bot.drain()
    assert fake_slack.calls_to("chat.postMessage") == []


def test_answer_channel_question_is_answered_without_a_mention(bot: RunningBot, fake_slack: FakeSlack) -> None:
    event = message(PRE_VERBAL_QUESTION, channel="CANSWER1", channel_type="channel")
    bot.send_event(event)
    [post] = fake_slack.wait_for("chat.postMessage")
    assert (post.args["channel"], post.args["thread_ts"]) == ("CANSWER1", event["ts"])


# -- retries ------------------------------------------------------------------------------------------------------
def test_a_retry_of_an_answered_event_is_not_answered_again(bot: RunningBot, fake_slack: FakeSlack) -> None:
    event, event_id = mention(PRE_VERBAL_QUESTION), unique_event_id()
    assert bot.send_event(event, event_id=event_id).status == 200
    fake_slack.wait_for("chat.postMessage")
    for attempt in (1, 2, 3):
        assert bot.send_event(event, event_id=event_id, retry=attempt).status == 200
    bot.drain()
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_a_retry_is_not_answered_again_after_a_restart(
    kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    event, event_id = mention(PRE_VERBAL_QUESTION), unique_event_id()
    with RunningBot(kb, fake_slack, tmp_path / "state.db") as first:
        first.send_event(event, event_id=event_id)
        fake_slack.wait_for("chat.postMessage")
    with RunningBot(kb, fake_slack, tmp_path / "state.db") as restarted:
        assert restarted.send_event(event, event_id=event_id, retry=1).status == 200
        restarted.drain()
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_a_retry_whose_first_delivery_never_arrived_is_answered(bot: RunningBot, fake_slack: FakeSlack) -> None:
    assert bot.send_event(mention(PRE_VERBAL_QUESTION), retry=2).status == 200
    [post] = fake_slack.wait_for("chat.postMessage")
    assert PRE_VERBAL in posted_text(post.args)


def test_a_retry_after_a_failed_answer_is_answered(bot: RunningBot, fake_slack: FakeSlack) -> None:
    fake_slack.queue("chat.postMessage", body={"ok": False, "error": "internal_error"})
    event, event_id = mention(PRE_VERBAL_QUESTION), unique_event_id()
    bot.send_event(event, event_id=event_id)
    _failed, _apology = fake_slack.wait_for("chat.postMessage", 2)
    bot.send_event(event, event_id=event_id, retry=1)
    *_, answer = fake_slack.wait_for("chat.postMessage", 3)
    assert PRE_VERBAL in posted_text(answer.args)
    bot.drain()
    assert len(fake_slack.calls_to("chat.postMessage")) == 3


# -- signatures ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("secret", "age"),
    [
        ("not-the-signing-secret", 0),
        (SIGNING_SECRET, 301),  # correctly signed, but more than 5 minutes old
        (SIGNING_SECRET, -301),  # from the future
    ],
    ids=["forged", "stale", "future"],
)
def test_badly_signed_requests_get_401_and_do_nothing(
    bot: RunningBot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture, secret: str, age: int
) -> None:
    caplog.set_level(logging.INFO)
    signing = {"secret": secret, "timestamp": int(time.time()) - age}
    assert bot.send_event(mention(f"{PRIVATE} pre-verbal?"), **signing).status == 401
    command = bot.send_command("/learning", f"{PRIVATE} pre-verbal", response_url=fake_slack.response_url(), **signing)
    assert command.status == 401
    bot.drain()
    assert [call.method for call in fake_slack.calls] == ["auth.test"]
    # Refused before Bolt parses anything: one line for both refusals (the next comes a minute later, with a count)
    refusals = [record for record in caplog.records if "Refused a request" in record.getMessage()]
    assert [record.getMessage() for record in refusals] == [
        "Refused a request to /slack/events (401: invalid request signature detected)"
    ]
    assert PRIVATE not in caplog.text


def test_unsigned_and_tampered_requests_get_401(bot: RunningBot, fake_slack: FakeSlack) -> None:
    body = json.dumps({"type": "event_callback", "event": mention(PRE_VERBAL_QUESTION), "event_id": "Ev1"})
    assert bot.request("POST", "/slack/events", body, {"Content-Type": "application/json"}).status == 401
    from .slackbot import signed_headers

    headers = signed_headers(body, content_type="application/json")
    assert bot.request("POST", "/slack/events", body.replace("pre-verbal", "pre-verbaL"), headers).status == 401
    bot.drain()
    assert fake_slack.calls_to("chat.postMessage") == []


# -- mention injection ----------------------------------------------------------------------------------------------
INJECTION = "<!channel> <!here> <!everyone> <@U0123ABCD> <!subteam^S0001|@leads> &lt;!here&gt; pre-verbal children?"


def test_nothing_the_bot_posts_pings_anyone(bot: RunningBot, fake_slack: FakeSlack) -> None:
    bot.send_event(mention(INJECTION))
    bot.send_command("/learning", INJECTION, response_url=fake_slack.response_url("learning"))
    bot.send_command("/glossary", INJECTION, response_url=fake_slack.response_url("glossary"))
    bot.send_command("/recommendations", INJECTION, response_url=fake_slack.response_url("recommendations"))
    posts = [
        *fake_slack.wait_for("chat.postMessage"),
        *fake_slack.wait_for("response/learning"),
        *fake_slack.wait_for("response/glossary"),
        *fake_slack.wait_for("response/recommendations"),
    ]
    for post in posts:
        shown = posted_text(post.args)
        assert "<!" not in shown and "<@" not in shown, post.method
    echoed = posted_text(fake_slack.calls_to("response/learning")[0].args)
    assert "&lt;!here&gt;" in echoed  # what the person typed is shown, escaped


# -- slash commands ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("command", "text", "expected", "response_type"),
    [
        ("/learning", PRE_VERBAL_QUESTION, PRE_VERBAL, "ephemeral"),
        ("/learning", f"{PRE_VERBAL_QUESTION} --share", PRE_VERBAL, "in_channel"),
        ("/learning", "", "Usage: `/learning QUESTION [--share]`", "ephemeral"),
        ("/recommendations", "polce", "Recommendations for Police", "ephemeral"),
        ("/recommendations", "", "Agencies (recommendations that concern each)", "ephemeral"),
        ("/recommendations", "the moon", "No agency called “the moon”", "ephemeral"),
        ("/themes", "", "Voice of the child", "ephemeral"),
        ("/themes", "--share", "Voice of the child", "in_channel"),
        ("/glossary", "CAF", "Common Assessment Framework", "ephemeral"),
        ("/glossary", "", "Common Assessment Framework", "ephemeral"),
        ("/glossary", "qwertyuiop", "No glossary entry for “qwertyuiop”", "ephemeral"),
    ],
)
def test_every_slash_command_acks_at_once_and_answers_through_the_response_url(
    bot: RunningBot, fake_slack: FakeSlack, command: str, text: str, expected: str, response_type: str
) -> None:
    answer = fake_slack.hold("response/hook")
    reply = bot.send_command(command, text, response_url=fake_slack.response_url())
    assert reply.status == 200
    assert reply.body == b""  # an empty ack: the answer follows through the response_url
    assert answer.answered == 0  # acknowledged while the answer was still on its way: the ack did not wait for it
    answer.release()
    [response] = fake_slack.wait_for("response/hook")
    assert expected in posted_text(response.args)
    assert response.args["response_type"] == response_type
    assert "Authorization" not in response.headers  # response_urls need no token; none is sent


def test_more_button_posts_the_next_page_in_the_thread(bot: RunningBot, fake_slack: FakeSlack) -> None:
    event = mention("information sharing between agencies")
    bot.send_event(event)
    [answer] = fake_slack.wait_for("chat.postMessage")
    posted = fake_slack.posted[CHANNEL][0]
    assert bot.send_action(button_press(posted, response_url=fake_slack.response_url())).status == 200
    posts = fake_slack.wait_for("chat.postMessage", 2)
    assert posts[1].args["thread_ts"] == event["ts"]
    assert posts[1].args["text"].startswith(f"Learning points {blocks.PAGE_SIZE + 1}–")
    assert answer.args["blocks"] != posts[1].args["blocks"]


def test_more_button_on_a_private_answer_answers_privately(bot: RunningBot, fake_slack: FakeSlack) -> None:
    bot.send_command("/learning", "information sharing between agencies", response_url=fake_slack.response_url("first"))
    [first] = fake_slack.wait_for("response/first")
    press = button_press(first.args, response_url=fake_slack.response_url("more"), ephemeral=True)
    bot.send_action(press)
    [more] = fake_slack.wait_for("response/more")
    assert more.args["response_type"] == "ephemeral"
    assert more.args["text"].startswith(f"Learning points {blocks.PAGE_SIZE + 1}–")
    bot.drain()
    assert fake_slack.calls_to("chat.postMessage") == []


# -- Web API errors --------------------------------------------------------------------------------------------------
def test_a_429_is_retried_after_retry_after(bot: RunningBot, fake_slack: FakeSlack) -> None:
    fake_slack.queue("chat.postMessage", status=429, Retry_After="1")
    bot.send_event(mention(PRE_VERBAL_QUESTION))
    first, second = fake_slack.wait_for("chat.postMessage", 2, timeout=10)
    assert second.at - first.at >= 1.0
    assert first.args["blocks"] == second.args["blocks"]
    bot.drain()
    assert len(fake_slack.calls_to("chat.postMessage")) == 2


def test_a_web_api_error_is_logged_without_secrets_and_the_user_is_told(
    bot: RunningBot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    fake_slack.queue("chat.postMessage", body={"ok": False, "error": "invalid_blocks"})
    event = mention(f"what about {PRIVATE} and pre-verbal children?")
    bot.send_event(event)
    _failed, apology = fake_slack.wait_for("chat.postMessage", 2)
    bot.drain()
    assert apology.args["text"] == blocks.APOLOGY
    assert (apology.args["channel"], apology.args["thread_ts"]) == (CHANNEL, event["ts"])
    assert "Failed to handle the app_mention event Ev" in caplog.text
    assert "Traceback" in caplog.text  # logger.exception
    assert "invalid_blocks" in caplog.text
    assert BOT_TOKEN not in caplog.text and SIGNING_SECRET not in caplog.text
    assert PRIVATE not in caplog.text


def test_a_command_that_fails_after_its_ack_tells_the_user_privately(
    bot: RunningBot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    acknowledged = threading.Event()

    def broken(self: KnowledgeBase) -> None:
        assert acknowledged.wait(5)  # fail once the ack has gone back to Slack, as slow work would
        raise RuntimeError("the knowledge base is unreadable")

    monkeypatch.setattr(KnowledgeBase, "themes", broken)
    reply = bot.send_command("/themes", "", response_url=fake_slack.response_url())
    assert (reply.status, reply.body) == (200, b"")
    acknowledged.set()
    [told] = fake_slack.wait_for("response/hook")
    assert told.args["text"] == blocks.APOLOGY
    assert told.args["response_type"] == "ephemeral"
    bot.drain()
    assert "Failed to handle the command /themes: RuntimeError" in caplog.text


def test_a_refused_response_url_post_is_logged(
    bot: RunningBot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    fake_slack.queue("response/gone", status=404, body={"ok": False, "error": "expired_url"})
    fake_slack.queue("response/gone", status=404, body={"ok": False, "error": "expired_url"})
    bot.send_command("/themes", "", response_url=fake_slack.response_url("gone"))
    fake_slack.wait_for("response/gone", 2)  # the answer, then the apology: both refused
    bot.drain()
    assert "Failed to handle the command /themes: ResponseUrlError" in caplog.text
    assert "Could not tell the user about the error: ResponseUrlError" in caplog.text


def test_tokens_are_redacted_from_the_app_logs(bot: RunningBot, caplog: pytest.LogCaptureFixture) -> None:
    logging.getLogger("learning_bot.slack").error("leaked %s and %s", BOT_TOKEN, SIGNING_SECRET)
    assert BOT_TOKEN not in caplog.text and SIGNING_SECRET not in caplog.text
    assert "leaked [redacted] and [redacted]" in caplog.text


# -- privacy -----------------------------------------------------------------------------------------------------
def test_question_text_is_not_logged_by_default(
    bot: RunningBot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    bot.send_event(mention(f"{PRIVATE} is pre-verbal: how do we hear her voice?"))
    bot.send_event(message(f"{PRIVATE} is pre-verbal: how do we hear her voice?"))
    bot.send_command("/learning", f"{PRIVATE} pre-verbal voice", response_url=fake_slack.response_url())
    fake_slack.wait_for("chat.postMessage", 2)
    fake_slack.wait_for("response/hook")
    bot.drain()
    assert "Answered a mention" in caplog.text and "Answered /learning" in caplog.text
    assert PRIVATE not in caplog.text


# -- load ----------------------------------------------------------------------------------------------------------
def test_thirty_simultaneous_mentions_are_all_acknowledged_before_any_answer_and_all_answered(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    # Thirty practitioners asking at once (one person asking thirty times meets the per-person question limit).
    # Slack holds every answer until all thirty acks are in: an ack waits for its answer only up to a bound
    # (bot.acks.WAIT_SECONDS), and never for a free listener thread (there are 8), however busy the bot is. How fast
    # acks are is measured by the bench, not here.
    events = [mention(PRE_VERBAL_QUESTION if n % 2 else "disguised compliance", user=f"U{n:08d}") for n in range(30)]
    answers = fake_slack.hold("chat.postMessage")
    start = threading.Barrier(len(events))
    statuses: list[int] = []
    lock = threading.Lock()

    def send(event: dict[str, object]) -> None:
        start.wait()
        reply = bot.send_event(event)
        with lock:
            statuses.append(reply.status)

    threads = [threading.Thread(target=send, args=(event,)) for event in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert statuses == [200] * 30
    assert answers.answered == 0
    answers.release()
    posts = fake_slack.wait_for("chat.postMessage", 30, timeout=20)
    assert sorted(post.args["thread_ts"] for post in posts) == sorted(str(event["ts"]) for event in events)
