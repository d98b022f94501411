"""Several workspaces from one deployment: OAuth installation, then each workspace answered with its own
knowledge and its own token. The real app over HTTP, the OAuth flow against the fake Slack, real signed events."""

from __future__ import annotations

import base64
import http.client
import json
import re
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlparse

import pytest

from bot.app import create_app
from bot.installations import StateInstallationStore
from bot.server import HttpServer, missing_settings
from bot.settings import MANIFEST_BOT_SCOPES, Settings
from knowledge.base import KnowledgeBase
from knowledge.loading import bundled_data_dir
from knowledge.records.state import StateStore
from knowledge.store import build
from knowledge.workspaces import Workspaces

from .fakeslack import BOT_USER_ID, FakeSlack
from .serving import cut_off_while_dripping
from .slackbot import (
    APP_ID,
    PRE_VERBAL,
    PRE_VERBAL_QUESTION,
    SIGNING_SECRET,
    mention,
    posted_text,
    signed_headers,
    unique_event_id,
)

CLIENT_SECRET = "oauth-client-secret-do-not-log"
BOARD_A, BOARD_B = "T0000BRDA", "T0000BRDB"


@pytest.fixture(scope="module")
def board_b_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """Board B's own knowledge: its data folder lacks the audit that holds the pre-verbal finding."""
    root = tmp_path_factory.mktemp("board-b")
    data = Path(shutil.copytree(bundled_data_dir(), root / "data"))
    (data / "audits" / "families-multiple-needs.yaml").unlink()
    build(root / "knowledge.db", data_dir=data)
    return KnowledgeBase(root / "knowledge.db")


class Served:
    def __init__(self, kb: KnowledgeBase, board_b_kb: KnowledgeBase, fake: FakeSlack, state_path: Path) -> None:
        self.settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            slack_signing_secret=SIGNING_SECRET,
            slack_client_id="1111.2222",
            slack_client_secret=CLIENT_SECRET,
            slack_api_url=fake.url,
            learning_bot_state=state_path,
        )
        self.state = StateStore(state_path)
        self.executor = ThreadPoolExecutor(max_workers=4)
        self.app = create_app(
            self.settings, Workspaces(kb, {BOARD_B: board_b_kb}), self.state, listener_executor=self.executor
        )
        self.server = HttpServer(self.app, kb, host="127.0.0.1", port=0, signing_secret=SIGNING_SECRET).start()
        parsed = urlparse(self.server.url)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 0

    def request(
        self, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            conn.request(method, path, body=body.encode(), headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode()
        finally:
            conn.close()

    def install(self, team: str) -> tuple[int, str]:
        status, headers, page = self.request("GET", "/slack/install")
        assert status == 200
        state = re.search(r"state=([\w-]+)", page)
        assert state is not None
        cookie = headers["Set-Cookie"].split(";")[0]
        query = urlencode({"code": f"code-{team}", "state": state.group(1)})
        status, _, page = self.request("GET", f"/slack/oauth_redirect?{query}", headers={"Cookie": cookie})
        return status, page

    def send_mention(self, team: str, text: str) -> int:
        body = json.dumps(
            {
                "team_id": team,
                "api_app_id": APP_ID,
                "event": mention(text),
                "type": "event_callback",
                "event_id": unique_event_id(),
                "event_time": 1,
                "authorizations": [{"enterprise_id": None, "team_id": team, "user_id": BOT_USER_ID, "is_bot": True}],
            }
        )
        headers = signed_headers(body, content_type="application/json")
        return self.request("POST", "/slack/events", body, headers)[0]

    def close(self) -> None:
        self.server.stop()
        self.executor.shutdown(wait=True)


@pytest.fixture
def served(kb: KnowledgeBase, board_b_kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[Served]:
    running = Served(kb, board_b_kb, fake_slack, tmp_path / "state.db")
    try:
        yield running
    finally:
        running.close()


def test_two_workspaces_install_and_each_is_answered_with_its_own_knowledge_and_token(
    served: Served, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    for board in (BOARD_A, BOARD_B):
        status, page = served.install(board)
        assert status == 200, page
    [exchange_a, exchange_b] = fake_slack.calls_to("oauth.v2.access")
    assert (exchange_a.args["code"], exchange_b.args["code"]) == (f"code-{BOARD_A}", f"code-{BOARD_B}")
    credentials = base64.b64decode(exchange_a.headers["Authorization"].removeprefix("Basic ")).decode()
    assert credentials == f"1111.2222:{CLIENT_SECRET}"
    store = StateInstallationStore(served.state)
    for board in (BOARD_A, BOARD_B):
        found = store.find_installation(enterprise_id=None, team_id=board)
        assert found is not None and found.bot_token == f"xoxb-{board}-installed"

    assert served.send_mention(BOARD_A, PRE_VERBAL_QUESTION) == 200
    [answer_a] = fake_slack.wait_for("chat.postMessage")
    assert served.send_mention(BOARD_B, PRE_VERBAL_QUESTION) == 200
    [_, answer_b] = fake_slack.wait_for("chat.postMessage", 2)
    served.executor.shutdown(wait=True)

    assert answer_a.headers["Authorization"] == f"Bearer xoxb-{BOARD_A}-installed"
    assert PRE_VERBAL in posted_text(answer_a.args)  # the bundled audits (the default knowledge)
    assert answer_b.headers["Authorization"] == f"Bearer xoxb-{BOARD_B}-installed"
    assert "voice" in posted_text(answer_b.args).lower()  # answered, from board B's own audits ...
    assert PRE_VERBAL not in posted_text(answer_b.args)  # ... which do not hold the finding board A's do
    for secret in (f"xoxb-{BOARD_A}-installed", f"xoxb-{BOARD_B}-installed", CLIENT_SECRET):
        assert secret not in caplog.text


def test_a_redirect_without_the_issued_state_installs_nothing(served: Served, fake_slack: FakeSlack) -> None:
    query = urlencode({"code": f"code-{BOARD_A}", "state": "forged"})
    status, _, _ = served.request(
        "GET", f"/slack/oauth_redirect?{query}", headers={"Cookie": "slack-app-oauth-state=forged"}
    )
    assert status >= 400
    assert fake_slack.calls_to("oauth.v2.access") == []
    assert StateInstallationStore(served.state).find_installation(enterprise_id=None, team_id=BOARD_A) is None


def test_the_install_pages_are_unsigned_but_bounded_like_every_request(
    served: Served, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    import contextlib
    import socket

    caplog.set_level("INFO")
    assert served.request("GET", "/slack/install")[0] == 200  # a browser opens it: no signature, no 401
    assert served.request("GET", "/healthz")[0] == 200
    assert served.request("POST", "/slack/install")[0] == 404  # only the GET is a page
    assert served.request("POST", "/slack/events", "{}", {"Content-Type": "application/json"})[0] == 401
    # A body over the limit on an unsigned page is refused: sent whole, or only announced in the headers.
    big = b"x" * ((1 << 20) + 1)
    with socket.create_connection((served.host, served.port), timeout=10) as conn:
        head = f"GET /slack/oauth_redirect?state=s&code=c HTTP/1.1\r\nHost: bot\r\nContent-Length: {len(big)}\r\n\r\n"
        # The server may answer 413 and close before the whole body is sent: the answer is what counts.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            conn.sendall(head.encode() + big)
        assert conn.recv(64).split(b"\r\n", 1)[0].split()[1] == b"413"
    with socket.create_connection((served.host, served.port), timeout=10) as conn:
        conn.sendall(b"GET /slack/install HTTP/1.1\r\nHost: bot\r\nContent-Length: 52428800\r\n\r\n")
        assert conn.recv(64).split(b"\r\n", 1)[0].split()[1] == b"413"  # from the headers alone
    # A page request that drips is cut off at the deadline, as a request to /slack/events is.
    served.server.server.channel_class.deadline = 1.0
    with socket.create_connection((served.host, served.port), timeout=10) as dripping:
        dripping.sendall(b"GET /slack/install HTTP/1.1\r\nHost: bot\r\nX-Slow: ")
        assert cut_off_while_dripping(dripping), "a page request dripping for 10 s was still being read"
    assert fake_slack.calls_to("oauth.v2.access") == []
    assert "Traceback" not in caplog.text


def test_an_uninstalled_workspace_is_not_answered(served: Served, fake_slack: FakeSlack) -> None:
    assert served.send_mention(BOARD_A, PRE_VERBAL_QUESTION) == 200  # never installed: no token to answer with
    served.executor.shutdown(wait=True)
    assert fake_slack.calls_to("chat.postMessage") == []


def test_oauth_settings_ask_for_the_manifests_scopes_and_need_http_mode() -> None:
    manifest = (Path(__file__).parent.parent / "manifest.yml").read_text(encoding="utf-8")
    import yaml

    assert tuple(yaml.safe_load(manifest)["oauth_config"]["scopes"]["bot"]) == MANIFEST_BOT_SCOPES
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_client_id="1111.2222",
        slack_client_secret=CLIENT_SECRET,
        slack_signing_secret=SIGNING_SECRET,
    )
    assert settings.oauth
    assert missing_settings(settings, http=True) is None  # no SLACK_BOT_TOKEN needed: each workspace has its own
    assert "HTTP mode" in (missing_settings(settings, http=False) or "")


def test_workspace_data_names_each_team_once_and_a_bad_entry_clearly() -> None:
    settings = Settings(_env_file=None, workspace_data="T123=/srv/boardA, T456=/srv/boardB")  # type: ignore[call-arg]
    assert settings.workspace_data == (("T123", Path("/srv/boardA")), ("T456", Path("/srv/boardB")))
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="TEAM_ID=/path/to/data"):
        Settings(_env_file=None, workspace_data="/srv/boardA")  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="T123 is given twice"):
        Settings(_env_file=None, workspace_data="T123=/a,T123=/b")  # type: ignore[call-arg]


def test_serve_builds_each_workspaces_folder_to_its_own_database(tmp_path: Path) -> None:
    from bot.cli import Context

    data_b = Path(shutil.copytree(bundled_data_dir(), tmp_path / "board-b"))
    (data_b / "audits" / "families-multiple-needs.yaml").unlink()
    settings = Settings(_env_file=None, workspace_data=f"{BOARD_B}={data_b}")  # type: ignore[call-arg]
    served = Context(settings, db=tmp_path / "knowledge.db", data=None).served(settings)
    try:
        assert isinstance(served, Workspaces)
        board_b = served.by_team[BOARD_B]
        assert board_b.db_path == tmp_path / f"knowledge-{BOARD_B}.db" and board_b.db_path.exists()
        assert served.default.db_path == tmp_path / "knowledge.db"
        assert len(board_b.audits()) == len(served.default.audits()) - 1
    finally:
        for each in served.all():
            each.close()
