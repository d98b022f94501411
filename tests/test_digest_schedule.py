"""The digest's weekly slot: DST, ISO weeks in the digest timezone, missed slots, cron expressions, bad settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.scheduler import cron_trigger, weekly_schedule
from bot.settings import Settings, SettingsError, load_settings
from knowledge.services.schedule import ScheduleError, iso_week

from .digesting import _no_digest_env, utc  # noqa: F401 (autouse fixture)

LONDON = weekly_schedule()  # Mondays 09:00 Europe/London


def test_the_default_slot_is_monday_nine_in_london() -> None:
    assert LONDON.description == "Mondays at 09:00 (Europe/London)"
    slot = LONDON.next_slot(utc(2026, 11, 26, 12, 0))  # a Thursday
    assert slot == datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.mark.parametrize(
    ("after", "slot_utc", "week"),
    [
        # Clocks go forward on Sunday 29 March 2026: Monday's 09:00 BST is 08:00 UTC.
        (utc(2026, 3, 27, 12, 0), utc(2026, 3, 30, 8, 0), "2026-W14"),
        # The Monday before, still winter time: 09:00 GMT is 09:00 UTC.
        (utc(2026, 3, 20, 12, 0), utc(2026, 3, 23, 9, 0), "2026-W13"),
        # Clocks go back on Sunday 25 October 2026: Monday's 09:00 GMT is 09:00 UTC.
        (utc(2026, 10, 23, 12, 0), utc(2026, 10, 26, 9, 0), "2026-W44"),
        # The Monday before, summer time: 09:00 BST is 08:00 UTC.
        (utc(2026, 10, 16, 12, 0), utc(2026, 10, 19, 8, 0), "2026-W43"),
    ],
)
def test_dst_weeks_keep_nine_oclock_local(after: datetime, slot_utc: datetime, week: str) -> None:
    slot = LONDON.next_slot(after)
    assert slot is not None
    assert slot.astimezone(UTC) == slot_utc
    assert slot.astimezone(ZoneInfo("Europe/London")).hour == 9
    assert LONDON.week_of(slot) == week


def test_due_after_the_slot_in_a_dst_week_not_before() -> None:
    # Monday 30 March 2026 (BST): 07:59 UTC is 08:59 local, not yet due; 08:00 UTC is 09:00 local, due.
    assert LONDON.due_week(utc(2026, 3, 30, 7, 59)) is None
    assert LONDON.due_week(utc(2026, 3, 30, 8, 0)) == "2026-W14"
    # Monday 26 October 2026 (GMT again): 08:30 UTC is 08:30 local, not yet due.
    assert LONDON.due_week(utc(2026, 10, 26, 8, 30)) is None
    assert LONDON.due_week(utc(2026, 10, 26, 9, 0)) == "2026-W44"


def test_a_missed_slot_stays_due_until_its_week_ends() -> None:
    assert LONDON.due_week(utc(2026, 11, 25, 15, 0)) == "2026-W48"  # Wednesday: late, still this week
    assert LONDON.due_week(utc(2026, 11, 29, 23, 59)) == "2026-W48"  # Sunday 23:59 London
    assert LONDON.due_week(utc(2026, 11, 30, 0, 1)) is None  # next Monday before 09:00


def test_a_friday_slot_is_not_due_early_in_the_week() -> None:
    friday = weekly_schedule(day="friday", time="16:30")
    assert friday.due_week(utc(2026, 11, 24, 10, 0)) is None  # Tuesday
    assert friday.due_week(utc(2026, 11, 27, 16, 30)) == "2026-W48"
    assert friday.last_slot(utc(2026, 11, 24, 10, 0)) == datetime(2026, 11, 20, 16, 30, tzinfo=LONDON.timezone)


def test_the_iso_week_is_taken_in_the_digest_timezone() -> None:
    # Sunday 29 March 2026 23:30 UTC is already Monday 00:30 in London.
    moment = utc(2026, 3, 29, 23, 30)
    assert iso_week(moment, ZoneInfo("UTC")) == "2026-W13"
    assert LONDON.week_of(moment) == "2026-W14"
    # ISO week 53 and the year boundary.
    assert LONDON.week_of(utc(2027, 1, 1, 12, 0)) == "2026-W53"


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        LONDON.next_slot(datetime(2026, 11, 23, 9, 0))


def test_a_cron_expression_uses_crons_weekday_numbers() -> None:
    # "1" is Monday in cron (APScheduler 3 on its own would read it as Tuesday).
    monday = weekly_schedule(cron="30 8 * * 1", timezone="Europe/London")
    slot = monday.next_slot(utc(2026, 11, 26, 12, 0))
    assert slot is not None and slot.weekday() == 0 and (slot.hour, slot.minute) == (8, 30)
    assert "cron '30 8 * * 1'" in monday.description
    for field, days in [("0", {6}), ("7", {6}), ("1-5", {0, 1, 2, 3, 4}), ("*/2", {6, 1, 3, 5}), ("mon,wed", {0, 2})]:
        trigger = cron_trigger(f"0 9 * * {field}", ZoneInfo("UTC"))
        moment, seen = utc(2026, 11, 22, 0, 0), set()
        for _ in range(10):
            moment = trigger.get_next_fire_time(None, moment + timedelta(seconds=1))
            seen.add(moment.weekday())
        assert seen == days, field


def test_a_cron_expression_firing_often_finds_its_latest_slot_quickly() -> None:
    every_ten = weekly_schedule(cron="*/10 * * * *", timezone="UTC")
    assert every_ten.last_slot(utc(2026, 11, 23, 9, 7)) == utc(2026, 11, 23, 9, 0)
    assert every_ten.due_week(utc(2026, 11, 23, 9, 7)) == "2026-W48"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DIGEST_DAY", "funday", "digest day 'funday' is not a day of the week (use mon, tue, ... sun)"),
        ("DIGEST_TIME", "9am", "digest time '9am' is not a 24-hour time like 09:00"),
        ("DIGEST_TIME", "24:00", "digest time '24:00' is not a 24-hour time like 09:00"),
        (
            "DIGEST_TIMEZONE",
            "Europe/Londn",
            "digest timezone 'Europe/Londn' is not a known timezone (e.g. Europe/London)",
        ),
        ("DIGEST_CRON", "0 9 * *", "digest cron '0 9 * *' needs 5 fields (minute hour day month weekday), got 4"),
        ("DIGEST_CRON", "0 25 * * 1", "digest cron '0 25 * * 1'"),
        ("DIGEST_CRON", "0 9 * * 8", "digest cron weekday '8' is not 0-7"),
    ],
)
def test_bad_schedule_settings_name_the_setting_and_the_problem(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert len(caught.value.lines) == 1
    assert caught.value.lines[0].startswith(f"{name}: ")
    assert message in caught.value.lines[0]


def test_schedule_settings_are_read_and_normalised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGEST_CHANNEL", " C111, C222 ;C333")
    monkeypatch.setenv("DIGEST_DAY", "Tuesday")
    monkeypatch.setenv("DIGEST_TIME", "8:05")
    monkeypatch.setenv("DIGEST_TIMEZONE", "America/New_York")
    settings = Settings()
    assert settings.digest_channel == ("C111", "C222", "C333")
    assert (settings.digest_day, settings.digest_time, settings.digest_timezone) == ("tue", "08:05", "America/New_York")
    assert settings.digest_cron is None
    for name in ("DIGEST_CHANNEL", "DIGEST_DAY", "DIGEST_TIME", "DIGEST_TIMEZONE"):
        monkeypatch.delenv(name)
    defaults = Settings(_env_file=None)
    assert (defaults.digest_day, defaults.digest_time, defaults.digest_timezone) == ("mon", "09:00", "Europe/London")
    assert defaults.digest_channel == ()


def test_schedule_error_is_a_value_error() -> None:
    assert issubclass(ScheduleError, ValueError)
