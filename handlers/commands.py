"""Slash commands: /learning, /recommendations, /themes, /glossary.

Each acknowledges at once and then answers through the command's response_url. Answers are visible only to
the caller, unless the command ends with the word `--share`: then the answer is posted in the channel.
"""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, App, Respond

from knowledge.services.answering import Answered

from . import blocks, replies
from .deps import Deps
from .questions import plain_text

SHARE_FLAG = "--share"
# Most recommendations one /recommendations reply lists (those of the most recent audits): a large library holds
# thousands for a busy agency, which no one reads in Slack.
RECOMMENDATIONS_SHOWN = 50


def split_share(text: str) -> tuple[str, bool]:
    """The command's text without a trailing `--share`, and whether it was there."""
    words = text.split()
    if words and words[-1].lower() == SHARE_FLAG:
        return " ".join(words[:-1]), True
    return " ".join(words), False


def send(respond: Respond, message: blocks.Message, *, share: bool) -> None:
    """Reply through the response_url: to the caller only, or in the channel when shared."""
    replies.send(respond, message, response_type="in_channel" if share else "ephemeral")


class Commands:
    """The slash-command listeners, with what they need (Bolt fills their arguments by name)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.kb = deps.kb

    def learning(self, ack: Ack, command: dict[str, Any], respond: Respond, logger: Logger) -> None:
        """`/learning QUESTION`: the same answer as a mention, with the question shown back.

        Over the question limit the caller is told privately; a question that seems to hold personal data is
        answered, never echoed into the channel, and the caller is privately reminded not to share such details.
        """
        ack()
        question, share = split_share(plain_text(command.get("text") or ""))
        if not question:
            send(respond, blocks.usage_message("/learning", f"QUESTION [{SHARE_FLAG}]"), share=False)
            return
        asked = self.deps.answering.ask(question, user=command.get("user_id"))
        if not isinstance(asked, Answered):
            send(respond, blocks.notice_message(asked.message()), share=False)
            logger.info("Did not answer /learning: over the question limit")
            return
        echo = None if share and asked.screening.personal else question
        reply = blocks.answer_message(asked.answer, self.kb, asked=echo)
        send(respond, blocks.with_feedback(reply, asked.answer_id), share=share)
        logger.info("Answered /learning (%d results%s)", len(asked.answer.results), ", shared" if share else "")
        if asked.screening.personal:
            send(respond, blocks.notice_message(asked.screening.reminder()), share=False)
        self.deps.answering.log(asked, logger)

    def recommendations(self, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        """`/recommendations AGENCY`: grouped by audit; without a known agency, the agencies with counts."""
        ack()
        agency, share = split_share(plain_text(command.get("text") or ""))
        agency_id = self.kb.resolve_agency(agency) if agency else None
        if agency_id is None:
            send(respond, blocks.agencies_message(self.kb.agencies(), asked=agency), share=share)
            return
        listing = self.kb.recommendations(agency_id, limit=RECOMMENDATIONS_SHOWN)
        send(respond, blocks.recommendations_message(listing), share=share)

    def themes(self, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        """`/themes`: the learning themes with their counts."""
        ack()
        _, share = split_share(command.get("text") or "")
        send(respond, blocks.themes_message(self.kb.themes()), share=share)

    def glossary(self, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        """`/glossary TERM`: what an acronym or term means (all of them without TERM)."""
        ack()
        term, share = split_share(plain_text(command.get("text") or ""))
        entries = self.kb.glossary(term)
        send(respond, blocks.glossary_message(entries, term=term), share=share and bool(entries))


def register(app: App, deps: Deps) -> None:
    """Register the slash commands."""
    commands = Commands(deps)
    app.command("/learning")(commands.learning)
    app.command("/recommendations")(commands.recommendations)
    app.command("/themes")(commands.themes)
    app.command("/glossary")(commands.glossary)
