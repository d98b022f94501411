"""The in-process schedule that `learning-bot serve` starts: APScheduler jobs, catch-up at start-up."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.web import WebClient

from bot.jobs import start_background_jobs
from bot.scheduler import make_digests, run_due, start_scheduler
from bot.settings import Settings
from bot.slack_poster import posting_client
from knowledge.base import KnowledgeBase
from knowledge.records.state import StateStore

from .digesting import (
    MONDAY_SLOT,
    TOKEN,
    WEEK,
    _no_digest_env,  # noqa: F401 (autouse fixture)
    utc,
)
from .fakeslack import FakeSlack


def settings_for(fake: FakeSlack, tmp_path: Path, **extra: object) -> Settings:
    values = {
        "slack_bot_token": TOKEN,
        "slack_api_url": fake.url,
        "digest_channel": "CDIGEST",
        "learning_bot_state": tmp_path / "state.db",
        **extra,
    }
    return Settings(_env_file=None, **values)


def test_no_digest_channel_means_no_scheduler(kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path) -> None:
    settings = settings_for(fake_slack, tmp_path, digest_channel="")
    client = WebClient(token=TOKEN, base_url=fake_slack.url)
    assert start_background_jobs(settings, kb, StateStore(settings.learning_bot_state), client) is None


def test_background_jobs_schedule_the_weekly_slot_and_a_catch_up(
    kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    settings = settings_for(fake_slack, tmp_path)
    client = WebClient(token=TOKEN, base_url=fake_slack.url)
    scheduler = start_background_jobs(settings, kb, StateStore(settings.learning_bot_state), client)
    assert scheduler is not None
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {"digest", "digest-catch-up"}
        slot = jobs["digest"].trigger.get_next_fire_time(None, utc(2026, 3, 27, 12, 0))
        assert slot.astimezone(UTC) == utc(2026, 3, 30, 8, 0)  # 09:00 BST
        assert slot.tzinfo == ZoneInfo("Europe/London")
    finally:
        scheduler.shutdown(wait=True)


def test_the_catch_up_at_start_up_posts_a_missed_slot_once(
    kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    settings = settings_for(fake_slack, tmp_path)
    state = StateStore(settings.learning_bot_state)
    tuesday = MONDAY_SLOT + timedelta(days=1)
    digests = make_digests(settings, kb, state, client=WebClient(token=TOKEN, base_url=fake_slack.url))
    scheduler = start_scheduler(digests, clock=lambda: tuesday)
    try:
        [post] = fake_slack.wait_for("chat.postMessage")
        assert post.args["metadata"]["event_payload"]["week"] == WEEK
    finally:
        scheduler.shutdown(wait=True)
    # A second start (a restart) catches up again and finds nothing to do.
    ran = threading.Event()

    def clock() -> datetime:
        ran.set()
        return tuesday

    digests = make_digests(settings, kb, state, client=WebClient(token=TOKEN, base_url=fake_slack.url))
    scheduler = start_scheduler(digests, clock=clock)
    try:
        assert ran.wait(timeout=10)
    finally:
        scheduler.shutdown(wait=True)  # waits for the running catch-up to finish
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_a_failing_run_is_logged_not_raised(
    kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    digests = make_digests(settings_for(fake_slack, tmp_path), kb, StateStore(tmp_path / "state.db"))

    def broken() -> None:
        raise RuntimeError("clock broke")

    run_due(digests, broken)  # type: ignore[arg-type]
    assert "The digest run failed" in caplog.text


def test_next_digest_gives_the_time_and_theme(kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path) -> None:
    settings = settings_for(fake_slack, tmp_path)
    digests = make_digests(settings, kb, StateStore(settings.learning_bot_state))
    upcoming = digests.upcoming(MONDAY_SLOT - timedelta(hours=1))
    assert (upcoming.week, upcoming.late, upcoming.theme) == (WEEK, False, kb.themes()[0].id)
    assert upcoming.at.astimezone(UTC) == MONDAY_SLOT


def test_the_posting_client_keeps_the_token_and_url_but_not_blind_retries(fake_slack: FakeSlack) -> None:
    from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

    bolt_client = WebClient(token=TOKEN, base_url=fake_slack.url, retry_handlers=[RateLimitErrorRetryHandler()])
    client = posting_client(Settings(_env_file=None), bolt_client)
    assert (client.token, client.base_url, client.retry_handlers) == (TOKEN, fake_slack.url, [])
