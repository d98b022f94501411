"""`DeliveryLedger`: which Slack deliveries have been answered, so retries and duplicates are answered once.

Slack retries an event it thinks was not received (`X-Slack-Retry-Num`), and one message can arrive as two
events (`app_mention` and `message`). A delivery is known by its `event_id` and by the message's channel+ts;
the ledger lives in the durable state database, so it holds across restarts. It forgets old entries now and
then: Slack stops retrying after minutes, so a week is generous.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from knowledge.records.state import StateStore

WEEK = 7 * 24 * 3600.0
HOUR = 3600.0


class DeliveryLedger:
    """Claims deliveries in the state database; prunes entries older than `keep` seconds at most hourly."""

    def __init__(
        self,
        state: StateStore,
        *,
        keep: float = WEEK,
        prune_every: float = HOUR,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.state = state
        self.keep = keep
        self.prune_every = prune_every
        self.clock = clock
        self._lock = threading.Lock()
        self._last_pruned: float | None = None

    @staticmethod
    def _keys(event_id: str | None, channel: str | None, ts: str | None) -> list[str]:
        keys = []
        if event_id:
            keys.append(f"event:{event_id}")
        if channel and ts:
            keys.append(f"message:{channel}:{ts}")
        return keys

    def release(self, *, event_id: str | None = None, channel: str | None = None, ts: str | None = None) -> None:
        """Undo a claim whose answer could not be posted, so Slack's retry of that delivery is answered."""
        keys = self._keys(event_id, channel, ts)
        if keys:
            self.state.release_events(keys)

    def claim(self, *, event_id: str | None = None, channel: str | None = None, ts: str | None = None) -> bool:
        """True the first time a delivery is seen (by event_id or channel+ts); False for a retry or duplicate."""
        keys = self._keys(event_id, channel, ts)
        if not keys:
            return True  # nothing to recognise it by: answer rather than drop
        self.prune_if_due()
        return self.state.claim_events(keys)

    def claim_key(self, key: str) -> bool:
        """Claim an arbitrary delivery key (e.g. a button press on a message); False if already claimed."""
        self.prune_if_due()
        return self.state.claim_event(key)

    def prune_if_due(self) -> int:
        """Forget entries older than `keep`, if the last pruning was more than `prune_every` ago."""
        now = self.clock()
        with self._lock:
            if self._last_pruned is not None and now - self._last_pruned < self.prune_every:
                return 0
            self._last_pruned = now
        return self.state.forget_events_before(now - self.keep)
