"""A simulated quarter of the bot's records, for trying the board's report and testing it end to end.

Fills a state database through the records' own APIs, as a running bot would: questions asked (themes and agencies
only), votes, weekly digests posted, team discussions, requests for more help (some resolved), uncovered topics and
a few consented gaps. Deterministic for a seed. The question texts in help requests and gaps are made-up examples
in our own words, never audit findings.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from knowledge.base import KnowledgeBase
from knowledge.records.digest_log import DigestLog
from knowledge.records.discussions import DiscussionLog
from knowledge.records.escalations import EscalationLog
from knowledge.records.feedback import FeedbackLog, Vote
from knowledge.records.gaps import GapLog
from knowledge.records.insights import QuestionLog, iso_week
from knowledge.records.state import StateStore
from knowledge.topics import load_topics

EXAMPLE_REQUESTS = (
    "How should we share a safety plan with a school when the family has moved boroughs?",
    "Who chairs the core group when the social worker is on leave?",
    "What should a health visitor do when a family keeps cancelling visits?",
    "Is there a template for recording a child's wishes and feelings in early help?",
)
EXAMPLE_GAPS = (
    "What is the local guidance on children missing education?",
    "How do we work with families where a parent has a learning disability?",
    "What should we do about online grooming through games?",
)
TEAMS = ("Duty and assessment", "Health visiting north", "School nursing", "MASH", "Early help east", "")


def _at(day: date, rng: random.Random) -> float:
    moment = datetime(day.year, day.month, day.day, rng.randrange(8, 18), rng.randrange(60), tzinfo=UTC)
    return moment.timestamp()


def _pick(rng: random.Random, choices: list[str], count: int) -> list[str]:
    """`count` different choices, the first few far likelier (as real questions favour a few themes)."""
    weights = [1.0 / (rank + 1) for rank in range(len(choices))]
    picked: list[str] = []
    while len(picked) < min(count, len(choices)):
        choice = rng.choices(choices, weights)[0]
        if choice not in picked:
            picked.append(choice)
    return picked


def simulate_quarter(
    store: StateStore, kb: KnowledgeBase, *, start: date, days: int = 91, seed: int = 0, channel: str = "CDIGEST"
) -> dict[str, int]:
    """Record `days` days of activity from `start`; returns how many of each record were made."""
    rng = random.Random(seed)
    themes = [theme.id for theme in kb.themes()]
    agencies = [agency.id for agency in kb.agencies()]
    topics = [topic.id for topic in load_topics()]
    questions, feedback, digests = QuestionLog(store), FeedbackLog(store), DigestLog(store)
    discussions, escalations, gaps = DiscussionLog(store), EscalationLog(store), GapLog(store)
    made = dict.fromkeys(("questions", "votes", "digests", "discussions", "requests", "gaps"), 0)
    people = [f"U{number:07d}" for number in range(1, 41)]
    for offset in range(days):
        day = start + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for _ in range(rng.randrange(2, 9) + offset // 15):  # use grows over the quarter
            at = _at(day, rng)
            found = rng.random() > 0.2
            asked_themes = _pick(rng, themes, rng.choice((1, 1, 2))) if found or rng.random() < 0.3 else []
            asked_agencies = _pick(rng, agencies, rng.choice((0, 1, 1, 2)))
            questions.record_counts(themes=asked_themes, agencies=asked_agencies, found=found, results=3, at=at)
            made["questions"] += 1
            if not found:
                gaps.count_uncovered(asked_themes[0] if asked_themes else rng.choice([*topics, "other"]), at=at)
                if rng.random() < 0.08:
                    gaps.add_gap(rng.choice(EXAMPLE_GAPS), topic=rng.choice(topics), at=at)
                    made["gaps"] += 1
                continue
            answer_id = feedback.record_answer([f"item-{rng.randrange(100)}"], at=at)
            if rng.random() < 0.45:
                vote = Vote.HELPFUL if rng.random() < 0.78 else Vote.NOT_HELPFUL
                feedback.record_vote(answer_id, rng.choice(people), vote, at=at + 600)
                made["votes"] += 1
            if rng.random() < 0.04:
                request = escalations.open_request(
                    question=rng.choice(EXAMPLE_REQUESTS),
                    requester=rng.choice(people),
                    contact="CBOARD",
                    themes=tuple(asked_themes),
                    at=at + 300,
                )
                made["requests"] += 1
                if rng.random() < 0.7:
                    escalations.resolve(request.id, by="UCONTACT1", at=at + rng.randrange(3600, 5 * 86400))
        if day.weekday() == 0:  # Monday: the weekly digest, then some teams discuss it during the week
            week = iso_week(day)
            posted_at = _at(day, rng)
            claim = digests.claim(channel, week, themes=themes, owner="simulation", now=posted_at)
            if claim.status != "go" or claim.theme is None:
                continue
            ts = f"{posted_at:.6f}"
            digests.record_sent(channel, week, ts=ts, now=posted_at)
            made["digests"] += 1
            for _ in range(rng.randrange(1, 7)):
                discussions.record(
                    week=week,
                    theme=claim.theme,
                    channel=channel,
                    message_ts=ts,
                    agency=rng.choice(agencies),
                    team=rng.choice(TEAMS),
                    by=rng.choice(people),
                    at=posted_at + rng.randrange(3600, 4 * 86400),
                )
                made["discussions"] += 1
    return made
