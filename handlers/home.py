"""The App Home tab: `app_home_opened` publishes it; a theme's "Open" button shows that theme's learning."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from logging import Logger
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from . import home_blocks
from .deps import Deps
from .slack_text import channel_link, escape, when

NO_DIGEST = "No weekly digest is set up for this workspace yet."


def digest_line(deps: Deps, *, now: datetime | None = None) -> str:
    """When the next weekly digest goes out and on which theme, in words for the Home tab."""
    if not deps.digest_channels:
        return NO_DIGEST
    upcoming = deps.digests(None).upcoming(now or deps.clock())
    where = ", ".join(channel_link(channel) for channel in deps.digest_channels)
    if upcoming.theme_name is None:
        return f"The next digest in {where} has no theme to send: the knowledge base has no themes with learning."
    theme = f"*{escape(upcoming.theme_name)}*"
    at = when(upcoming.at, sep=", ")
    if upcoming.late:
        return f"This week's digest, on {theme}, is due (since {at}) and goes out shortly in {where}."
    return f"Next: {theme}, on {at} in {where}. One learning theme a week."


class Home:
    """The Home tab listeners, with what they need (Bolt fills their arguments by name)."""

    def __init__(self, deps: Deps, *, digest: Callable[[], str] | None = None) -> None:
        self.kb = deps.kb
        self.digest = digest or (lambda: digest_line(deps))

    def opened(self, event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        """`app_home_opened`: publish the Home tab for the person who opened it."""
        if event.get("tab") != "home" or not event.get("user"):
            return
        view = home_blocks.home_view(self.kb, bot_user_id=context.bot_user_id, digest=self.digest())
        client.views_publish(user_id=event["user"], view=view)

    def open_theme(
        self, ack: Ack, action: dict[str, Any], body: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        """A theme's "Open" button: a modal with the theme's learning points (views.open needs the trigger id)."""
        ack()
        trigger_id = body.get("trigger_id")
        if not trigger_id:
            logger.warning("A theme button arrived without a trigger_id; nothing to open")
            return
        client.views_open(trigger_id=trigger_id, view=home_blocks.theme_modal(self.kb, str(action.get("value") or "")))


def register(app: App, deps: Deps) -> None:
    """Publish the Home tab when it is opened, and open a theme's learning from its button."""
    home = Home(deps)
    app.event("app_home_opened")(home.opened)
    app.action(home_blocks.OPEN_THEME_ACTION)(home.open_theme)
