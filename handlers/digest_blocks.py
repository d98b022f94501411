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

from knowledge.digest import ASKS_HEADING, LEARNING_POINTS_HEADING, TEAM_PROMPT, AuditPoints, Digest

from .slack_text import BLOCK_LIMIT, HEADER_LIMIT, TEXT_LIMIT, clip, escape, pack


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
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(intro, TEXT_LIMIT))]))
    blocks.append(HeaderBlock(text=PlainTextObject(text=clip(notification_text(digest), HEADER_LIMIT), emoji=False)))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=escape(digest.about(week)))]))
    blocks += _sections(["*Why it matters*", escape(digest.why_it_matters)])
    if digest.findings:
        blocks.append(DividerBlock())
        blocks += _sections(["*What the audits found*"])
        for group in digest.findings:
            blocks += _sections([_audit_line(group), *(f"• {escape(point.text)}" for point in group.points)])
    if digest.learning_points:
        blocks.append(DividerBlock())
        blocks += _sections([f"*{LEARNING_POINTS_HEADING}*"])
        for group in digest.learning_points:
            blocks += _sections(
                [
                    _audit_line(group),
                    *(
                        f"• {escape(point.text)}\n      _Concerns: {escape(', '.join(point.agencies))}_"
                        for point in group.points
                    ),
                ]
            )
    if digest.recommendations:
        blocks.append(DividerBlock())
        blocks += _sections([f"*{ASKS_HEADING}*"])
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
    return _within_limit(blocks, limit=BLOCK_LIMIT - reserve)


def _audit_line(group: AuditPoints) -> str:
    return f"_{escape(group.audit.title)} (completed {group.audit.completed_label})_"


def _sections(lines: list[str]) -> list[Block]:
    """Pack lines into as few section blocks as fit Slack's limit each; a longer line is split."""
    return [SectionBlock(text=MarkdownTextObject(text=text)) for text in pack(lines)]


def _within_limit(blocks: list[Block], *, limit: int = BLOCK_LIMIT) -> list[Block]:
    """Keep a message within `limit` blocks, saying so when something had to be left out."""
    if len(blocks) <= limit:
        return blocks
    kept = blocks[: limit - 1]
    note = f"_{len(blocks) - len(kept)} more part(s) of this digest did not fit in one Slack message._"
    return [*kept, ContextBlock(elements=[MarkdownTextObject(text=note)])]
