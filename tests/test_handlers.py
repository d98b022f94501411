"""The listeners called directly, with Bolt's Ack, Say and Respond mocked (spec'd), and a real state file."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any
from unittest.mock import Mock, call

import pytest
from slack_bolt import Ack, BoltContext, Respond, Say
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookResponse

from bot.app import handler_deps
from bot.settings import Settings
from handlers import blocks
from handlers.actions import ALREADY_SHOWN, Actions
from handlers.commands import Commands, split_share
from handlers.questions import REPLY_TO, Questions, Target, message_target, plain_text
from handlers.replies import ResponseUrlError
from knowledge.base import KnowledgeBase
from knowledge.records.ledger import DeliveryLedger
from knowledge.records.state import StateStore, open_state_store

from .slackbot import BOT_USER_ID, CHANNEL, DM_CHANNEL, PRE_VERBAL, PRE_VERBAL_QUESTION, USER_ID, mention, message

LOGGER = logging.getLogger("test.handlers")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, learning_bot_state=tmp_path / "state.db", answer_channels="CANSWER1")  # type: ignore[call-arg]


@pytest.fixture
def state(state_location: str | Path) -> StateStore:
    """The state on SQLite and on PostgreSQL: each handler test runs on both."""
    return open_state_store(state_location)


@pytest.fixture
def questions(kb: KnowledgeBase, settings: Settings, state: StateStore) -> Questions:
    return Questions(handler_deps(settings, kb, state))


@pytest.fixture
def commands(kb: KnowledgeBase, settings: Settings, state: StateStore) -> Commands:
    return Commands(handler_deps(settings, kb, state))


def responder() -> Mock:
    """A spec'd Respond whose posts Slack accepts."""
    return Mock(
        Respond, return_value=WebhookResponse(url="https://hooks.example/1", status_code=200, body="ok", headers={})
    )


def context() -> BoltContext:
    return BoltContext({"bot_user_id": BOT_USER_ID})


def body_of(event: dict[str, Any], event_id: str = "Ev0001") -> dict[str, Any]:
    return {"type": "event_callback", "event_id": event_id, "event": event}


def said(say: Mock) -> dict[str, Any]:
    assert say.call_count == 1, say.call_args_list
    return say.call_args.kwargs


# -- questions ---------------------------------------------------------------------------------------------------
def test_mention_is_answered_in_the_thread_of_the_question(questions: Questions) -> None:
    event = mention(PRE_VERBAL_QUESTION, ts="100.000001")
    say = Mock(Say)
    ctx = context()
    questions.on_mention(event=event, body=body_of(event), say=say, context=ctx, logger=LOGGER)
    reply = said(say)
    assert reply["channel"] == CHANNEL
    assert reply["thread_ts"] == "100.000001"
    assert PRE_VERBAL in json.dumps(reply["blocks"])
    assert ctx[REPLY_TO] == Target(CHANNEL, "100.000001")


def test_a_bare_mention_is_asked_for_a_question(questions: Questions) -> None:
    event = {**mention(""), "text": f"<@{BOT_USER_ID}>"}
    say = Mock(Say)
    questions.on_mention(event=event, body=body_of(event), say=say, context=context(), logger=LOGGER)
    shown = json.dumps(said(say)["blocks"])
    assert "Ask a question about the audits" in shown and "Themes you can ask about" in shown


def test_dm_in_a_thread_is_answered_in_that_thread(questions: Questions) -> None:
    event = message("and for babies?", thread_ts="1.000001")
    say = Mock(Say)
    questions.on_message(event=event, body=body_of(event), say=say, context=context(), logger=LOGGER)
    assert said(say)["thread_ts"] == "1.000001"


def test_mention_inside_a_thread_answers_in_that_thread(questions: Questions) -> None:
    event = mention("and for babies?", ts="200.000002", thread_ts="100.000001")
    say = Mock(Say)
    questions.on_mention(event=event, body=body_of(event), say=say, context=context(), logger=LOGGER)
    assert said(say)["thread_ts"] == "100.000001"


def test_dm_is_answered_in_the_dm(questions: Questions) -> None:
    event = message(PRE_VERBAL_QUESTION)
    say = Mock(Say)
    questions.on_message(event=event, body=body_of(event), say=say, context=context(), logger=LOGGER)
    reply = said(say)
    assert reply["channel"] == DM_CHANNEL
    assert reply["thread_ts"] is None


def test_the_same_message_as_mention_and_message_is_answered_once(questions: Questions) -> None:
    twin = mention(PRE_VERBAL_QUESTION)
    as_message = {**twin, "type": "message", "channel_type": "channel"}
    say = Mock(Say)
    questions.on_mention(event=twin, body=body_of(twin, "Ev1"), say=say, context=context(), logger=LOGGER)
    questions.on_message(event=as_message, body=body_of(as_message, "Ev2"), say=say, context=context(), logger=LOGGER)
    assert say.call_count == 1


def test_a_repeated_event_id_is_answered_once(questions: Questions) -> None:
    event = mention(PRE_VERBAL_QUESTION)
    say = Mock(Say)
    for _ in range(3):
        questions.on_mention(event=event, body=body_of(event, "EvSame"), say=say, context=context(), logger=LOGGER)
    assert say.call_count == 1


@pytest.mark.parametrize(
    "event",
    [
        message("edited?", subtype="message_changed"),
        message("gone?", subtype="message_deleted"),
        message("from a bot?", subtype="bot_message", bot_id="B999"),
        message("from an app user?", bot_id="B999"),
        message("the bot's own post?", user=BOT_USER_ID),
        message("an edit with edited field?", edited={"user": USER_ID, "ts": "1.0"}),
        message("joined", subtype="channel_join"),
        message("no user?", user=None),
        message("a channel question without a mention?", channel=CHANNEL, channel_type="channel"),
    ],
    ids=["edit", "deletion", "bot message", "bot id", "own post", "edited", "join", "no user", "other channel"],
)
def test_messages_the_bot_must_ignore(questions: Questions, event: dict[str, Any]) -> None:
    say = Mock(Say)
    questions.on_message(event=event, body=body_of(event), say=say, context=context(), logger=LOGGER)
    say.assert_not_called()


def test_edited_mention_is_ignored(questions: Questions) -> None:
    event = {**mention(PRE_VERBAL_QUESTION), "edited": {"user": USER_ID, "ts": "1.0"}}
    say = Mock(Say)
    questions.on_mention(event=event, body=body_of(event), say=say, context=context(), logger=LOGGER)
    say.assert_not_called()


@pytest.mark.parametrize(
    ("text", "thread_ts", "answered"),
    [
        ("how do we hear the voice of pre-verbal children?", None, True),
        ("how do we hear the voice of pre-verbal children ?  ", None, True),
        ("thanks, that helps", None, False),
        ("and what about dads?", "1.000001", False),  # a reply in a thread, not a top-level question
    ],
)
def test_answer_channels_get_top_level_questions_answered(
    questions: Questions, text: str, thread_ts: str | None, answered: bool
) -> None:
    extra = {"thread_ts": thread_ts} if thread_ts else {}
    event = message(text, channel="CANSWER1", channel_type="channel", **extra)
    say = Mock(Say)
    questions.on_message(event=event, body=body_of(event), say=say, context=context(), logger=LOGGER)
    assert say.called is answered
    if answered:
        assert said(say)["thread_ts"] == event["ts"]


def test_message_target_for_a_channel_mention_arriving_as_a_message() -> None:
    event = message(f"<@{BOT_USER_ID}> anything", channel=CHANNEL, channel_type="channel", ts="5.000001")
    target = message_target(event, bot_user_id=BOT_USER_ID, answer_channels=frozenset())
    assert target == Target(CHANNEL, "5.000001")


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        (f"<@{BOT_USER_ID}> what about dads?", "what about dads?"),
        ("<@U123|ann> and <@U456> asked", "@ann and @U456 asked"),
        ("<!here> <!channel> <!subteam^S1|@leads>", "@here @channel @leads"),
        ("see <#C1|general> and <https://example.org|this page>", "see #general and this page"),
        ("A&amp;E &lt;b&gt;", "A&E <b>"),
    ],
)
def test_plain_text_reads_slack_markup(raw: str, plain: str) -> None:
    assert plain_text(raw, drop_user=BOT_USER_ID) == plain


def test_question_text_is_not_logged_by_default(questions: Questions, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secret_question = "what about Jayden Smithers at 12 Acacia Road and pre-verbal children?"
    event = mention(secret_question)
    questions.on_mention(event=event, body=body_of(event), say=Mock(Say), context=context(), logger=LOGGER)
    assert "Answered a mention" in caplog.text
    assert "Jayden" not in caplog.text and "Acacia" not in caplog.text


def test_question_text_is_logged_only_when_allowed(
    kb: KnowledgeBase, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    settings = Settings(_env_file=None, log_question_text=True)  # type: ignore[call-arg]
    questions = Questions(handler_deps(settings, kb, StateStore(tmp_path / "s.db")))
    event = mention("what about pre-verbal children, Jayden?")
    questions.on_mention(event=event, body=body_of(event), say=Mock(Say), context=context(), logger=LOGGER)
    assert "Jayden" in caplog.text


def test_question_with_personal_data_is_never_logged_even_when_allowed(
    kb: KnowledgeBase, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = Settings(_env_file=None, log_question_text=True)  # type: ignore[call-arg]
    questions = Questions(handler_deps(settings, kb, StateStore(tmp_path / "s.db")))
    event = mention("pre-verbal child called Ellie, DOB 03/04/2015, IG1 1NN - how do we hear her voice?")
    questions.on_mention(event=event, body=body_of(event), say=Mock(Say), context=context(), logger=LOGGER)
    assert "Answered a mention" in caplog.text
    assert "Ellie" not in caplog.text and "IG1" not in caplog.text and "03/04/2015" not in caplog.text


# -- slash commands -----------------------------------------------------------------------------------------------
def run_command(listener: Any, text: str) -> tuple[Mock, Mock]:
    manager = Mock()
    ack, respond = Mock(Ack), responder()
    manager.attach_mock(ack, "ack")
    manager.attach_mock(respond, "respond")
    kwargs: dict[str, Any] = {"ack": ack, "command": {"command": "/x", "text": text}, "respond": respond}
    if "logger" in listener.__code__.co_varnames:
        kwargs["logger"] = LOGGER
    listener(**kwargs)
    assert manager.mock_calls[0] == call.ack(), "acknowledge before any work"
    ack.assert_called_once_with()
    return ack, respond


def test_learning_answers_privately_and_shows_the_question(commands: Commands) -> None:
    _, respond = run_command(commands.learning, PRE_VERBAL_QUESTION)
    reply = respond.call_args.kwargs
    assert reply["response_type"] == "ephemeral"
    assert PRE_VERBAL in json.dumps(reply["blocks"])
    assert "You asked:* " + PRE_VERBAL_QUESTION in json.dumps(reply["blocks"])


def test_share_posts_in_the_channel(commands: Commands) -> None:
    _, respond = run_command(commands.learning, f"{PRE_VERBAL_QUESTION} --share")
    reply = respond.call_args.kwargs
    assert reply["response_type"] == "in_channel"
    assert "--share" not in json.dumps(reply["blocks"])


def test_learning_without_a_question_explains_itself(commands: Commands) -> None:
    _, respond = run_command(commands.learning, "   ")
    assert "Usage: `/learning QUESTION [--share]`" in json.dumps(respond.call_args.kwargs["blocks"])


@pytest.mark.parametrize("text", ["polce", "Police", "POLICE --share"])
def test_recommendations_survive_typos(commands: Commands, text: str) -> None:
    _, respond = run_command(commands.recommendations, text)
    assert "Recommendations for Police" in respond.call_args.kwargs["text"]


@pytest.mark.parametrize("text", ["", "the moon"])
def test_recommendations_for_no_or_unknown_agency_list_the_agencies(commands: Commands, text: str) -> None:
    _, respond = run_command(commands.recommendations, text)
    body = json.dumps(respond.call_args.kwargs["blocks"])
    assert "Agencies (recommendations that concern each)" in body
    assert "Police (" in body
    assert ("No agency called" in body) is bool(text)


def test_themes_and_glossary(commands: Commands) -> None:
    _, respond = run_command(commands.themes, "")
    assert "Voice of the child" in json.dumps(respond.call_args.kwargs["blocks"])
    _, respond = run_command(commands.glossary, "CAF")
    assert "Common Assessment Framework" in json.dumps(respond.call_args.kwargs["blocks"])
    _, respond = run_command(commands.glossary, "zzzz --share")
    assert respond.call_args.kwargs["response_type"] == "ephemeral"  # nothing found is not shared
    assert "No glossary entry" in json.dumps(respond.call_args.kwargs["blocks"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [("police --share", ("police", True)), ("--SHARE", ("", True)), ("share the plan", ("share the plan", False))],
)
def test_split_share(text: str, expected: tuple[str, bool]) -> None:
    assert split_share(text) == expected


# -- the More button ---------------------------------------------------------------------------------------------
def more_payload(kb: KnowledgeBase, *, ephemeral: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    answer = blocks.answer_message(kb.ask("information sharing between agencies", limit=100), kb).as_kwargs()
    button = answer["blocks"][-1]["elements"][0]
    container = {"type": "message", "message_ts": "9.000001", "channel_id": CHANNEL, "is_ephemeral": ephemeral}
    container["thread_ts"] = "8.000001"
    return button, {"container": container, "message": {"ts": "9.000001", "thread_ts": "8.000001"}}


def test_more_posts_the_next_page_in_the_thread_once(kb: KnowledgeBase, settings: Settings, state: StateStore) -> None:
    actions = Actions(handler_deps(settings, kb, state))
    button, body = more_payload(kb, ephemeral=False)
    client = Mock(WebClient)
    respond = responder()
    actions.more(ack=Mock(Ack), action=button, body=body, respond=respond, client=client, logger=LOGGER)
    posted = client.chat_postMessage.call_args.kwargs
    assert posted["channel"] == CHANNEL and posted["thread_ts"] == "8.000001"
    assert posted["text"].startswith(f"Learning points {blocks.PAGE_SIZE + 1}–")
    respond.assert_not_called()
    # a second press (or another person's) is told where the next page is
    actions.more(ack=Mock(Ack), action=button, body=body, respond=respond, client=client, logger=LOGGER)
    assert client.chat_postMessage.call_count == 1
    assert respond.call_args.kwargs["text"] == ALREADY_SHOWN


def test_more_on_a_private_answer_stays_private(kb: KnowledgeBase, settings: Settings, state: StateStore) -> None:
    actions = Actions(handler_deps(settings, kb, state))
    button, body = more_payload(kb, ephemeral=True)
    client, respond = Mock(WebClient), responder()
    actions.more(ack=Mock(Ack), action=button, body=body, respond=respond, client=client, logger=LOGGER)
    client.chat_postMessage.assert_not_called()
    assert respond.call_args.kwargs["response_type"] == "ephemeral"
    assert respond.call_args.kwargs["replace_original"] is False


def test_more_with_a_bad_value_says_the_button_expired(
    kb: KnowledgeBase, settings: Settings, state: StateStore
) -> None:
    actions = Actions(handler_deps(settings, kb, state))
    client, respond, ack = Mock(WebClient), responder(), Mock(Ack)
    actions.more(ack=ack, action={"value": "{broken"}, body={}, respond=respond, client=client, logger=LOGGER)
    ack.assert_called_once_with()
    assert respond.call_args.kwargs["text"] == blocks.EXPIRED
    client.chat_postMessage.assert_not_called()


# -- the ledger --------------------------------------------------------------------------------------------------
def test_ledger_forgets_old_deliveries_at_most_hourly(state: StateStore) -> None:
    now = [time.time()]
    ledger = DeliveryLedger(state, keep=600, prune_every=3600, clock=lambda: now[0])
    assert ledger.claim(event_id="Ev1", channel="C1", ts="1.0")
    ledger.done(event_id="Ev1", channel="C1", ts="1.0")  # answered
    assert not ledger.claim(event_id="Ev1")
    assert not ledger.claim(channel="C1", ts="1.0")
    assert ledger.claim() is True  # nothing to know it by: answered rather than dropped
    now[0] += 1800  # older than `keep`, but pruning is not due yet
    assert not ledger.claim(event_id="Ev1")
    now[0] += 1800  # an hour since the last pruning: it is forgotten
    assert ledger.claim(event_id="Ev1")


def test_claims_survive_reopening_the_state_file(tmp_path: Path) -> None:
    assert StateStore(tmp_path / "state.db").claim_events(["event:Ev1", "message:C1:1.0"])
    reopened = StateStore(tmp_path / "state.db")  # a restart
    assert not reopened.claim_events(["event:Ev2", "message:C1:1.0"])
    assert not reopened.claim_event("event:Ev2")  # recorded along with the duplicate


def test_a_refused_response_url_post_raises_for_the_error_handler(commands: Commands) -> None:
    refused = WebhookResponse(url="https://hooks.example/1", status_code=404, body="expired_url", headers={})
    with pytest.raises(ResponseUrlError, match="404 'expired_url'"):
        commands.themes(ack=Mock(Ack), command={"text": ""}, respond=Mock(Respond, return_value=refused))
