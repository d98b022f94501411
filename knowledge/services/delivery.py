"""Posting the weekly digest exactly once per channel per ISO week, whatever happens.

The protocol, for each channel: claim (channel, week) in a transaction (a lease: a concurrent run backs off);
if an earlier attempt's outcome is unknown, look for its post in the channel by its label (the week), and if
found record it instead of posting again; else write down the attempt, post, and record the post's id. Nothing
is recorded as sent unless the workspace accepted the post. Rate limits are waited out after their Retry-After;
a channel the bot cannot post to is logged and reported to the admins (once per error), and tried again later.
The workspace is reached only through a `DigestPoster` (`knowledge/services/ports.py`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Literal, TypeVar

from knowledge.base import KnowledgeBase
from knowledge.digest import Digest, build_digest
from knowledge.records.digest_log import DigestLog, WeekPlan
from knowledge.records.owners import new_owner
from knowledge.services.ports import (
    Blocks,
    ChannelUnavailable,
    DeliveryError,
    DigestLabel,
    DigestPoster,
    MaybePosted,
    PostRefused,
    RateLimited,
    Unreachable,
)
from knowledge.services.schedule import Schedule

logger = logging.getLogger(__name__)

Render = Callable[[Digest, str], tuple[str, list[dict[str, Any]]]]  # (notification text, blocks)

MAX_RATE_LIMIT_RETRIES = 3
MAX_RETRY_AFTER = 120.0  # seconds; a longer wait gives up for now and the next run tries again
RETRY_FAILED_AFTER = 3600.0  # a channel Slack refused is tried again by the scheduled runs after an hour
RETRY_UNCERTAIN_AFTER = 300.0
RETRY_UNREACHABLE_AFTER = 300.0  # Slack could not be reached at all (nothing was sent): try again soon
CLOCK_SKEW = 600.0  # look this much further back than the attempt, in case our clock and Slack's disagree

T = TypeVar("T")
OutcomeStatus = Literal["posted", "found", "sent", "skipped", "busy", "deferred", "failed", "uncertain", "no-theme"]


@dataclass(frozen=True)
class Outcome:
    """What a run did about one channel."""

    channel: str
    week: str
    status: OutcomeStatus
    theme: str | None = None
    ts: str | None = None
    error: str | None = None

    def describe(self, *, link: Callable[[str], str] | None = None) -> str:
        """One line for a person; `link` writes the channel (e.g. as a Slack link), else it is its ID."""
        where = link(self.channel) if link else self.channel
        return {
            "posted": f"{where}: posted the digest for {self.week} ({self.theme})",
            "found": f"{where}: the digest for {self.week} was already in the channel (found, not posted again)",
            "sent": f"{where}: the digest for {self.week} had already been posted",
            "skipped": f"{where}: {self.week} is skipped",
            "busy": f"{where}: another run is posting the digest for {self.week} right now"
            + (f" ({self.error})" if self.error else ""),
            "deferred": f"{where}: the last attempt failed ({self.error}); the next try is scheduled",
            "failed": f"{where}: could not post the digest for {self.week}: {self.error}",
            "uncertain": f"{where}: not sure whether the digest for {self.week} was posted ({self.error});"
            " the next run checks the channel before posting",
            "no-theme": f"{where}: no theme has learning points, nothing to post",
        }[self.status]


@dataclass(frozen=True)
class Upcoming:
    """The next digest: its week, when it goes out, and on which theme."""

    week: str
    at: datetime  # the slot; in the past when the slot was missed and the post is late
    late: bool
    theme: str | None
    theme_name: str | None


@dataclass(frozen=True)
class _Attempt:
    """One run's claim on (channel, week): the theme, the run's lease owner and the run's time."""

    channel: str
    week: str
    theme: str
    owner: str
    stamp: float


class Digests:
    """The digest for one workspace: rotation, schedule, admin choices and exactly-once delivery."""

    def __init__(
        self,
        kb: KnowledgeBase,
        log: DigestLog,
        schedule: Schedule,
        *,
        poster: DigestPoster | None = None,
        channels: tuple[str, ...] = (),
        admins: tuple[str, ...] = (),
        render: Render | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.kb = kb
        self.log = log
        self.schedule = schedule
        self.poster = poster
        self.channels = tuple(channels)
        self.admins = tuple(admins)
        self.render = render
        self.sleep = sleep

    # -- what comes next ---------------------------------------------------------------------------------------
    def theme_ids(self) -> list[str]:
        return [theme.id for theme in self.kb.themes()]

    def plan(self, week: str) -> WeekPlan:
        return self.log.plan(week, themes=self.theme_ids())

    def upcoming(self, now: datetime) -> Upcoming:
        """The next post: this week's if its slot has passed and it is not done, else the next slot's week."""
        themes = self.theme_ids()
        due = self.schedule.due_week(now)
        if due is not None:
            plan = self.log.plan(due, themes=themes)
            if not plan.done(self.channels):
                slot = self.schedule.last_slot(now)
                assert slot is not None
                return self._upcoming(plan, slot, late=True)
        moment = now
        for _ in range(60):  # bounded: weeks already done or skipped are passed over
            slot = self.schedule.next_slot(moment)
            if slot is None:
                break
            plan = self.log.plan(self.schedule.week_of(slot), themes=themes)
            if not plan.done(self.channels):
                return self._upcoming(plan, slot, late=False)
            moment = self.schedule.week_start(slot) + timedelta(days=7)
        raise LookupError(f"the digest schedule ({self.schedule.description}) has no upcoming slot")

    def _upcoming(self, plan: WeekPlan, slot: datetime, *, late: bool) -> Upcoming:
        name = self.kb.theme(plan.theme)["name"] if plan.theme else None
        return Upcoming(plan.week, slot, late, plan.theme, name)

    def preview(self, now: datetime, *, theme: str | None = None) -> tuple[Upcoming, Digest]:
        """The next post (or the digest for `theme`), without sending anything."""
        upcoming = self.upcoming(now)
        chosen = theme or upcoming.theme
        if chosen is None:
            raise LookupError("no theme has learning points")
        return upcoming, build_digest(self.kb, chosen)

    # -- admin choices -----------------------------------------------------------------------------------------
    def choose(self, theme: str, *, by: str, now: datetime) -> Upcoming:
        """Make `theme` the next undecided week's theme; returns what is coming next afterwards."""
        build_digest(self.kb, theme)  # raises NotFoundError for a theme without learning points
        self.log.choose_next(theme, by=by, now=now.timestamp())
        return self.upcoming(now)

    def skip(self, *, by: str, now: datetime) -> tuple[str, dict[str, str]]:
        """Skip the next post's week; returns the week and the channels it had already reached."""
        week = self.upcoming(now).week
        return week, self.log.skip(week, by=by, now=now.timestamp())

    # -- posting -----------------------------------------------------------------------------------------------
    def run_due(self, now: datetime) -> list[Outcome]:
        """The scheduled run: post this week's digest where it is due and not yet posted (late if the slot was
        missed)."""
        week = self.schedule.due_week(now)
        if week is None:
            return []
        return self.post(week, now=now, force=False)

    def post_current(self, now: datetime) -> list[Outcome]:
        """Post this ISO week's digest now wherever it has not been posted (an admin's or a cron job's run)."""
        return self.post(self.schedule.week_of(now), now=now, force=True)

    def post(self, week: str, *, now: datetime, force: bool) -> list[Outcome]:
        if self.poster is None or self.render is None:
            raise RuntimeError("posting the digest needs a poster and a renderer")
        return [self._deliver(channel, week, now=now, force=force) for channel in self.channels]

    def _deliver(self, channel: str, week: str, *, now: datetime, force: bool) -> Outcome:
        assert self.render is not None
        owner = new_owner()  # names this process: a run killed mid-post loses its claim at once (see owners)
        claim = self.log.claim(channel, week, themes=self.theme_ids(), owner=owner, now=now.timestamp(), force=force)
        if claim.status == "busy" and claim.held_elsewhere_until is not None:
            until = datetime.fromtimestamp(claim.held_elsewhere_until, UTC)
            held = f"held by a run on another machine until {until:%H:%M} UTC; run again after then if it stopped"
            return Outcome(channel, week, "busy", claim.theme, error=held)
        if claim.status != "go":
            return Outcome(channel, week, claim.status, claim.theme, claim.ts, claim.error)
        assert claim.theme is not None
        attempt = _Attempt(channel, week, claim.theme, owner, now.timestamp())
        if claim.uncertain_since is not None:
            earlier = self._look_for_earlier_post(attempt, since=claim.uncertain_since - CLOCK_SKEW)
            if earlier is not None:
                return earlier
        text, blocks = self.render(build_digest(self.kb, attempt.theme), week)
        if not self.log.begin_attempt(channel, week, owner=owner, now=attempt.stamp):
            return Outcome(channel, week, "busy", attempt.theme)
        return self._post_once(attempt, text, blocks)

    def _look_for_earlier_post(self, attempt: _Attempt, *, since: float) -> Outcome | None:
        """After an attempt whose outcome is unknown: "found" (and recorded) if its post is in the channel,
        "uncertain" if the channel cannot be read (nothing is posted; the admins are told), None if not there."""
        assert self.poster is not None
        poster, channel, week = self.poster, attempt.channel, attempt.week
        try:
            found = self._patiently("reading the channel", lambda: poster.find(channel, week=week, since=since))
        except DeliveryError as exc:
            logger.error(
                "Digest %s for channel %s: an earlier attempt may have been posted, and the channel's history"
                " cannot be read to check (%s); not posting again",
                week,
                channel,
                exc.code,
            )
            if self._record_failure(attempt, exc, retry_after=RETRY_UNCERTAIN_AFTER, uncertain=True):
                self._tell_admins(
                    f"I could not check whether the learning digest for {week} reached {poster.link(channel)}"
                    f" (`{exc.code}` reading the channel's history), so I have not posted it again, to avoid a"
                    " duplicate. The bot needs the channels:history scope (groups:history for a private"
                    " channel) and to be in the channel."
                )
            return Outcome(channel, week, "uncertain", attempt.theme, error=exc.code)
        if found is None:
            return None
        logger.info("Digest %s for channel %s was already posted (ts %s); recorded it", week, channel, found)
        self.log.record_sent(channel, week, ts=found, now=attempt.stamp)
        return Outcome(channel, week, "found", attempt.theme, found)

    def _post_once(self, attempt: _Attempt, text: str, blocks: Blocks) -> Outcome:
        """The post itself, its attempt already written down; the outcome is recorded whatever happens."""
        assert self.poster is not None
        poster, channel, week, theme = self.poster, attempt.channel, attempt.week, attempt.theme
        label = DigestLabel(week, theme)
        try:
            ts = self._patiently("posting", lambda: poster.post(channel, text=text, blocks=blocks, label=label))
        except RateLimited as exc:
            self._record_failure(attempt, exc, retry_after=exc.retry_after)
            logger.warning("Digest %s for channel %s: still rate limited; will try again later", week, channel)
            return Outcome(channel, week, "failed", theme, error=exc.code)
        except Unreachable as exc:  # refused or unknown host: the request never left, so nothing is uncertain
            self._record_failure(attempt, exc, retry_after=RETRY_UNREACHABLE_AFTER)
            error = f"could not connect to Slack ({exc.code})"
            logger.warning("Digest %s for channel %s: %s; nothing was sent", week, channel, error)
            return Outcome(channel, week, "failed", theme, error=error)
        except MaybePosted as exc:
            # Slack may have accepted the post: the next attempt looks for it first.
            self._record_failure(attempt, exc, retry_after=RETRY_UNCERTAIN_AFTER, uncertain=True)
            logger.warning(
                "Digest %s for channel %s: no answer from Slack (%s); will check before retrying",
                week,
                channel,
                exc.code,
            )
            return Outcome(channel, week, "uncertain", theme, error=exc.code)
        except PostRefused as exc:
            new = self._record_failure(attempt, exc, retry_after=RETRY_FAILED_AFTER)
            fix = exc.fix if isinstance(exc, ChannelUnavailable) else None
            hint = f" ({fix})" if fix else ""
            logger.error("Digest %s: Slack refused the post to channel %s: %s%s", week, channel, exc.code, hint)
            if fix and new:
                self._tell_admins(
                    f"I could not post the weekly learning digest for {week} to {poster.link(channel)}: `{exc.code}`."
                    f" To fix it: {fix}."
                )
            return Outcome(channel, week, "failed", theme, error=exc.code)
        self.log.record_sent(channel, week, ts=ts, now=attempt.stamp)
        logger.info("Digest %s posted to channel %s (theme %s, ts %s)", week, channel, theme, ts)
        return Outcome(channel, week, "posted", theme, ts)

    def _record_failure(
        self, attempt: _Attempt, exc: DeliveryError, *, retry_after: float, uncertain: bool = False
    ) -> bool:
        """Write down a failed attempt and when to try again; True when this error is new for the channel."""
        return self.log.record_failure(
            attempt.channel,
            attempt.week,
            owner=attempt.owner,
            error=exc.code,
            retry_at=attempt.stamp + retry_after,
            uncertain=uncertain,
        )

    def _patiently(self, doing: str, call: Callable[[], T]) -> T:
        """Make a call, waiting out rate limits after Retry-After (bounded); raises RateLimited when they persist."""
        for attempt in range(MAX_RATE_LIMIT_RETRIES + 1):
            try:
                return call()
            except RateLimited as exc:
                if attempt == MAX_RATE_LIMIT_RETRIES or exc.retry_after > MAX_RETRY_AFTER:
                    raise
                logger.warning("Slack rate limit %s; retrying after %gs", doing, exc.retry_after)
                self.sleep(exc.retry_after)
        raise AssertionError("unreachable")

    def _tell_admins(self, text: str) -> None:
        """A direct message to each admin (ADMIN_USER_IDS); failures are logged, never raised."""
        assert self.poster is not None
        poster = self.poster
        if not self.admins:
            logger.warning("No ADMIN_USER_IDS to tell about a digest problem")
        for admin in self.admins:
            try:
                self._patiently("telling an admin", partial(poster.tell, admin, text))
            except DeliveryError as exc:
                logger.error("Could not tell admin %s about a digest problem: %s", admin, exc.code)
