"""`learning-bot serve`: missing settings named exactly, a refused token, and the real process in HTTP mode."""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from knowledge.base import KnowledgeBase

from .fakeslack import FakeSlack
from .serving import served_bot
from .slackbot import (
    BOT_TOKEN,
    PRE_VERBAL,
    PRE_VERBAL_QUESTION,
    SIGNING_SECRET,
    RunningBot,
    event_envelope,
    mention,
    signed_headers,
)

APP_TOKEN = "xapp-1-A000-0000-test-app-token-do-not-log"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def no_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run where no `.env` can supply settings."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def serve(*args: str, db: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), "serve", *args])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--http"], {}, "set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET for HTTP mode"),
        (["--http"], {"SLACK_BOT_TOKEN": BOT_TOKEN}, "set SLACK_SIGNING_SECRET for HTTP mode"),
        (["--http"], {"SLACK_SIGNING_SECRET": SIGNING_SECRET}, "set SLACK_BOT_TOKEN for HTTP mode"),
        ([], {}, "set SLACK_APP_TOKEN and SLACK_BOT_TOKEN for Socket Mode"),
        ([], {"SLACK_APP_TOKEN": APP_TOKEN}, "set SLACK_BOT_TOKEN for Socket Mode"),
        ([], {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}, "set SLACK_APP_TOKEN for Socket"),
        (
            [],
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": BOT_TOKEN},
            "must be an app-level token (it starts with xapp-)",
        ),
    ],
)
def test_missing_settings_are_named_and_no_secret_is_printed(
    kb_path: Path, no_dotenv: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str], message: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, output = serve(*args, db=kb_path)
    assert code != 0
    assert message in output
    for secret in (BOT_TOKEN, SIGNING_SECRET, APP_TOKEN):
        assert secret not in output


def test_a_token_slack_refuses_stops_start_up_without_printing_it(
    kb_path: Path, no_dotenv: Path, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_slack.queue("auth.test", body={"ok": False, "error": "invalid_auth"})
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", fake_slack.url)
    code, output = serve("--http", "--host", "127.0.0.1", "--port", "0", db=kb_path)
    assert code == 1
    assert "Slack did not accept SLACK_BOT_TOKEN" in output and "invalid_auth" in output
    assert BOT_TOKEN not in output and SIGNING_SECRET not in output


def test_an_unreachable_slack_api_stops_start_up_with_a_clear_message(
    kb_path: Path, no_dotenv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed_url = f"http://127.0.0.1:{probe.getsockname()[1]}/api/"
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", closed_url)
    code, output = serve("--http", "--host", "127.0.0.1", "--port", "0", db=kb_path)
    assert code == 1
    assert f"could not reach Slack's Web API at {closed_url}" in output
    assert "Traceback" not in output
    assert BOT_TOKEN not in output and SIGNING_SECRET not in output


def test_a_dotenv_file_is_read(kb_path: Path, no_dotenv: Path, fake_slack: FakeSlack) -> None:
    (no_dotenv / ".env").write_text(f"SLACK_BOT_TOKEN={BOT_TOKEN}\nSLACK_API_URL={fake_slack.url}\n", encoding="utf-8")
    code, output = serve("--http", db=kb_path)
    assert code != 0
    assert "set SLACK_SIGNING_SECRET for HTTP mode" in output  # the token came from .env


@pytest.fixture
def served(kb_path: Path, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`learning-bot serve --http` as a real process on a free port; yields (process, base URL).

    How fast it starts is the bench's business (a cold `ask`); here a generous deadline only stops a hang.
    """
    with served_bot(kb_path, fake_slack, tmp_path) as bot:
        yield bot.process, bot.url


def request(
    url: str, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request(method, path, body=body.encode(), headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_serve_http_answers_a_signed_mention_and_stops_on_sigterm(
    served: tuple[subprocess.Popen[str], str], fake_slack: FakeSlack
) -> None:
    process, url = served
    status, body = request(url, "GET", "/healthz")
    assert (status, json.loads(body)) == (200, {"ok": True})
    payload = json.dumps(event_envelope(mention(PRE_VERBAL_QUESTION)))
    status, _ = request(url, "POST", "/slack/events", payload, signed_headers(payload, content_type="application/json"))
    assert status == 200
    [post] = fake_slack.wait_for("chat.postMessage")
    assert PRE_VERBAL in json.dumps(post.args["blocks"])
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0


def test_stopping_a_server_whose_loop_lost_its_wake_up_pipe_closes_it_without_an_error(
    kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    """Seen once in a CI run: the wake-up pipe was closed before `stop()` pulled it (EBADF at a test teardown)."""
    running = RunningBot(kb, fake_slack, tmp_path / "state.db")
    server = running.server
    assert running.request("GET", "/healthz").status == 200
    server.server.trigger.close()  # what the loop does to its trigger when it fails
    running.close()  # no OSError
    with pytest.raises(OSError):
        http.client.HTTPConnection(running.host, running.port, timeout=2).request("GET", "/healthz")
