"""A per-user limit on questions, so one runaway script (or an over-keen person) cannot flood a channel.

A sliding window: a person may ask `limit` questions in any `window` seconds. The state is **in memory, per
process**: a restart forgets it and several bot processes would each allow `limit`, which is fine for one
process serving a workspace (the bot's deployment). Thread-safe.

When someone goes over the limit only the *first* refused question in a spell gets the friendly message
(`Decision.notify`); the rest are dropped quietly, so the bot's replies cannot become the flood.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_WINDOW = 60.0
# Forget idle people once this many are tracked, so memory stays bounded.
PRUNE_AT = 1000


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
