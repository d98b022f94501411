"""HTTP mode acknowledges an Events API delivery once its answer is posted, not before (`AnsweredBeforeAck`).

Slack never sends an acknowledged event again. With Bolt's usual order (ack at once, answer on a listener thread),
a process killed between the two (kill -9, a crash, a lost host) loses the question: in a burst of 300 mentions
killed half-way, about 150 were acked and never answered. Here the HTTP response to an event delivery waits until
the listeners it started have finished (the answer is posted, which takes milliseconds to find), so a process
killed before answering has not acked either: Slack retries, and the delivery ledger's claims (the dead process's
claim is taken over) answer the retry.

Bounds, so that Slack's 3 seconds always hold:
- the wait ends after `WAIT_SECONDS` whatever the listeners are doing (a rate-limit wait, a slow Slack): the event
  is then acked as before, and its answer still follows;
- at most `max_held` responses wait at once; beyond that an event is acked at once as before, so a burst never
  ties up every HTTP thread;
- only JSON deliveries (the Events API) wait. Slash commands and interactivity (forms) are acked at once, as
  their listeners ack first and answer through `response_url`.

Nothing about the event is kept for this: the futures of its listeners live only as long as its request.

Measured (`python -m tests.measure_hostile`, 2 cores): killed half-way through 300 mentions, 0 were left
unanswered once Slack resent the unacknowledged ones (149 before); 500 people's mentions on 50 connections at once
were acked in a median of about 20 ms, the slowest at the 1.5 s bound (about 70 ms when every ack was at once).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, wait
from contextvars import ContextVar
from typing import Any

WAIT_SECONDS = 1.5  # Slack waits 3 s for the ack: half is left for the network, the proxy and the HTTP queue

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# The listeners submitted while the current request is dispatched (set only by AnsweredBeforeAck).
_started: ContextVar[list[Future[Any]] | None] = ContextVar("learning_bot_listeners_started", default=None)


class ListenerTracking(Executor):
    """The app's listener executor, noting each listener started during a request that waits for them."""

    def __init__(self, inner: Executor) -> None:
        self.inner = inner

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = self.inner.submit(fn, *args, **kwargs)
        started = _started.get()
        if started is not None:
            started.append(future)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.inner.shutdown(wait=wait, cancel_futures=cancel_futures)


class AnsweredBeforeAck:
    """WSGI middleware: an Events API delivery's response waits (bounded) for the listeners it started."""

    def __init__(
        self,
        inner: WsgiApp,
        *,
        max_held: int,
        wait_seconds: float = WAIT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.inner = inner
        self.wait_seconds = wait_seconds
        self.clock = clock
        self._slots = threading.BoundedSemaphore(max(1, max_held))
        self.held = 0  # responses that waited for their answer (read by tests and the measurements)
        self.not_held = 0  # event deliveries acked at once because every slot was taken
        self._count = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not is_event_delivery(environ):
            return self.inner(environ, start_response)
        if not self._slots.acquire(blocking=False):
            with self._count:
                self.not_held += 1
            return self.inner(environ, start_response)
        try:
            began = self.clock()
            started: list[Future[Any]] = []
            token = _started.set(started)
            try:
                response = self.inner(environ, start_response)
            finally:
                _started.reset(token)
            if started:
                wait(started, timeout=max(0.0, self.wait_seconds - (self.clock() - began)))
                with self._count:
                    self.held += 1
            return response
        finally:
            self._slots.release()


def is_event_delivery(environ: dict[str, Any]) -> bool:
    """A POST with a JSON body: how the Events API delivers (commands and interactivity post forms)."""
    content_type = (environ.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower()
    return environ.get("REQUEST_METHOD") == "POST" and content_type == "application/json"
