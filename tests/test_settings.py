"""Every setting the README lists works from the environment and from `.env` alike; command-line options win."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.settings import Settings, SettingsError, load_settings
from knowledge.loading import bundled_data_dir
from knowledge.records.insights import QuestionLog
from knowledge.records.state import StateStore

from .fakeslack import FakeSlack

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

# variable, the value set, what the bot reads, what it should read
SETTINGS: list[tuple[str, str, Callable[[Settings], Any], Any]] = [
    ("SLACK_BOT_TOKEN", "xoxb-1-settings-test", lambda s: s.secret("slack_bot_token"), "xoxb-1-settings-test"),
    ("SLACK_APP_TOKEN", "xapp-1-settings-test", lambda s: s.secret("slack_app_token"), "xapp-1-settings-test"),
    ("SLACK_SIGNING_SECRET", "0ddba11", lambda s: s.secret("slack_signing_secret"), "0ddba11"),
    ("SLACK_API_URL", "http://127.0.0.1:9/api", lambda s: s.slack_api_url, "http://127.0.0.1:9/api/"),
    ("LEARNING_BOT_DB", "/srv/bot/knowledge.db", lambda s: s.learning_bot_db, Path("/srv/bot/knowledge.db")),
    ("LEARNING_BOT_DATA", "/srv/bot/data", lambda s: s.learning_bot_data, Path("/srv/bot/data")),
    ("LEARNING_BOT_STATE", "~/bot/state.db", lambda s: s.learning_bot_state, Path("~/bot/state.db").expanduser()),
    # (a postgresql:// URL is kept as given: tests/test_postgres.py)
    ("ANSWER_CHANNELS", "C0123ABCD, C0456EFGH", lambda s: s.answer_channels, ("C0123ABCD", "C0456EFGH")),
    ("LOG_QUESTION_TEXT", "true", lambda s: s.log_question_text, True),
    ("QUESTIONS_PER_MINUTE", "0", lambda s: s.questions_per_minute, 0),
    ("SEMANTIC_SEARCH", "true", lambda s: s.semantic_search, True),
    ("DIGEST_CHANNEL", "C0123456789,C0987654321", lambda s: s.digest_channel, ("C0123456789", "C0987654321")),
    ("DIGEST_DAY", "Thursday", lambda s: s.digest_day, "thu"),
    ("DIGEST_TIME", "8:30", lambda s: s.digest_time, "08:30"),
    ("DIGEST_TIMEZONE", "America/New_York", lambda s: s.digest_timezone, "America/New_York"),
    ("DIGEST_CRON", "30 8 * * 1-5", lambda s: s.digest_cron, "30 8 * * 1-5"),
    ("ADMIN_USER_IDS", "UADMIN1;UADMIN2", lambda s: s.admin_user_ids, ("UADMIN1", "UADMIN2")),
    ("PORT", "8080", lambda s: s.port, 8080),
    ("ADMIN_CHANNEL", "C0ADMIN01", lambda s: s.admin_channel, "C0ADMIN01"),
    ("HELP_CONTACT", "S0BOARD01", lambda s: s.help_contact, "S0BOARD01"),
    ("KNOWLEDGE_CHECK_SECONDS", "30", lambda s: s.knowledge_check_seconds, 30.0),
    ("KNOWLEDGE_REBUILD", "true", lambda s: s.knowledge_rebuild, True),
    ("SLACK_CLIENT_ID", "1111.2222", lambda s: s.slack_client_id, "1111.2222"),
    ("SLACK_CLIENT_SECRET", "c11e47", lambda s: s.secret("slack_client_secret"), "c11e47"),
    ("SLACK_SCOPES", "chat:write, commands", lambda s: s.slack_scopes, ("chat:write", "commands")),
    ("WORKSPACE_DATA", "T0BOARDA=/srv/a", lambda s: s.workspace_data, (("T0BOARDA", Path("/srv/a")),)),
]
NAMES = [name for name, *_ in SETTINGS]


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No README setting in the environment, and a fresh current directory (where `.env` is looked for)."""
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    return workdir


def test_every_setting_in_the_readme_is_tested_here() -> None:
    listed = set(re.findall(r"`([A-Z][A-Z0-9]*_[A-Z0-9_]+|PORT)`", README.read_text(encoding="utf-8")))
    assert listed == set(NAMES)
    assert {name.lower() for name in NAMES} <= set(Settings.model_fields)


@pytest.mark.parametrize("source", ["environment", ".env"])
@pytest.mark.parametrize(("name", "value", "read", "expected"), SETTINGS, ids=NAMES)
def test_each_setting_is_read_from_the_environment_and_from_dotenv(
    clean: Path,
    monkeypatch: pytest.MonkeyPatch,
    source: str,
    name: str,
    value: str,
    read: Callable[[Settings], Any],
    expected: Any,
) -> None:
    default = read(load_settings())
    assert default != expected  # the test would notice the setting being ignored
    if source == "environment":
        monkeypatch.setenv(name, value)
    else:
        (clean / ".env").write_text(f"# deployment settings\n{name}={value}\n", encoding="utf-8")
    assert read(load_settings()) == expected


def test_the_environment_wins_over_dotenv(clean: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (clean / ".env").write_text("QUESTIONS_PER_MINUTE=3\nDIGEST_DAY=fri\n", encoding="utf-8")
    monkeypatch.setenv("QUESTIONS_PER_MINUTE", "7")
    settings = load_settings()
    assert (settings.questions_per_minute, settings.digest_day) == (7, "fri")


def test_a_bad_setting_in_dotenv_is_named_without_its_value(clean: Path) -> None:
    (clean / ".env").write_text("QUESTIONS_PER_MINUTE=lots\nPORT=70000\nSLACK_BOT_TOKEN=xoxb-secret-9\n", "utf-8")
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert [line.split(":")[0] for line in refused.value.lines] == ["PORT", "QUESTIONS_PER_MINUTE"]
    assert "xoxb-secret-9" not in str(refused.value)
    result = CliRunner().invoke(cli, ["themes"])
    assert result.exit_code == 1
    assert "invalid settings:" in result.stderr and "QUESTIONS_PER_MINUTE:" in result.stderr


@pytest.mark.parametrize(
    ("line", "name"),
    [("HELP_CONTACT=#safeguarding-board", "HELP_CONTACT"), ("ADMIN_CHANNEL=S0BOARD01", "ADMIN_CHANNEL")],
)
def test_a_contact_or_admin_channel_that_is_not_a_slack_id_is_named(clean: Path, line: str, name: str) -> None:
    (clean / ".env").write_text(line + "\n", "utf-8")
    with pytest.raises(SettingsError) as refused:
        load_settings()
    [problem] = refused.value.lines
    assert problem.startswith(f"{name}: ") and "channel id (C… or G…)" in problem
    assert line.split("=")[1] not in problem


# -- the command line honours them, and its options override them -----------------------------------------------
def test_the_cli_builds_where_dotenv_says_with_the_data_it_names(clean: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "audits").mkdir(parents=True)
    for path in bundled_data_dir().glob("*.yaml"):
        (data / path.name).write_bytes(path.read_bytes())
    audit = next(bundled_data_dir().glob("audits/*.yaml"))
    (data / "audits" / audit.name).write_bytes(audit.read_bytes())
    (clean / ".env").write_text(f"LEARNING_BOT_DB={tmp_path / 'from-dotenv.db'}\nLEARNING_BOT_DATA={data}\n", "utf-8")
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Built {tmp_path / 'from-dotenv.db'}: 1 audits")
    assert (tmp_path / "from-dotenv.db").is_file()
    checked = CliRunner().invoke(cli, ["check"])
    assert f"({data})" in checked.stdout
    # Options override the settings.
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "option.db"), "--data", str(bundled_data_dir()), "build"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Built {tmp_path / 'option.db'}: ")
    assert "1 audits" not in result.stdout


def test_the_cli_reads_the_state_database_dotenv_names(clean: Path, tmp_path: Path, kb_path: Path) -> None:
    state = tmp_path / "state-from-dotenv.db"
    QuestionLog(StateStore(state)).record_counts(themes=["neglect"], agencies=[], found=True, results=2, at=0.0)
    (clean / ".env").write_text(f"LEARNING_BOT_STATE={state}\nLEARNING_BOT_DB={kb_path}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["insights", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["questions"] == 1
    elsewhere = tmp_path / "elsewhere.db"
    result = CliRunner().invoke(cli, ["insights", "--state", str(elsewhere)])
    assert result.exit_code == 1
    assert f"no state database at {elsewhere}" in result.stderr


def test_digest_post_runs_from_dotenv_alone(tmp_path: Path, kb_path: Path, fake_slack: FakeSlack) -> None:
    """A cron job started in the bot's directory: nothing in its environment, everything in `.env`."""
    workdir = tmp_path / "bot"
    workdir.mkdir()
    (workdir / ".env").write_text(
        f"SLACK_BOT_TOKEN=xoxb-from-dotenv\nSLACK_API_URL={fake_slack.url}\nDIGEST_CHANNEL=CDOTENV\n"
        f"LEARNING_BOT_DB={kb_path}\nLEARNING_BOT_STATE={tmp_path / 'state.db'}\n",
        encoding="utf-8",
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "digest", "post"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "CDOTENV: posted the digest for" in done.stdout
    [post] = fake_slack.calls_to("chat.postMessage")
    assert post.headers["Authorization"] == "Bearer xoxb-from-dotenv"
    assert (tmp_path / "state.db").is_file()
