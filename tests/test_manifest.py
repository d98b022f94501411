"""The app manifests declare exactly the slash commands, events and buttons the code registers, and no more
scopes than those need."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from slack_bolt import App, Assistant

import handlers
from bot.app import handler_deps
from bot.settings import Settings
from knowledge.base import KnowledgeBase
from knowledge.records.state import StateStore

ROOT = Path(__file__).resolve().parents[1]
MANIFESTS = {"socket": ROOT / "manifest.yml", "http": ROOT / "manifest.http.yml"}
SCOPE_FOR_EVENT = {
    "app_mention": "app_mentions:read",
    "message.im": "im:history",
    "message.channels": "channels:history",
    "app_home_opened": None,  # needs no scope of its own
    "assistant_thread_started": "assistant:write",
    "assistant_thread_context_changed": "assistant:write",
}
ASSISTANT_EVENTS = {"assistant_thread_started", "assistant_thread_context_changed"}


class RecordingApp(App):
    """A Bolt App (offline: no auth.test) that records what is registered on it."""

    def __init__(self) -> None:
        super().__init__(token="xoxb-offline", signing_secret="offline", token_verification_enabled=False)
        self.commands: set[str] = set()
        self.events: set[str] = set()
        self.actions: set[str] = set()
        self.shortcuts: set[str] = set()

    def use(self, *args: Any, **kwargs: Any) -> Any:
        if any(isinstance(arg, Assistant) for arg in args):  # the assistant middleware listens for these events
            self.events |= ASSISTANT_EVENTS
        return super().use(*args, **kwargs)

    def shortcut(self, constraints: Any, *args: Any, **kwargs: Any) -> Any:
        self.shortcuts.add(str(constraints))
        return super().shortcut(constraints, *args, **kwargs)

    def command(self, command: Any, *args: Any, **kwargs: Any) -> Any:
        self.commands.add(command)
        return super().command(command, *args, **kwargs)

    def event(self, event: Any, *args: Any, **kwargs: Any) -> Any:
        self.events.add(event if isinstance(event, str) else event["type"])
        return super().event(event, *args, **kwargs)

    def action(self, constraints: Any, *args: Any, **kwargs: Any) -> Any:
        self.actions.add(str(constraints))
        return super().action(constraints, *args, **kwargs)


@pytest.fixture(scope="module")
def registered(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> RecordingApp:
    app = RecordingApp()
    state = StateStore(tmp_path_factory.mktemp("state") / "state.db")
    handlers.register(app, handler_deps(Settings(_env_file=None), kb, state))  # type: ignore[call-arg]
    return app


def load(kind: str) -> dict[str, Any]:
    return yaml.safe_load(MANIFESTS[kind].read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", MANIFESTS)
def test_slash_commands_match_the_code(registered: RecordingApp, kind: str) -> None:
    declared = {command["command"] for command in load(kind)["features"]["slash_commands"]}
    assert declared == registered.commands, f"{MANIFESTS[kind].name}: commands differ from the code"


@pytest.mark.parametrize("kind", MANIFESTS)
def test_bot_events_match_the_code(registered: RecordingApp, kind: str) -> None:
    declared = set(load(kind)["settings"]["event_subscriptions"]["bot_events"])
    as_registered = {event.split(".", 1)[0] for event in declared}  # message.im -> message
    assert as_registered == registered.events, f"{MANIFESTS[kind].name}: events differ from the code"


@pytest.mark.parametrize("kind", MANIFESTS)
def test_shortcuts_match_the_code(registered: RecordingApp, kind: str) -> None:
    declared = {shortcut["callback_id"] for shortcut in load(kind)["features"]["shortcuts"]}
    assert declared == registered.shortcuts == {"find_learning"}
    assert all(shortcut["type"] == "message" for shortcut in load(kind)["features"]["shortcuts"])


@pytest.mark.parametrize("kind", MANIFESTS)
def test_the_assistant_view_is_declared_when_the_assistant_listens(registered: RecordingApp, kind: str) -> None:
    manifest = load(kind)
    assert ("assistant_view" in manifest["features"]) is (registered.events >= ASSISTANT_EVENTS)
    assert "assistant:write" in manifest["oauth_config"]["scopes"]["bot"]


@pytest.mark.parametrize("kind", MANIFESTS)
def test_interactivity_is_on_exactly_when_buttons_are_handled(registered: RecordingApp, kind: str) -> None:
    assert load(kind)["settings"]["interactivity"]["is_enabled"] is bool(registered.actions)


@pytest.mark.parametrize("kind", MANIFESTS)
def test_scopes_are_the_least_the_declared_features_need(kind: str) -> None:
    manifest = load(kind)
    needed = {"chat:write"}
    if manifest["features"].get("slash_commands"):
        needed.add("commands")
    for event in manifest["settings"]["event_subscriptions"]["bot_events"]:
        needed.add(SCOPE_FOR_EVENT[event])
    needed.discard(None)
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == needed
    assert "channels:history" not in needed, "only for ANSWER_CHANNELS: left commented out by default"


def test_the_two_variants_differ_only_in_how_slack_reaches_the_bot() -> None:
    socket, http = load("socket"), load("http")
    assert socket["settings"]["socket_mode_enabled"] is True
    assert http["settings"]["socket_mode_enabled"] is False
    url = http["settings"]["event_subscriptions"].pop("request_url")
    assert url.endswith("/slack/events")
    assert http["settings"]["interactivity"].pop("request_url") == url
    for command in http["features"]["slash_commands"]:
        assert command.pop("url") == url
    for manifest in (socket, http):
        manifest["settings"].pop("socket_mode_enabled")
    assert socket == http


def test_dms_can_be_sent_to_the_bot() -> None:
    for kind in MANIFESTS:
        app_home = load(kind)["features"]["app_home"]
        assert app_home["messages_tab_enabled"] is True
        assert app_home["messages_tab_read_only_enabled"] is False
