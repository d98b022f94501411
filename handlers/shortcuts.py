"""The message shortcut "Find learning for this message": learning for any message, shown only to whoever used it.

The message's words are searched, never stored or logged, and never echoed back; when they look like they hold
personal data the private answer says so. A "Share in the thread" button posts the learning points (only them:
not the message's words) in the message's thread, for the team.
"""

from __future__ import annotations

import json
from logging import Logger
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import ActionsBlock, ButtonElement, PlainTextObject

from knowledge.base import NotFoundError
from knowledge.services.answering import Answered

from . import blocks, replies
from .deps import Deps
from .questions import plain_text
from .slack_text import escape

CALLBACK_ID = "find_learning"
SHARE_ACTION = "share_learning"
NO_TEXT = "That message has no words to look up."
SHARED = "Shared the learning points in the thread."
NOT_A_MEMBER = frozenset({"not_in_channel", "channel_not_found"})


def share_value(ids: list[str], *, channel: str, thread_ts: str) -> str:
    """What the share button carries: the learning points' ids and the thread, as many ids as fit."""
    ids = list(ids)
    while True:
        value = json.dumps({"ids": ids, "c": channel, "t": thread_ts}, separators=(",", ":"))
        if len(value) <= blocks.VALUE_LIMIT or not ids:
            return value
        ids.pop()


def read_share_value(value: str | None) -> tuple[list[str], str, str]:
    try:
        data = json.loads(value or "")
        ids = [str(item)[:40] for item in data["ids"]][:20]
        channel, thread_ts = str(data["c"])[:40], str(data["t"])[:40]
    except (ValueError, KeyError, TypeError) as exc:
        raise blocks.BadButtonValue("not a share button") from exc
    if not ids or not channel or not thread_ts:
        raise blocks.BadButtonValue("not a share button")
    return ids, channel, thread_ts


class Shortcuts:
    """The shortcut and its share button (Bolt fills the listeners' arguments by name)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.kb = deps.kb

    def find_learning(
        self,
        ack: Ack,
        shortcut: dict[str, Any],
        client: WebClient,
        respond: Respond,
        context: BoltContext,
        logger: Logger,
    ) -> None:
        ack()
        message = shortcut.get("message") or {}
        channel = (shortcut.get("channel") or {}).get("id") or ""
        user = (shortcut.get("user") or {}).get("id") or ""
        thread_ts = message.get("thread_ts") or message.get("ts") or ""
        question = plain_text(message.get("text") or "", drop_user=context.bot_user_id)
        if not question:
            self._private(client, respond, channel, user, thread_ts, blocks.notice_message(NO_TEXT))
            return
        asked = self.deps.answering.ask(question, user=user)
        if not isinstance(asked, Answered):
            if asked.notify:
                self._private(client, respond, channel, user, thread_ts, blocks.notice_message(asked.message()))
            return
        answer, answer_id, screening = asked.answer, asked.answer_id, asked.screening
        shown = [result.id for result in answer.results[: blocks.PAGE_SIZE]]
        head = []
        if screening.personal:
            head = blocks.contexts(":warning: " + escape(screening.reminder().replace("your question", "this message")))
        reply = blocks.with_feedback(blocks.answer_message(answer, self.kb), answer_id)
        reply = blocks.Message(text=reply.text, blocks=(*head, *reply.blocks))
        if answer.found and channel and thread_ts:
            share = ActionsBlock(
                elements=[
                    ButtonElement(
                        text=PlainTextObject(text="Share in the thread"),
                        action_id=SHARE_ACTION,
                        value=share_value(shown, channel=channel, thread_ts=thread_ts),
                    )
                ]
            )
            reply = blocks.Message(text=reply.text, blocks=(*reply.blocks, share))
        self._private(client, respond, channel, user, thread_ts, reply)
        logger.info(
            "Found learning for a message by shortcut (%s; privacy check found: %s)",
            reply.text,
            ", ".join(screening.labels()) or "nothing",
        )

    def share(
        self,
        ack: Ack,
        action: dict[str, Any],
        body: dict[str, Any],
        client: WebClient,
        respond: Respond,
        logger: Logger,
    ) -> None:
        """Post the learning points (not the message's words) in the thread, saying who shared them."""
        ack()
        try:
            ids, channel, thread_ts = read_share_value(action.get("value"))
            results = [self.kb.item(item_id) for item_id in ids]
        except (blocks.BadButtonValue, NotFoundError):
            replies.send(respond, blocks.notice_message(blocks.EXPIRED))
            return
        user = (body.get("user") or {}).get("id") or ""
        head = blocks.contexts(f"Shared by <@{user}> with “Find learning for this message”")
        message = blocks.results_message(results, self.kb, offset=0, total=len(results), head=head)
        message = blocks.with_feedback(message, self.deps.answering.care.page_shown(ids))
        try:
            client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, unfurl_links=False, unfurl_media=False, **message.as_kwargs()
            )
        except SlackApiError as exc:
            if exc.response.get("error") not in NOT_A_MEMBER:
                raise
            replies.send(respond, message, response_type="in_channel")
        replies.send(respond, blocks.notice_message(SHARED))
        logger.info("Shared learning points in a thread of %s", channel)

    @staticmethod
    def _private(
        client: WebClient, respond: Respond, channel: str, user: str, thread_ts: str, message: blocks.Message
    ) -> None:
        """Show a message to one person where they used the shortcut (through the response_url if the bot is not
        in the channel)."""
        try:
            client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts or None, **message.as_kwargs())
        except SlackApiError as exc:
            if exc.response.get("error") not in NOT_A_MEMBER:
                raise
            replies.send(respond, message)


def register(app: App, deps: Deps) -> None:
    """Listen for the message shortcut and its share button."""
    shortcuts = Shortcuts(deps)
    app.shortcut(CALLBACK_ID)(shortcuts.find_learning)
    app.action(SHARE_ACTION)(shortcuts.share)
