"""When the weekly digest is due: a weekly slot (a day and time in a timezone, or a cron expression) and ISO weeks.

The slot is computed with APScheduler's `CronTrigger`, the same trigger `bot/scheduler.py` runs, so the
scheduler and the "is this week's digest due?" check can never disagree. Daylight saving is the trigger's job:
09:00 Europe/London is 08:00 UTC in summer and 09:00 UTC in winter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Standard cron numbers weekdays from Sunday (0 or 7); APScheduler 3 numbers them from Monday. We translate.
CRON_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
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


def iso_week(moment: datetime, timezone: ZoneInfo) -> str:
    """The ISO week of a moment in a timezone, as `2026-W48`."""
    year, week, _ = _aware(moment).astimezone(timezone).isocalendar()
    return f"{year}-W{week:02d}"


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("schedule times must be timezone-aware datetimes")
    return moment


@dataclass(frozen=True)
class Schedule:
    """The digest's weekly slot."""

    trigger: CronTrigger
    timezone: ZoneInfo
    description: str

    @classmethod
    def weekly(
        cls, *, day: str = "mon", time: str = "09:00", timezone: str = "Europe/London", cron: str | None = None
    ) -> Schedule:
        """A slot from settings: `cron` if given, else `day` at `time`, both in `timezone`."""
        zone = parse_timezone(timezone)
        if cron and cron.strip():
            return cls(cron_trigger(cron, zone), zone, f"cron '{' '.join(cron.split())}' ({zone.key})")
        short = parse_day(day)
        hour, minute = parse_time(time)
        trigger = CronTrigger(day_of_week=short, hour=hour, minute=minute, timezone=zone)
        name = DAY_NAMES[DAYS.index(short)]
        return cls(trigger, zone, f"{name}s at {hour:02d}:{minute:02d} ({zone.key})")

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
