"""The digest's schedule, run in-process by APScheduler (`learning-bot serve`), and the `Digests` factory.

Two jobs: the weekly slot (a `CronTrigger` in the digest timezone, so daylight saving is handled) and a catch-up
every 15 minutes, first run at start-up, which posts this week's digest if its slot has passed and it has not
been posted (the bot was down on Monday). Both run the same exactly-once protocol (`knowledge/services/delivery.py`), so
running them together, or next to a cron job or another instance, still gives one post per channel per week.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from knowledge.base import KnowledgeBase
from knowledge.records.digest_log import DigestLog
from knowledge.records.state import StateStore
from knowledge.services.delivery import Digests, Upcoming
from knowledge.services.schedule import Schedule

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler
    from slack_sdk.web import WebClient

    from bot.settings import Settings

logger = logging.getLogger(__name__)

CATCH_UP_MINUTES = 15
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def digest_schedule(settings: Settings) -> Schedule:
    return Schedule.weekly(
        day=settings.digest_day,
        time=settings.digest_time,
        timezone=settings.digest_timezone,
        cron=settings.digest_cron,
    )


def posting_client(settings: Settings, client: WebClient | None = None) -> WebClient:
    """A Web API client for posting the digest: the bot's token and base URL, *without* slack_sdk's automatic
    retries (a connection error retried blindly could post twice; `Digests` handles 429s and lost answers)."""
    from slack_sdk.web import WebClient

    if client is not None:
        return WebClient(
            token=client.token,
            base_url=client.base_url,
            timeout=client.timeout,
            ssl=client.ssl,
            proxy=client.proxy,
            headers=dict(client.headers),
            retry_handlers=[],
        )
    return WebClient(
        token=settings.secret("slack_bot_token"), base_url=settings.slack_api_url, timeout=30, retry_handlers=[]
    )


def make_digests(
    settings: Settings,
    kb: KnowledgeBase,
    state: StateStore,
    *,
    client: WebClient | None = None,
    sleep: Callable[[float], None] | None = None,
) -> Digests:
    """The digest service as configured: schedule, channels, admins, and (with a client or token) posting."""
    from handlers.digest_blocks import digest_message

    can_post = client is not None or settings.slack_bot_token is not None
    extra = {"sleep": sleep} if sleep is not None else {}
    return Digests(
        kb,
        DigestLog(state),
        digest_schedule(settings),
        client=posting_client(settings, client) if can_post else None,
        channels=settings.digest_channel,
        admins=settings.admin_user_ids,
        render=digest_message,
        **extra,
    )


def next_digest(settings: Settings, kb: KnowledgeBase, state: StateStore, *, now: datetime | None = None) -> Upcoming:
    """When the next digest goes out and on which theme (for the App Home, previews and the CLI)."""
    return make_digests(settings, kb, state).upcoming(now or utc_now())


def run_due(digests: Digests, clock: Clock) -> None:
    """One scheduled or catch-up run; errors are logged, never raised into the scheduler thread."""
    try:
        for outcome in digests.run_due(clock()):
            logger.info("Digest run: %s", outcome.describe())
    except Exception:
        logger.exception("The digest run failed")


def start_scheduler(digests: Digests, *, clock: Clock = utc_now, catch_up: bool = True) -> BackgroundScheduler:
    """Start APScheduler in a background thread with the weekly job (and the catch-up job)."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.interval import IntervalTrigger

    schedule = digests.schedule
    scheduler = BackgroundScheduler(timezone=schedule.timezone, job_defaults={"coalesce": True, "max_instances": 1})
    scheduler.add_job(
        run_due, schedule.trigger, args=(digests, clock), id="digest", name="weekly digest", misfire_grace_time=None
    )
    if catch_up:
        scheduler.add_job(
            run_due,
            IntervalTrigger(minutes=CATCH_UP_MINUTES, timezone=schedule.timezone),
            args=(digests, clock),
            id="digest-catch-up",
            name="weekly digest catch-up",
            next_run_time=datetime.now(schedule.timezone),  # APScheduler runs on the wall clock; `clock` is ours
            misfire_grace_time=CATCH_UP_MINUTES * 60,
        )
    scheduler.start()
    logger.info("Weekly digest scheduled: %s, to %s", schedule.description, ", ".join(digests.channels))
    return scheduler
