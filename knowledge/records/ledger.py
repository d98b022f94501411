"""`DeliveryLedger`: which Slack deliveries have been answered, so retries and duplicates are answered once.

Slack retries an event it thinks was not received (`X-Slack-Retry-Num`), and one message can arrive as two
events (`app_mention` and `message`). A delivery is known by its `event_id` and by the message's channel+ts;
the ledger lives in the durable state database, so it holds across restarts. It forgets old entries now and
then: Slack stops retrying after minutes, so a week is generous.

A claim is held by a process (`owners`) and for a lease: until the answer is posted (`done`) a redelivery of the
same message is skipped only while the holder lives and its lease runs. A process killed between claiming and
answering (SIGKILL, a crash, a lost machine) leaves a claim that the next redelivery takes over: at once when the
holder was on this machine, after the lease otherwise.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from knowledge.records.owners import is_gone, new_owner
from knowledge.records.state import StateStore

WEEK = 7 * 24 * 3600.0
HOUR = 3600.0
LEASE = 120.0  # seconds; an answer takes well under a second, plus at most two rate-limit waits


class DeliveryLedger:
    """Claims deliveries in the state database; prunes entries older than `keep` seconds at most hourly."""

    def __init__(
        self,
        state: StateStore,
        *,
        keep: float = WEEK,
        prune_every: float = HOUR,
        lease: float = LEASE,
        clock: Callable[[], float] = time.time,
        owner: str | None = None,
    ) -> None:
        self.state = state
        self.owner = owner or new_owner()
        self.lease = lease
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
            self._drop_claims(keys)

    def done(self, *, event_id: str | None = None, channel: str | None = None, ts: str | None = None) -> None:
        """The delivery was answered (or deliberately not): later deliveries of it are duplicates for good."""
        self._drop_claims(self._keys(event_id, channel, ts))

    def _drop_claims(self, keys: list[str]) -> None:
        if keys:
            with self.state.transaction() as conn:
                conn.executemany(
                    "DELETE FROM delivery_claims WHERE key = ? AND owner = ?", [(key, self.owner) for key in keys]
                )

    def claim(self, *, event_id: str | None = None, channel: str | None = None, ts: str | None = None) -> bool:
        """True the first time a delivery is seen (by event_id or channel+ts), or when it was claimed by a process
        that died or whose lease ran out before answering; False for a retry or duplicate of one answered or
        being answered.

        All keys are recorded either way, so a later delivery matching any one of them is a duplicate too.
        """
        keys = self._keys(event_id, channel, ts)
        if not keys:
            return True  # nothing to recognise it by: answer rather than drop
        self.prune_if_due()
        now = self.clock()
        with self.state.transaction() as conn:
            seen = [
                key for key in keys if conn.execute("SELECT 1 FROM processed_events WHERE key = ?", (key,)).fetchone()
            ]
            marks = ", ".join("?" * len(seen))
            held = (
                {
                    row["key"]: row
                    for row in conn.execute(
                        f"SELECT key, owner, lease_until FROM delivery_claims WHERE key IN ({marks})", seen
                    )
                }
                if seen
                else {}  # nothing to look up (and PostgreSQL refuses `IN ()`)
            )
            abandoned = all(
                key in held and (held[key]["lease_until"] <= now or is_gone(held[key]["owner"])) for key in seen
            )
            conn.executemany(
                "INSERT INTO processed_events (key, received_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                [(key, now) for key in keys],
            )
            if seen and not abandoned:
                return False
            conn.executemany(
                "INSERT INTO delivery_claims (key, owner, lease_until) VALUES (?, ?, ?) ON CONFLICT (key)"
                " DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until",
                [(key, self.owner, now + self.lease) for key in keys],
            )
            return True

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
        with self.state.transaction() as conn:
            conn.execute("DELETE FROM delivery_claims WHERE lease_until < ?", (now - self.keep,))
        return self.state.forget_events_before(now - self.keep)
