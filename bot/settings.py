"""Settings from the environment and `.env`, with pydantic-settings: the one place the bot reads configuration.

Read once at start (`load_settings`) and passed on: the command line's options override them, and `knowledge/`
is handed plain values (paths, numbers), never this object. A variable in the environment wins over the same
one in `.env` (in the directory the bot is started from). Tokens are `SecretStr`: they never print in logs,
reprs or error messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from knowledge.loading import bundled_data_dir
from knowledge.store import default_db_path

SLACK_API_URL = "https://slack.com/api/"
DEFAULT_PORT = 3000
CommaList = Annotated[tuple[str, ...], NoDecode]


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

    # The knowledge database (derived: rebuilt when the data changes), the data files, the durable state.
    learning_bot_db: Path = Field(default_factory=default_db_path)
    learning_bot_data: Path = Field(default_factory=bundled_data_dir)
    learning_bot_state: Path = Field(default_factory=default_state_path)
    port: int = Field(default=DEFAULT_PORT, ge=0, le=65535)  # `serve --http`

    admin_user_ids: CommaList = ()
    answer_channels: CommaList = ()

    # Privacy: question text is never logged unless this is set explicitly.
    log_question_text: bool = False

    # The weekly learning-theme digest: where, and when (day/time in a timezone, or a cron expression).
    digest_channel: CommaList = ()
    digest_day: str = "mon"
    digest_time: str = "09:00"
    digest_timezone: str = "Europe/London"
    digest_cron: str | None = None

    # Practitioner care: questions one person may ask per minute (0 = no limit); in memory, per process.
    questions_per_minute: int = Field(default=10, ge=0)

    @field_validator("learning_bot_db", "learning_bot_data", "learning_bot_state")
    @classmethod
    def _home(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator("admin_user_ids", "answer_channels", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.replace(";", ",").split(",") if part.strip())
        return value

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

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

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
