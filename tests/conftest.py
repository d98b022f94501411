"""Shared fixtures: a knowledge base built from the bundled data, and a fake Slack Web API."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.base import KnowledgeBase
from knowledge.loading import bundled_data_dir
from knowledge.store import build

from .fakeslack import FakeSlack

# A verbatim copy of the board's report (shared/seeds/), so the tests stand on their own.
SEED = Path(__file__).resolve().parent / "data" / "lscb-multi-agency-audits-2016-17.txt"


@pytest.fixture(autouse=True)
def _isolated_paths(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the developer's own databases or `.env` from a test (settings read `.env` from the current
    directory: each test starts in an empty one)."""
    base = tmp_path_factory.mktemp("paths")
    monkeypatch.chdir(base)
    monkeypatch.setenv("LEARNING_BOT_DB", str(base / "knowledge.db"))
    monkeypatch.setenv("LEARNING_BOT_STATE", str(base / "state.db"))
    monkeypatch.delenv("LEARNING_BOT_DATA", raising=False)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def kb_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kb") / "knowledge.db"
    build(path, data_dir=bundled_data_dir())
    return path


@pytest.fixture(scope="session")
def kb(kb_path: Path) -> KnowledgeBase:
    """The bundled knowledge base, built once per test session."""
    return KnowledgeBase(kb_path)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    server = FakeSlack().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


os.environ.setdefault("TZ", "UTC")


# -- the state database on SQLite and on PostgreSQL ------------------------------------------------------------
POSTGRES_URL = os.environ.get("LEARNING_BOT_TEST_POSTGRES_URL", "")
# `.ci/run` starts a PostgreSQL server and sets this: there, a PostgreSQL test must run, never skip.
POSTGRES_REQUIRED = os.environ.get("LEARNING_BOT_REQUIRE_POSTGRES") == "1" or os.environ.get("CI") == "true"


def postgres_schema_url(url: str, schema: str) -> str:
    """The URL with every connection's search_path set to `schema` (each test gets its own)."""
    from urllib.parse import quote

    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options={quote(f'-c search_path={schema}')}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL whose connections use a fresh, empty schema (dropped afterwards)."""
    if not POSTGRES_URL:
        if POSTGRES_REQUIRED:
            pytest.fail("LEARNING_BOT_TEST_POSTGRES_URL is not set, and CI must run the PostgreSQL tests (.ci/run)")
        pytest.skip("no PostgreSQL server configured (set LEARNING_BOT_TEST_POSTGRES_URL; .ci/run does)")
    import uuid

    import psycopg

    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield postgres_schema_url(POSTGRES_URL, schema)
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def state_location(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a state test keeps its state: a SQLite file, then a PostgreSQL schema (skipped without a server)."""
    if request.param == "sqlite":
        return tmp_path / "state.db"
    return request.getfixturevalue("postgres_url")
