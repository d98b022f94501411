"""Background jobs started alongside the Slack app by `learning-bot serve` (the weekly digest goes here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bot.settings import Settings
    from knowledge.base import KnowledgeBase
    from knowledge.state import StateStore


def start_background_jobs(settings: Settings, kb: KnowledgeBase, state: StateStore, client: WebClient) -> None:
    """Start whatever runs besides answering requests. Nothing yet: the digest scheduler will start here."""
    return None
