"""The per-user question limit: a sliding window, one friendly message per spell, thread-safe, bounded memory."""

from __future__ import annotations

import threading

import pytest

from bot.settings import Settings
from knowledge.records.ratelimit import PRUNE_AT, RateLimiter, limit_message


class Clock:
    """Time under the test's control."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def test_limit_per_user_in_a_sliding_window() -> None:
    clock = Clock()
    limiter = RateLimiter(3, window=60, clock=clock)
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


def test_a_runaway_script_gets_one_message_per_spell() -> None:
    clock = Clock()
    limiter = RateLimiter(10, clock=clock)
    notices = 0
    answered = 0
    for _ in range(600):  # ten minutes of one question a second
        decision = limiter.check("USCRIPT")
        answered += decision.allowed
        notices += decision.notify
        clock.advance(1)
    assert answered == 100  # ten a minute
    assert notices == 10  # and at most one "slow down" a minute


def test_zero_means_no_limit() -> None:
    limiter = RateLimiter(0)
    assert all(limiter.check("U1").allowed for _ in range(1000))


@pytest.mark.parametrize(
    ("limit", "window", "message"),
    [(-1, 60, "limit must be 0 (no limit) or more"), (5, 0, "window must be positive")],
)
def test_bad_configuration_is_refused(limit: int, window: float, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        RateLimiter(limit, window=window)
    assert str(raised.value) == message


def test_concurrent_questions_never_exceed_the_limit() -> None:
    limiter = RateLimiter(10, clock=Clock())
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


def test_settings_default_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None).questions_per_minute == 10
    monkeypatch.setenv("QUESTIONS_PER_MINUTE", "3")
    assert Settings(_env_file=None).questions_per_minute == 3
    monkeypatch.setenv("QUESTIONS_PER_MINUTE", "-1")
    with pytest.raises(ValueError, match="questions_per_minute"):
        Settings(_env_file=None)
