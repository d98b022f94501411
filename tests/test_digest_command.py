"""`/digest`: admins only; preview, post, skip and theme — as listener unit tests and over signed requests."""

from __future__ import annotations

import time
from pathlib import Path
from unittest.mock import Mock
from urllib.parse import urlencode

import pytest
from slack_bolt import Ack, App, BoltRequest, Respond
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web import WebClient

from bot.app import handler_deps
from bot.settings import Settings
from handlers import register
from handlers.digest import REFUSAL, USAGE, digest_listener
from knowledge.base import KnowledgeBase
from knowledge.records.state import StateStore

from .digesting import (
    MONDAY_SLOT,
    TOKEN,
    WEEK,
    _no_digest_env,  # noqa: F401 (autouse fixture)
)
from .fakeslack import FakeSlack

SECRET = "digest-test-signing-secret"
ADMIN = "UADMIN1"


def settings_for(fake: FakeSlack, tmp_path: Path, **extra: object) -> Settings:
    values = {
        "slack_bot_token": TOKEN,
        "slack_signing_secret": SECRET,
        "slack_api_url": fake.url,
        "admin_user_ids": ADMIN,
        "digest_channel": "CDIGEST",
        "learning_bot_state": tmp_path / "state.db",
        **extra,
    }
    return Settings(_env_file=None, **values)


class Command:
    """Calls the `/digest` listener as Bolt would, with spec'd mocks for ack and respond."""

    def __init__(self, kb: KnowledgeBase, settings: Settings, fake: FakeSlack) -> None:
        state = StateStore(settings.learning_bot_state)
        self.listener = digest_listener(handler_deps(settings, kb, state, clock=lambda: MONDAY_SLOT))
        self.client = WebClient(token=TOKEN, base_url=fake.url)

    def __call__(self, text: str, *, user: str = ADMIN) -> tuple[Mock, Mock]:
        ack, respond = Mock(Ack), Mock(Respond)
        self.listener(ack=ack, command={"text": text, "user_id": user}, respond=respond, client=self.client)
        return ack, respond

    def reply(self, text: str) -> dict:
        ack, respond = self(text)
        assert ack.call_count == 1 and ack.call_args.args == () and ack.call_args.kwargs == {}
        respond.assert_called_once()
        kwargs = respond.call_args.kwargs
        assert kwargs["response_type"] == "ephemeral"
        return kwargs


@pytest.fixture
def command(kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path) -> Command:
    return Command(kb, settings_for(fake_slack, tmp_path), fake_slack)


def test_anyone_but_an_admin_is_politely_refused(command: Command, fake_slack: FakeSlack) -> None:
    for text in ("post", "skip", "preview", "theme cse"):
        ack, respond = command(text, user="USOMEONE")
        assert ack.call_count == 1 and ack.call_args.kwargs == {"text": REFUSAL}
        respond.assert_not_called()
    assert fake_slack.calls_to("chat.postMessage") == []


def test_help_and_unknown_subcommands_show_the_usage(command: Command) -> None:
    assert command.reply("")["text"] == USAGE
    assert command.reply("help")["text"] == USAGE
    reply = command.reply("publish <!channel>")["text"]
    assert reply.startswith("I don't know `/digest publish`.") and USAGE in reply
    assert "takes nothing after it" in command.reply("post now")["text"]


def test_preview_shows_the_next_post_as_blocks_to_the_admin_only(
    command: Command, kb: KnowledgeBase, fake_slack: FakeSlack
) -> None:
    reply = command.reply("preview")
    first = kb.themes()[0]
    assert reply["text"] == f"Preview: learning theme {first.name}"
    intro = reply["blocks"][0]["elements"][0]["text"]
    assert intro.startswith("*Preview* (only you can see this). Next: *" + first.name)
    assert WEEK in intro and "due since Monday 23 November 2026 09:00 GMT" in intro
    assert reply["blocks"][1]["type"] == "header"
    assert fake_slack.calls_to("chat.postMessage") == []


def test_preview_of_a_named_theme_survives_typos(command: Command) -> None:
    reply = command.reply("preview hiden males")
    assert reply["text"] == "Preview: learning theme Hidden and significant males"
    assert (
        reply["blocks"][0]["elements"][0]["text"]
        == "*Preview of the Hidden and significant males digest* (only you can see this)."
    )
    assert command.reply("preview quantum physics")["text"].startswith("No theme with learning points called")


def test_post_posts_this_weeks_digest_once(command: Command, fake_slack: FakeSlack) -> None:
    assert "<#CDIGEST>: posted the digest for 2026-W48" in command.reply("post")["text"]
    assert "<#CDIGEST>: the digest for 2026-W48 had already been posted" in command.reply("post")["text"]
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_post_without_a_channel_says_so(kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path) -> None:
    command = Command(kb, settings_for(fake_slack, tmp_path, digest_channel=""), fake_slack)
    assert command.reply("post")["text"] == "DIGEST_CHANNEL is not set, so there is nowhere to post the digest."


def test_skip_then_the_next_run_posts_nothing_that_week(
    command: Command, kb: KnowledgeBase, fake_slack: FakeSlack
) -> None:
    reply = command.reply("skip")["text"]
    assert reply.startswith(f"Skipped the digest for {WEEK}: nothing more will be posted for that week.")
    second = kb.themes()[0].name  # the skipped week's theme goes back into the rotation
    assert f"Next: *{second}* for 2026-W49" in reply
    assert "<#CDIGEST>: 2026-W48 is skipped" in command.reply("post")["text"]
    assert fake_slack.calls_to("chat.postMessage") == []


def test_theme_chooses_the_next_weeks_theme(command: Command, fake_slack: FakeSlack) -> None:
    reply = command.reply("theme disgused compliance")["text"]
    assert reply.startswith("Done: the next digest will be on *Disguised compliance*.")
    command.reply("post")
    [post] = fake_slack.calls_to("chat.postMessage")
    assert post.args["metadata"]["event_payload"] == {"week": WEEK, "theme": "disguised-compliance"}
    reply = command.reply("theme cse")["text"]
    assert reply.startswith("Done: the next digest will be on *Child sexual exploitation*.")
    assert "for 2026-W49, Monday 30 November 2026 09:00 GMT" in reply


def test_a_theme_chosen_while_this_weeks_post_is_pending_is_for_the_week_after(
    command: Command, fake_slack: FakeSlack
) -> None:
    fake_slack.queue("chat.postMessage", body={"ok": False, "error": "not_in_channel"})
    assert "not_in_channel" in command.reply("post")["text"]  # this week's theme is decided, not yet posted
    reply = command.reply("theme cse")["text"]
    assert reply.startswith("Done: *Child sexual exploitation* will be the theme of the first week not yet decided")
    assert f"(after {WEEK}, which is on *Voice of the child*)" in reply


def test_theme_without_an_id_or_with_an_unknown_one_lists_the_themes(command: Command) -> None:
    listing = command.reply("theme")["text"]
    assert listing.startswith("Themes (`/digest theme ID`):") and "`voice-of-the-child`" in listing
    unknown = command.reply("theme <@U123> astrology")["text"]
    assert unknown.startswith("No theme with learning points called “&lt;@U123&gt; astrology”.")


# -- the real Bolt app, driven by requests signed as Slack signs them ---------------------------------------------
def signed(body: str, *, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": stamp,
        "x-slack-signature": signature,
    }


def slash(fake: FakeSlack, text: str, *, user: str = ADMIN) -> str:
    return urlencode(
        {
            "command": "/digest",
            "text": text,
            "user_id": user,
            "team_id": "T0000001",
            "channel_id": "CADMINS",
            "response_url": fake.response_url(),
            "trigger_id": "1.2.3",
        }
    )


@pytest.fixture
def app(kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path) -> App:
    settings = settings_for(fake_slack, tmp_path)
    bolt = App(
        token=TOKEN,
        signing_secret=SECRET,
        client=WebClient(token=TOKEN, base_url=fake_slack.url),
        process_before_response=False,
    )
    register(bolt, handler_deps(settings, kb, StateStore(settings.learning_bot_state)))
    return bolt


def test_signed_digest_post_is_acknowledged_at_once_then_answered(app: App, fake_slack: FakeSlack) -> None:
    body = slash(fake_slack, "post")
    post = fake_slack.hold("chat.postMessage")
    response = app.dispatch(BoltRequest(body=body, headers=signed(body)))
    assert response.status == 200
    assert post.answered == 0  # acknowledged while the digest post was still with Slack: the ack did not wait
    post.release()
    [answer] = fake_slack.wait_for("response/hook")
    assert answer.args["response_type"] == "ephemeral"
    assert "<#CDIGEST>: posted the digest for" in answer.args["text"]
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_signed_request_from_a_non_admin_is_refused_in_the_ack(app: App, fake_slack: FakeSlack) -> None:
    body = slash(fake_slack, "post", user="UNOTADMIN")
    response = app.dispatch(BoltRequest(body=body, headers=signed(body)))
    assert response.status == 200
    assert REFUSAL in response.body
    assert fake_slack.calls_to("chat.postMessage") == []


@pytest.mark.parametrize(
    "headers",
    [
        lambda body: signed(body, secret="not-the-secret"),
        lambda body: signed(body, timestamp=int(time.time()) - 6 * 60),
    ],
    ids=["forged", "stale"],
)
def test_forged_or_stale_requests_do_nothing(app: App, fake_slack: FakeSlack, headers) -> None:
    body = slash(fake_slack, "post")
    response = app.dispatch(BoltRequest(body=body, headers=headers(body)))
    assert response.status == 401
    assert fake_slack.calls_to("chat.postMessage") == []
    assert fake_slack.calls_to("response/hook") == []
