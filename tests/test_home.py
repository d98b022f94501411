"""The App Home tab and the theme view: content, Block Kit limits, and the listeners against the fake Web API."""

from __future__ import annotations

import json
import logging
from unittest.mock import Mock

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.app import handler_deps
from bot.settings import Settings
from handlers import home_blocks
from handlers.home import NO_DIGEST, Home, digest_line
from knowledge.base import KnowledgeBase
from knowledge.records.state import StateStore

from .fakeslack import FakeSlack

LOGGER = logging.getLogger("test")


def texts(view: dict) -> list[str]:
    """Every text in a view, for checking limits and content."""
    found = []
    for block in view["blocks"]:
        if "text" in block:
            found.append(block["text"]["text"])
        for element in block.get("elements", []):
            if "text" in element:
                found.append(element["text"] if isinstance(element["text"], str) else element["text"]["text"])
    return found


def test_home_view_shows_how_to_ask_themes_audits_agencies_and_the_digest(kb: KnowledgeBase) -> None:
    view = home_blocks.home_view(kb, bot_user_id="UBOT0001", digest="Goes out every Mon").to_dict()
    assert view["type"] == "home"
    assert len(view["blocks"]) <= home_blocks.VIEW_BLOCK_LIMIT
    body = "\n".join(texts(view))
    assert "<@UBOT0001>" in body and "/learning QUESTION" in body and "/recommendations AGENCY" in body
    assert "don't put names, dates of birth" in body
    assert "Goes out every Mon" in body
    buttons = [block["accessory"] for block in view["blocks"] if block.get("accessory")]
    assert [button["value"] for button in buttons] == [theme.id for theme in kb.themes()]
    assert {button["action_id"] for button in buttons} == {home_blocks.OPEN_THEME_ACTION}
    for audit in kb.audits():
        assert audit["title"] in body and audit["completed_label"] in body
    for agency in kb.agencies():
        assert home_blocks.escape(agency.name) in body
    assert all(len(text) <= home_blocks.TEXT_LIMIT for text in texts(view))
    assert "Children&apos;s" not in body and "Children's social care" in body


def test_theme_modal_quotes_every_learning_point_verbatim(kb: KnowledgeBase) -> None:
    theme = max(kb.themes(), key=lambda theme: theme.count)
    view = home_blocks.theme_modal(kb, theme.id).to_dict()
    assert view["type"] == "modal" and len(view["title"]["text"]) <= 24
    assert len(view["blocks"]) <= home_blocks.VIEW_BLOCK_LIMIT
    body = "\n".join(texts(view))
    for result in kb.theme_items(theme.id):
        assert home_blocks.escape(result.text) in body
        assert result.audit.title in body
    assert "not a finding of the audits" in body
    for question in kb.theme(theme.id)["discussion_questions"]:
        assert home_blocks.escape(question) in body
    assert all(len(text) <= home_blocks.TEXT_LIMIT for text in texts(view))


def test_theme_modal_for_an_unknown_theme_says_so(kb: KnowledgeBase) -> None:
    for value in ("no-such-theme", "", "<!channel>", "x" * 5000):
        body = "\n".join(texts(home_blocks.theme_modal(kb, value).to_dict()))
        assert "no longer in the knowledge base" in body
        assert "<!channel>" not in body


def test_escape_stops_mentions_and_links() -> None:
    assert home_blocks.escape("<!here> & <@U1|x>") == "&lt;!here&gt; &amp; &lt;@U1|x&gt;"


def test_digest_line_without_a_digest_channel(kb: KnowledgeBase, tmp_path) -> None:
    settings = Settings(_env_file=None)
    assert digest_line(handler_deps(settings, kb, StateStore(tmp_path / "s.db"))) == NO_DIGEST


def test_opening_the_home_tab_publishes_it(kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path) -> None:
    client = WebClient(token="xoxb-test", base_url=fake_slack.url)
    home = Home(handler_deps(Settings(_env_file=None), kb, StateStore(tmp_path / "s.db")), digest=lambda: "soon")
    context = BoltContext(bot_user_id="UBOT0001")
    home.opened({"type": "app_home_opened", "user": "U123", "tab": "messages"}, client, context)
    assert fake_slack.calls_to("views.publish") == []
    home.opened({"type": "app_home_opened", "user": "U123", "tab": "home"}, client, context)
    (call,) = fake_slack.calls_to("views.publish")
    assert call.args["user_id"] == "U123"
    view = call.args["view"] if isinstance(call.args["view"], dict) else json.loads(call.args["view"])
    assert view["type"] == "home" and "soon" in "\n".join(texts(view))


def test_a_theme_button_opens_its_learning(kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path) -> None:
    client = WebClient(token="xoxb-test", base_url=fake_slack.url)
    home = Home(handler_deps(Settings(_env_file=None), kb, StateStore(tmp_path / "s.db")), digest=lambda: "")
    ack = Mock(Ack)
    home.open_theme(ack, {"value": "cse"}, {"trigger_id": "T.1"}, client, LOGGER)
    ack.assert_called_once_with()
    (call,) = fake_slack.calls_to("views.open")
    assert call.args["trigger_id"] == "T.1"
    assert kb.theme("cse")["name"] in json.dumps(call.args["view"])
    # No trigger id (a malformed payload): acknowledged, nothing opened.
    ack = Mock(Ack)
    home.open_theme(ack, {"value": "cse"}, {}, client, LOGGER)
    ack.assert_called_once_with()
    assert len(fake_slack.calls_to("views.open")) == 1


def test_digest_line_names_the_next_theme_time_and_channels(kb: KnowledgeBase, tmp_path) -> None:
    from datetime import UTC, datetime

    from bot.scheduler import make_digests

    settings = Settings(_env_file=None, digest_channel="C111,C222", digest_day="wed", digest_time="10:30")
    state = StateStore(tmp_path / "s.db")
    now = datetime(2024, 5, 6, 12, tzinfo=UTC)  # a Monday: the next slot is Wednesday 8 May, 10:30 London time
    upcoming = make_digests(settings, kb, state).upcoming(now)
    assert upcoming.theme_name and not upcoming.late
    deps = handler_deps(settings, kb, state)
    line = digest_line(deps, now=now)
    assert line == f"Next: *{upcoming.theme_name}*, on Wednesday 8 May 2024, 10:30 BST in <#C111>, <#C222>." + (
        " One learning theme a week."
    )
    late = digest_line(deps, now=datetime(2024, 5, 9, 12, tzinfo=UTC))
    assert "is due (since Wednesday 8 May 2024, 10:30 BST)" in late


def test_agency_counts_take_one_query_and_agree_with_each_agencys_recommendations(kb_path) -> None:
    """App Home lists the agencies on every open: one statement for all of them, whatever their number."""
    fresh = KnowledgeBase(kb_path)  # its own connection, so no other test's statements are counted
    statements: list[str] = []
    fresh.conn.set_trace_callback(statements.append)
    try:
        counted = fresh.agencies()
    finally:
        fresh.conn.set_trace_callback(None)
    assert len(statements) == 1 and statements[0].lstrip().upper().startswith("WITH")
    expected = {agency.id: fresh.recommendations(agency.id).total for agency in counted}
    assert {agency.id: agency.count for agency in counted} == expected
    # A parent agency counts its services' recommendations too (health includes the NHS trusts under it).
    by_id = {agency.id: agency.count for agency in counted}
    assert by_id["health"] >= max(by_id[child] for child in fresh.agency_family("health") - {"health"})
