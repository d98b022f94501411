"""Slack listeners, grouped by surface."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.settings import Settings
    from knowledge.base import KnowledgeBase
    from knowledge.state import StateStore


def register(app: App, *, kb: KnowledgeBase, settings: Settings, state: StateStore) -> None:
    """Register every listener group on the app."""
    from . import actions, commands, digest, questions

    questions.register(app, kb=kb, settings=settings, state=state)
    commands.register(app, kb=kb, settings=settings, state=state)
    actions.register(app, kb=kb, settings=settings, state=state)
    digest.register(app, kb=kb, settings=settings, state=state)
