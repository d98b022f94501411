"""The digest log in the state database: each week's theme, and the progress of each (channel, week) post.

A post goes through: claimed (a lease, so one run at a time works on it; a run on this machine that died, killed
with SIGKILL say, loses its claim at once, see `owners`) -> attempting (written *before*
chat.postMessage is called, so a crash leaves a trace) -> sent (with Slack's ts) or failed (Slack said no). An
`attempting` row found by a later run means the outcome is unknown: that run looks for the post in the channel
(by message metadata) before posting again. Nothing is `sent` unless Slack accepted it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Literal

from knowledge.digest import next_theme
from knowledge.records.migrations import POSTGRESQL, SQLITE
from knowledge.records.owners import is_gone, machine
from knowledge.records.state import StateStore

LEASE_SECONDS = 15 * 60  # longer than the slowest post: three rate-limit waits of at most 2 minutes, timeouts

ClaimStatus = Literal["go", "sent", "skipped", "busy", "deferred", "no-theme"]


@dataclass(frozen=True)
class Claim:
    """What a run may do about one (channel, week)."""

    status: ClaimStatus
    channel: str
    week: str
    theme: str | None = None
    ts: str | None = None
    uncertain_since: float | None = None  # an earlier attempt's outcome is unknown: look for its post first
    error: str | None = None
    held_elsewhere_until: float | None = None  # busy: held by a run on another machine, whose life cannot be checked


@dataclass(frozen=True)
class WeekPlan:
    """A week's theme (decided, or what it would be if decided now) and where it has been posted."""

    week: str
    theme: str | None
    skipped: bool
    decided: bool
    sent: dict[str, str] = field(default_factory=dict)  # channel -> ts
    failed: dict[str, str] = field(default_factory=dict)  # channel -> error

    def done(self, channels: tuple[str, ...]) -> bool:
        """Nothing left to post this week: skipped, or sent to every channel (to any, when none is named)."""
        if self.skipped:
            return True
        return all(channel in self.sent for channel in channels) if channels else bool(self.sent)


class DigestLog:
    """Reads and writes the digest tables; every write is one IMMEDIATE transaction, safe across processes.

    Reading (`plan`, `history`, `pending_choice`: the App Home, previews) takes no write lock and writes nothing.
    """

    def __init__(self, state: StateStore) -> None:
        self.state = state
        # The order weeks were first decided in (the rotation's history): SQLite's rowid, PostgreSQL's seq.
        self._inserted = "seq" if getattr(state, "dialect", SQLITE) == POSTGRESQL else "rowid"

    # -- themes ------------------------------------------------------------------------------------------------
    def _history(self, conn: sqlite3.Connection, *, before: str | None = None) -> list[str]:
        rows = conn.execute(f"SELECT week, theme FROM digest_weeks WHERE theme IS NOT NULL ORDER BY {self._inserted}")
        return [row["theme"] for row in rows if row["week"] != before]

    def _choice(self, conn: sqlite3.Connection) -> str | None:
        row = conn.execute("SELECT theme FROM digest_choice WHERE id = 1").fetchone()
        return row["theme"] if row else None

    def _plan(self, conn: sqlite3.Connection, week: str, themes: list[str]) -> tuple[str | None, bool, bool, str]:
        """(theme, skipped, decided, decided_by) for a week; a decided theme since removed is chosen again."""
        row = conn.execute("SELECT theme, skipped FROM digest_weeks WHERE week = ?", (week,)).fetchone()
        if row is not None and (row["skipped"] or row["theme"] in themes):
            return row["theme"], bool(row["skipped"]), True, ""
        chosen = self._choice(conn)
        if chosen in themes:
            return chosen, False, False, "choice"
        return next_theme(themes, self._history(conn, before=week)), False, False, "rotation"

    def plan(self, week: str, *, themes: list[str]) -> WeekPlan:
        """The week's theme, or the one it would get if it were decided now (read-only)."""
        sent: dict[str, str] = {}
        failed: dict[str, str] = {}
        with self.state.reading() as conn:
            theme, skipped, decided, _ = self._plan(conn, week, themes)
            for row in conn.execute("SELECT channel, status, ts, error FROM digest_posts WHERE week = ?", (week,)):
                if row["status"] == "sent":
                    sent[row["channel"]] = row["ts"]
                elif row["error"]:
                    failed[row["channel"]] = row["error"]
        return WeekPlan(week, theme, skipped, decided, sent, failed)

    def history(self) -> list[tuple[str, str | None, bool]]:
        """Every decided week, oldest first: (week, theme, skipped)."""
        rows = self.state.conn.execute(f"SELECT week, theme, skipped FROM digest_weeks ORDER BY {self._inserted}")
        return [(row["week"], row["theme"], bool(row["skipped"])) for row in rows]

    def choose_next(self, theme: str, *, by: str, now: float) -> None:
        """Make `theme` the theme of the next week not yet decided (an admin's choice; replaces an earlier one)."""
        with self.state.transaction() as conn:
            conn.execute(
                "INSERT INTO digest_choice (id, theme, chosen_by, chosen_at) VALUES (1, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET theme = excluded.theme, chosen_by = excluded.chosen_by,"
                " chosen_at = excluded.chosen_at",
                (theme, by, now),
            )

    def pending_choice(self) -> str | None:
        return self._choice(self.state.conn)

    def skip(self, week: str, *, by: str, now: float) -> dict[str, str]:
        """Post nothing more for `week`; returns the channels it was already posted to (channel -> ts).

        A theme that was not posted anywhere goes back into the rotation.
        """
        with self.state.transaction() as conn:
            sent = {
                row["channel"]: row["ts"]
                for row in conn.execute(
                    "SELECT channel, ts FROM digest_posts WHERE week = ? AND status = 'sent'", (week,)
                )
            }
            row = conn.execute("SELECT theme, decided_by FROM digest_weeks WHERE week = ?", (week,)).fetchone()
            theme = row["theme"] if row is not None and sent else None
            if row is not None and not sent and row["decided_by"] == "choice" and self._choice(conn) is None:
                # An admin chose this week's theme: it moves on to the next week rather than back into the queue.
                conn.execute(
                    "INSERT INTO digest_choice (id, theme, chosen_by, chosen_at) VALUES (1, ?, ?, ?)",
                    (row["theme"], by, now),
                )
            conn.execute(
                "INSERT INTO digest_weeks (week, theme, skipped, decided_at, decided_by) VALUES (?, ?, 1, ?, ?)"
                " ON CONFLICT (week) DO UPDATE SET theme = excluded.theme, skipped = 1,"
                " decided_by = excluded.decided_by",
                (week, theme, now, f"skip:{by}"),
            )
        return sent

    # -- posts -------------------------------------------------------------------------------------------------
    def claim(
        self,
        channel: str,
        week: str,
        *,
        themes: list[str],
        owner: str,
        now: float,
        lease: float = LEASE_SECONDS,
        force: bool = False,
    ) -> Claim:
        """Take the (channel, week) post for this run, deciding the week's theme if nobody has yet.

        `force` ignores the wait after a failure (an admin or a one-off run asked for the post now).
        """
        with self.state.transaction() as conn:
            row = conn.execute("SELECT * FROM digest_posts WHERE channel = ? AND week = ?", (channel, week)).fetchone()
            if row is not None and row["status"] == "sent":
                return Claim("sent", channel, week, ts=row["ts"], theme=self._week_theme(conn, week))
            if row is not None and row["lease_until"] > now and row["owner"] != owner and not is_gone(row["owner"]):
                # The holder is alive (or elsewhere, where it cannot be checked: then only its lease can end it).
                here = (row["owner"] or "").startswith(machine() + "/")
                return Claim("busy", channel, week, held_elsewhere_until=None if here else row["lease_until"])
            theme, skipped, decided, decided_by = self._plan(conn, week, themes)
            if skipped:
                return Claim("skipped", channel, week)
            if theme is None:
                return Claim("no-theme", channel, week)
            if row is not None and row["status"] in ("failed", "attempting") and row["retry_at"] > now and not force:
                return Claim("deferred", channel, week, theme=theme, error=row["error"])
            if not decided:
                conn.execute(
                    "INSERT INTO digest_weeks (week, theme, skipped, decided_at, decided_by) VALUES (?, ?, 0, ?, ?)"
                    " ON CONFLICT (week) DO UPDATE SET theme = excluded.theme, decided_at = excluded.decided_at,"
                    " decided_by = excluded.decided_by",
                    (week, theme, now, decided_by),
                )
                if decided_by == "choice":
                    conn.execute("DELETE FROM digest_choice WHERE id = 1")
            if row is None:
                conn.execute(
                    "INSERT INTO digest_posts (channel, week, status, owner, lease_until)"
                    " VALUES (?, ?, 'claimed', ?, ?)",
                    (channel, week, owner, now + lease),
                )
                return Claim("go", channel, week, theme=theme)
            conn.execute(
                "UPDATE digest_posts SET owner = ?, lease_until = ? WHERE channel = ? AND week = ?",
                (owner, now + lease, channel, week),
            )
            uncertain = row["attempt_at"] if row["status"] == "attempting" else None
            return Claim("go", channel, week, theme=theme, uncertain_since=uncertain, error=row["error"])

    def _week_theme(self, conn: sqlite3.Connection, week: str) -> str | None:
        row = conn.execute("SELECT theme FROM digest_weeks WHERE week = ?", (week,)).fetchone()
        return row["theme"] if row else None

    def begin_attempt(self, channel: str, week: str, *, owner: str, now: float) -> bool:
        """Write down that a post is about to be sent; False if this run no longer holds the claim."""
        with self.state.transaction() as conn:
            cursor = conn.execute(
                "UPDATE digest_posts SET status = 'attempting', attempt_at = ?"
                " WHERE channel = ? AND week = ? AND owner = ? AND status != 'sent'",
                (now, channel, week, owner),
            )
            return cursor.rowcount == 1

    def record_sent(self, channel: str, week: str, *, ts: str, now: float) -> None:
        """Slack accepted the post (or it was found in the channel): the week is done for this channel."""
        with self.state.transaction() as conn:
            conn.execute(
                "INSERT INTO digest_posts (channel, week, status, ts, sent_at) VALUES (?, ?, 'sent', ?, ?)"
                " ON CONFLICT (channel, week) DO UPDATE SET status = 'sent', ts = excluded.ts,"
                " sent_at = excluded.sent_at, owner = NULL, lease_until = 0, error = NULL"
                " WHERE digest_posts.status != 'sent'",
                (channel, week, ts, now),
            )

    def record_failure(
        self, channel: str, week: str, *, owner: str, error: str, retry_at: float, uncertain: bool = False
    ) -> bool:
        """Give up this run's claim after an error; True if admins have not been told about this error yet.

        `uncertain`: Slack may have accepted the post (a timeout, a lost connection, or the channel's history could
        not be read), so the row stays `attempting` and the next run looks for the post before sending again.
        """
        with self.state.transaction() as conn:
            row = conn.execute(
                "SELECT status, reported_error FROM digest_posts WHERE channel = ? AND week = ?", (channel, week)
            ).fetchone()
            if row is None or row["status"] == "sent":
                return False
            status = "attempting" if uncertain else "failed"
            conn.execute(
                "UPDATE digest_posts SET status = ?, error = ?, retry_at = ?, reported_error = ?, owner = NULL,"
                " lease_until = 0, attempt_at = CASE WHEN ? THEN attempt_at ELSE NULL END"
                " WHERE channel = ? AND week = ? AND (owner = ? OR owner IS NULL)",
                (status, error, retry_at, error, uncertain, channel, week, owner),
            )
            return row["reported_error"] != error
