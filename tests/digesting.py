"""Helpers for the digest tests: a `Digests` wired to the fake Slack, and fixed moments in time."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from slack_sdk.web import WebClient

from bot.scheduler import weekly_schedule
from bot.slack_poster import SlackPoster
from handlers.digest_blocks import digest_message
from knowledge.base import KnowledgeBase
from knowledge.records.digest_log import DigestLog
from knowledge.records.state import open_state_store
from knowledge.services.delivery import Digests
from knowledge.services.schedule import Schedule

TOKEN = "xoxb-test-digest-token"
ROOT = Path(__file__).resolve().parents[1]


def digest_cli_env(*, api_url: str, state: str | Path, db: Path) -> dict[str, str]:
    """The environment of a `learning-bot digest post` process: this token, Slack at `api_url`, channel CDIGEST."""
    return {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": api_url,
        "DIGEST_CHANNEL": "CDIGEST",
        "LEARNING_BOT_STATE": str(state),
        "LEARNING_BOT_DB": str(db),
        "PYTHONPATH": str(ROOT),
    }


ADMINS = ("UADMIN1", "UADMIN2")
# Monday 23 November 2026: the 09:00 Europe/London slot is 09:00 UTC (winter time).
MONDAY_SLOT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
WEEK = "2026-W48"


class Sleeps(list[float]):
    """A stand-in for time.sleep that records how long it was asked to wait, and returns at once."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_digests(
    kb: KnowledgeBase,
    state_path: str | Path,
    url: str | None,
    *,
    channels: tuple[str, ...] = ("CDIGEST",),
    admins: tuple[str, ...] = ADMINS,
    schedule: Schedule | None = None,
    sleep: Sleeps | None = None,
) -> Digests:
    """A fresh `Digests` (as after a restart) on the state file, posting to the fake Slack at `url`."""
    client = WebClient(token=TOKEN, base_url=url, retry_handlers=[], timeout=5) if url else None
    return Digests(
        kb,
        DigestLog(open_state_store(state_path)),
        schedule or weekly_schedule(),
        poster=SlackPoster(client) if client else None,
        channels=channels,
        admins=admins,
        render=digest_message,
        sleep=sleep if sleep is not None else Sleeps(),
    )


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


DIGEST_ENV = ("DIGEST_CHANNEL", "DIGEST_DAY", "DIGEST_TIME", "DIGEST_TIMEZONE", "DIGEST_CRON", "ADMIN_USER_IDS")


@pytest.fixture(autouse=True)
def _no_digest_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Digest settings come only from the test (imported by each digest test module: autouse there)."""
    for name in DIGEST_ENV:
        monkeypatch.delenv(name, raising=False)
