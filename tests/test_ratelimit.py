"""The per-user question limit: a sliding window, one friendly message per spell, thread-safe, bounded memory.

The behaviour tests run on each implementation: in memory, and in the state database (SQLite and PostgreSQL),
which is what the bot uses so that replicas count together.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from knowledge.records.ratelimit import PRUNE_AT, RateLimiter, SharedRateLimiter, limit_message
from knowledge.records.state import open_state_store

from .statedump import state_dump

Limiter = RateLimiter | SharedRateLimiter


class Clock:
    """Time under the test's control."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Limiters:
    """Makes limiters of one kind; the shared ones on one state database (as replicas share one)."""

    def __init__(self, kind: str, location: str | Path | None) -> None:
        self.kind = kind
        self.state = open_state_store(location) if location is not None else None

    def __call__(self, limit: int, **options: Any) -> Limiter:
        if self.state is None:
            return RateLimiter(limit, **options)
        return SharedRateLimiter(self.state, limit, **options)


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def limiters(request: pytest.FixtureRequest, tmp_path: Path) -> Limiters:
    if request.param == "memory":
        return Limiters("memory", None)
    if request.param == "sqlite":
        return Limiters("sqlite", tmp_path / "state.db")
    return Limiters("postgresql", request.getfixturevalue("postgres_url"))


def test_limit_per_user_in_a_sliding_window(limiters: Limiters) -> None:
    clock = Clock()
    limiter = limiters(3, window=60, clock=clock)
    for _ in range(3):  # at t = 0, 10 and 20 s
        assert limiter.check("U1").allowed
        clock.advance(10)
    clock.advance(-10)
    refused = limiter.check("U1")
    assert (refused.allowed, refused.notify) == (False, True)
    assert refused.retry_after == pytest.approx(40)  # the t = 0 question leaves the window at 60 s
    assert limiter.check("U2").allowed  # someone else is not held up

    clock.advance(30)
    again = limiter.check("U1")
    assert (again.allowed, again.notify) == (False, False)  # told once; the rest are dropped quietly
    assert again.retry_after == pytest.approx(10)

    clock.advance(10)  # t = 60: the first question has left the window, one slot frees
    assert limiter.check("U1").allowed
    refused = limiter.check("U1")
    assert (refused.allowed, refused.notify) == (False, True)  # a new spell: told again
    assert refused.retry_after == pytest.approx(10)
    clock.advance(60)
    assert all(limiter.check("U1").allowed for _ in range(3))
    assert not limiter.check("U1").allowed


def test_a_runaway_script_gets_one_message_per_spell(limiters: Limiters) -> None:
    clock = Clock()
    limiter = limiters(10, clock=clock)
    notices = 0
    answered = 0
    for _ in range(600):  # ten minutes of one question a second
        decision = limiter.check("USCRIPT")
        answered += decision.allowed
        notices += decision.notify
        clock.advance(1)
    assert answered == 100  # ten a minute
    assert notices == 10  # and at most one "slow down" a minute


def test_zero_means_no_limit(limiters: Limiters) -> None:
    limiter = limiters(0)
    assert all(limiter.check("U1").allowed for _ in range(1000))


@pytest.mark.parametrize(
    ("limit", "window", "message"),
    [(-1, 60, "limit must be 0 (no limit) or more"), (5, 0, "window must be positive")],
)
def test_bad_configuration_is_refused(limiters: Limiters, limit: int, window: float, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        limiters(limit, window=window)
    assert str(raised.value) == message


def test_concurrent_questions_never_exceed_the_limit(limiters: Limiters) -> None:
    limiter = limiters(10, clock=Clock())
    allowed: list[bool] = []
    lock = threading.Lock()
    barrier = threading.Barrier(16)

    def ask() -> None:
        barrier.wait(timeout=10)
        for _ in range(20):
            decision = limiter.check("U1")
            with lock:
                allowed.append(decision.allowed)

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(allowed) == 320
    assert sum(allowed) == 10


def test_memory_stays_bounded_as_people_come_and_go() -> None:
    clock = Clock()
    limiter = RateLimiter(5, clock=clock)
    for index in range(PRUNE_AT * 5):
        limiter.check(f"U{index}")
        clock.advance(0.1)
    assert limiter.tracked() <= PRUNE_AT + 600 + 1  # those active in the last minute, plus at most one prune's slack


def test_friendly_message() -> None:
    assert "try again in about 42 seconds" in limit_message(41.2)
    assert "try again in about 1 second." in limit_message(0.2)
    assert "about 2 minutes" in limit_message(100)
    limiter = RateLimiter(1, clock=Clock())
    limiter.check("U1")
    refused = limiter.check("U1")
    assert refused.message() == limit_message(60)
    assert "keep things fair for everyone" in refused.message()


def test_the_shared_limit_counts_across_limiters_on_one_database(state_location: str | Path) -> None:
    """Two replicas: each has its own store and limiter, both count the same person's questions together."""
    clock = Clock()
    first = SharedRateLimiter(open_state_store(state_location), 3, clock=clock)
    second = SharedRateLimiter(open_state_store(state_location), 3, clock=clock)
    assert [first.check("U1").allowed, second.check("U1").allowed, first.check("U1").allowed] == [True] * 3
    refused = second.check("U1")
    assert (refused.allowed, refused.notify) == (False, True)
    assert (first.check("U1").allowed, first.check("U1").notify) == (False, False)  # told once, by either
    clock.advance(60)
    assert second.check("U1").allowed


def test_the_shared_limit_stores_no_user_id_and_forgets_old_questions(tmp_path: Path) -> None:
    state = open_state_store(tmp_path / "state.db")
    clock = Clock()
    limiter = SharedRateLimiter(state, 1, clock=clock, prune_every=0)
    limiter.check("U0SECRETUSER")
    limiter.check("U0SECRETUSER")
    assert "U0SECRETUSER" not in state_dump(state)
    assert limiter.tracked() == 1
    clock.advance(61)
    limiter.check("U0OTHER")  # pruning runs on a check
    assert state.conn.execute("SELECT count(*) FROM questions_limited").fetchone()[0] == 1


def test_settings_default_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None).questions_per_minute == 10
    monkeypatch.setenv("QUESTIONS_PER_MINUTE", "3")
    assert Settings(_env_file=None).questions_per_minute == 3
    monkeypatch.setenv("QUESTIONS_PER_MINUTE", "-1")
    with pytest.raises(ValueError, match="questions_per_minute"):
        Settings(_env_file=None)
