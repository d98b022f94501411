"""`SlackPoster`, the slack_sdk side of the digest's `DigestPoster`: each Slack answer becomes the right domain
error, against the local fake Slack (and, for a dropped connection, a socket that reads the request and hangs up)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from slack_sdk.web import WebClient

from bot.slack_poster import CHANNEL_ERRORS, SlackPoster
from knowledge.services.ports import (
    ChannelUnavailable,
    DigestLabel,
    DigestPoster,
    MaybePosted,
    PostRefused,
    RateLimited,
    Unreachable,
)

from .fakeslack import FakeSlack

LABEL = DigestLabel("2026-W48", "cse")
BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}]


def poster_at(url: str) -> SlackPoster:
    return SlackPoster(WebClient(token="xoxb-test-poster", base_url=url, retry_handlers=[], timeout=5))


def post(poster: DigestPoster) -> str:
    return poster.post("CDIGEST", text="Learning theme of the week", blocks=BLOCKS, label=LABEL)


def test_a_post_carries_its_label_and_is_found_by_it(fake_slack: FakeSlack) -> None:
    poster = poster_at(fake_slack.url)
    ts = post(poster)
    [call] = fake_slack.calls_to("chat.postMessage")
    payload = {"week": "2026-W48", "theme": "cse"}
    assert call.args["metadata"] == {"event_type": "learning_digest", "event_payload": payload}
    assert call.args["blocks"] == BLOCKS
    assert poster.find("CDIGEST", week="2026-W48", since=0) == ts
    assert poster.find("CDIGEST", week="2026-W49", since=0) is None
    assert poster.find("COTHER", week="2026-W48", since=0) is None


def test_tell_sends_a_direct_message_and_link_writes_a_channel_link(fake_slack: FakeSlack) -> None:
    poster = poster_at(fake_slack.url)
    poster.tell("UADMIN1", "a problem")
    [call] = fake_slack.calls_to("chat.postMessage")
    assert (call.args["channel"], call.args["text"]) == ("UADMIN1", "a problem")
    assert poster.link("C0123") == "<#C0123>"


def test_a_429_is_rate_limited_with_its_retry_after(fake_slack: FakeSlack) -> None:
    fake_slack.queue("chat.postMessage", status=429, Retry_After="7")
    with pytest.raises(RateLimited) as raised:
        post(poster_at(fake_slack.url))
    assert (raised.value.retry_after, raised.value.code) == (7.0, "ratelimited")
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # one call: waiting is the caller's policy


@pytest.mark.parametrize("error", sorted(CHANNEL_ERRORS))
def test_a_channel_the_bot_cannot_post_to_says_how_to_fix_it(fake_slack: FakeSlack, error: str) -> None:
    fake_slack.queue("chat.postMessage", body={"ok": False, "error": error})
    with pytest.raises(ChannelUnavailable) as raised:
        post(poster_at(fake_slack.url))
    assert raised.value.code == error
    assert raised.value.fix == CHANNEL_ERRORS[error]


def test_another_refusal_is_certain_and_has_no_fix(fake_slack: FakeSlack) -> None:
    fake_slack.queue("chat.postMessage", body={"ok": False, "error": "invalid_blocks"})
    with pytest.raises(PostRefused) as raised:
        post(poster_at(fake_slack.url))
    assert raised.value.code == "invalid_blocks"
    assert not isinstance(raised.value, ChannelUnavailable)


def test_a_server_error_may_have_posted(fake_slack: FakeSlack) -> None:
    fake_slack.queue("chat.postMessage", status=500, body={"ok": False, "error": "internal_error"})
    with pytest.raises(MaybePosted) as raised:
        post(poster_at(fake_slack.url))
    assert raised.value.code == "internal_error"


def test_a_refused_connection_is_unreachable_not_maybe_posted() -> None:
    closed = FakeSlack()
    url = closed.url
    closed.server.server_close()  # nothing listens on the port
    with pytest.raises(Unreachable) as raised:
        post(poster_at(url))
    assert not isinstance(raised.value, MaybePosted)


@pytest.fixture
def hang_up_url() -> Iterator[str]:
    """A server that reads the whole request and closes the connection without answering."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(2)
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                head, _, body = data.partition(b"\r\n\r\n")
                lines = head.lower().split(b"\r\n")
                length = next((int(line.split(b":")[1]) for line in lines if line.startswith(b"content-length")), 0)
                while len(body) < length:
                    body += conn.recv(65536)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/api/"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def test_a_connection_dropped_after_the_request_may_have_posted(hang_up_url: str) -> None:
    with pytest.raises(MaybePosted):
        post(poster_at(hang_up_url))
