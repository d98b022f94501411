"""The Slack surfaces timed by `learning-bot bench`: what each costs to build over a large knowledge base.

Each surface is built exactly as its listener builds it, up to the JSON Slack would receive (no Slack call is
made): the App Home tab (with the next-digest line), a theme opened from it, `/recommendations AGENCY` and the
agency listing `/recommendations` gives without one, `/themes`, and the weekly digest. Lives in `bot/` because
the block builders are Slack code, which `knowledge/` never imports; `knowledge.tools.bench` calls it back.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from knowledge.base import KnowledgeBase
from knowledge.models import ALL_AGENCIES

BOT_USER_ID = "UBENCH001"
DIGEST_CHANNEL = "CBENCH001"
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday before the 09:00 digest slot


def _payload(message: Any) -> int:
    """Serialise a built message or view as Slack would receive it; returns its size (so nothing is skipped)."""
    parts = message if isinstance(message, list) else [message]
    size = 0
    for part in parts:
        data = part.to_dict() if hasattr(part, "to_dict") else part.as_kwargs()
        size += len(json.dumps(data, default=str))
    return size


def surface_builders(kb: KnowledgeBase, state_dir: Path) -> dict[str, Callable[[], int]]:
    """Each surface as a function that builds it from scratch and returns the size of what Slack would get.

    `/recommendations` is timed for the agency tagged on the most passages (its reply is the longest).
    """
    from bot.app import handler_deps
    from bot.scheduler import make_digests
    from bot.settings import Settings
    from handlers import blocks, digest_blocks, home_blocks
    from handlers.commands import RECOMMENDATIONS_SHOWN
    from handlers.home import digest_line
    from knowledge.digest import build_digest
    from knowledge.records.state import StateStore

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        learning_bot_state=state_dir / "state.db",
        digest_channel=(DIGEST_CHANNEL,),
    )
    state = StateStore(settings.learning_bot_state)
    digests = make_digests(settings, kb, state)
    deps = handler_deps(settings, kb, state)
    # Chosen without kb.agencies() or kb.themes(), so the first build of each surface meets cold caches.
    agency = kb.conn.execute(
        "SELECT agency_id FROM item_agencies WHERE agency_id != ? GROUP BY agency_id ORDER BY count(*) DESC LIMIT 1",
        (ALL_AGENCIES,),
    ).fetchone()[0]
    theme = kb.conn.execute("SELECT theme_id FROM item_themes LIMIT 1").fetchone()[0]

    def home() -> int:
        line = digest_line(deps, now=NOW)
        return _payload(home_blocks.home_view(kb, bot_user_id=BOT_USER_ID, digest=line))

    def theme_modal() -> int:
        return _payload(home_blocks.theme_modal(kb, theme))

    def recommendations() -> int:  # as handlers.commands.Commands.recommendations builds its reply
        agency_id = kb.resolve_agency(agency.replace("-", " "))
        assert agency_id is not None
        listing = kb.recommendations(agency_id, limit=RECOMMENDATIONS_SHOWN)
        return _payload(blocks.split_messages(blocks.recommendations_message(listing)))

    def agencies() -> int:
        return _payload(blocks.split_messages(blocks.agencies_message(kb.agencies(), asked="")))

    def themes() -> int:
        return _payload(blocks.themes_message(kb.themes()))

    def digest() -> int:
        upcoming = digests.upcoming(NOW)
        chosen = upcoming.theme or theme
        text, posted = digest_blocks.digest_message(build_digest(kb, chosen), upcoming.week)
        return len(text) + len(json.dumps(posted, default=str))

    return {
        "App Home tab": home,
        "theme opened from Home": theme_modal,
        f"/recommendations {agency}": recommendations,
        "/recommendations (agency list)": agencies,
        "/themes": themes,
        "weekly digest build": digest,
    }


def time_surfaces(kb: KnowledgeBase, *, repeats: int) -> dict[str, dict[str, Any]]:
    """Per surface: the first build (caches cold), then p50/p95/p99 of `repeats` builds, and the payload size."""
    from knowledge.tools.bench import percentiles

    figures: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="learning-bot-surfaces-") as temp:
        for name, build in surface_builders(kb, Path(temp)).items():
            started = time.perf_counter()
            size = build()
            first = (time.perf_counter() - started) * 1000
            samples = []
            for _ in range(repeats):
                started = time.perf_counter()
                build()
                samples.append((time.perf_counter() - started) * 1000)
            figures[name] = {"first_ms": round(first, 3), **percentiles(samples), "bytes": size}
    return figures
