"""Running the Slack app: HTTP mode (Bolt's WSGI adapter under waitress) or Socket Mode.

HTTP mode serves `POST /slack/events` (events, slash commands, interactivity) and `GET /healthz`. waitress is a
production WSGI server; its listen backlog and thread pool are sized so that a burst of requests is accepted
at once and each is acknowledged well within Slack's 3 seconds (the work happens after the ack, on the app's
listener threads).
"""

from __future__ import annotations

import json
import logging
import signal
import threading
from collections.abc import Callable, Iterable
from types import FrameType
from typing import TYPE_CHECKING, Any

from bot.settings import Settings
from knowledge.base import KnowledgeBase
from knowledge.live import LiveKnowledge
from knowledge.records.state import open_state_store
from knowledge.workspaces import Workspaces

if TYPE_CHECKING:
    from slack_bolt import App

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
THREADS = 16  # requests handled at once (an event is acknowledged at once; a command once its listener acks)
BACKLOG = 1024  # connections the kernel queues before waitress accepts them
CONNECTION_LIMIT = 200

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


def wsgi_app(app: App, kb: KnowledgeBase | LiveKnowledge | Workspaces) -> WsgiApp:
    """The WSGI application: Slack's requests to Bolt, `GET /healthz` answered here, anything else 404."""
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    slack = SlackRequestHandler(app, path=EVENTS_PATH)

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


class HttpServer:
    """waitress serving the app; `run()` blocks (in a thread if you like), `stop()` ends it cleanly."""

    def __init__(
        self,
        app: App,
        kb: KnowledgeBase | LiveKnowledge | Workspaces,
        *,
        host: str,
        port: int,
        threads: int = THREADS,
        backlog: int = BACKLOG,
    ) -> None:
        from waitress import create_server

        self._map: dict[int, Any] = {}
        self.server = create_server(
            wsgi_app(app, kb),
            map=self._map,
            host=host,
            port=port,
            threads=threads,
            backlog=backlog,
            connection_limit=CONNECTION_LIMIT,
            ident="learning-bot",
        )
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

        self.server.trigger.pull_trigger(close_all)
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
            server = HttpServer(app, kb, host=host, port=port)
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
