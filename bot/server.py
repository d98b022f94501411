"""Running the Slack app: HTTP mode (Bolt's WSGI adapter under waitress, behind a signature gate) or Socket Mode.

HTTP mode serves `POST /slack/events` (events, slash commands, interactivity) and `GET /healthz`. waitress reads
requests on one asynchronous loop (poll) and hands a request to its thread pool only once it has arrived whole,
so connections that send slowly cost a file descriptor each, never a thread. It is tuned so that slow or huge
requests cannot deny service:

- a body larger than `MAX_BODY_BYTES` is refused with 413 as soon as its headers say so (chunked bodies are
  counted as they arrive), before any of it is read;
- a request must arrive whole within `REQUEST_DEADLINE` seconds of its first byte (or of the connection opening),
  however slowly it drips (a kept-alive connection then idles out after waitress's default 120 seconds; a
  shorter idle timeout with more frequent clean-ups made a stopped test server's trigger fail now and then);
- up to `CONNECTION_LIMIT` connections are open at once (the open-file limit is raised to allow it), so a
  thousand slow clients leave room for Slack's requests;
- the signature is verified before anything parses the body (`bot.signatures`): unsigned or malformed requests
  get 401/400 and at most one log line a minute. With OAuth installation, `GET /slack/install` and
  `GET /slack/oauth_redirect` are opened by a browser and so pass unsigned, under the same limits and deadline.

Each signed request is acknowledged well within Slack's 3 seconds. An Events API delivery is acknowledged once its
answer is posted (at most `bot.acks.WAIT_SECONDS` after it arrived), so a process killed before answering leaves it
unacknowledged and Slack sends it again; slash commands and interactivity are acknowledged at once and answered
after, on the app's listener threads.
"""

from __future__ import annotations

import json
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable
from types import FrameType
from typing import TYPE_CHECKING, Any

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser

from bot.acks import WAIT_SECONDS, AnsweredBeforeAck
from bot.settings import Settings
from bot.signatures import MAX_BODY_BYTES, SignedOnly
from knowledge.base import KnowledgeBase
from knowledge.live import LiveKnowledge
from knowledge.records.state import open_state_store
from knowledge.workspaces import Workspaces

if TYPE_CHECKING:
    from slack_bolt import App

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
THREADS = 32  # requests handled at once (an event is acknowledged once answered; a command once its listener acks)
PROMPT_THREADS = 8  # of those, never held by an event waiting for its answer: commands and overflow ack at once
BACKLOG = 1024  # connections the kernel queues before waitress accepts them
CONNECTION_LIMIT = 4000  # open connections at once; slow clients cost a file descriptor each, not a thread
REQUEST_DEADLINE = 10.0  # seconds for a whole request to arrive; Slack's arrive in milliseconds
MAX_HEADER_BYTES = 64 * 1024
SPARE_FILES = 64  # file descriptors kept for everything but connections (databases, logs, Slack's Web API)

logger = logging.getLogger("learning_bot.server")

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class MissingSettings(Exception):
    """The settings a mode needs are not all set; the message names exactly which to set."""


def missing_settings(settings: Settings, *, http: bool) -> str | None:
    """What to set before serving in the chosen mode, or None when everything needed is there."""
    has = {
        name.upper(): bool(settings.secret(name))
        for name in ("slack_bot_token", "slack_signing_secret", "slack_app_token")
    }
    if settings.oauth:  # each workspace's token comes from its installation; Slack needs HTTP for installs
        if not http:
            return "OAuth installation (SLACK_CLIENT_ID) needs HTTP mode: run `learning-bot serve --http`"
        return None if has["SLACK_SIGNING_SECRET"] else "set SLACK_SIGNING_SECRET for HTTP mode (environment or .env)"
    if http:
        needed = [name for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET") if not has[name]]
        return f"set {' and '.join(needed)} for HTTP mode (environment or .env)" if needed else None
    needed = [name for name in ("SLACK_APP_TOKEN", "SLACK_BOT_TOKEN") if not has[name]]
    if needed:
        return (
            f"set {' and '.join(needed)} for Socket Mode (environment or .env), or run `learning-bot serve --http`"
            " with SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET for HTTP mode"
        )
    if not (settings.secret("slack_app_token") or "").startswith("xapp-"):
        return "SLACK_APP_TOKEN must be an app-level token (it starts with xapp-) with the connections:write scope"
    return None


def wsgi_app(
    app: App,
    kb: KnowledgeBase | LiveKnowledge | Workspaces,
    *,
    signing_secret: str,
    max_body: int = MAX_BODY_BYTES,
    max_held: int = THREADS - PROMPT_THREADS,
    ack_wait: float = WAIT_SECONDS,
) -> WsgiApp:
    """The WSGI application: `GET /healthz` answered here; signed, well-formed POSTs to Bolt; with OAuth
    installation, its two pages (unsigned by design: a browser opens them) to Bolt too; anything else refused."""
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    oauth = app.oauth_flow
    slack = SignedOnly(
        AnsweredBeforeAck(SlackRequestHandler(app, path=EVENTS_PATH), max_held=max_held, wait_seconds=ack_wait),
        signing_secret=signing_secret,
        path=EVENTS_PATH,
        max_body=max_body,
        unsigned_pages=(oauth.install_path, oauth.redirect_uri_path) if oauth is not None else (),
    )

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            healthy = is_healthy(kb)
            body = json.dumps({"ok": healthy}).encode()
            start_response(
                "200 OK" if healthy else "503 Service Unavailable",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return slack(environ, start_response)

    return application


def is_healthy(kb: KnowledgeBase | LiveKnowledge | Workspaces) -> bool:
    """True when the knowledge base (every workspace's, with several) answers a trivial query."""
    try:
        for each in kb.all() if isinstance(kb, Workspaces) else [kb]:
            each.conn.execute("SELECT count(*) FROM items").fetchone()
    except Exception:
        logger.exception("The knowledge base is not readable")
        return False
    return True


class RequestParser(HTTPRequestParser):
    """waitress's parser with a path before one is parsed: for a request whose first line is garbage and whose
    client hangs up before the 400 is written, waitress logs "Client disconnected while serving <path>", and
    without one that line became an AttributeError traceback (waitress 3.0.2)."""

    path = "(no path)"


class DeadlineChannel(HTTPChannel):
    """A waitress connection that must deliver each request whole within `deadline` seconds of starting it.

    waitress's own timeout counts idleness, and every byte resets it: a client sending one byte a second would
    hold its connection for ever. Here the clock starts when the connection opens (or, on a kept-alive
    connection, when the next request's first byte arrives) and stops when the request is complete; the check
    runs on the server's loop, which wakes at least once a second.
    """

    deadline = REQUEST_DEADLINE
    parser_class = RequestParser

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request_started: float | None = time.monotonic()

    def received(self, data: bytes) -> bool:
        if self.request is None and self.request_started is None and data:
            self.request_started = time.monotonic()
        handled = super().received(data)
        if self.request is None:  # complete (or nothing pending): the deadline no longer runs
            self.request_started = None
        return handled

    def readable(self) -> bool:
        started = self.request_started
        if started is not None and not self.requests and time.monotonic() - started > self.deadline:
            self.will_close = True  # closed by the loop at once (writable() is now true)
            return False
        return super().readable()


def raise_open_file_limit(wanted: int) -> int:
    """Raise this process's soft limit on open files towards `wanted` (up to the hard limit); return the limit."""
    try:
        import resource
    except ImportError:  # not on POSIX
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return target if soft == resource.RLIM_INFINITY else soft


class HttpServer:
    """waitress serving the app; `run()` blocks (in a thread if you like), `stop()` ends it cleanly."""

    def __init__(
        self,
        app: App,
        kb: KnowledgeBase | LiveKnowledge | Workspaces,
        *,
        host: str,
        port: int,
        signing_secret: str,
        threads: int = THREADS,
        backlog: int = BACKLOG,
        connection_limit: int = CONNECTION_LIMIT,
        request_deadline: float = REQUEST_DEADLINE,
        max_body: int = MAX_BODY_BYTES,
        ack_wait: float = WAIT_SECONDS,
    ) -> None:
        from waitress import create_server

        files = raise_open_file_limit(connection_limit + SPARE_FILES)
        self.connection_limit = max(1, min(connection_limit, files - SPARE_FILES))
        self._map: dict[int, Any] = {}
        self.server = create_server(
            wsgi_app(
                app,
                kb,
                signing_secret=signing_secret,
                max_body=max_body,
                max_held=max(1, threads - PROMPT_THREADS),
                ack_wait=ack_wait,
            ),
            map=self._map,
            host=host,
            port=port,
            threads=threads,
            backlog=backlog,
            connection_limit=self.connection_limit,
            max_request_body_size=max_body + 1,  # waitress refuses a body of this size or more, with 413
            max_request_header_size=MAX_HEADER_BYTES,
            asyncore_use_poll=True,  # select() cannot watch more than 1,024 connections
            asyncore_loop_timeout=1,
            channel_request_lookahead=0,
            ident="learning-bot",
        )
        self.server.channel_class = type("Channel", (DeadlineChannel,), {"deadline": request_deadline})
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.server.effective_host}:{self.server.effective_port}"

    def run(self) -> None:
        """Serve until `stop()` (or KeyboardInterrupt/SIGTERM in the main thread)."""
        try:
            self.server.run()
        finally:
            self.server.task_dispatcher.shutdown()

    def start(self) -> HttpServer:
        """Serve on a background thread."""
        self._thread = threading.Thread(target=self.run, name="http-server", daemon=True)
        self._thread.start()
        return self

    def stop(self, *, timeout: float = 5.0) -> None:
        """Close the listening socket and every connection from inside the server's loop, which then ends."""

        def close_all() -> None:
            for channel in list(self._map.values()):
                channel.close()

        try:
            self.server.trigger.pull_trigger(close_all)
        except OSError:
            # The loop's wake-up pipe is closed already (the loop has ended, or a failure closed it): nothing can
            # run on the loop any more, so what is left is closed from here.
            close_all()
        if self._thread is not None:
            self._thread.join(timeout)


def serve(
    settings: Settings, kb: KnowledgeBase | LiveKnowledge | Workspaces, *, http: bool, host: str, port: int
) -> None:
    """Run the bot until interrupted: HTTP mode with `http`, else Socket Mode. Raises `MissingSettings`.

    A `LiveKnowledge` (each one, in `Workspaces`) is followed on a background thread: a new build of the database
    is served within `KNOWLEDGE_CHECK_SECONDS`, without a restart.
    """
    from bot.app import create_app
    from bot.jobs import start_background_jobs

    problem = missing_settings(settings, http=http)
    if problem:
        raise MissingSettings(problem)
    state = open_state_store(settings.learning_bot_state)
    app = create_app(settings, kb, state)
    if settings.oauth and settings.digest_channel:  # no single token to post with: one digest per workspace is to do
        logger.warning("DIGEST_CHANNEL is ignored with OAuth installation (SLACK_CLIENT_ID): the digest is off")
        jobs = None
    else:
        jobs = start_background_jobs(settings, kb, state, app.client)  # type: ignore[arg-type]
    followed = kb.all() if isinstance(kb, Workspaces) else [kb]
    for each in followed:
        if isinstance(each, LiveKnowledge):
            each.start()
    signal.signal(signal.SIGTERM, _interrupt)  # stop like Ctrl-C: finish, then exit
    try:
        if http:
            secret = settings.secret("slack_signing_secret") or ""
            server = HttpServer(app, kb, host=host, port=port, signing_secret=secret)
            logger.info("Listening on %s (POST %s, GET %s)", server.url, EVENTS_PATH, HEALTH_PATH)
            server.run()
        else:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            logger.info("Connecting to Slack in Socket Mode")
            SocketModeHandler(app, settings.secret("slack_app_token")).start()
    finally:
        if jobs is not None:
            jobs.shutdown(wait=False)
        for each in followed:
            if isinstance(each, LiveKnowledge):
                each.close()
        logger.info("Stopped.")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
