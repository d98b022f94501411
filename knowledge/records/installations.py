"""Slack workspaces' installations and the install links' one-use states, kept in the state database.

One deployment serves several workspaces: Bolt's OAuth flow (bot/installations.py adapts these records to
slack_sdk's InstallationStore and OAuthStateStore) writes each workspace's installation here, and every
request's token is read back from here. Records are opaque JSON objects to this module, keyed by enterprise,
team and user ('' where absent); they hold tokens, so nothing here logs them. Works on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from knowledge.records.state import StateStore

STATE_LIFETIME = 600.0  # seconds an install link's state stays usable (Slack's own stores use 10 minutes)

SAVE_INSTALLATION = (
    "INSERT INTO slack_installations (enterprise_id, team_id, user_id, installed_at, data) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (enterprise_id, team_id, user_id) DO UPDATE SET installed_at = excluded.installed_at,"
    " data = excluded.data"
)
SAVE_BOT = (
    "INSERT INTO slack_bots (enterprise_id, team_id, installed_at, data) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (enterprise_id, team_id) DO UPDATE SET installed_at = excluded.installed_at, data = excluded.data"
)


def _key(value: str | None) -> str:
    return value or ""


class InstallationRecords:
    """Each workspace's latest installation (per installing user) and bot, as JSON objects."""

    def __init__(self, state: StateStore) -> None:
        self.state = state

    def save_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        installed_at: float,
        data: dict[str, Any],
    ) -> None:
        with self.state.transaction() as conn:
            conn.execute(
                SAVE_INSTALLATION,
                (_key(enterprise_id), _key(team_id), _key(user_id), installed_at, json.dumps(data)),
            )

    def save_bot(
        self, *, enterprise_id: str | None, team_id: str | None, installed_at: float, data: dict[str, Any]
    ) -> None:
        with self.state.transaction() as conn:
            conn.execute(SAVE_BOT, (_key(enterprise_id), _key(team_id), installed_at, json.dumps(data)))

    def find_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> dict[str, Any] | None:
        """That user's installation, or (no user) the workspace's latest one; None if there is none."""
        sql = "SELECT data FROM slack_installations WHERE enterprise_id = ? AND team_id = ?"
        params: tuple[str, ...] = (_key(enterprise_id), _key(team_id))
        if user_id:
            sql += " AND user_id = ?"
            params += (user_id,)
        row = self.state.conn.execute(sql + " ORDER BY installed_at DESC LIMIT 1", params).fetchone()
        return json.loads(row[0]) if row else None

    def find_bot(self, *, enterprise_id: str | None, team_id: str | None) -> dict[str, Any] | None:
        row = self.state.conn.execute(
            "SELECT data FROM slack_bots WHERE enterprise_id = ? AND team_id = ?",
            (_key(enterprise_id), _key(team_id)),
        ).fetchone()
        return json.loads(row[0]) if row else None

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        with self.state.transaction() as conn:
            conn.execute(
                "DELETE FROM slack_bots WHERE enterprise_id = ? AND team_id = ?", (_key(enterprise_id), _key(team_id))
            )

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        """That user's installation, or (no user) every installation in the workspace."""
        sql = "DELETE FROM slack_installations WHERE enterprise_id = ? AND team_id = ?"
        params: tuple[str, ...] = (_key(enterprise_id), _key(team_id))
        if user_id:
            sql += " AND user_id = ?"
            params += (user_id,)
        with self.state.transaction() as conn:
            conn.execute(sql, params)


class OAuthStates:
    """One-use, expiring `state` values for install links (the OAuth flow's guard against forged redirects)."""

    def __init__(
        self, state: StateStore, *, lifetime: float = STATE_LIFETIME, clock: Callable[[], float] = time.time
    ) -> None:
        if lifetime <= 0:
            raise ValueError("lifetime must be positive")
        self.state = state
        self.lifetime = lifetime
        self.clock = clock

    def issue(self) -> str:
        value = secrets.token_urlsafe(32)
        now = self.clock()
        with self.state.transaction() as conn:
            conn.execute("DELETE FROM oauth_states WHERE expires_at <= ?", (now,))
            conn.execute("INSERT INTO oauth_states (state, expires_at) VALUES (?, ?)", (value, now + self.lifetime))
        return value

    def consume(self, value: str) -> bool:
        """True once for a state this store issued that has not expired; False for anything else."""
        if not value or len(value) > 200:
            return False
        with self.state.transaction() as conn:
            row = conn.execute("SELECT expires_at FROM oauth_states WHERE state = ?", (value,)).fetchone()
            if row is None:
                return False
            conn.execute("DELETE FROM oauth_states WHERE state = ?", (value,))
            return float(row[0]) > self.clock()
