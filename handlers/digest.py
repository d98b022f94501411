"""`/digest`: the admins' controls for the weekly learning digest (preview, post, skip, choose the next theme).

Only ADMIN_USER_IDS may use it; anyone else gets a polite refusal. Every reply is ephemeral.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from knowledge.base import NotFoundError
from knowledge.services.delivery import Digests, Upcoming

from .deps import Deps
from .digest_blocks import digest_blocks
from .slack_text import channel_link, escape, when

if TYPE_CHECKING:
    from slack_bolt import Ack, App, Respond
    from slack_sdk.web import WebClient

COMMAND = "/digest"
REFUSAL = (
    "Sorry, `/digest` is for the bot's admins. The learning digest is posted every week;"
    " ask your safeguarding lead if you'd like it in another channel."
)
USAGE = (
    "*`/digest` — the weekly learning digest*\n"
    "• `/digest preview` — see the next post (only you see it); `/digest preview THEME` for another theme\n"
    "• `/digest post` — post this week's digest now, where it has not been posted yet\n"
    "• `/digest skip` — post nothing for the next digest's week\n"
    "• `/digest theme THEME` — choose the next week's theme (`/digest theme` lists them)"
)


def register(app: App, deps: Deps) -> None:
    """Register the `/digest` command."""
    app.command(COMMAND)(digest_listener(deps))


def digest_listener(deps: Deps) -> Callable[..., None]:
    """The `/digest` listener, with its dependencies bound (Bolt fills the arguments by name)."""

    def digest_command(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        user = command.get("user_id", "")
        if user not in deps.admin_user_ids:
            ack(text=REFUSAL)
            return
        ack()
        answer = reply(command.get("text", ""), digests=deps.digests(client), user=user, now=deps.clock())
        respond(response_type="ephemeral", replace_original=False, **answer)

    return digest_command


def reply(text: str, *, digests: Digests, user: str, now: datetime) -> dict[str, Any]:
    """The ephemeral reply (text and maybe blocks) to `/digest TEXT` from an admin."""
    words = text.split()
    action = words[0].lower() if words else "help"
    rest = " ".join(words[1:])
    if action == "help":
        return {"text": USAGE}
    if action == "preview":
        return _preview(digests, rest, now)
    if action == "post":
        if rest:
            return {"text": f"`/digest post` takes nothing after it.\n{USAGE}"}
        return _post(digests, now)
    if action == "skip":
        if rest:
            return {"text": f"`/digest skip` takes nothing after it.\n{USAGE}"}
        week, sent = digests.skip(by=user, now=now)
        done = f" It had already been posted to {_channels(sent)}." if sent else ""
        return {
            "text": f"Skipped the digest for {week}: nothing more will be posted for that week.{done}"
            f"\n{_next_line(digests.upcoming(now))}"
        }
    if action == "theme":
        if not rest:
            return {"text": _themes_text(digests)}
        theme = digests.kb.resolve_theme(rest)
        if theme is None or theme not in digests.theme_ids():
            return {"text": f"No theme with learning points called “{escape(rest)}”.\n{_themes_text(digests)}"}
        upcoming = digests.choose(theme, by=user, now=now)
        name = digests.kb.theme(theme)["name"]
        if upcoming.theme == theme:
            return {"text": f"Done: the next digest will be on *{escape(name)}*.\n{_next_line(upcoming)}"}
        return {
            "text": f"Done: *{escape(name)}* will be the theme of the first week not yet decided"
            f" (after {upcoming.week}, which is on *{escape(upcoming.theme_name or '')}*)."
        }
    return {"text": f"I don't know `/digest {escape(action)}`.\n{USAGE}"}


def _preview(digests: Digests, wanted: str, now: datetime) -> dict[str, Any]:
    theme = None
    if wanted:
        theme = digests.kb.resolve_theme(wanted)
        if theme is None or theme not in digests.theme_ids():
            return {"text": f"No theme with learning points called “{escape(wanted)}”.\n{_themes_text(digests)}"}
    try:
        upcoming, digest = digests.preview(now, theme=theme)
    except (LookupError, NotFoundError) as exc:
        return {"text": f"Nothing to preview: {escape(str(exc))}."}
    if theme is None:
        intro = f"*Preview* (only you can see this). {_next_line(upcoming)}"
    else:
        intro = f"*Preview of the {escape(digest.name)} digest* (only you can see this)."
    week = upcoming.week if theme is None or theme == upcoming.theme else None
    blocks = digest_blocks(digest, week=week, intro=intro)
    return {"text": f"Preview: learning theme {digest.name}", "blocks": [block.to_dict() for block in blocks]}


def _post(digests: Digests, now: datetime) -> dict[str, Any]:
    if not digests.channels:
        return {"text": "DIGEST_CHANNEL is not set, so there is nowhere to post the digest."}
    outcomes = digests.post_current(now)
    return {"text": "\n".join(f"• {outcome.describe(link=channel_link)}" for outcome in outcomes)}


def _next_line(upcoming: Upcoming) -> str:
    at = when(upcoming.at)
    theme = f"*{escape(upcoming.theme_name or '?')}*"
    if upcoming.late:
        return f"Next: {theme} for {upcoming.week}, due since {at} (it goes out on the next run)."
    return f"Next: {theme} for {upcoming.week}, {at}."


def _channels(sent: dict[str, str]) -> str:
    return ", ".join(channel_link(channel) for channel in sent)


def _themes_text(digests: Digests) -> str:
    lines = ["Themes (`/digest theme ID`):"]
    lines += [f"• `{theme.id}` {escape(theme.name)} ({theme.count})" for theme in digests.kb.themes()]
    return "\n".join(lines)
