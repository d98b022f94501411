"""Teams that discussed a weekly digest ("We discussed this in our team"), counted for the board.

One row per person, digest post and agency/team: which digest (channel, message ts, week, theme), the agency chosen
from the list, the team name only if the person typed one into the form on purpose, who recorded it and when.
Recording the same digest, agency and team again updates the time; it never counts twice.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from knowledge.records.state import StateStore

MAX_TEAM_CHARS = 80


class DiscussionError(ValueError):
    """A discussion that cannot be recorded; the message says why, in words fit for the person."""


@dataclass(frozen=True)
class Discussion:
    week: str
    theme: str
    channel: str
    message_ts: str
    agency: str
    team: str
    recorded_by: str
    recorded_at: float


class DiscussionLog:
    """Digest discussions in the state database."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    def record(
        self,
        *,
        week: str,
        theme: str,
        channel: str,
        message_ts: str,
        agency: str,
        team: str = "",
        by: str,
        at: float | None = None,
    ) -> bool:
        """Record that `by`'s team in `agency` discussed a digest; False if they had already recorded it."""
        team = " ".join(team.split())[:MAX_TEAM_CHARS]
        for name, value in (("week", week), ("theme", theme), ("agency", agency), ("person", by)):
            if not value or len(value) > 100:
                raise DiscussionError(f"A discussion needs a {name}.")
        now = time.time() if at is None else at
        with self.store.transaction() as conn:
            existing = conn.execute(
                "SELECT id FROM digest_discussions"
                " WHERE channel = ? AND message_ts = ? AND recorded_by = ? AND agency = ? AND team = ?",
                (channel, message_ts, by, agency, team),
            ).fetchone()
            if existing is not None:
                conn.execute("UPDATE digest_discussions SET recorded_at = ? WHERE id = ?", (now, existing["id"]))
                return False
            conn.execute(
                "INSERT INTO digest_discussions (week, theme, channel, message_ts, agency, team, recorded_by,"
                " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (week, theme, channel, message_ts, agency, team, by, now),
            )
            return True

    def between(self, start: float, end: float) -> list[Discussion]:
        """Discussions recorded in [start, end), oldest first."""
        rows = self.store.conn.execute(
            "SELECT week, theme, channel, message_ts, agency, team, recorded_by, recorded_at FROM digest_discussions"
            " WHERE recorded_at >= ? AND recorded_at < ? ORDER BY recorded_at, id",
            (start, end),
        )
        return [Discussion(*row) for row in rows]
