"""Block Kit for the practice flows: the digest's "We discussed this" button and form, "I need more help" and
"Suggest as a gap" buttons and forms, the note to the board's contact, and the assistant's suggested prompts.

Buttons carry where a question is (channel and message ts), never its text: the text is read from Slack when the
asker opens the form, shown to them there, and sent or kept only when they press Send. Forms are plain dicts
(views.open takes JSON); everything from outside is escaped for mrkdwn or cut to Slack's limits for plain text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import Block

from knowledge.base import NamedCount
from knowledge.privacy import PersonalData, reminder_text
from knowledge.records.escalations import HelpRequest

from .blocks import BadButtonValue, Message
from .slack_text import BLOCK_LIMIT, escape

DISCUSSED_ACTION = "digest_discussed"
DISCUSSION_VIEW = "digest_discussion"
HELP_ACTION = "need_more_help"
HELP_VIEW = "help_request"
GAP_ACTION = "suggest_gap"
GAP_VIEW = "gap_suggestion"
RESOLVE_ACTION = "help_resolve"
QUESTION_BLOCK = "question"
QUESTION_INPUT = "text"
AGENCY_BLOCK = "agency"
AGENCY_INPUT = "choice"
TEAM_BLOCK = "team"
TEAM_INPUT = "name"
MAX_OPTIONS = 100  # options in one static select
MAX_OPTION_TEXT = 75
MAX_INPUT = 3000  # characters in a plain-text input's value
MAX_METADATA = 3000  # characters of a view's private_metadata
MAX_PROMPTS = 4  # suggested prompts in an assistant thread


@dataclass(frozen=True)
class QuestionRef:
    """Where a question was asked: what a help or gap button carries (never the text)."""

    channel: str
    ts: str

    def value(self) -> str:
        return json.dumps({"c": self.channel, "ts": self.ts}, separators=(",", ":"))


def read_question_ref(value: str | None) -> QuestionRef:
    """Decode a help/gap button's value; `BadButtonValue` when it is not one of ours."""
    try:
        data = json.loads(value or "")
        ref = QuestionRef(str(data["c"])[:40], str(data["ts"])[:40])
    except (ValueError, KeyError, TypeError) as exc:
        raise BadButtonValue("not a question reference") from exc
    if not ref.channel or not ref.ts:
        raise BadButtonValue("not a question reference")
    return ref


def _button(text: str, action_id: str, value: str, *, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _plain(text: str, limit: int = 150) -> dict[str, Any]:
    return {"type": "plain_text", "text": text if len(text) <= limit else text[: limit - 1] + "…"}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


# -- the digest: "We discussed this in our team" -----------------------------------------------------------------
def discussed_blocks(week: str | None, theme_id: str) -> list[dict[str, Any]]:
    """The closing blocks of a digest post: a prompt and the button that records a team's discussion."""
    value = json.dumps({"w": week or "", "t": theme_id}, separators=(",", ":"))
    return [
        _context(
            "Discussed this briefing in a team meeting? Let the board know: it counts towards its assurance report."
        ),
        {"type": "actions", "elements": [_button("We discussed this in our team", DISCUSSED_ACTION, value)]},
    ]


def read_discussed_value(value: str | None) -> tuple[str, str]:
    """(week, theme) from a "We discussed this" button; `BadButtonValue` when it is not one of ours."""
    try:
        data = json.loads(value or "")
        week, theme = str(data["w"])[:20], str(data["t"])[:80]
    except (ValueError, KeyError, TypeError) as exc:
        raise BadButtonValue("not a discussion button") from exc
    if not theme:
        raise BadButtonValue("not a discussion button")
    return week, theme


def discussion_view(agencies: Sequence[NamedCount], *, theme_name: str, metadata: dict[str, str]) -> dict[str, Any]:
    """The form for recording a team discussion: an agency from the list and, only if typed, a team name."""
    options = [{"text": _plain(agency.name, MAX_OPTION_TEXT), "value": agency.id} for agency in agencies[:MAX_OPTIONS]]
    return {
        "type": "modal",
        "callback_id": DISCUSSION_VIEW,
        "private_metadata": json.dumps(metadata, separators=(",", ":"))[:MAX_METADATA],
        "title": _plain("Team discussion", 24),
        "submit": _plain("Record it", 24),
        "close": _plain("Cancel", 24),
        "blocks": [
            _section(f"Record that your team discussed *{escape(theme_name)}*."),
            {
                "type": "input",
                "block_id": AGENCY_BLOCK,
                "label": _plain("Your agency"),
                "element": {"type": "static_select", "action_id": AGENCY_INPUT, "options": options},
            },
            {
                "type": "input",
                "block_id": TEAM_BLOCK,
                "optional": True,
                "label": _plain("Team (optional)"),
                "hint": _plain('Only if you want the board to see it, e.g. "Duty and assessment". No names of people.'),
                "element": {"type": "plain_text_input", "action_id": TEAM_INPUT, "max_length": 80},
            },
            _context("Kept for the board's report: the agency, the team if you type one, your Slack ID and the time."),
        ],
    }


def discussion_confirmation(*, theme_name: str, agency_name: str, team: str, new: bool) -> dict[str, Any]:
    team_part = f" ({escape(team)})" if team else ""
    said = "Recorded" if new else "Already recorded"
    return done_view(
        f"{said}: your team in *{escape(agency_name)}*{team_part} discussed *{escape(theme_name)}*. Thank you: the"
        " board counts these in its assurance report.",
        title="Team discussion",
    )


def done_view(text: str, *, title: str) -> dict[str, Any]:
    return {"type": "modal", "title": _plain(title, 24), "close": _plain("Close", 24), "blocks": [_section(text)]}


# -- answers: "I need more help" and "Suggest as a gap" -----------------------------------------------------------
def help_blocks(ref: QuestionRef, *, found: bool, contact: bool) -> list[dict[str, Any]]:
    """Buttons under an answer: more help from the board's contact (when one is set); for "nothing found", also
    suggest the question as a gap for next year's audits."""
    elements = [_button("I need more help", HELP_ACTION, ref.value())] if contact else []
    if not found:
        elements.append(_button("Suggest it for next year's audits", GAP_ACTION, ref.value()))
    return [{"type": "actions", "block_id": "practice", "elements": elements}] if elements else []


def with_help(message: Message, ref: QuestionRef, *, found: bool, contact: bool) -> Message:
    """The answer with the help / gap buttons added (within Slack's 50 blocks)."""
    extra = tuple(Block.parse(block) for block in help_blocks(ref, found=found, contact=contact))
    if not extra or len(message.blocks) + len(extra) > BLOCK_LIMIT:
        return message
    return Message(text=message.text, blocks=(*message.blocks, *extra))  # type: ignore[arg-type]


def question_view(
    kind: str, question: str, *, kinds: frozenset[PersonalData], contact_label: str, metadata: dict[str, Any]
) -> dict[str, Any]:
    """The form that shows the question before anything is sent or kept (`kind`: "help" or "gap")."""
    blocks: list[dict[str, Any]] = []
    if kinds:
        blocks.append(
            _section(
                f":warning: {escape(reminder_text(kinds))} Please take them out below: the form will not send"
                " case details."
            )
        )
    if kind == "help":
        blocks.append(_section(f"Pass your question to the board's contact, {contact_label}. Check the words first:"))
        kept = (
            f"Pressing *Send* sends this text to {contact_label} and keeps it, with your Slack ID, for the board"
            " until they mark it resolved. Nothing is sent or kept if you cancel."
        )
    else:
        blocks.append(
            _section("The audits have nothing on this yet. Suggest it for the board's audit programme next year:")
        )
        kept = (
            "Pressing *Send* adds this text to the board's list of gaps for next year's audits (without your name)."
            " Nothing is kept if you cancel."
        )
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": QUESTION_INPUT,
        "multiline": True,
        "max_length": MAX_INPUT,
    }
    if question:
        element["initial_value"] = question[:MAX_INPUT]
    else:
        element["placeholder"] = _plain("Type or paste your question")
    blocks += [
        {"type": "input", "block_id": QUESTION_BLOCK, "label": _plain("Your question"), "element": element},
        _context(kept),
    ]
    return {
        "type": "modal",
        "callback_id": HELP_VIEW if kind == "help" else GAP_VIEW,
        "private_metadata": json.dumps(metadata, separators=(",", ":"))[:MAX_METADATA],
        "title": _plain("Ask for more help" if kind == "help" else "Suggest a gap", 24),
        "submit": _plain("Send", 24),
        "close": _plain("Cancel", 24),
        "blocks": blocks,
    }


def help_sent_view(contact_label: str) -> dict[str, Any]:
    return done_view(
        f"Sent to {contact_label}. They will get back to you; you will also hear from me when they mark it resolved.",
        title="Ask for more help",
    )


def gap_added_view() -> dict[str, Any]:
    return done_view(
        "Added to the board's list of gaps for next year's audits. Thank you for helping shape the programme.",
        title="Suggest a gap",
    )


def contact_label(contact: str) -> str:
    """How a contact setting is shown in mrkdwn: a channel link or a user-group mention."""
    return f"<!subteam^{contact}>" if contact.startswith("S") else f"<#{contact}>"


def help_notice(request: HelpRequest, *, theme_names: Sequence[str]) -> tuple[str, list[dict[str, Any]]]:
    """The message to the board's contact: who asked, the question as they sent it, and a Resolve button."""
    quoted = "\n".join(f"> {escape(line)}" for line in request.question.splitlines() or [""])
    about = f" · themes: {escape(', '.join(theme_names))}" if theme_names else ""
    blocks = [
        _section(f"*Request for more help* from <@{request.requester}>\n{quoted}"),
        _context(f"Reply to them directly. Request {request.id[:8]}{about}"),
        {"type": "actions", "elements": [_button("Mark resolved", RESOLVE_ACTION, request.id, style="primary")]},
    ]
    return "Request for more help from a practitioner", blocks


def resolved_notice(request: HelpRequest) -> tuple[str, list[dict[str, Any]]]:
    """The contact's message once resolved: the question stays, the button goes."""
    quoted = "\n".join(f"> {escape(line)}" for line in request.question.splitlines() or [""])
    return "Request for more help (resolved)", [
        _section(f"*Request for more help* from <@{request.requester}>\n{quoted}"),
        _context(f":white_check_mark: Resolved by <@{request.resolved_by}>. Request {request.id[:8]}"),
    ]


def already_resolved_message(request: HelpRequest) -> Message:
    """The private note to a contact who resolves a request someone else already resolved."""
    return Message(
        text="Someone had already marked it resolved.",
        blocks=(Block.parse(_section(f"<@{request.resolved_by}> had already marked it resolved.")),),  # type: ignore[arg-type]
    )


# -- the assistant ------------------------------------------------------------------------------------------------
def suggested_prompts(themes: Sequence[NamedCount]) -> list[dict[str, str]]:
    """Up to four prompts from the themes with the most learning points: a title and the question it asks."""
    busiest = sorted(themes, key=lambda theme: -theme.count)[:MAX_PROMPTS]
    return [
        {"title": theme.name[:75], "message": f"What did the audits find about {theme.name.lower()}?"}
        for theme in busiest
    ]
