"""The digest's schedule, run in-process by APScheduler (`learning-bot serve`), and the `Digests` factory.

The slot is an APScheduler `CronTrigger` built here from the settings (a day and time, or a cron expression, in
the digest timezone, so daylight saving is handled); `knowledge.services.schedule.Schedule` asks the same trigger
object when a week's digest is due. Two jobs: the weekly slot, and a catch-up every 15 minutes, first run at
start-up, which posts this week's digest if its slot has passed and it has not been posted (the bot was down on
Monday). Both run the same exactly-once protocol (`knowledge/services/delivery.py`), so running them together,
or next to a cron job or another instance, still gives one post per channel per week.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from knowledge.base import KnowledgeBase
from knowledge.records.digest_log import DigestLog
from knowledge.records.state import StateStore
from knowledge.services.delivery import Digests
from knowledge.services.schedule import (
    DAY_NAMES,
    DAYS,
    Schedule,
    ScheduleError,
    parse_day,
    parse_time,
    parse_timezone,
    utc_now,
)

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler
    from slack_sdk.web import WebClient

    from bot.settings import Settings

logger = logging.getLogger(__name__)

CATCH_UP_MINUTES = 15
# Standard cron numbers weekdays from Sunday (0 or 7); APScheduler 3 numbers them from Monday. We translate.
CRON_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
Clock = Callable[[], datetime]


def weekly_schedule(
    *, day: str = "mon", time: str = "09:00", timezone: str = "Europe/London", cron: str | None = None
) -> Schedule:
    """A slot from settings: `cron` if given, else `day` at `time`, both in `timezone`."""
    zone = parse_timezone(timezone)
    if cron and cron.strip():
        return Schedule(cron_trigger(cron, zone), zone, f"cron '{' '.join(cron.split())}' ({zone.key})")
    short = parse_day(day)
    hour, minute = parse_time(time)
    trigger = CronTrigger(day_of_week=short, hour=hour, minute=minute, timezone=zone)
    name = DAY_NAMES[DAYS.index(short)]
    return Schedule(trigger, zone, f"{name}s at {hour:02d}:{minute:02d} ({zone.key})")


def digest_schedule(settings: Settings) -> Schedule:
    return weekly_schedule(
        day=settings.digest_day,
        time=settings.digest_time,
        timezone=settings.digest_timezone,
        cron=settings.digest_cron,
    )


def cron_trigger(expression: str, timezone: ZoneInfo) -> CronTrigger:
    """A trigger for a standard five-field crontab expression (minute hour day month weekday).

    Weekday numbers follow cron (0 and 7 are Sunday), not APScheduler 3's own numbering (0 is Monday).
    """
    fields = expression.split()
    if len(fields) != 5:
        raise ScheduleError(
            f"digest cron {expression!r} needs 5 fields (minute hour day month weekday), got {len(fields)}"
        )
    minute, hour, day, month, weekday = fields
    try:
        return CronTrigger(
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=_cron_weekdays(weekday),
            timezone=timezone,
        )
    except ValueError as exc:
        raise ScheduleError(f"digest cron {expression!r}: {exc}") from exc


def _cron_weekdays(field: str) -> str:
    """Translate cron weekday numbers to names APScheduler reads the same way ("1-5" -> "mon,tue,wed,thu,fri")."""
    if not re.search(r"\d", field):
        return field
    days: list[str] = []
    for part in field.split(","):
        match = re.fullmatch(r"(\*|\d|[a-z]{3})(?:-(\d|[a-z]{3}))?(?:/(\d+))?", part.strip().lower())
        if not match:
            raise ScheduleError(f"digest cron weekday field {field!r} is not valid")
        start, end, step = match.groups()
        first = 0 if start == "*" else _cron_weekday_number(start)
        last = 6 if start == "*" else _cron_weekday_number(end) if end else first
        if start != "*" and not end and step:
            last = 6
        if last < first:
            raise ScheduleError(f"digest cron weekday range {part!r} runs backwards")
        for number in range(first, last + 1, int(step or 1)):
            if CRON_WEEKDAYS[number] not in days:
                days.append(CRON_WEEKDAYS[number])
    return ",".join(days)


def _cron_weekday_number(token: str) -> int:
    if token.isdigit():
        number = int(token)
        if number > 7:
            raise ScheduleError(f"digest cron weekday {token!r} is not 0-7")
        return number
    if token in CRON_WEEKDAYS:
        return CRON_WEEKDAYS.index(token)
    raise ScheduleError(f"digest cron weekday {token!r} is not a day")


def check_schedule_field(name: str, value: str | None) -> str | None:
    """Validate (and normalise) one of the digest schedule settings; raise ScheduleError with a clear message."""
    if name == "digest_day":
        return parse_day(value or "")
    if name == "digest_time":
        hour, minute = parse_time(value or "")
        return f"{hour:02d}:{minute:02d}"
    if name == "digest_timezone":
        parse_timezone(value or "")
        return (value or "").strip()
    if name == "digest_cron":
        if value is None or not value.strip():
            return None
        cron_trigger(value, ZoneInfo("UTC"))
        return " ".join(value.split())
    raise ScheduleError(f"unknown schedule setting {name!r}")


def make_digests(
    settings: Settings,
    kb: KnowledgeBase,
    state: StateStore,
    *,
    client: WebClient | None = None,
    sleep: Callable[[float], None] | None = None,
) -> Digests:
    """The digest service as configured: schedule, channels, admins, and (with a client or token) posting."""
    from bot.slack_poster import SlackPoster, posting_client
    from handlers.digest_blocks import digest_message

    can_post = client is not None or settings.slack_bot_token is not None
    extra = {"sleep": sleep} if sleep is not None else {}
    return Digests(
        kb,
        DigestLog(state),
        digest_schedule(settings),
        poster=SlackPoster(posting_client(settings, client)) if can_post else None,
        channels=settings.digest_channel,
        admins=settings.admin_user_ids,
        render=digest_message,
        **extra,
    )


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
