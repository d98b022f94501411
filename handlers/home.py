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
from knowledge.state import StateStore

from . import home_blocks

NO_DIGEST = "No weekly digest is set up for this workspace yet."


def digest_line(settings: Settings, kb: KnowledgeBase, state: StateStore, *, now: datetime | None = None) -> str:
    """When the next weekly digest goes out and on which theme, in words for the Home tab."""
    channels = tuple(getattr(settings, "digest_channel", ()) or ())
    if not channels:
        return NO_DIGEST
    day = str(getattr(settings, "digest_day", "mon")).capitalize()
    at = getattr(settings, "digest_time", "09:00")
    zone = getattr(settings, "digest_timezone", "Europe/London")
    where = ", ".join(f"<#{channel}>" for channel in channels)
    return f"Goes out every {day} at {at} ({zone}) in {where}, one learning theme a week."


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
