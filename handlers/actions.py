"""Buttons: "More" shows the next learning points of an answer; "Helpful" / "Not helpful" record feedback.

The button carries the ids of the learning points still to show, never the question. On an answer in a
channel or DM the next page is posted where the answer is (once per answer: a second press is told it is
there); on an answer only the caller can see, the next page is shown to the caller only. Each page carries its
own Helpful / Not helpful buttons; a vote is recorded once per person per answer and thanked privately.
"""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from knowledge.records.feedback import FeedbackError, Vote, outcome_text

from . import blocks, replies
from .deps import Deps

ALREADY_SHOWN = "The next learning points are already in the thread."
NOT_A_MEMBER = frozenset({"not_in_channel", "channel_not_found"})


class Actions:
    """The button listeners, with what they need (Bolt fills their arguments by name)."""

    def __init__(self, deps: Deps) -> None:
        self.kb = deps.kb
        self.ledger = deps.ledger
        self.care = deps.answering.care

    def more(
        self,
        ack: Ack,
        action: dict[str, Any],
        body: dict[str, Any],
        respond: Respond,
        client: WebClient,
        logger: Logger,
    ) -> None:
        """ "More": the next page of an answer, where the answer is."""
        ack()
        try:
            page = blocks.read_more_value(action.get("value"))
            reply = blocks.next_page(page, self.kb)
        except blocks.BadButtonValue:
            replies.send(respond, blocks.notice_message(blocks.EXPIRED))
            return
        reply = blocks.with_feedback(reply, self.care.page_shown(page.ids[: blocks.PAGE_SIZE]))
        container = body.get("container") or {}
        if container.get("is_ephemeral"):
            replies.send(respond, reply)
            return
        message = body.get("message") or {}
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        thread_ts = container.get("thread_ts") or message.get("thread_ts")
        if not self.ledger.claim_key(f"more:{channel}:{container.get('message_ts') or message.get('ts')}"):
            replies.send(respond, blocks.notice_message(ALREADY_SHOWN))
            return
        try:
            client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, unfurl_links=False, unfurl_media=False, **reply.as_kwargs()
            )
        except SlackApiError as exc:
            if exc.response.get("error") not in NOT_A_MEMBER:
                raise
            # a shared slash-command answer in a channel the bot is not in: answer through the response_url
            replies.send(respond, reply, response_type="in_channel")
        logger.info("Showed more learning points in %s", channel)

    def feedback(
        self, ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond, logger: Logger
    ) -> None:
        """ "Helpful" / "Not helpful": record the vote (once per person per answer) and thank them privately."""
        ack()
        vote = Vote.HELPFUL if action.get("action_id") == blocks.FEEDBACK_HELPFUL else Vote.NOT_HELPFUL
        try:
            outcome = self.care.feedback.record_vote(
                str(action.get("value") or ""), str((body.get("user") or {}).get("id") or ""), vote
            )
        except FeedbackError as exc:
            replies.send(respond, blocks.notice_message(str(exc)))
            logger.info("Did not record feedback: %s", type(exc).__name__)
            return
        replies.send(respond, blocks.notice_message(outcome_text(outcome, vote)))
        logger.info("Feedback %s (%s)", vote.value, outcome.value)


def register(app: App, deps: Deps) -> None:
    """Register the button handlers."""
    actions = Actions(deps)
    app.action(blocks.MORE_ACTION)(actions.more)
    app.action(blocks.FEEDBACK_HELPFUL)(actions.feedback)
    app.action(blocks.FEEDBACK_NOT_HELPFUL)(actions.feedback)
