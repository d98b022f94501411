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

from knowledge.base import KnowledgeBase
from knowledge.records.ledger import DeliveryLedger
from knowledge.services.answering import Care
from knowledge.services.practice import Practice

from . import blocks, practice_blocks
from .questions import CARRY_LIMIT, plain_text

WELCOME = (
    "Hello! I find what the board's multi-agency audits found and recommended. Ask about a practice issue, for"
    " example how to hear the voice of a pre-verbal child, or pick a theme below. Please leave out names and other"
    " details that could identify a child or family."
)
STATUS = "searching the audits..."
PROMPTS_TITLE = "Learning themes to start with"


class AssistantThreads:
    """The assistant's listeners, with what they need (Bolt fills their arguments by name)."""

    def __init__(
        self, *, kb: KnowledgeBase, care: Care, practice: Practice, ledger: DeliveryLedger, log_question_text: bool
    ) -> None:
        self.kb = kb
        self.care = care
        self.practice = practice
        self.ledger = ledger
        self.log_question_text = log_question_text

    def started(self, say: Say, set_suggested_prompts: SetSuggestedPrompts, logger: Logger) -> None:
        """A new assistant thread: a greeting and suggested prompts from the themes."""
        say(WELCOME)
        set_suggested_prompts(prompts=practice_blocks.suggested_prompts(self.kb.themes()), title=PROMPTS_TITLE)
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
        if not self.ledger.claim(event_id=body.get("event_id"), channel=channel, ts=ts):
            logger.info("Skipped a repeated assistant delivery (event %s)", body.get("event_id"))
            return
        admitted = self.care.admit(user)
        if not admitted.allowed:
            if admitted.notify:
                say(admitted.message())
            logger.info("Did not answer in an assistant thread: over the question limit")
            return
        try:
            set_status(STATUS)
        except SlackApiError as exc:  # a DM thread outside the assistant view has no status to set
            logger.info("Could not set the assistant status: %s", exc.response.get("error"))
        question = plain_text(payload.get("text") or "", drop_user=context.bot_user_id)
        screening = self.care.screen(question)
        try:
            answer = self.kb.ask(question, limit=CARRY_LIMIT)
            answer_id = self.care.answered(answer, [result.id for result in answer.results[: blocks.PAGE_SIZE]])
            if not answer.found:
                self.practice.count_uncovered(question, themes=answer.themes)
            reply = blocks.with_feedback(blocks.answer_message(answer, self.kb), answer_id)
            ref = practice_blocks.QuestionRef(str(channel), str(ts))
            reply = practice_blocks.with_help(
                reply, ref, found=answer.found, contact=self.practice.help_contact is not None
            )
            say(unfurl_links=False, unfurl_media=False, **reply.as_kwargs())
        except Exception:
            self.ledger.release(event_id=body.get("event_id"), channel=channel, ts=ts)
            raise
        logger.info("Answered in an assistant thread (%s)", reply.text)
        if screening.personal:
            client.chat_postEphemeral(
                channel=str(channel),
                user=str(user),
                thread_ts=payload.get("thread_ts"),
                **blocks.notice_message(screening.reminder()).as_kwargs(),
            )
            logger.info("Reminded the asker not to share personal data (found: %s)", ", ".join(screening.labels()))
        if self.log_question_text and not screening.personal:
            logger.info("The question was: %s", question)


def build(
    *, kb: KnowledgeBase, care: Care, practice: Practice, ledger: DeliveryLedger, log_question_text: bool
) -> Assistant:
    """The `Assistant` middleware with the bot's listeners (register it with `app.use`)."""
    threads = AssistantThreads(kb=kb, care=care, practice=practice, ledger=ledger, log_question_text=log_question_text)
    assistant = Assistant()
    assistant.thread_started(threads.started)
    assistant.user_message(threads.user_message)
    return assistant
