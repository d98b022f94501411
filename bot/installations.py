"""slack_sdk's InstallationStore and OAuthStateStore over the bot's own state database (SQLite or PostgreSQL).

Bolt's OAuth flow saves each workspace's installation through `StateInstallationStore` and finds the right token
for every request through it; `StateOAuthStateStore` issues and checks the install links' one-use states. The
records themselves live in knowledge/records/installations.py. Tokens are stored, never logged.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.state_store import OAuthStateStore

from knowledge.records.installations import STATE_LIFETIME, InstallationRecords, OAuthStates

if TYPE_CHECKING:
    from collections.abc import Callable

    from knowledge.records.state import StateStore

log = logging.getLogger(__name__)

BOT_FIELDS = (
    "bot_token",
    "bot_id",
    "bot_user_id",
    "bot_scopes",
    "bot_refresh_token",
    "bot_token_expires_at",
)


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """slack_sdk's dict with datetimes as epoch seconds, so it is JSON and reads back into the same class."""
    return {key: value.timestamp() if isinstance(value, datetime) else value for key, value in values.items()}


def _team(team_id: str | None, is_enterprise_install: bool | None) -> str | None:
    return None if is_enterprise_install else team_id  # an org-wide install belongs to the enterprise


class StateInstallationStore(InstallationStore):
    def __init__(self, state: StateStore) -> None:
        self.records = InstallationRecords(state)

    @property
    def logger(self) -> logging.Logger:
        return log

    def save(self, installation: Installation) -> None:
        team_id = _team(installation.team_id, installation.is_enterprise_install)
        self.records.save_installation(
            enterprise_id=installation.enterprise_id,
            team_id=team_id,
            user_id=installation.user_id,
            installed_at=installation.installed_at,
            data=_plain(installation.to_dict_for_copying()),
        )
        if installation.bot_token is not None:
            self.save_bot(installation.to_bot())

    def save_bot(self, bot: Bot) -> None:
        self.records.save_bot(
            enterprise_id=bot.enterprise_id,
            team_id=_team(bot.team_id, bot.is_enterprise_install),
            installed_at=bot.installed_at,
            data=_plain(bot.to_dict_for_copying()),
        )

    def find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        data = self.records.find_bot(enterprise_id=enterprise_id, team_id=_team(team_id, is_enterprise_install))
        return Bot(**data) if data else None

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        team = _team(team_id, is_enterprise_install)
        data = self.records.find_installation(enterprise_id=enterprise_id, team_id=team, user_id=user_id)
        if data is None:
            return None
        bot = self.records.find_bot(enterprise_id=enterprise_id, team_id=team)
        if bot is not None:  # a user's own installation may predate the workspace's current bot token
            data.update({field: bot.get(field) for field in BOT_FIELDS})
        return Installation(**data)

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.records.delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        self.records.delete_installation(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)


class StateOAuthStateStore(OAuthStateStore):
    def __init__(
        self, state: StateStore, *, lifetime: float = STATE_LIFETIME, clock: Callable[[], float] | None = None
    ) -> None:
        self.states = OAuthStates(state, lifetime=lifetime, **({"clock": clock} if clock else {}))

    @property
    def logger(self) -> logging.Logger:
        return log

    def issue(self, *args: Any, **kwargs: Any) -> str:
        return self.states.issue()

    def consume(self, state: str) -> bool:
        return self.states.consume(state)
