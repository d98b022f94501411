"""The App Home tab and the theme view it opens, as Block Kit views built with slack_sdk's models.

Everything shown is the knowledge base's own text (learning points verbatim), escaped for Slack mrkdwn.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from knowledge.base import KnowledgeBase, NamedCount, NotFoundError
from knowledge.models import cases_label

from .slack_text import HEADER_LIMIT, TEXT_LIMIT, VIEW_BLOCK_LIMIT, clip, escape

OPEN_THEME_ACTION = "home_open_theme"
THEME_ID_LIMIT = 80
PRIVACY_LINE = (
    ":lock: Please don't put names, dates of birth, addresses or other details that could identify a child,"
    " family or colleague in your questions: ask about the practice issue. I never keep the text of questions."
)


def _section(text: str, **extra: Any) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, TEXT_LIMIT)), **extra)


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text, TEXT_LIMIT))])


def _header(text: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=clip(text, HEADER_LIMIT)))


def how_to_ask(bot_user_id: str | None) -> str:
    me = f"<@{bot_user_id}>" if bot_user_id else "me"
    return "\n".join(
        [
            f"• *In a channel*: mention {me} with your question, e.g. {me} _how do we hear the voice of"
            " pre-verbal children?_ I answer in the thread.",
            "• *Here*: send me a message in the *Messages* tab.",
            "• *Slash commands* (answers only you can see): `/learning QUESTION`, `/recommendations AGENCY`,"
            " `/themes`, `/glossary TERM`.",
            "Every learning point I show is quoted word for word from the board's audit report, with the audit it"
            " came from. Tell me whether an answer helped with its *Helpful* / *Not helpful* buttons.",
        ]
    )


def home_view(kb: KnowledgeBase, *, bot_user_id: str | None, digest: str) -> View:
    """The Home tab: how to ask, the next digest, the themes (each opens its learning), audits and agencies."""
    themes = kb.themes()
    blocks: list[Block] = [
        _header("Learning from multi-agency audits"),
        _section(how_to_ask(bot_user_id)),
        _context(PRIVACY_LINE),
        DividerBlock(),
        _section(f"*Weekly learning digest*\n{digest}"),
        DividerBlock(),
        _header("Themes"),
        _context("Open a theme to read its findings and recommendations."),
    ]
    room = VIEW_BLOCK_LIMIT - len(blocks) - 6  # the audits and agencies sections below
    for theme in themes[:room]:
        blocks.append(theme_block(theme))
    if len(themes) > room:
        blocks.append(_context(f"…and {len(themes) - room} more: type `/themes` to see them all."))
    blocks += [DividerBlock(), _header("Audits"), _section(audits_text(kb.audits()))]
    blocks += [DividerBlock(), _header("Agencies"), _section(agencies_text(kb.agencies()))]
    return View(type="home", blocks=blocks)


def theme_block(theme: NamedCount) -> SectionBlock:
    points = "learning point" if theme.count == 1 else "learning points"
    return _section(
        f"*{escape(theme.name)}* ({theme.count} {points})\n{escape(theme.description)}",
        block_id=f"theme:{theme.id}"[:255],
        accessory=ButtonElement(
            text=PlainTextObject(text="Open"),
            action_id=OPEN_THEME_ACTION,
            value=theme.id,
            accessibility_label=clip(f"Open the theme {theme.name}", 75),
        ),
    )


def audits_text(audits: Sequence[dict[str, Any]]) -> str:
    lines = []
    for audit in audits:
        priority = f" Business plan priority: {escape(audit['priority'])}." if audit.get("priority") else ""
        lines.append(
            f"• *{escape(audit['title'])}*: completed {audit['completed_label']},"
            f" {cases_label(audit['cases_audited'])}, {audit['items']} learning points.{priority}"
        )
    return "\n".join(lines) or "No audits are loaded."


def agencies_text(agencies: Sequence[NamedCount]) -> str:
    listed = " · ".join(f"{escape(agency.name)} ({agency.count})" for agency in agencies)
    return (
        f"{listed}\n_The number is how many recommendations concern each agency. Type `/recommendations AGENCY`"
        " for the list._"
    )


def theme_modal(kb: KnowledgeBase, theme_id: str) -> View:
    """A modal with a theme's learning: what it is about, every learning point verbatim with its source."""
    try:
        theme = kb.theme(theme_id[:THEME_ID_LIMIT])
    except NotFoundError:
        return _modal([_section("That theme is no longer in the knowledge base. Type `/themes` to see the themes.")])
    blocks: list[Block] = [
        _header(theme["name"]),
        _section(escape(theme["description"])),
        _context(f"*Why it matters* (general context, not a finding of the audits): {escape(theme['why_it_matters'])}"),
        DividerBlock(),
    ]
    questions = theme["discussion_questions"]
    room = VIEW_BLOCK_LIMIT - len(blocks) - 2 - (1 if questions else 0)
    items = kb.theme_items(theme["id"], limit=room)  # only what fits: a theme can hold thousands of points
    total = next((named.count for named in kb.themes() if named.id == theme["id"]), len(items))
    for result in items:
        agencies = ", ".join(escape(kb.agency_name(agency)) for agency in result.agencies)
        blocks.append(
            _section(
                f"*{result.kind_label}* · {escape(result.audit.title)} ({result.audit.completed_label})\n"
                f"{escape(result.text)}\n_Agencies: {agencies}_"
            )
        )
    if total > len(items):
        blocks.append(_context(f"…and {total - len(items)} more. Ask me about {escape(theme['name'])} to see them."))
    if not items:
        blocks.append(_section("No learning points bear this theme yet."))
    if questions:
        blocks.append(
            _section("*For team discussion*\n" + "\n".join(f"• {escape(question)}" for question in questions))
        )
    return _modal(blocks)


def _modal(blocks: list[Block]) -> View:
    return View(
        type="modal",
        title=PlainTextObject(text="Learning theme"),
        close=PlainTextObject(text="Close"),
        blocks=blocks[:VIEW_BLOCK_LIMIT],
    )
