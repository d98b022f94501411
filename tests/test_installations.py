"""The OAuth installation and state stores over the state database, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from slack_sdk.oauth.installation_store import Installation

from bot.installations import StateInstallationStore, StateOAuthStateStore
from knowledge.records.state import StateStore, open_state_store


@pytest.fixture
def state(state_location: str | Path) -> StateStore:
    return open_state_store(state_location)


def installation(team: str, token: str, *, user: str = "U1", installed_at: float = 1000.0) -> Installation:
    return Installation(
        app_id="A1",
        team_id=team,
        team_name=f"Board {team}",
        user_id=user,
        user_token=f"xoxp-{user}",
        bot_token=token,
        bot_id=f"B{team}",
        bot_user_id=f"UB{team}",
        bot_scopes="chat:write,app_mentions:read",
        installed_at=installed_at,
    )


def test_each_workspace_gets_back_its_own_installation_and_bot(state: StateStore) -> None:
    store = StateInstallationStore(state)
    store.save(installation("T1", "xoxb-one"))
    store.save(installation("T2", "xoxb-two"))

    found = store.find_installation(enterprise_id=None, team_id="T1")
    assert found is not None
    assert (found.team_id, found.team_name, found.bot_token) == ("T1", "Board T1", "xoxb-one")
    assert found.user_token == "xoxp-U1"
    assert found.bot_scopes == ["chat:write", "app_mentions:read"]
    assert found.installed_at == 1000.0
    bot = store.find_bot(enterprise_id=None, team_id="T2")
    assert bot is not None and (bot.bot_token, bot.bot_user_id) == ("xoxb-two", "UBT2")
    assert store.find_bot(enterprise_id=None, team_id="T3") is None
    assert store.find_installation(enterprise_id=None, team_id="T3") is None


def test_a_reinstall_replaces_the_token_and_the_latest_installation_wins(state: StateStore) -> None:
    store = StateInstallationStore(state)
    store.save(installation("T1", "xoxb-old", user="U1", installed_at=1000.0))
    store.save(installation("T1", "xoxb-new", user="U2", installed_at=2000.0))
    store.save(installation("T1", "xoxb-new", user="U2", installed_at=2000.0))  # saved twice: still one row

    latest = store.find_installation(enterprise_id=None, team_id="T1")
    assert latest is not None and (latest.user_id, latest.bot_token) == ("U2", "xoxb-new")
    older = store.find_installation(enterprise_id=None, team_id="T1", user_id="U1")
    assert older is not None and older.user_token == "xoxp-U1"
    assert older.bot_token == "xoxb-new"  # the workspace's current bot token, not the one U1 installed with
    assert state.conn.execute("SELECT count(*) FROM slack_installations").fetchone()[0] == 2


def test_an_org_wide_install_is_found_by_its_enterprise(state: StateStore) -> None:
    store = StateInstallationStore(state)
    org = installation("T9", "xoxb-org")
    org.enterprise_id, org.is_enterprise_install = "E1", True
    store.save(org)
    found = store.find_installation(enterprise_id="E1", team_id="T-any", is_enterprise_install=True)
    assert found is not None and found.bot_token == "xoxb-org"
    assert store.find_installation(enterprise_id="E1", team_id="T9") is None  # not a workspace install


def test_deleting_a_workspace_removes_its_tokens_only(state: StateStore) -> None:
    store = StateInstallationStore(state)
    store.save(installation("T1", "xoxb-one"))
    store.save(installation("T2", "xoxb-two"))
    store.delete_all(enterprise_id=None, team_id="T1")
    assert store.find_installation(enterprise_id=None, team_id="T1") is None
    assert store.find_bot(enterprise_id=None, team_id="T1") is None
    assert store.find_bot(enterprise_id=None, team_id="T2") is not None


def test_a_state_is_good_once_and_only_until_it_expires(state: StateStore) -> None:
    now = [5000.0]
    store = StateOAuthStateStore(state, lifetime=600, clock=lambda: now[0])
    first, second = store.issue(), store.issue()
    assert first != second
    assert store.consume(first) is True
    assert store.consume(first) is False  # replayed
    assert store.consume("forged") is False
    assert store.consume("") is False
    now[0] += 601
    assert store.consume(second) is False  # expired, and gone
    assert state.conn.execute("SELECT count(*) FROM oauth_states").fetchone()[0] == 0


def test_states_are_shared_by_every_process_on_the_database(state_location: str | Path) -> None:
    issued = StateOAuthStateStore(open_state_store(state_location)).issue()
    assert StateOAuthStateStore(open_state_store(state_location)).consume(issued) is True


def test_stored_tokens_never_reach_the_log(state: StateStore, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    store = StateInstallationStore(state)
    store.save(installation("T1", "xoxb-secret-token"))
    store.find_installation(enterprise_id=None, team_id="T1")
    assert "xoxb-secret-token" not in caplog.text
