"""Background jobs started by `learning-bot serve`: the weekly learning digest."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler
    from slack_sdk.web import WebClient

    from bot.settings import Settings
    from knowledge.base import KnowledgeBase
    from knowledge.records.state import StateStore

logger = logging.getLogger(__name__)


def start_background_jobs(
    settings: Settings, kb: KnowledgeBase, state: StateStore, client: WebClient
) -> BackgroundScheduler | None:
    """Start the digest scheduler when DIGEST_CHANNEL is set; return it (call `.shutdown()` to stop), else None."""
    if not settings.digest_channel:
        logger.info("DIGEST_CHANNEL is not set: the weekly learning digest is off")
        return None
    from bot.scheduler import make_digests, start_scheduler

    return start_scheduler(make_digests(settings, kb, state, client=client))
