"""A per-user limit on questions, so one runaway script (or an over-keen person) cannot flood a channel.

A sliding window: a person may ask `limit` questions in any `window` seconds. `SharedRateLimiter` (what the
bot uses) keeps the count in the state database, so it holds across restarts and across replicas sharing one
database; `RateLimiter` keeps it in memory, for one process. Both are thread-safe.

When someone goes over the limit only the *first* refused question in a spell gets the friendly message
(`Decision.notify`); the rest are dropped quietly, so the bot's replies cannot become the flood.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from knowledge.records.state import StateStore

DEFAULT_WINDOW = 60.0
# Forget idle people once this many are tracked, so memory stays bounded.
PRUNE_AT = 1000
PRUNE_EVERY = 3600.0  # the shared limiter forgets everyone's old questions at most this often
WARNING_KEPT = 24 * 3600.0  # a refusal's "already told" mark, once nobody has asked for a day


@dataclass(frozen=True)
class Decision:
    allowed: bool
    notify: bool = False  # refused, and this is the first refusal since the person was last allowed
    retry_after: float = 0.0  # seconds until one more question would be allowed

    def message(self) -> str:
        """The friendly message for a refused question."""
        return limit_message(self.retry_after)


def limit_message(retry_after: float) -> str:
    seconds = max(1, math.ceil(retry_after))
    wait = f"{math.ceil(seconds / 60)} minutes" if seconds >= 90 else f"{seconds} second{'s' * (seconds != 1)}"
    return (
        "You've asked a lot of questions in a short time, so I'm pausing for a moment to keep things fair for"
        f" everyone. Please try again in about {wait}. (Questions sent in the meantime won't be answered.)"
    )


class RateLimiter:
    """At most `limit` questions per person in any `window` seconds; `limit` 0 means no limit."""

    def __init__(
        self, limit: int, *, window: float = DEFAULT_WINDOW, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 0:
            raise ValueError("limit must be 0 (no limit) or more")
        if window <= 0:
            raise ValueError("window must be positive")
        self.limit = limit
        self.window = window
        self.clock = clock
        self._asked: dict[str, deque[float]] = {}
        self._warned: set[str] = set()
        self._lock = threading.Lock()
        self._prune_at = PRUNE_AT

    def check(self, user_id: str) -> Decision:
        """Count one question from `user_id` if the limit allows it; say whether it may be answered."""
        if self.limit == 0:
            return Decision(True)
        now = self.clock()
        with self._lock:
            asked = self._asked.setdefault(user_id, deque())
            while asked and asked[0] <= now - self.window:
                asked.popleft()
            if len(asked) < self.limit:
                asked.append(now)
                self._warned.discard(user_id)
                if len(self._asked) > self._prune_at:
                    self._prune(now)
                return Decision(True)
            retry_after = asked[0] + self.window - now
            notify = user_id not in self._warned
            self._warned.add(user_id)
            return Decision(False, notify=notify, retry_after=retry_after)

    def _prune(self, now: float) -> None:
        for user_id in [user for user, asked in self._asked.items() if not asked or asked[-1] <= now - self.window]:
            del self._asked[user_id]
            self._warned.discard(user_id)
        # Prune again only once the tracked set has doubled: the cost stays constant per question.
        self._prune_at = max(PRUNE_AT, 2 * len(self._asked))

    def tracked(self) -> int:
        """How many people the limiter currently remembers."""
        with self._lock:
            return len(self._asked)


class SharedRateLimiter:
    """The same limit kept in the state database, so it counts across every process (replicas) and restarts.

    Each question is one write transaction: forget this person's questions older than the window, count the
    rest, record this one if there is room. A refused person is written down once per spell
    (`limit_warnings`), so exactly one refusal per spell carries the friendly message, whichever replica
    refuses. People are stored only as a one-way hash of their Slack user id, and rows older than the window are
    pruned now and then. `clock` must be wall-clock time (`time.time`): replicas compare it.
    """

    def __init__(
        self,
        state: StateStore,
        limit: int,
        *,
        window: float = DEFAULT_WINDOW,
        clock: Callable[[], float] = time.time,
        prune_every: float = PRUNE_EVERY,
    ) -> None:
        if limit < 0:
            raise ValueError("limit must be 0 (no limit) or more")
        if window <= 0:
            raise ValueError("window must be positive")
        self.state = state
        self.limit = limit
        self.window = window
        self.clock = clock
        self.prune_every = prune_every
        self._last_pruned: float | None = None
        self._lock = threading.Lock()

    def check(self, user_id: str) -> Decision:
        """Count one question from `user_id` if the limit allows it; say whether it may be answered."""
        if self.limit == 0:
            return Decision(True)
        person = person_key(user_id)
        now = self.clock()
        self._prune_if_due(now)
        with self.state.transaction() as conn:
            conn.execute(
                "DELETE FROM questions_limited WHERE person = ? AND asked_at <= ?", (person, now - self.window)
            )
            asked, first = conn.execute(
                "SELECT count(*), min(asked_at) FROM questions_limited WHERE person = ?", (person,)
            ).fetchone()
            if asked < self.limit:
                conn.execute("INSERT INTO questions_limited (person, asked_at) VALUES (?, ?)", (person, now))
                conn.execute("DELETE FROM limit_warnings WHERE person = ?", (person,))
                return Decision(True)
            notify = (
                conn.execute(
                    "INSERT OR IGNORE INTO limit_warnings (person, warned_at) VALUES (?, ?)", (person, now)
                ).rowcount
                == 1
            )
            return Decision(False, notify=notify, retry_after=first + self.window - now)

    def _prune_if_due(self, now: float) -> None:
        with self._lock:
            if self._last_pruned is not None and now - self._last_pruned < self.prune_every:
                return
            self._last_pruned = now
        with self.state.transaction() as conn:
            conn.execute("DELETE FROM questions_limited WHERE asked_at <= ?", (now - self.window,))
            conn.execute("DELETE FROM limit_warnings WHERE warned_at <= ?", (now - WARNING_KEPT,))

    def tracked(self) -> int:
        """How many people have questions inside the window (for tests and the curious)."""
        row = self.state.conn.execute(
            "SELECT count(DISTINCT person) FROM questions_limited WHERE asked_at > ?", (self.clock() - self.window,)
        ).fetchone()
        return int(row[0])


def person_key(user_id: str) -> str:
    """A one-way stand-in for a Slack user id: the limit needs to tell people apart, never to know who they are."""
    return hashlib.sha256(f"learning-bot question limit:{user_id}".encode()).hexdigest()[:32]
