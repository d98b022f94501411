"""Questions asked in channels, threads and DMs: `app_mention` and `message` events.

Where the bot answers:
- mentioned in a channel: in the thread of the question (a mention inside a thread answers in that thread);
- in a DM: there (in the thread, if the message was in one);
- in a channel listed in `ANSWER_CHANNELS`: top-level messages ending in "?" get an answer in their thread.

Edits, deletions, bot messages and the bot's own posts are ignored. Each delivery is claimed in the state
database by its event_id and by channel+ts, so a retry, a restart or the same message arriving as both
`app_mention` and `message` is answered once. A claim whose process died before answering (kill -9) does not
block Slack's redelivery: the ledger hands it over (`knowledge/records/ledger.py`). A request is never dropped
just for carrying X-Slack-Retry-Num: the retry may be the only delivery that arrived.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from logging import Logger
from typing import Any

from slack_bolt import App, BoltContext, Say
from slack_sdk import WebClient

from knowledge.services.answering import Answered

from . import blocks, practice_blocks
from .deps import Deps

REPLY_TO = "learning_bot_reply_to"  # context key: where the error handler can apologise
ANSWERED_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})  # people's messages; not edits etc.

_MARKUP = re.compile(r"<([^<>]*)>")


@dataclass(frozen=True)
class Target:
    """Where a reply goes."""

    channel: str
    thread_ts: str | None = None


def plain_text(text: str, *, drop_user: str | None = None) -> str:
    """Slack's message markup as readable text: `<@U1|ann>` -> "@ann", `<!here>` -> "@here", links -> labels.

    A mention of `drop_user` (the bot) is removed, and Slack's own escapes (&amp; &lt; &gt;) are undone, so the
    result is what the person typed (escape it again before echoing it).
    """

    def readable(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            if drop_user and target[1:] == drop_user:
                return ""
            return "@" + (label.lstrip("@") or target[1:])
        if target.startswith("!"):
            return label or "@" + target[1:].split("^")[0]
        if target.startswith("#"):
            return "#" + (label or target[1:])
        return label or target

    text = _MARKUP.sub(readable, text or "")
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


def from_a_person(event: dict[str, Any], *, bot_user_id: str | None) -> bool:
    """True for a person's new message; False for edits, deletions, bot messages and the bot's own posts."""
    return (
        event.get("subtype") in ANSWERED_SUBTYPES
        and "edited" not in event
        and not event.get("bot_id")
        and bool(event.get("user"))
        and event.get("user") != bot_user_id
        and bool(event.get("channel"))
        and bool(event.get("ts"))
    )


def mention_target(event: dict[str, Any], *, bot_user_id: str | None) -> Target | None:
    """Where to answer an `app_mention`: the thread of the question (or the thread it was asked in)."""
    if not from_a_person(event, bot_user_id=bot_user_id):
        return None
    return Target(event["channel"], event.get("thread_ts") or event["ts"])


def message_target(event: dict[str, Any], *, bot_user_id: str | None, answer_channels: frozenset[str]) -> Target | None:
    """Where to answer a `message` event, or None when the bot should stay quiet."""
    if not from_a_person(event, bot_user_id=bot_user_id):
        return None
    text = event.get("text") or ""
    if event.get("channel_type") == "im":
        return Target(event["channel"], event.get("thread_ts"))
    if bot_user_id and f"<@{bot_user_id}" in text:  # the `message` twin of an `app_mention`
        return Target(event["channel"], event.get("thread_ts") or event["ts"])
    top_level = event.get("thread_ts") in (None, event["ts"])
    if event["channel"] in answer_channels and top_level and plain_text(text).endswith("?"):
        return Target(event["channel"], event["ts"])
    return None


class Questions:
    """The listeners for questions, with what they need (Bolt fills their arguments by name)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.ledger = deps.ledger

    def on_mention(
        self,
        event: dict[str, Any],
        body: dict[str, Any],
        say: Say,
        context: BoltContext,
        logger: Logger,
        client: WebClient | None = None,
    ) -> None:
        """`app_mention`: answer in the thread of the question."""
        target = mention_target(event, bot_user_id=context.bot_user_id)
        self.answer("mention", target, event=event, body=body, say=say, context=context, logger=logger, client=client)

    def on_message(
        self,
        event: dict[str, Any],
        body: dict[str, Any],
        say: Say,
        context: BoltContext,
        logger: Logger,
        client: WebClient | None = None,
    ) -> None:
        """`message`: answer DMs, and questions in ANSWER_CHANNELS; ignore everything else."""
        target = message_target(event, bot_user_id=context.bot_user_id, answer_channels=self.deps.answer_channels)
        self.answer("message", target, event=event, body=body, say=say, context=context, logger=logger, client=client)

    def answer(
        self,
        kind: str,
        target: Target | None,
        *,
        event: dict[str, Any],
        body: dict[str, Any],
        say: Say,
        context: BoltContext,
        logger: Logger,
        client: WebClient | None = None,
    ) -> None:
        """Post one answer at `target`, unless this delivery was answered already.

        Practitioner care: a person over the question limit gets one private message and no answer; a question
        that seems to hold personal data is answered and its asker privately reminded not to share such details.
        """
        if target is None:
            return
        delivery = {"event_id": body.get("event_id"), "channel": event.get("channel"), "ts": event.get("ts")}
        if not self.ledger.claim(**delivery):
            logger.info("Skipped a repeated delivery (%s, event %s)", kind, body.get("event_id"))
            return
        context[REPLY_TO] = target
        user = event.get("user")
        started = time.perf_counter()
        question = plain_text(event.get("text") or "", drop_user=context.bot_user_id)
        try:
            asked = self.deps.answering.ask(question, user=user)
            where = practice_blocks.QuestionRef(str(event.get("channel")), str(event.get("ts")))
            reply = self.post(asked, target, say, where=where) if isinstance(asked, Answered) else None
        except Exception:
            # Nothing was posted: let Slack's retry of this delivery (if any) be answered after all.
            self.ledger.release(**delivery)
            raise
        self.ledger.done(**delivery)  # answered, or deliberately not: a redelivery is a duplicate from now on
        if not isinstance(asked, Answered):
            logger.info("Did not answer a %s in %s: over the question limit", kind, target.channel)
            if asked.notify:
                self.tell_privately(client, target, user, asked.message(), logger=logger)
            return
        assert reply is not None
        elapsed = (time.perf_counter() - started) * 1000
        logger.info("Answered a %s in %s (%s, %.0f ms)", kind, target.channel, reply.text, elapsed)
        if asked.screening.personal:
            self.tell_privately(client, target, user, asked.screening.reminder(), logger=logger)
        self.deps.answering.log(asked, logger)

    def post(self, asked: Answered, target: Target, say: Say, *, where: practice_blocks.QuestionRef) -> blocks.Message:
        """Post the answer in the thread (or DM) it belongs to, with the help / gap buttons; return what was posted.

        `where` is the question's message: the buttons carry it (never the text) to read the question back later.
        """
        reply = blocks.with_feedback(blocks.answer_message(asked.answer, self.deps.kb), asked.answer_id)
        reply = practice_blocks.with_help(
            reply, where, found=asked.answer.found, contact=self.deps.practice.help_contact is not None
        )
        say(
            channel=target.channel,
            thread_ts=target.thread_ts,
            unfurl_links=False,
            unfurl_media=False,
            **reply.as_kwargs(),
        )
        return reply

    @staticmethod
    def tell_privately(
        client: WebClient | None, target: Target, user: str | None, text: str, *, logger: Logger
    ) -> None:
        """An ephemeral message to one person where they asked (`chat.postEphemeral`)."""
        if client is None or not user:
            logger.warning("Could not send a private message: no Web API client or no user")
            return
        client.chat_postEphemeral(
            channel=target.channel, user=user, thread_ts=target.thread_ts, **blocks.notice_message(text).as_kwargs()
        )


def register(app: App, deps: Deps) -> None:
    """Listen for mentions and messages, and answer them from the knowledge base."""
    questions = Questions(deps)
    app.event("app_mention")(questions.on_mention)
    app.event("message")(questions.on_message)
