"""When the weekly digest is due: the slots of a trigger, ISO weeks, and reading a day, a time and a timezone.

A `Schedule` asks its `Trigger` for the next slot; `bot/scheduler.py` builds that trigger (APScheduler's
`CronTrigger`, from a day and time or a cron expression) and runs the very same object, so the scheduler and the
"is this week's digest due?" check can never disagree. Daylight saving is the trigger's job: 09:00
Europe/London is 08:00 UTC in summer and 09:00 UTC in winter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_LOOKBACK = (timedelta(hours=1), timedelta(days=1), timedelta(days=8), timedelta(days=32), timedelta(days=367))
_MAX_STEPS = 2000


class ScheduleError(ValueError):
    """A digest day, time, timezone or cron expression that cannot be used."""


def parse_day(value: str) -> str:
    """`mon`, `Monday`, `MON` -> `mon`."""
    wanted = value.strip().lower()
    for short, name in zip(DAYS, DAY_NAMES, strict=True):
        if wanted in (short, name.lower()):
            return short
    raise ScheduleError(f"digest day {value!r} is not a day of the week (use mon, tue, ... sun)")


def parse_time(value: str) -> tuple[int, int]:
    """`09:00` or `9:00` (24-hour clock) -> (9, 0)."""
    match = _TIME.match(value.strip())
    if not match:
        raise ScheduleError(f"digest time {value!r} is not a 24-hour time like 09:00")
    return int(match.group(1)), int(match.group(2))


def parse_timezone(value: str) -> ZoneInfo:
    try:
        return ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleError(f"digest timezone {value!r} is not a known timezone (e.g. Europe/London)") from exc


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso_week(moment: datetime, timezone: ZoneInfo) -> str:
    """The ISO week of a moment in a timezone, as `2026-W48`."""
    year, week, _ = _aware(moment).astimezone(timezone).isocalendar()
    return f"{year}-W{week:02d}"


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("schedule times must be timezone-aware datetimes")
    return moment


class Trigger(Protocol):
    """When something fires (APScheduler's triggers have this method)."""

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None: ...


@dataclass(frozen=True)
class Schedule:
    """The digest's weekly slot."""

    trigger: Trigger
    timezone: ZoneInfo
    description: str

    def next_slot(self, now: datetime) -> datetime | None:
        """The first slot at or after `now`."""
        return self.trigger.get_next_fire_time(None, _aware(now).astimezone(self.timezone))

    def last_slot(self, now: datetime) -> datetime | None:
        """The latest slot at or before `now` (within the past year), or None."""
        now = _aware(now).astimezone(self.timezone)
        for lookback in _LOOKBACK:
            slot = self.trigger.get_next_fire_time(None, now - lookback)
            if slot is None or slot > now:
                continue
            for _ in range(_MAX_STEPS):
                following = self.trigger.get_next_fire_time(None, slot + timedelta(microseconds=1))
                if following is None or following > now:
                    return slot
                slot = following
        return None

    def week_of(self, moment: datetime) -> str:
        return iso_week(moment, self.timezone)

    def week_start(self, moment: datetime) -> datetime:
        """Monday 00:00 (in the digest timezone) of the ISO week `moment` falls in."""
        local = _aware(moment).astimezone(self.timezone)
        monday = local.date() - timedelta(days=local.weekday())
        return datetime(monday.year, monday.month, monday.day, tzinfo=self.timezone)

    def due_week(self, now: datetime) -> str | None:
        """The week whose digest is due at `now`: this ISO week once its slot has passed, else None.

        A slot missed (the bot was down) stays due, and is posted late, until its ISO week ends.
        """
        slot = self.last_slot(now)
        if slot is None or self.week_of(slot) != self.week_of(now):
            return None
        return self.week_of(slot)
