"""Listings at scale: App Home, /recommendations and the digest read what they show, not the whole library."""

from __future__ import annotations

import json

import pytest

from handlers import blocks, home_blocks
from knowledge.base import KnowledgeBase, RecommendationGroup
from knowledge.digest import POINTS_PER_KIND, build_digest
from knowledge.loading import load_knowledge
from knowledge.models import ALL_AGENCIES, Kind
from knowledge.store import build
from knowledge.tools.synthetic import synthetic_base

PASSAGES = 6000


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    base = synthetic_base(load_knowledge(), passages=PASSAGES, seed=3)
    path = tmp_path_factory.mktemp("large") / "knowledge.db"
    build(path, knowledge=base.knowledge, item_rows=base.rows())
    return KnowledgeBase(path)


def every_recommendation(kb: KnowledgeBase, agency_id: str) -> tuple[list[str], list[str]]:
    """The definition, read the slow way: every recommendation row, its tags against the agency's family."""
    family = kb.agency_family(agency_id)
    own, for_all = [], []
    for row in kb.conn.execute("SELECT id, agencies FROM items WHERE kind = ?", (Kind.RECOMMENDATION.value,)):
        tagged = set(json.loads(row["agencies"]))
        if tagged & family:
            own.append(row["id"])
        elif ALL_AGENCIES in tagged:
            for_all.append(row["id"])
    return own, for_all


def ids(groups: tuple[RecommendationGroup, ...]) -> list[str]:
    return [result.id for group in groups for result in group.items]


def test_agency_counts_are_the_recommendations_listed_for_each(large: KnowledgeBase) -> None:
    counted = {agency.id: agency.count for agency in large.agencies()}
    assert len(counted) > 10
    for agency_id, count in counted.items():
        listing = large.recommendations(agency_id)
        own, for_all = every_recommendation(large, agency_id)
        assert (sorted(ids(listing.own)), sorted(ids(listing.for_all))) == (sorted(own), sorted(for_all))
        assert count == listing.total == listing.shown
    assert any(large.agency_family(agency_id) != {agency_id} for agency_id in counted)  # families are exercised


def test_a_limited_listing_holds_the_most_recent_audits_with_the_totals(large: KnowledgeBase) -> None:
    agency_id = max(large.agencies(), key=lambda agency: agency.count).id
    everything = large.recommendations(agency_id)
    limited = large.recommendations(agency_id, limit=25)
    assert limited.shown == 25
    assert (limited.own_count, limited.for_all_count) == (everything.own_count, everything.for_all_count)
    newest_first = [result.id for group in reversed(everything.own) for result in group.items]
    assert set(ids(limited.own)) == set(newest_first[: len(ids(limited.own))])
    completed = [group.audit.completed for group in limited.own]
    assert completed == sorted(completed)
    whole = large.recommendations(agency_id, limit=10_000_000)  # a limit never reached: the whole listing
    assert (whole.shown, whole.total) == (everything.shown, everything.total)


def test_audit_counts_match_the_items(large: KnowledgeBase) -> None:
    audits = large.audits()
    assert sum(audit["items"] for audit in audits) == PASSAGES
    audits[0]["items"] = -1  # a caller changing its copy changes nothing
    assert large.audits()[0]["items"] >= 0


def test_theme_items_by_kind_and_limit(large: KnowledgeBase) -> None:
    theme = max(large.themes(), key=lambda named: named.count)
    every = large.theme_items(theme.id)
    assert len(every) == theme.count
    first = large.theme_items(theme.id, limit=7)
    assert [result.id for result in first] == [result.id for result in every[:7]]
    findings = large.theme_items(theme.id, kind=Kind.FINDING.value, limit=5)
    assert [result.id for result in findings] == [r.id for r in every if r.kind == Kind.FINDING.value][:5]


def test_a_large_theme_digest_quotes_at_most_points_per_kind(large: KnowledgeBase) -> None:
    theme = max(large.themes(), key=lambda named: named.count)
    assert theme.count > 2 * POINTS_PER_KIND
    digest = build_digest(large, theme.id)
    assert sum(len(group.points) for group in digest.findings) == POINTS_PER_KIND
    assert sum(len(group.points) for group in digest.recommendations) == POINTS_PER_KIND


def test_the_theme_modal_says_how_many_more_there_are(large: KnowledgeBase) -> None:
    theme = max(large.themes(), key=lambda named: named.count)
    view = home_blocks.theme_modal(large, theme.id).to_dict()
    shown = sum(1 for block in view["blocks"] if block["type"] == "section" and "_Agencies:" in block["text"]["text"])
    note = json.dumps(view["blocks"][-2:], ensure_ascii=False)
    assert f"…and {theme.count - shown} more" in note


def test_a_capped_recommendations_reply_says_it_shows_the_most_recent(large: KnowledgeBase) -> None:
    agency_id = max(large.agencies(), key=lambda agency: agency.count).id
    listing = large.recommendations(agency_id, limit=50)
    text = json.dumps(blocks.recommendations_message(listing).as_kwargs(), ensure_ascii=False)
    assert f"{listing.own_count} addressed to" in text and listing.own_count > 50
    assert "Showing the 50 from the most recent audits" in text
