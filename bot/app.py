"""The Slack app: a Bolt `App` wired to the knowledge base, with the one error handler.

Requests are acknowledged at once (`process_before_response=False`); listeners then run on a thread pool.
Web API calls that get a 429 are retried after the Retry-After Slack sends. Errors are logged with
`logger.exception`, never with a token (a filter removes the tokens' values from every record of the app's
loggers) and never with question text (Bolt's one log line with a request body has the body cut out); the
person is told politely when there is somewhere to tell them.
"""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from datetime import datetime
from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.acks import ListenerTracking
from bot.scheduler import make_digests
from bot.settings import Settings
from handlers import blocks, replies
from handlers.deps import Deps
from handlers.questions import REPLY_TO
from knowledge.base import KnowledgeBase
from knowledge.live import LiveKnowledge
from knowledge.records.ledger import DeliveryLedger
from knowledge.records.state import StateStore
from knowledge.services.answering import Answering, Care
from knowledge.services.practice import Practice
from knowledge.services.schedule import utc_now
from knowledge.workspaces import Workspaces, current_team

LOGGER_NAME = "learning_bot.slack"
LISTENER_THREADS = 8
RATE_LIMIT_RETRIES = 2
REDACTED = "[redacted]"


class SecretFilter(logging.Filter):
    """Replaces the values of the app's tokens in log records (message, arguments and traceback)."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add(self, secrets: Iterable[str | None]) -> None:
        with self._lock:
            self._secrets |= {secret for secret in secrets if secret}

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        record.msg, record.args = self.redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


SECRET_FILTER = SecretFilter()


class RequestBodyFilter(logging.Filter):
    """Cuts the request body out of Bolt's "Invalid request signature detected" line (logged at INFO).

    A legitimate request refused only for a skewed clock still carries the question someone typed.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if ", body:" in message:
            record.msg, record.args = message.split(", body:", 1)[0] + ", body not logged)", None
        return True


REQUEST_BODY_FILTER = RequestBodyFilter()


class ClientTokenNoticeFilter(logging.Filter):
    """Drops Bolt's warning that SLACK_BOT_TOKEN (read from the environment) is unused because a client was
    given: the client is built from that same token, so the warning would only alarm whoever reads the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


CLIENT_TOKEN_NOTICE_FILTER = ClientTokenNoticeFilter()
VERIFICATION_LOGGER = "slack_bolt.RequestVerification"
WEB_API_LOGGERS = ("slack_sdk.web.base_client", "slack_sdk.webhook.client")  # the Web API, and response_urls


class WebApiBodyFilter(logging.Filter):
    """Cuts the parameters and bodies out of slack_sdk's DEBUG lines about Web API calls and response_url posts.

    Some carry a person's words: the form that shows a question to its asker (views.open), the message read back
    from Slack to fill it (conversations.replies), and a private answer that shows the asker their question.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith("Sending a request") and (", query_params:" in message or ", body:" in message):
            cut = min(message.find(marker) for marker in (", query_params:", ", body:") if marker in message)
            record.msg, record.args = message[:cut] + " (parameters not logged)", None
        elif message.startswith("Received the following response") and ", headers:" in message:
            record.msg, record.args = message.split(", headers:", 1)[0] + " (body not logged)", None
        return True


WEB_API_BODY_FILTER = WebApiBodyFilter()


def app_logger(settings: Settings) -> logging.Logger:
    """The base logger of the app, its records cleaned of this configuration's tokens."""
    SECRET_FILTER.add(
        settings.secret(name)
        for name in ("slack_bot_token", "slack_signing_secret", "slack_app_token", "slack_client_secret")
    )
    logger = logging.getLogger(LOGGER_NAME)
    for log_filter in (SECRET_FILTER, CLIENT_TOKEN_NOTICE_FILTER):
        if log_filter not in logger.filters:
            logger.addFilter(log_filter)
    return logger


def create_client(settings: Settings) -> WebClient:
    """A Web API client for `SLACK_API_URL` that waits out 429s (Retry-After) and retries."""
    client = WebClient(token=settings.secret("slack_bot_token"), base_url=settings.slack_api_url)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


class PinningExecutor(Executor):
    """Runs each listener with one knowledge snapshot pinned, so an answer never mixes two builds.

    The listener runs in the context it was submitted from, so it sees the request's workspace (`current_team`,
    set by the app's middleware) and, with `Workspaces`, pins that workspace's knowledge.
    """

    def __init__(self, inner: Executor, live: LiveKnowledge | Workspaces) -> None:
        self.inner = inner
        self.live = live

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return self.inner.submit(contextvars.copy_context().run, self._pinned, fn, args, kwargs)

    def _pinned(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        with self.live.pinned():
            return fn(*args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.inner.shutdown(wait=wait, cancel_futures=cancel_futures)


def oauth_settings(settings: Settings, state: StateStore) -> Any:
    """Bolt's OAuth settings: installations and install links' states kept in our state database."""
    from slack_bolt.oauth.oauth_settings import OAuthSettings

    from bot.installations import StateInstallationStore, StateOAuthStateStore

    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.secret("slack_client_secret"),
        scopes=list(settings.slack_scopes),
        installation_store=StateInstallationStore(state),
        state_store=StateOAuthStateStore(state),
    )


def handler_deps(
    settings: Settings,
    kb: KnowledgeBase | LiveKnowledge | Workspaces,
    state: StateStore,
    *,
    clock: Callable[[], datetime] = utc_now,
) -> Deps:
    """What the listeners need, from the settings: one answering service (one rate limit for the whole app)."""
    care = Care(state, questions_per_minute=settings.questions_per_minute)
    practice = Practice(state, help_contact=settings.help_contact)
    return Deps(
        kb=kb,
        answering=Answering(
            kb, care, page_size=blocks.PAGE_SIZE, log_question_text=settings.log_question_text, practice=practice
        ),
        ledger=DeliveryLedger(state),
        digests=lambda client: make_digests(settings, kb, state, client=client),
        practice=practice,
        answer_channels=frozenset(settings.answer_channels),
        admin_user_ids=frozenset(settings.admin_user_ids),
        digest_channels=tuple(settings.digest_channel),
        clock=clock,
    )


def create_app(
    settings: Settings,
    kb: KnowledgeBase | LiveKnowledge | Workspaces,
    state: StateStore,
    *,
    client: WebClient | None = None,
    listener_executor: Executor | None = None,
) -> App:
    """Build the Bolt app: token and signing secret from `settings`, every listener, the error handler.

    Checks the bot token with `auth.test` (against `SLACK_API_URL`); raises `slack_bolt.error.BoltError`
    when Slack rejects it. With SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (OAuth mode) there is no one token: each
    workspace installs the app through /slack/install, and each request uses its own workspace's token.
    `kb` may be a `Workspaces`: each request then reads its own workspace's knowledge.
    """
    from handlers import register

    logger = app_logger(settings)
    executor = listener_executor or ThreadPoolExecutor(
        max_workers=LISTENER_THREADS, thread_name_prefix="slack-listener"
    )
    if isinstance(kb, LiveKnowledge | Workspaces):
        executor = PinningExecutor(executor, kb)
    executor = ListenerTracking(executor)  # HTTP mode acks an event once its listeners are done (bot.acks)
    app = App(
        name="learning-bot",
        client=client or create_client(settings),
        signing_secret=settings.secret("slack_signing_secret") or "",
        process_before_response=False,
        logger=logger,
        listener_executor=executor,
        oauth_settings=oauth_settings(settings, state) if settings.oauth else None,
    )
    if settings.oauth:
        app.enable_token_revocation_listeners()  # an uninstalled workspace's tokens are deleted

    @app.middleware
    def workspace(context: BoltContext, next: Callable[[], Any]) -> Any:
        # Every request sets it, on the thread that then submits the listeners (PinningExecutor copies it).
        current_team.set(context.enterprise_id if context.is_enterprise_install else context.team_id)
        return next()

    verification_logger = logging.getLogger(VERIFICATION_LOGGER)
    if REQUEST_BODY_FILTER not in verification_logger.filters:
        verification_logger.addFilter(REQUEST_BODY_FILTER)
    for name in WEB_API_LOGGERS:
        web_api_logger = logging.getLogger(name)
        if WEB_API_BODY_FILTER not in web_api_logger.filters:
            web_api_logger.addFilter(WEB_API_BODY_FILTER)
    register(app, handler_deps(settings, kb, state))

    @app.error
    def on_error(
        error: Exception,
        body: dict[str, Any],
        context: BoltContext,
        client: WebClient,
        respond: Respond | None,
        logger: logging.Logger,
    ) -> None:
        logger.exception("Failed to handle %s: %s", describe(body), summary(error))
        try:
            if respond is not None and context.response_url:
                replies.send(respond, blocks.notice_message(blocks.APOLOGY))
            elif (target := context.get(REPLY_TO)) is not None:
                client.chat_postMessage(
                    channel=target.channel,
                    thread_ts=target.thread_ts,
                    **blocks.notice_message(blocks.APOLOGY).as_kwargs(),
                )
        except Exception as exc:
            logger.warning("Could not tell the user about the error: %s", summary(exc))

    return app


def describe(body: dict[str, Any]) -> str:
    """What kind of request a body is, without anything the user typed."""
    if body.get("command"):
        return f"the command {body['command']}"
    if isinstance(body.get("event"), dict):
        return f"the {body['event'].get('type')} event {body.get('event_id')}"
    return f"the {body.get('type') or 'Slack'} request"


def summary(error: BaseException) -> str:
    """A short description of an error: Slack's error code for Web API errors."""
    if isinstance(error, SlackApiError):
        return f"Slack Web API error {error.response.get('error')!r} ({error.response.status_code})"
    return type(error).__name__
