"""The practitioner-care parts of the listeners, called directly with spec'd Ack/Say/Respond and a real state file."""

from __future__ import annotations

import logging
from pathlib import Path
from unittest.mock import Mock

from slack_bolt import Ack, BoltContext, Respond, Say
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookResponse

from bot.app import handler_deps
from bot.settings import Settings
from handlers import blocks
from handlers.actions import Actions
from handlers.commands import Commands
from handlers.questions import Questions
from knowledge.base import KnowledgeBase
from knowledge.records.state import StateStore

from .fakeslack import FakeSlack
from .slackbot import BOT_USER_ID, PRE_VERBAL_QUESTION, USER_ID, mention

LOGGER = logging.getLogger("test.care")


def responder() -> Mock:
    return Mock(
        Respond, return_value=WebhookResponse(url="https://hooks.example/1", status_code=200, body="ok", headers={})
    )


def settings(tmp_path: Path, **extra: object) -> Settings:
    return Settings(_env_file=None, learning_bot_state=tmp_path / "state.db", **extra)  # type: ignore[arg-type]


def test_feedback_listener_acks_records_and_thanks(kb: KnowledgeBase, tmp_path: Path) -> None:
    deps = handler_deps(settings(tmp_path, questions_per_minute=10), kb, StateStore(tmp_path / "state.db"))
    care = deps.answering.care
    actions = Actions(deps)
    answer_id = care.feedback.record_answer(["ey-f7"])
    ack, respond = Mock(Ack), responder()
    action = {"action_id": blocks.FEEDBACK_NOT_HELPFUL, "value": answer_id}
    actions.feedback(ack, action, {"user": {"id": USER_ID}}, respond, LOGGER)
    ack.assert_called_once_with()
    assert respond.call_args.kwargs["response_type"] == "ephemeral"
    assert "wasn't helpful" in respond.call_args.kwargs["text"]
    assert care.feedback.report().not_helpful == 1
    # No user in the payload: a plain answer, nothing recorded.
    ack, respond = Mock(Ack), responder()
    actions.feedback(ack, action, {}, respond, LOGGER)
    ack.assert_called_once_with()
    assert respond.call_args.kwargs["text"] == "A vote needs the id of the person voting."
    assert care.feedback.report().votes == 1


def test_shared_care_limits_questions_across_mentions_and_commands(
    kb: KnowledgeBase, tmp_path: Path, fake_slack: FakeSlack
) -> None:
    deps = handler_deps(settings(tmp_path, questions_per_minute=2), kb, StateStore(tmp_path / "state.db"))
    questions = Questions(deps)  # one answering service (one rate limit) for both surfaces, as in the app
    commands = Commands(deps)
    client = WebClient(token="xoxb-test", base_url=fake_slack.url)
    context = BoltContext({"bot_user_id": BOT_USER_ID})
    for n in range(2):
        event = mention(PRE_VERBAL_QUESTION)
        say = Mock(Say)
        body = {"event_id": f"Ev{n}", "event": event}
        questions.on_mention(event=event, body=body, say=say, context=context, logger=LOGGER, client=client)
        assert say.call_count == 1
        assert say.call_args.kwargs["blocks"][-1]["block_id"] == "feedback"
    ack, respond = Mock(Ack), responder()
    commands.learning(ack, {"text": PRE_VERBAL_QUESTION, "user_id": USER_ID}, respond, LOGGER)
    ack.assert_called_once_with()
    assert "Please try again in about" in respond.call_args.kwargs["text"]
    assert fake_slack.calls_to("chat.postEphemeral") == []  # the slash command answered through respond
