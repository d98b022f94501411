"""The gate in front of Bolt: a request to `/slack/events` must be signed by Slack before anything parses it.

Bolt parses a body before it verifies the signature, so junk (`null`, `{`, a non-JSON `payload`, a non-numeric
timestamp) used to reach its parser and come back as a 500 with a 30-line traceback. Here the timestamp and
signature headers are checked first (no body is needed for a missing, malformed or stale one), then the HMAC over
the raw bytes, then the body's shape; only a signed, well-formed request is handed to Bolt. Refusals cost one
short response and at most one log line a minute (with a count), so nobody can fill the log from outside.

OAuth installation's two pages (`/slack/install`, `/slack/oauth_redirect`) are opened by a person's browser and
so cannot be signed: GETs to the paths given as `unsigned_pages` pass to Bolt unsigned (Bolt checks the one-use
`state` of the redirect itself), with the same body limit as everything else.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

logger = logging.getLogger("learning_bot.server")

MAX_AGE = 5 * 60  # seconds a signature stays valid (Slack's own rule)
MAX_BODY_BYTES = 1 << 20  # Slack's requests are a few kB; a message with many blocks stays well under this
LOG_EVERY = 60.0  # at most one refusal line per this many seconds

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused: the HTTP status and a reason that holds nothing the sender wrote."""

    status: int
    reason: str


UNSIGNED = Refusal(401, "invalid request signature detected")
TOO_LARGE = Refusal(413, "body larger than the limit")
NOT_UTF8 = Refusal(400, "body is not UTF-8")
MALFORMED = Refusal(400, "body is not a Slack request")

STATUS_LINES = {
    400: "400 Bad Request",
    401: "401 Unauthorized",
    404: "404 Not Found",
    413: "413 Content Too Large",
}


class RefusalLog:
    """Logs refused requests: the first at once, then one line per `every` seconds counting the rest."""

    def __init__(self, *, every: float = LOG_EVERY, clock: Callable[[], float] = time.monotonic) -> None:
        self.every = every
        self.clock = clock
        self._lock = threading.Lock()
        self._counts: Counter[int] = Counter()
        self._next_line_at = float("-inf")

    def record(self, refusal: Refusal, path: str) -> None:
        now = self.clock()
        with self._lock:
            self._counts[refusal.status] += 1
            if now < self._next_line_at:
                return
            counts, self._counts = self._counts, Counter()
            self._next_line_at = now + self.every
        earlier = sum(counts.values()) - 1
        tally = f"; {earlier} more refused since the last such line" if earlier else ""
        logger.info("Refused a request to %s (%d: %s)%s", path, refusal.status, refusal.reason, tally)


def signature_valid(body: bytes, timestamp: str | None, signature: str | None, *, secret: bytes, now: float) -> bool:
    """Slack's v0 signature: HMAC-SHA256 of `v0:{timestamp}:{body}`, and a timestamp within five minutes."""
    if not fresh(timestamp, now=now) or not signature:
        return False
    assert timestamp is not None
    expected = "v0=" + hmac.new(secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("latin-1", "replace"))


def fresh(timestamp: str | None, *, now: float) -> bool:
    """Whether a timestamp header is a plain number of seconds within `MAX_AGE` of now."""
    if not timestamp or len(timestamp) > 12 or not (timestamp.isascii() and timestamp.isdigit()):
        return False
    return abs(now - int(timestamp)) <= MAX_AGE


def well_formed(text: str, content_type: str) -> bool:
    """Whether Bolt can read the body as a Slack request (a JSON object, a form, or a form with a JSON payload).

    Mirrors Bolt's own `parse_body`, which raises (or returns a list) for anything else.
    """
    if not text:
        return True
    try:
        if content_type == "application/json" or text.startswith("{"):
            return isinstance(json.loads(text), dict)
        if "payload" in text:
            payload = dict(parse_qsl(text, keep_blank_values=True)).get("payload")
            return payload is None or isinstance(json.loads(payload), dict)
        parse_qsl(text, keep_blank_values=True)
    except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        return False
    return True


def content_length(environ: dict[str, Any]) -> int | None:
    """The declared body length, or None when absent or not a number."""
    declared = environ.get("CONTENT_LENGTH") or ""
    return int(declared) if declared.isascii() and declared.isdigit() else None


class SignedOnly:
    """WSGI middleware: POSTs to `path` reach `inner` only when signed and well-formed; GETs to `unsigned_pages`
    reach it with a body no larger than `max_body`; the rest is refused."""

    def __init__(
        self,
        inner: WsgiApp,
        *,
        signing_secret: str,
        path: str,
        max_body: int = MAX_BODY_BYTES,
        unsigned_pages: Iterable[str] = (),
        clock: Callable[[], float] = time.time,
        refusals: RefusalLog | None = None,
    ) -> None:
        self.inner = inner
        self.unsigned_pages = frozenset(unsigned_pages)
        self.secret = signing_secret.encode()
        self.path = path
        self.max_body = max_body
        self.clock = clock
        self.refusals = refusals or RefusalLog()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if method == "GET" and path in self.unsigned_pages:
            refusal, body = self.bounded(environ)
        elif path == self.path and method == "POST":
            refusal, body = self.check(environ)
        else:
            return respond(start_response, 404, "Not Found")
        if refusal is not None:
            self.refusals.record(refusal, str(path))
            return respond(start_response, refusal.status, refusal.reason)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return self.inner(environ, start_response)

    def bounded(self, environ: dict[str, Any]) -> tuple[Refusal | None, bytes]:
        """The body of an unsigned page's request, refused when over the limit (such a GET has no use for one)."""
        declared = content_length(environ)
        if declared is not None and declared > self.max_body:
            return TOO_LARGE, b""
        body = environ["wsgi.input"].read(self.max_body + 1)
        return (TOO_LARGE, b"") if len(body) > self.max_body else (None, body)

    def check(self, environ: dict[str, Any]) -> tuple[Refusal | None, bytes]:
        """Headers first (no body read for a missing or stale signature), then the bytes, then their shape."""
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE")
        now = self.clock()
        if not signature or not fresh(timestamp, now=now):
            return UNSIGNED, b""
        declared = content_length(environ)
        if declared is not None and declared > self.max_body:
            return TOO_LARGE, b""
        body = environ["wsgi.input"].read(self.max_body + 1)
        if len(body) > self.max_body:
            return TOO_LARGE, b""
        if not signature_valid(body, timestamp, signature, secret=self.secret, now=now):
            return UNSIGNED, b""
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return NOT_UTF8, b""
        content_type = (environ.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower()
        if not well_formed(text, content_type):
            return MALFORMED, b""
        return None, body


def respond(start_response: StartResponse, status: int, text: str) -> list[bytes]:
    body = text.encode()
    start_response(
        STATUS_LINES[status],
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]
