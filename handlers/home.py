"""The App Home tab: `app_home_opened` publishes it; a theme's "Open" button shows that theme's learning."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from logging import Logger
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.settings import Settings
from knowledge.base import KnowledgeBase
from knowledge.records.state import StateStore

from . import home_blocks

NO_DIGEST = "No weekly digest is set up for this workspace yet."


def digest_line(settings: Settings, kb: KnowledgeBase, state: StateStore, *, now: datetime | None = None) -> str:
    """When the next weekly digest goes out and on which theme, in words for the Home tab."""
    if not settings.digest_channel:
        return NO_DIGEST
    from bot.scheduler import next_digest

    upcoming = next_digest(settings, kb, state, now=now)
    where = ", ".join(f"<#{home_blocks.escape(channel)}>" for channel in settings.digest_channel)
    if upcoming.theme_name is None:
        return f"The next digest in {where} has no theme to send: the knowledge base has no themes with learning."
    theme = f"*{home_blocks.escape(upcoming.theme_name)}*"
    when = upcoming.at.strftime("%A %-d %B %Y, %H:%M %Z")
    if upcoming.late:
        return f"This week's digest, on {theme}, is due (since {when}) and goes out shortly in {where}."
    return f"Next: {theme}, on {when} in {where}. One learning theme a week."


class Home:
    """The Home tab listeners, with what they need (Bolt fills their arguments by name)."""

    def __init__(
        self,
        *,
        kb: KnowledgeBase,
        settings: Settings,
        state: StateStore,
        digest: Callable[[], str] | None = None,
    ) -> None:
        self.kb = kb
        self.digest = digest or (lambda: digest_line(settings, kb, state))

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


def register(app: App, *, kb: KnowledgeBase, settings: Settings, state: StateStore) -> None:
    """Publish the Home tab when it is opened, and open a theme's learning from its button."""
    home = Home(kb=kb, settings=settings, state=state)
    app.event("app_home_opened")(home.opened)
    app.action(home_blocks.OPEN_THEME_ACTION)(home.open_theme)
