"""`learning-bot serve --http` as a real process on 127.0.0.1, for tests that need the whole program."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .fakeslack import FakeSlack
from .slackbot import BOT_TOKEN, PRE_VERBAL_QUESTION, SIGNING_SECRET

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class ServedBot:
    """The running process, its base URL, and everything it printed so far."""

    process: subprocess.Popen[str]
    url: str
    output: list[str] = field(default_factory=list)

    @property
    def host_port(self) -> tuple[str, int]:
        host, port = self.url.removeprefix("http://").split(":")
        return host, int(port)

    def log(self) -> str:
        return "".join(self.output)

    def rss_kib(self) -> int:
        """The process's resident memory (VmRSS), in KiB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))  # type: ignore[union-attr]


def serve_http(env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    """`learning-bot serve --http` on a free port of 127.0.0.1, its output (both streams) on a text pipe."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--http", "--host", "127.0.0.1", "--port", "0"],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@contextmanager
def served_bot(
    kb_path: Path, fake_slack: FakeSlack, workdir: Path, *, state: Path | str | None = None, **env_extra: str
) -> Iterator[ServedBot]:
    """Start the bot in HTTP mode on a free port; stop it with SIGTERM afterwards and check what it logged.

    Its state is `state` (a file or a PostgreSQL URL), by default `state.db` in `workdir`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SLACK_")}
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.url,
        LEARNING_BOT_DB=str(kb_path),
        LEARNING_BOT_STATE=str(workdir / "state.db" if state is None else state),
        PYTHONPATH=str(ROOT),
        **env_extra,
    )
    process = serve_http(env, workdir)
    lines: queue.Queue[str] = queue.Queue()
    output: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            lines.put(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    url = None
    deadline = time.monotonic() + 20
    while url is None and time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        if found := re.search(r"Listening on (http://127\.0\.0\.1:\d+)", line):
            url = found.group(1)
    try:
        assert url is not None, "".join(output)
        yield ServedBot(process, url, output)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)
        reader.join(timeout=5)
        logged = "".join(output)
        assert BOT_TOKEN not in logged and SIGNING_SECRET not in logged
        assert PRE_VERBAL_QUESTION not in logged
        assert "will be unused" not in logged  # Bolt's misleading token warning is filtered
        assert "Traceback" not in logged


def cut_off_while_dripping(conn: socket.socket, *, drips: int = 100, every: float = 0.1) -> bool:
    """Send one byte every `every` seconds (each would reset an idle timer) until the server closes the connection
    or `drips` bytes have gone; whether the server cut it off."""
    conn.setblocking(False)
    for _ in range(drips):
        try:
            conn.send(b"a")
            if conn.recv(1) == b"":
                return True
        except BlockingIOError:
            pass
        except OSError:
            return True
        time.sleep(every)
    return False
