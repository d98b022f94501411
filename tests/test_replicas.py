"""Replicas: two real `learning-bot serve --http` processes sharing one state database (SQLite file, PostgreSQL).

Driven like Slack drives them, with signed requests: the same event delivered to both is answered once, both
schedulers' digest runs give one post per channel, and the question limit counts across both.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from .fakeslack import FakeSlack
from .serving import serve_http
from .slackbot import BOT_TOKEN, CHANNEL, PRE_VERBAL_QUESTION, SIGNING_SECRET, event_envelope, mention, signed_headers
from .test_server import request

ROOT = Path(__file__).resolve().parents[1]
DIGEST_CHANNEL = "CDIGEST01"
DIGEST_TIMEZONE = "Europe/London"


class Replica:
    """One `learning-bot serve --http` process; `url` once it listens."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.process = serve_http(env, cwd)
        self.output: list[str] = []
        self._lines: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.url = self._wait_for_url()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)
            self._lines.put(line)

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if found := re.search(r"Listening on (http://127\.0\.0\.1:\d+)", line):
                return found.group(1)
        self.stop()
        raise AssertionError("replica did not start:\n" + "".join(self.output))

    def send(self, envelope: dict[str, object]) -> int:
        body = json.dumps(envelope)
        headers = signed_headers(body, content_type="application/json")
        status, _ = request(self.url, "POST", "/slack/events", body, headers)
        return status

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=15)
        self._reader.join(timeout=5)
        logged = "".join(self.output)
        assert BOT_TOKEN not in logged and SIGNING_SECRET not in logged
        assert "Traceback" not in logged, logged
        return logged


@pytest.fixture
def replicas(
    kb_path: Path, state_location: str | Path, fake_slack: FakeSlack, tmp_path: Path
) -> Iterator[tuple[Replica, Replica]]:
    today = datetime.now(ZoneInfo(DIGEST_TIMEZONE)).strftime("%a").lower()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.url,
        "LEARNING_BOT_DB": str(kb_path),
        "LEARNING_BOT_STATE": str(state_location),
        "QUESTIONS_PER_MINUTE": "3",
        # This week's digest slot is already past when both start, so both schedulers' catch-up runs post now.
        "DIGEST_CHANNEL": DIGEST_CHANNEL,
        "DIGEST_DAY": today,
        "DIGEST_TIME": "00:00",
        "DIGEST_TIMEZONE": DIGEST_TIMEZONE,
        "KNOWLEDGE_CHECK_SECONDS": "0",
        "PYTHONPATH": str(ROOT),
    }
    with ExitStack() as stack:
        first = Replica(env, tmp_path)
        stack.callback(first.stop)
        second = Replica(env, tmp_path)
        stack.callback(second.stop)
        yield first, second


def posts_to(fake: FakeSlack, channel: str) -> list[dict[str, object]]:
    return [call.args for call in fake.calls_to("chat.postMessage") if call.args.get("channel") == channel]


def settle(fake: FakeSlack, method: str, count: int) -> None:
    """Wait for `count` calls to `method`, then long enough for any wrong extra call to have been made too."""
    fake.wait_for(method, count, timeout=30)
    time.sleep(1.0)


def test_the_same_event_delivered_to_both_replicas_is_answered_once(
    replicas: tuple[Replica, Replica], fake_slack: FakeSlack
) -> None:
    first, second = replicas
    envelope = event_envelope(mention(PRE_VERBAL_QUESTION, user="UREPLICA1"))
    statuses = []
    threads = [threading.Thread(target=lambda r=replica: statuses.append(r.send(envelope))) for replica in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200]
    settle(fake_slack, "chat.postMessage", 1)
    assert len(posts_to(fake_slack, CHANNEL)) == 1
    # A different message is answered, by either replica.
    assert second.send(event_envelope(mention(PRE_VERBAL_QUESTION, user="UREPLICA2"))) == 200
    assert first.send(event_envelope(mention(PRE_VERBAL_QUESTION, user="UREPLICA3"))) == 200
    fake_slack.wait_for("chat.postMessage", 1 + 2 + 1, timeout=30)  # + the digest post
    assert len(posts_to(fake_slack, CHANNEL)) == 3


def test_both_schedulers_post_the_weeks_digest_once(replicas: tuple[Replica, Replica], fake_slack: FakeSlack) -> None:
    fake_slack.wait_for("chat.postMessage", 1, timeout=30)
    first, second = replicas
    time.sleep(1.0)
    assert len(posts_to(fake_slack, DIGEST_CHANNEL)) == 1
    logged = first.stop() + second.stop()
    assert len(re.findall(r"Digest run: \S+: posted the digest", logged)) == 1, logged


def test_the_question_limit_counts_across_both_replicas(
    replicas: tuple[Replica, Replica], fake_slack: FakeSlack
) -> None:
    first, second = replicas
    user = "ULIMITED1"
    for replica in (first, second, first):  # three questions: the limit
        assert replica.send(event_envelope(mention(PRE_VERBAL_QUESTION, user=user))) == 200
    fake_slack.wait_for("chat.postMessage", 3 + 1, timeout=30)
    for replica in (second, first):  # over it on either replica: one private notice, no answer
        assert replica.send(event_envelope(mention(PRE_VERBAL_QUESTION, user=user))) == 200
    settle(fake_slack, "chat.postEphemeral", 1)
    assert len(posts_to(fake_slack, CHANNEL)) == 3
    notices = fake_slack.calls_to("chat.postEphemeral")
    assert len(notices) == 1 and notices[0].args["user"] == user
