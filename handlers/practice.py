"""From answer to practice: "We discussed this in our team", "I need more help", "Suggest it for next year's
audits", and the contact's "Mark resolved".

The question's text is read from Slack only when its asker opens a form, shown to them there, and sent or kept only
when they press Send (`knowledge.services.practice` refuses text that looks like case details). Cancelling a form
sends Slack nothing back and keeps nothing. Nothing here logs a question's text.
"""

from __future__ import annotations

import json
from logging import Logger
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from knowledge.base import KnowledgeBase, NotFoundError
from knowledge.records.discussions import DiscussionError
from knowledge.records.escalations import EscalationError
from knowledge.services.practice import CaseDetailsError, NoContactError, Practice

from . import blocks, practice_blocks, replies
from .deps import Deps
from .questions import plain_text

NOT_YOURS = (
    "Only the person who asked can pass this question on. Ask your own question and use the button under its answer."
)
NO_CONTACT = "The board has not named a contact for requests yet. Please ask your agency's safeguarding lead."
MAX_CONTACT_DMS = 10  # members of a user-group contact who are each sent the request


class PracticeActions:
    """The listeners for the practice flows, with what they need (Bolt fills their arguments by name)."""

    def __init__(self, *, kb: KnowledgeBase, practice: Practice) -> None:
        self.kb = kb
        self.practice = practice

    # -- the digest's "We discussed this in our team" -----------------------------------------------------------
    def discussed(
        self, ack: Ack, action: dict[str, Any], body: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        """Open the form that records a team discussion of this digest post."""
        ack()
        try:
            week, theme_id = practice_blocks.read_discussed_value(action.get("value"))
            theme_name = self.kb.theme(theme_id)["name"]
        except (blocks.BadButtonValue, NotFoundError):
            replies.send(respond, blocks.notice_message(blocks.EXPIRED))
            return
        container = body.get("container") or {}
        metadata = {
            "c": container.get("channel_id") or (body.get("channel") or {}).get("id") or "",
            "ts": container.get("message_ts") or (body.get("message") or {}).get("ts") or "",
            "w": week,
            "t": theme_id,
        }
        view = practice_blocks.discussion_view(self.kb.agencies(), theme_name=theme_name, metadata=metadata)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def discussion_submitted(self, ack: Ack, body: dict[str, Any], view: dict[str, Any], logger: Logger) -> None:
        """Record the discussion and show the person what was recorded."""
        metadata = _metadata(view)
        values = (view.get("state") or {}).get("values") or {}
        agency = ((values.get(practice_blocks.AGENCY_BLOCK) or {}).get(practice_blocks.AGENCY_INPUT) or {}).get(
            "selected_option"
        ) or {}
        team = ((values.get(practice_blocks.TEAM_BLOCK) or {}).get(practice_blocks.TEAM_INPUT) or {}).get("value")
        agency_id = str(agency.get("value") or "")
        if agency_id not in {entry.id for entry in self.kb.agencies()}:
            ack(response_action="errors", errors={practice_blocks.AGENCY_BLOCK: "Choose your agency from the list."})
            return
        try:
            theme_name = self.kb.theme(str(metadata.get("t", "")))["name"]
            new = self.practice.record_discussion(
                week=str(metadata.get("w", "")),
                theme=str(metadata.get("t", "")),
                channel=str(metadata.get("c", "")),
                message_ts=str(metadata.get("ts", "")),
                agency=agency_id,
                team=team or "",
                by=body["user"]["id"],
            )
        except (NotFoundError, DiscussionError):
            ack(response_action="update", view=practice_blocks.done_view(blocks.EXPIRED, title="Team discussion"))
            return
        ack(
            response_action="update",
            view=practice_blocks.discussion_confirmation(
                theme_name=theme_name,
                agency_name=self.kb.agency_name(agency_id),
                team=" ".join((team or "").split()),
                new=new,
            ),
        )
        logger.info("Recorded a team discussion of the %s digest (%s)", metadata.get("t"), agency_id)

    # -- "I need more help" and "Suggest it for next year's audits" --------------------------------------------
    def open_question_form(
        self,
        ack: Ack,
        action: dict[str, Any],
        body: dict[str, Any],
        client: WebClient,
        respond: Respond,
        context: BoltContext,
        logger: Logger,
    ) -> None:
        """Read the question from Slack and show it to its asker in a form; nothing is sent or kept yet."""
        ack()
        kind = "help" if action.get("action_id") == practice_blocks.HELP_ACTION else "gap"
        if kind == "help" and self.practice.help_contact is None:
            replies.send(respond, blocks.notice_message(NO_CONTACT))
            return
        try:
            ref = practice_blocks.read_question_ref(action.get("value"))
        except blocks.BadButtonValue:
            replies.send(respond, blocks.notice_message(blocks.EXPIRED))
            return
        user = body["user"]["id"]
        found = read_question(client, ref, bot_user_id=context.bot_user_id, logger=logger)
        question = ""
        if found is not None:
            text, asker = found
            if asker != user:
                replies.send(respond, blocks.notice_message(NOT_YOURS))
                return
            question = text
        kinds = self.practice.case_details(question) if question else frozenset()
        view = practice_blocks.question_view(
            kind,
            question,
            kinds=kinds,
            contact_label=practice_blocks.contact_label(self.practice.help_contact or ""),
            metadata={"c": ref.channel, "ts": ref.ts},
        )
        client.views_open(trigger_id=body["trigger_id"], view=view)
        logger.info(
            "Opened the %s form (privacy check found: %s)", kind, ", ".join(sorted(k.value for k in kinds)) or "nothing"
        )

    def help_submitted(
        self, ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        """The asker pressed Send: store the request, confirm, then tell the board's contact."""
        question = _question(view)
        user = body["user"]["id"]
        themes = self.kb.ask(question, limit=1).themes if question else ()
        try:
            request = self.practice.request_help(question, requester=user, themes=themes)
        except CaseDetailsError as exc:
            ack(response_action="errors", errors={practice_blocks.QUESTION_BLOCK: str(exc)[:300]})
            return
        except EscalationError as exc:
            ack(response_action="errors", errors={practice_blocks.QUESTION_BLOCK: str(exc)[:300]})
            return
        except NoContactError:
            ack(response_action="update", view=practice_blocks.done_view(NO_CONTACT, title="Ask for more help"))
            return
        contact = request.contact
        ack(response_action="update", view=practice_blocks.help_sent_view(practice_blocks.contact_label(contact)))
        theme_names = [self._theme_name(theme) for theme in request.themes]
        text, notice = practice_blocks.help_notice(request, theme_names=theme_names)
        noted = False
        for channel in self._contact_channels(client, contact, logger=logger):
            try:
                posted = client.chat_postMessage(channel=channel, text=text, blocks=notice)
            except SlackApiError as exc:
                logger.error(
                    "Could not tell the board's contact (%s) about a request: %s", channel, exc.response.get("error")
                )
                continue
            if not noted:
                self.practice.escalations.record_notice(request.id, ts=str(posted.get("ts")))
                noted = True
        logger.info("Passed a request for more help to the board's contact (request %s)", request.id[:8])

    def gap_submitted(self, ack: Ack, body: dict[str, Any], view: dict[str, Any], logger: Logger) -> None:
        """The asker pressed Send: add the question to the gaps list (without their name) and confirm."""
        question = _question(view)
        themes = self.kb.ask(question, limit=1).themes if question else ()
        try:
            gap = self.practice.suggest_gap(question, themes=themes)
        except (CaseDetailsError, ValueError) as exc:
            ack(response_action="errors", errors={practice_blocks.QUESTION_BLOCK: str(exc)[:300]})
            return
        ack(response_action="update", view=practice_blocks.gap_added_view())
        logger.info("Added a suggested gap for next year's audits (topic %s)", gap.topic)

    # -- the contact's "Mark resolved" ------------------------------------------------------------------------
    def resolve(
        self,
        ack: Ack,
        action: dict[str, Any],
        body: dict[str, Any],
        client: WebClient,
        respond: Respond,
        logger: Logger,
    ) -> None:
        ack()
        user = body["user"]["id"]
        try:
            request, changed = self.practice.resolve(str(action.get("value") or ""), by=user)
        except EscalationError as exc:
            replies.send(respond, blocks.notice_message(str(exc)))
            return
        container = body.get("container") or {}
        text, resolved = practice_blocks.resolved_notice(request)
        if container.get("channel_id") and container.get("message_ts"):
            client.chat_update(channel=container["channel_id"], ts=container["message_ts"], text=text, blocks=resolved)
        if not changed:
            replies.send(respond, practice_blocks.already_resolved_message(request))
            return
        client.chat_postMessage(
            channel=request.requester,
            text="The board's contact has marked your request for more help resolved. Thank you for asking.",
        )
        logger.info("Request %s marked resolved", request.id[:8])

    # -- helpers ------------------------------------------------------------------------------------------------
    def _theme_name(self, theme_id: str) -> str:
        try:
            return str(self.kb.theme(theme_id)["name"])
        except NotFoundError:
            return theme_id

    @staticmethod
    def _contact_channels(client: WebClient, contact: str, *, logger: Logger) -> list[str]:
        """A channel contact is posted to; a user-group contact's members each get a direct message."""
        if not contact.startswith("S"):
            return [contact]
        try:
            members = client.usergroups_users_list(usergroup=contact).get("users") or []
        except SlackApiError as exc:
            logger.error("Could not read the members of user group %s: %s", contact, exc.response.get("error"))
            return []
        return [str(member) for member in members[:MAX_CONTACT_DMS]]


def read_question(
    client: WebClient, ref: practice_blocks.QuestionRef, *, bot_user_id: str | None, logger: Logger
) -> tuple[str, str] | None:
    """(text, asker) of the message at `ref`, read from Slack; None when it cannot be read (no history scope)."""
    try:
        response = client.conversations_replies(channel=ref.channel, ts=ref.ts, limit=200)
    except SlackApiError as exc:
        logger.info("Could not read the question's message (%s): the form starts empty", exc.response.get("error"))
        return None
    for message in response.get("messages") or []:
        if message.get("ts") == ref.ts:
            return plain_text(message.get("text") or "", drop_user=bot_user_id), str(message.get("user") or "")
    return None


def _metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _question(view: dict[str, Any]) -> str:
    values = (view.get("state") or {}).get("values") or {}
    entry = (values.get(practice_blocks.QUESTION_BLOCK) or {}).get(practice_blocks.QUESTION_INPUT) or {}
    return str(entry.get("value") or "").strip()


def register(app: App, deps: Deps) -> None:
    """Listen for the practice buttons and forms."""
    listeners = PracticeActions(kb=deps.kb, practice=deps.practice)
    app.action(practice_blocks.DISCUSSED_ACTION)(listeners.discussed)
    app.view(practice_blocks.DISCUSSION_VIEW)(listeners.discussion_submitted)
    app.action(practice_blocks.HELP_ACTION)(listeners.open_question_form)
    app.action(practice_blocks.GAP_ACTION)(listeners.open_question_form)
    app.view(practice_blocks.HELP_VIEW)(listeners.help_submitted)
    app.view(practice_blocks.GAP_VIEW)(listeners.gap_submitted)
    app.action(practice_blocks.RESOLVE_ACTION)(listeners.resolve)
