"""Drive the real Slack app over HTTP: waitress on 127.0.0.1, requests signed exactly as Slack signs them.

`RunningBot` builds the app with `create_app` (its Web API pointed at a `FakeSlack`), serves it with the same
`HttpServer` that `learning-bot serve --http` uses, and sends events, slash commands and button presses.
"""

from __future__ import annotations

import http.client
import itertools
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

from slack_sdk.signature import SignatureVerifier

from bot.acks import WAIT_SECONDS
from bot.app import create_app
from bot.server import THREADS, HttpServer
from bot.settings import Settings
from knowledge.base import KnowledgeBase
from knowledge.records.state import StateStore, open_state_store

from .fakeslack import BOT_USER_ID, TEAM_ID, FakeSlack

BOT_TOKEN = "xoxb-0000000000-test-bot-token-do-not-log"
SIGNING_SECRET = "5ec12e7-test-signing-secret-do-not-log"
APP_ID = "A0000APP1"
USER_ID = "U0000USER"
CHANNEL = "C0000CHAN"
DM_CHANNEL = "D0000DM01"
PRE_VERBAL_QUESTION = "how do we hear the voice of pre-verbal children?"
PRE_VERBAL = "Specific consideration should be given to evidencing the child's lived experience for pre-verbal"

_ids = itertools.count(1)


def unique_ts() -> str:
    return f"{int(time.time())}.{next(_ids):06d}"


def unique_event_id() -> str:
    return f"Ev{next(_ids):010d}"


def signed_headers(
    body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None, content_type: str
) -> dict[str, str]:
    """The headers Slack sends: X-Slack-Request-Timestamp and the v0 HMAC signature of timestamp and body."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }


def event_envelope(event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or unique_event_id(),
        "event_time": int(time.time()),
        "authorizations": [{"enterprise_id": None, "team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
    }


def mention(
    text: str, *, channel: str = CHANNEL, ts: str | None = None, thread_ts: str | None = None, user: str = USER_ID
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER_ID}> {text}",
        "ts": ts or unique_ts(),
        "channel": channel,
    }
    event["event_ts"] = event["ts"]
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def message(
    text: str,
    *,
    channel: str = DM_CHANNEL,
    channel_type: str = "im",
    ts: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "message",
        "user": USER_ID,
        "text": text,
        "ts": ts or unique_ts(),
        "channel": channel,
        "channel_type": channel_type,
    }
    event["event_ts"] = event["ts"]
    event.update(extra)
    return event


@dataclass
class Reply:
    status: int
    body: bytes


class RunningBot:
    """The app served over HTTP on 127.0.0.1 with its Web API at `fake`; use as a context manager."""

    def __init__(
        self,
        kb: KnowledgeBase,
        fake: FakeSlack,
        state_path: Path | str,
        *,
        ack_wait: float = WAIT_SECONDS,
        threads: int = THREADS,
        **settings: Any,
    ) -> None:
        self.fake = fake
        self.settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            slack_bot_token=BOT_TOKEN,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=fake.url,
            learning_bot_state=state_path,
            **settings,
        )
        self.state: StateStore = open_state_store(state_path)  # a file, or a postgresql:// URL
        self.executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="test-listener")
        self.app = create_app(self.settings, kb, self.state, listener_executor=self.executor)
        self.server = HttpServer(
            self.app, kb, host="127.0.0.1", port=0, signing_secret=SIGNING_SECRET, ack_wait=ack_wait, threads=threads
        ).start()
        parsed = urlparse(self.server.url)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 0

    def __enter__(self) -> RunningBot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.server.stop()
        self.executor.shutdown(wait=True)

    def drain(self) -> None:
        """Wait until every listener started so far has finished (no more work will be accepted after)."""
        self.executor.shutdown(wait=True)

    # -- requests ----------------------------------------------------------------------------------------------
    def request(self, method: str, path: str, body: str = "", headers: dict[str, str] | None = None) -> Reply:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            conn.request(method, path, body=body.encode(), headers=headers or {})
            response = conn.getresponse()
            return Reply(response.status, response.read())
        finally:
            conn.close()

    def post(self, body: str, *, content_type: str, retry: int | None = None, **signing: Any) -> Reply:
        headers = signed_headers(body, content_type=content_type, **signing)
        if retry is not None:
            headers["X-Slack-Retry-Num"] = str(retry)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        return self.request("POST", "/slack/events", body, headers)

    def send_event(self, event: dict[str, Any], *, event_id: str | None = None, **kwargs: Any) -> Reply:
        body = json.dumps(event_envelope(event, event_id=event_id))
        return self.post(body, content_type="application/json", **kwargs)

    def send_command(self, command: str, text: str, *, response_url: str, **kwargs: Any) -> Reply:
        form = {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "channel_id": CHANNEL,
            "channel_name": "safeguarding",
            "user_id": USER_ID,
            "user_name": "practitioner",
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "response_url": response_url,
            "trigger_id": "1234.5678.abcdef",
        }
        return self.post(urlencode(form), content_type="application/x-www-form-urlencoded", **kwargs)

    def send_action(self, payload: dict[str, Any], **kwargs: Any) -> Reply:
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, content_type="application/x-www-form-urlencoded", **kwargs)


def button_press(
    posted: dict[str, Any], *, response_url: str, channel: str = CHANNEL, ephemeral: bool = False
) -> dict[str, Any]:
    """The block_actions payload Slack sends when the "More" button of a posted message is pressed."""
    button = next(
        element
        for block in posted["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("action_id") == "more_results"
    )
    message_ts = posted.get("ts") or unique_ts()
    container: dict[str, Any] = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel,
        "is_ephemeral": ephemeral,
    }
    if posted.get("thread_ts"):
        container["thread_ts"] = posted["thread_ts"]
    return {
        "type": "block_actions",
        "user": {"id": USER_ID, "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "team": {"id": TEAM_ID},
        "container": container,
        "channel": {"id": channel},
        "message": {"ts": message_ts, "thread_ts": posted.get("thread_ts"), "blocks": posted["blocks"]},
        "response_url": response_url,
        "trigger_id": "1234.5678.abcdef",
        "actions": [{**button, "block_id": "more", "action_ts": unique_ts()}],
    }


def posted_text(args: dict[str, Any]) -> str:
    """Everything visible in a posted message: its text and every text in its blocks."""
    return args.get("text", "") + "\n" + json.dumps(args.get("blocks", []), ensure_ascii=False)
