"""Every Block Kit message the bot sends, built with slack_sdk's block models.

All text that comes from outside this module (report text, glossary entries, what the user typed) is escaped
(&, <, >) before it goes into mrkdwn, so nothing the bot posts can ping `@channel`, `@here` or a user.
Texts are split to Slack's 3,000-character limit and messages to 50 blocks.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from knowledge.base import (
    EXAMPLE_QUESTIONS,
    AgencyRecommendations,
    Answer,
    KnowledgeBase,
    NamedCount,
    NotFoundError,
    Result,
)
from knowledge.formatting import (
    BARE_NOTICES,
    CLOSE_MATCHES,
    LEARNING_POINT_NOTE,
    NOTHING_FOUND,
    NOTICES,
    addressed_heading,
    audit_detail,
    item_marker,
    recommendations_heading,
    source_line,
)

from .slack_text import BLOCK_LIMIT, clip, escape, pack, split_text

VALUE_LIMIT = 2000  # characters in a button's value
ECHO_LIMIT = 300  # characters of the user's own question shown back to them
PAGE_SIZE = 3  # learning points per answer; "More" shows the next ones
MORE_ACTION = "more_results"
FEEDBACK_HELPFUL = "feedback_helpful"
FEEDBACK_NOT_HELPFUL = "feedback_not_helpful"
APOLOGY = "Sorry, something went wrong while answering. Please try again in a minute."
EXPIRED = "That button has expired. Please ask the question again."


class BadButtonValue(ValueError):
    """A button value this version of the bot did not write (or that was tampered with)."""


@dataclass(frozen=True)
class Message:
    """One Slack message: a plain notification text (escaped on sending) and its blocks (escaped mrkdwn)."""

    text: str
    blocks: tuple[Block, ...] = ()

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `chat.postMessage` or `respond`."""
        return {"text": escape(self.text), "blocks": [block.to_dict() for block in self.blocks]}


@dataclass(frozen=True)
class MorePage:
    """What a "More" button carries: where the next page starts, the total, and the ids still to show.

    It carries item ids, never the question, so nothing the user typed travels or is kept.
    """

    offset: int
    total: int
    ids: tuple[str, ...]


# -- text ------------------------------------------------------------------------------------------------------
def sections(text: str) -> list[Block]:
    """Section blocks for a (possibly long) escaped mrkdwn text."""
    return [SectionBlock(text=MarkdownTextObject(text=piece)) for piece in split_text(text)]


def contexts(text: str) -> list[Block]:
    """Context blocks (small grey text) for an escaped mrkdwn text."""
    return [ContextBlock(elements=[MarkdownTextObject(text=piece)]) for piece in split_text(text)]


def split_messages(message: Message, *, limit: int = BLOCK_LIMIT) -> list[Message]:
    """One message per `limit` blocks (a message with no blocks stays one message)."""
    if len(message.blocks) <= limit:
        return [message]
    return [
        Message(text=message.text, blocks=message.blocks[start : start + limit])
        for start in range(0, len(message.blocks), limit)
    ]


def echo(question: str) -> str:
    """The user's question, shortened and escaped, to show back to them."""
    return escape(clip(" ".join(question.split()), ECHO_LIMIT))


# -- answers ---------------------------------------------------------------------------------------------------
def answer_message(answer: Answer, kb: KnowledgeBase, *, asked: str | None = None) -> Message:
    """The reply to a question: the first page of learning points, or a plain "nothing found" with help.

    `answer` should hold every result to page through (ask with a high limit); `asked` is echoed when given
    (for slash commands, where the question is not visible above the reply).
    """
    head: list[Block] = []
    if asked is not None:
        head += contexts(f"*You asked:* {echo(asked)}")
    head += purpose_blocks(answer)
    head += detail_blocks(answer)
    if not answer.found and not answer.purposes and not answer.details:
        return no_result_message(answer, kb, head=head)
    if not answer.found:
        text = answer.purposes[0].purpose if answer.purposes else audit_detail(answer.details[0])
        return Message(text=text, blocks=tuple(head))
    if answer.corrections:
        head += contexts(
            " ".join(f"(read “{escape(typed)}” as “{escape(fixed)}”)" for typed, fixed in answer.corrections.items())
        )
    # A topic the audits do not cover, named beside what they do ("... short breaks team, but the assessment ...")
    # or only named by them (a board priority): where to go for it, before what the report says.
    head += signpost_blocks(answer)
    page = answer.results[:PAGE_SIZE]
    rest = tuple(result.id for result in answer.results[PAGE_SIZE:])
    total = answer.offset + len(answer.results)  # what "More" can page through
    return results_message(page, kb, offset=answer.offset, total=total, rest=rest, head=head)


def results_message(
    results: Sequence[Result],
    kb: KnowledgeBase,
    *,
    offset: int,
    total: int,
    rest: Sequence[str] = (),
    head: Sequence[Block] = (),
) -> Message:
    """A page of learning points: each labelled and sourced, an acronyms line, and "More" if there are more."""
    first, last = offset + 1, offset + len(results)
    summary = f"Learning points {first}–{last} of {total} from the multi-agency audits"
    blocks: list[Block] = [*head, *sections(f"*{summary}*")]
    for number, result in enumerate(results, start=first):
        blocks += result_blocks(result, kb, number=number)
    acronyms = kb.acronyms_in(" ".join(result.text for result in results))
    if acronyms:
        glossary = "; ".join(f"{entry['term']} = {entry['expansion']}" for entry in acronyms)
        blocks += contexts(f"*Acronyms:* {escape(glossary)}")
    if rest:
        blocks.append(more_button(MorePage(offset=last, total=total, ids=tuple(rest))))
    return Message(text=summary, blocks=tuple(blocks))


def result_blocks(result: Result, kb: KnowledgeBase, *, number: int) -> list[Block]:
    """One learning point: "n. Finding" or "n. Learning/recommendation", the verbatim text, its source."""
    return [
        DividerBlock(),
        *sections(f"*{number}. {escape(result.kind_label)}*\n{escape(result.text)}"),
        *contexts(escape(source_line(result, kb))),
    ]


def no_result_message(answer: Answer, kb: KnowledgeBase, *, head: Sequence[Block] = ()) -> Message:
    """Nothing relevant: say so plainly, then offer the themes and an example question. A safeguarding topic the
    audits do not cover gets its signpost instead (never presented as a learning point)."""
    if answer.signposts:
        return signpost_message(answer, head=head)
    if answer.definitions:
        glossary = glossary_message(answer.definitions, term=answer.question)
        return Message(text=glossary.text, blocks=(*head, *glossary.blocks))
    first = NOTICES.get(answer.notice or "", NOTHING_FOUND)
    if answer.notice in BARE_NOTICES:
        return Message(text=first, blocks=(*head, *sections(escape(first))))
    themes = ", ".join(theme.name for theme in kb.themes())
    blocks: list[Block] = [
        *head,
        *sections(escape(first)),
        *sections(f"*Themes you can ask about:* {escape(themes)}"),
        *contexts(f"For example: _{escape(EXAMPLE_QUESTIONS[0])}_  ·  `/themes` lists the themes."),
    ]
    return Message(text=first, blocks=tuple(blocks))


# -- the "More" button -----------------------------------------------------------------------------------------
def more_button(page: MorePage) -> Block:
    """A "More" button carrying the ids still to show (as many as fit in a button's value)."""
    return ActionsBlock(
        elements=[
            ButtonElement(
                text=PlainTextObject(text="More"),
                action_id=MORE_ACTION,
                value=more_value(page),
            )
        ]
    )


def more_value(page: MorePage) -> str:
    """Encode a page for a button value, dropping trailing ids until it fits in 2,000 characters."""
    ids = list(page.ids)
    total = page.total
    while True:
        value = json.dumps({"o": page.offset, "t": total, "ids": ids}, separators=(",", ":"))
        if len(value) <= VALUE_LIMIT or not ids:
            return value
        ids.pop()
        total = page.offset + len(ids)


def read_more_value(value: str | None) -> MorePage:
    """Decode a "More" button's value; raise `BadButtonValue` when it is not one of ours."""
    try:
        data = json.loads(value or "")
        page = MorePage(offset=int(data["o"]), total=int(data["t"]), ids=tuple(str(i) for i in data["ids"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise BadButtonValue("not a More button value") from exc
    if page.offset < 0 or page.total < page.offset or not page.ids:
        raise BadButtonValue("not a More button value")
    return page


def next_page(page: MorePage, kb: KnowledgeBase) -> Message:
    """The message a "More" press shows: the next `PAGE_SIZE` learning points and, if any remain, "More"."""
    shown = []
    for item_id in page.ids[:PAGE_SIZE]:
        with suppress(NotFoundError):  # the data may have changed since the button was sent
            shown.append(kb.item(item_id))
    if not shown:
        raise BadButtonValue("the button's learning points are no longer in the knowledge base")
    rest = page.ids[PAGE_SIZE:]
    return results_message(shown, kb, offset=page.offset, total=page.total, rest=rest)


# -- Helpful / Not helpful -----------------------------------------------------------------------------------------
def feedback_block(answer_id: str) -> Block:
    """The Helpful / Not helpful buttons of an answer; each carries the answer's id, never the question."""
    return ActionsBlock(
        block_id="feedback",
        elements=[
            ButtonElement(text=PlainTextObject(text="Helpful"), action_id=FEEDBACK_HELPFUL, value=answer_id),
            ButtonElement(text=PlainTextObject(text="Not helpful"), action_id=FEEDBACK_NOT_HELPFUL, value=answer_id),
        ],
    )


def with_feedback(message: Message, answer_id: str) -> Message:
    """An answer with its Helpful / Not helpful buttons at the end."""
    return Message(text=message.text, blocks=(*message.blocks, feedback_block(answer_id)))


def notice_message(text: str) -> Message:
    """A short plain message (apologies, expired buttons)."""
    return Message(text=text, blocks=tuple(sections(escape(text))))


# -- listings --------------------------------------------------------------------------------------------------
def themes_message(themes: Sequence[NamedCount]) -> Message:
    """The learning themes with their counts and descriptions."""
    title = "Learning themes (learning points on each)"
    lines = [f"• *{escape(theme.name)}* ({theme.count}) — {escape(theme.description)}" for theme in themes]
    blocks: list[Block] = [*sections(f"*{title}*")]
    blocks += [SectionBlock(text=MarkdownTextObject(text=text)) for text in pack(lines)]
    blocks += contexts(f"Ask about any of them: `/learning {escape(EXAMPLE_QUESTIONS[0])}`")
    return Message(text=title, blocks=tuple(blocks))


def glossary_message(entries: Sequence[dict[str, Any]], *, term: str) -> Message:
    """Glossary entries; or, when none match `term`, say so and point at the full list."""
    if not entries:
        text = f"No glossary entry for “{echo(term)}”. `/glossary` with no term lists them all."
        return Message(text="No glossary entry found.", blocks=tuple(sections(text)))
    lines = []
    if any(entry.get("match") == "close" for entry in entries):
        lines.append(f"_{escape(CLOSE_MATCHES).format(term=f'“{echo(term)}”')}_")
    for entry in entries:
        head = f"*{escape(entry['term'])}*" + (f" — {escape(entry['expansion'])}" if entry["expansion"] else "")
        lines.append(f"{head}\n{escape(entry['definition'])}")
    title = "Glossary" if len(entries) > 1 else f"Glossary: {entries[0]['term']}"
    blocks = [SectionBlock(text=MarkdownTextObject(text=text)) for text in pack(lines)]
    return Message(text=title, blocks=tuple(blocks))


def recommendations_message(recommendations: AgencyRecommendations) -> Message:
    """An agency's recommendations: those addressed to it first, then those for all agencies, each by audit;
    an empty first part is said, and bullets worded as observations are labelled learning points."""
    title = recommendations_heading(recommendations)
    blocks: list[Block] = [*sections(f"*{escape(title)}*")]
    if recommendations.shown < recommendations.total:  # a large library: those of the most recent audits
        blocks += contexts(
            f"Showing the {recommendations.shown} from the most recent audits. Ask me a question to find the rest."
        )
    parts = [(addressed_heading(recommendations), recommendations.own, recommendations.own_count)]
    if recommendations.for_all:
        parts.append(("For all agencies", recommendations.for_all, recommendations.for_all_count))
    for heading, groups, count in parts:
        blocks.append(DividerBlock())
        if not groups:
            blocks += sections(f"*{escape(heading)}:* none in the audits.")
            continue
        blocks += sections(f"*{escape(heading)}* ({count})")
        for group in groups:
            lines = [f"_{escape(group.audit.title)} (completed {escape(group.audit.completed_label)})_"]
            lines += [f"• {_marker(result)}{escape(result.text)}" for result in group.items]
            blocks += [SectionBlock(text=MarkdownTextObject(text=text)) for text in pack(lines)]
    if any(item_marker(result) for group in (*recommendations.own, *recommendations.for_all) for result in group.items):
        blocks += contexts(escape(LEARNING_POINT_NOTE))
    return Message(text=title, blocks=tuple(blocks))


def _marker(result: Result) -> str:
    marker = item_marker(result).strip()
    return f"_{escape(marker)}_ " if marker else ""


def agencies_message(agencies: Sequence[NamedCount], *, asked: str) -> Message:
    """The agencies with how many recommendations concern each (for an empty or unknown agency)."""
    blocks: list[Block] = []
    if asked.strip():
        blocks += sections(f"No agency called “{echo(asked)}”.")
    title = "Agencies (recommendations that concern each)"
    lines = [f"• {escape(agency.name)} ({agency.count})" for agency in agencies]
    blocks += sections(f"*{title}*")
    blocks += [SectionBlock(text=MarkdownTextObject(text=text)) for text in pack(lines)]
    blocks += contexts("For example: `/recommendations police` or `/recommendations health visitors`")
    return Message(text=title, blocks=tuple(blocks))


def usage_message(command: str, hint: str) -> Message:
    """How to use a command (for an empty question)."""
    text = f"Usage: `{command} {escape(hint)}`. For example: `/learning {escape(EXAMPLE_QUESTIONS[0])}`"
    return Message(text=f"Usage: {command} {hint}", blocks=tuple(sections(text)))


def purpose_blocks(answer: Answer) -> list[Block]:
    """Why the audits a purpose question is about were done (report text, not a learning point)."""
    blocks: list[Block] = []
    for found in answer.purposes:
        blocks += sections(f"*{escape(found.audit.title)}, why the audit was done*\n{escape(found.purpose)}")
    return blocks


def detail_blocks(answer: Answer) -> list[Block]:
    """How many cases the audits asked about looked at and when (the report's summary table, not a learning point)."""
    if not answer.details:
        return []
    lines = "\n".join(f"• {escape(audit_detail(details))}" for details in answer.details)
    return sections(f"*From the report's summary of the audits*\n{lines}")


def signpost_message(answer: Answer, *, head: Sequence[Block] = ()) -> Message:
    """The audits do not cover the topic: where to go instead, with the board's link."""
    return Message(text=answer.signposts[0].message, blocks=(*head, *signpost_blocks(answer)))


def signpost_blocks(answer: Answer) -> list[Block]:
    """Each signposted topic's name, message and link."""
    blocks: list[Block] = []
    for signpost in answer.signposts:
        link = f"\n<{signpost.link}|{escape(signpost.name)} procedures>" if signpost.link else ""
        blocks += sections(f"*{escape(signpost.name)}*\n{escape(signpost.message)}{link}")
    return blocks
