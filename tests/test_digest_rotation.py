"""The theme rotation: stable across restarts and data changes; admins' choices and skips."""

from __future__ import annotations

from pathlib import Path

from knowledge.digest import next_theme
from knowledge.records.digest_log import DigestLog
from knowledge.records.state import open_state_store

from .digesting import _no_digest_env  # noqa: F401 (autouse fixture)

THEMES = ["a", "b", "c", "d"]


def test_next_theme_goes_through_the_data_order_then_starts_again() -> None:
    assert next_theme(THEMES, []) == "a"
    assert next_theme(THEMES, ["a"]) == "b"
    assert next_theme(THEMES, ["a", "b", "c"]) == "d"
    assert next_theme(THEMES, ["a", "b", "c", "d"]) == "a"
    assert next_theme(THEMES, ["a", "b", "c", "d", "a"]) == "b"
    assert next_theme([], ["a"]) is None


def test_a_new_theme_joins_the_current_cycle_and_a_removed_one_is_skipped() -> None:
    history = ["a", "b"]
    assert next_theme(["a", "new", "b", "c", "d"], history) == "new"
    assert next_theme(["a", "b", "d"], history) == "d"  # c was removed from the data
    # A cycle finished before the new theme existed: the new theme is posted before the next cycle begins.
    assert next_theme(["a", "b", "c", "d", "e"], ["a", "b", "c", "d"]) == "e"
    assert next_theme(["a", "b", "c", "d", "e"], ["a", "b", "c", "d", "e"]) == "a"


def test_out_of_order_choices_are_not_repeated_in_the_cycle() -> None:
    assert next_theme(THEMES, ["c"]) == "a"
    assert next_theme(THEMES, ["c", "a", "b"]) == "d"
    assert next_theme(THEMES, ["c", "a", "b", "d"]) == "a"


def weeks(log: DigestLog, count: int, *, themes: list[str], start: int = 1) -> list[str | None]:
    """Claim `count` consecutive weeks for one channel and return each week's theme."""
    chosen = []
    for n in range(start, start + count):
        claim = log.claim("C1", f"2026-W{n:02d}", themes=themes, owner=f"run{n}", now=float(n))
        chosen.append(claim.theme)
        log.record_sent("C1", f"2026-W{n:02d}", ts=f"{n}.0", now=float(n))
    return chosen


def test_the_rotation_survives_restarts(state_location: str | Path) -> None:
    path = state_location
    assert weeks(DigestLog(open_state_store(path)), 2, themes=THEMES) == ["a", "b"]
    assert weeks(DigestLog(open_state_store(path)), 3, themes=THEMES, start=3) == ["c", "d", "a"]
    assert [theme for _, theme, _ in DigestLog(open_state_store(path)).history()] == ["a", "b", "c", "d", "a"]


def test_the_rotation_follows_data_changes(state_location: str | Path) -> None:
    path = state_location
    assert weeks(DigestLog(open_state_store(path)), 2, themes=THEMES) == ["a", "b"]
    log = DigestLog(open_state_store(path))
    assert weeks(log, 2, themes=["a", "b", "new", "d"], start=3) == ["new", "d"]  # c removed, new added
    assert weeks(log, 3, themes=["a", "b", "new", "d"], start=5) == ["a", "b", "new"]


def test_a_week_keeps_its_theme_for_every_channel_and_every_run(state_location: str | Path) -> None:
    log = DigestLog(open_state_store(state_location))
    first = log.claim("C1", "2026-W10", themes=THEMES, owner="x", now=1.0)
    other = log.claim("C2", "2026-W10", themes=["b", "a", "c", "d"], owner="y", now=2.0)
    assert first.theme == other.theme == "a"


def test_a_decided_theme_removed_from_the_data_is_replaced(state_location: str | Path) -> None:
    log = DigestLog(open_state_store(state_location))
    assert log.claim("C1", "2026-W10", themes=THEMES, owner="x", now=1.0).theme == "a"
    assert log.claim("C1", "2026-W10", themes=["b", "c"], owner="x", now=2.0).theme == "b"


def test_an_admins_choice_is_the_next_weeks_theme_then_the_rotation_carries_on(state_location: str | Path) -> None:
    log = DigestLog(open_state_store(state_location))
    assert weeks(log, 1, themes=THEMES) == ["a"]
    log.choose_next("d", by="UADMIN1", now=5.0)
    assert log.pending_choice() == "d"
    assert log.plan("2026-W02", themes=THEMES).theme == "d"
    assert weeks(log, 3, themes=THEMES, start=2) == ["d", "b", "c"]
    assert log.pending_choice() is None


def test_a_choice_of_a_theme_since_removed_is_ignored(state_location: str | Path) -> None:
    log = DigestLog(open_state_store(state_location))
    log.choose_next("gone", by="UADMIN1", now=1.0)
    assert weeks(log, 1, themes=THEMES) == ["a"]


def test_skipping_a_week_posts_nothing_and_keeps_its_theme_for_later(state_location: str | Path) -> None:
    log = DigestLog(open_state_store(state_location))
    assert weeks(log, 1, themes=THEMES) == ["a"]
    assert log.plan("2026-W02", themes=THEMES).theme == "b"
    assert log.skip("2026-W02", by="UADMIN1", now=2.0) == {}
    claim = log.claim("C1", "2026-W02", themes=THEMES, owner="x", now=3.0)
    assert claim.status == "skipped"
    assert log.plan("2026-W02", themes=THEMES).done(("C1",))
    assert weeks(log, 1, themes=THEMES, start=3) == ["b"]


def test_skipping_a_week_already_posted_somewhere_reports_where(state_location: str | Path) -> None:
    log = DigestLog(open_state_store(state_location))
    log.claim("C1", "2026-W05", themes=THEMES, owner="x", now=1.0)
    log.record_sent("C1", "2026-W05", ts="1.5", now=1.0)
    assert log.skip("2026-W05", by="UADMIN1", now=2.0) == {"C1": "1.5"}
    assert log.claim("C2", "2026-W05", themes=THEMES, owner="y", now=3.0).status == "skipped"
    assert next_theme(THEMES, [theme for _, theme, _ in log.history() if theme]) == "b"  # "a" was shown


def test_skipping_a_week_whose_theme_an_admin_chose_moves_the_choice_to_the_next_week(
    state_location: str | Path,
) -> None:
    log = DigestLog(open_state_store(state_location))
    log.choose_next("c", by="UADMIN1", now=1.0)
    assert log.claim("C1", "2026-W01", themes=THEMES, owner="x", now=2.0).theme == "c"  # decided, then Slack failed
    log.skip("2026-W01", by="UADMIN2", now=3.0)
    assert log.pending_choice() == "c"
    assert weeks(log, 2, themes=THEMES, start=2) == ["c", "a"]
