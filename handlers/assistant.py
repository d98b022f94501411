"""Slack's assistant surface (the split view beside any conversation), with bolt-python's `Assistant` middleware.

On a new assistant thread the bot greets the person and offers suggested prompts drawn from the themes; each
message in the thread gets the status "searching the audits..." while the answer is found, then the answer in the
thread (follow-ups are answered in the same thread). The same care as everywhere else: one question limit, the
privacy reminder, nothing of the question stored or logged, each message answered once across Slack's retries.
Workspaces without the assistant view keep DMs and mentions, which work as before.
"""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Assistant, BoltContext, Say, SetStatus, SetSuggestedPrompts
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from knowledge.services.answering import Answered

from . import blocks, practice_blocks
from .deps import Deps
from .questions import plain_text

WELCOME = (
    "Hello! I find what the board's multi-agency audits found and recommended. Ask about a practice issue, for"
    " example how to hear the voice of a pre-verbal child, or pick a theme below. Please leave out names and other"
    " details that could identify a child or family."
)
STATUS = "searching the audits..."
PROMPTS_TITLE = "Learning themes to start with"


class AssistantThreads:
    """The assistant's listeners, with what they need (Bolt fills their arguments by name)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def started(self, say: Say, set_suggested_prompts: SetSuggestedPrompts, logger: Logger) -> None:
        """A new assistant thread: a greeting and suggested prompts from the themes."""
        say(WELCOME)
        set_suggested_prompts(prompts=practice_blocks.suggested_prompts(self.deps.kb.themes()), title=PROMPTS_TITLE)
        logger.info("Started an assistant thread")

    def user_message(
        self,
        payload: dict[str, Any],
        body: dict[str, Any],
        say: Say,
        set_status: SetStatus,
        context: BoltContext,
        client: WebClient,
        logger: Logger,
    ) -> None:
        """A question in an assistant thread: status, then the answer in the thread."""
        channel, ts, user = payload.get("channel"), payload.get("ts"), payload.get("user")
        if not self.deps.ledger.claim(event_id=body.get("event_id"), channel=channel, ts=ts):
            logger.info("Skipped a repeated assistant delivery (event %s)", body.get("event_id"))
            return
        try:
            set_status(STATUS)
        except SlackApiError as exc:  # a DM thread outside the assistant view has no status to set
            logger.info("Could not set the assistant status: %s", exc.response.get("error"))
        question = plain_text(payload.get("text") or "", drop_user=context.bot_user_id)
        try:
            asked = self.deps.answering.ask(question, user=user)
            if isinstance(asked, Answered):
                reply = blocks.with_feedback(blocks.answer_message(asked.answer, self.deps.kb), asked.answer_id)
                reply = practice_blocks.with_help(
                    reply,
                    practice_blocks.QuestionRef(str(channel), str(ts)),
                    found=asked.answer.found,
                    contact=self.deps.practice.help_contact is not None,
                )
                say(unfurl_links=False, unfurl_media=False, **reply.as_kwargs())
            elif asked.notify:
                say(asked.message())
        except Exception:
            self.deps.ledger.release(event_id=body.get("event_id"), channel=channel, ts=ts)
            raise
        if not isinstance(asked, Answered):
            logger.info("Did not answer in an assistant thread: over the question limit")
            return
        logger.info("Answered in an assistant thread (%s)", reply.text)
        if asked.screening.personal:
            client.chat_postEphemeral(
                channel=str(channel),
                user=str(user),
                thread_ts=payload.get("thread_ts"),
                **blocks.notice_message(asked.screening.reminder()).as_kwargs(),
            )
        self.deps.answering.log(asked, logger)


def build(deps: Deps) -> Assistant:
    """The `Assistant` middleware with the bot's listeners (register it with `app.use`)."""
    threads = AssistantThreads(deps)
    assistant = Assistant()
    assistant.thread_started(threads.started)
    assistant.user_message(threads.user_message)
    return assistant
