"""Block Kit for the weekly digest post, built with slack_sdk's block models.

Short sections that read well on a phone; learning points quoted verbatim (only &, < and > escaped, as Slack
requires); every text within 3,000 characters and the message within 50 blocks.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from knowledge.digest import TEAM_PROMPT, AuditPoints, Digest

MAX_TEXT = 3000
MAX_HEADER = 150
MAX_BLOCKS = 50


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn reserves (so text can never ping or link)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def digest_message(digest: Digest, week: str) -> tuple[str, list[dict[str, Any]]]:
    """The notification text and the blocks (as dicts) of a digest post for chat.postMessage.

    The post ends with the "We discussed this in our team" button (not the admins' previews).
    """
    from .practice_blocks import discussed_blocks

    closing = discussed_blocks(week, digest.theme_id)
    body = digest_blocks(digest, week=week, reserve=len(closing))
    return notification_text(digest), [block.to_dict() for block in body] + closing


def notification_text(digest: Digest) -> str:
    return f"Learning theme of the week: {digest.name}"


def digest_blocks(
    digest: Digest, *, week: str | None = None, intro: str | None = None, reserve: int = 0
) -> list[Block]:
    """The digest as blocks; `intro` (mrkdwn, already escaped) goes first, e.g. "Preview: only you can see this".

    `reserve`: blocks the caller adds after these (kept within Slack's 50 all told).
    """
    blocks: list[Block] = []
    if intro:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_clip(intro, MAX_TEXT))]))
    blocks.append(HeaderBlock(text=PlainTextObject(text=_clip(notification_text(digest), MAX_HEADER), emoji=False)))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=escape(digest.about(week)))]))
    blocks += _sections(["*Why it matters*", escape(digest.why_it_matters)], joiner="\n")
    if digest.findings:
        blocks.append(DividerBlock())
        blocks += _sections(["*What the audits found*"])
        for group in digest.findings:
            blocks += _sections([_audit_line(group), *(f"• {escape(point.text)}" for point in group.points)])
    if digest.recommendations:
        blocks.append(DividerBlock())
        blocks += _sections(["*What agencies are asked to do*"])
        for group in digest.recommendations:
            blocks += _sections(
                [
                    _audit_line(group),
                    *(
                        f"• {escape(point.text)}\n      _For: {escape(', '.join(point.agencies))}_"
                        for point in group.points
                    ),
                ]
            )
    if digest.questions:
        blocks.append(DividerBlock())
        blocks += _sections(
            [
                "*Questions for your team*",
                f"_{escape(TEAM_PROMPT)}_",
                *(f"{n}. {escape(q)}" for n, q in enumerate(digest.questions, start=1)),
            ]
        )
    if digest.acronyms:
        acronyms = "; ".join(f"{escape(term)} = {escape(full)}" for term, full in digest.acronyms)
        blocks += _sections([f"_Acronyms:_ {acronyms}"])
    return _within_limit(blocks, limit=MAX_BLOCKS - reserve)


def _audit_line(group: AuditPoints) -> str:
    return f"_{escape(group.audit.title)} (completed {group.audit.completed_label})_"


def _sections(lines: list[str], *, joiner: str = "\n") -> list[Block]:
    """Pack lines into as few section blocks as fit 3,000 characters each; a longer line is split between words."""
    pieces: list[str] = []
    for line in lines:
        pieces += _split(line, MAX_TEXT)
    blocks: list[Block] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{joiner}{piece}" if current else piece
        if len(candidate) <= MAX_TEXT:
            current = candidate
            continue
        blocks.append(SectionBlock(text=MarkdownTextObject(text=current)))
        current = piece
    if current:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=current)))
    return blocks


def _split(text: str, limit: int) -> list[str]:
    """Split text at spaces into pieces of at most `limit` characters (an escape like &amp; is never cut)."""
    if len(text) <= limit:
        return [text]
    pieces = []
    while len(text) > limit:
        cut = text.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
            amp = text.rfind("&", max(0, cut - 5), cut)
            if amp != -1 and ";" not in text[amp:cut]:
                cut = amp
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*pieces, text] if text else pieces


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _within_limit(blocks: list[Block], *, limit: int = MAX_BLOCKS) -> list[Block]:
    """Keep a message within `limit` blocks, saying so when something had to be left out."""
    if len(blocks) <= limit:
        return blocks
    kept = blocks[: limit - 1]
    note = f"_{len(blocks) - len(kept)} more part(s) of this digest did not fit in one Slack message._"
    return [*kept, ContextBlock(elements=[MarkdownTextObject(text=note)])]
