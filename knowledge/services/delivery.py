"""Posting the weekly digest exactly once per channel per ISO week, whatever happens.

The protocol, for each channel: claim (channel, week) in a transaction (a lease: a concurrent run backs off);
if an earlier attempt's outcome is unknown, look for its post in the channel's history by message metadata
(`event_type` "learning_digest", the week in the payload) and, if found, record it instead of posting again; else
write down the attempt, call chat.postMessage, and record Slack's ts. Nothing is recorded as sent unless Slack
accepted the post. Rate limits (429) are waited out after `Retry-After`; a channel the bot cannot post to is
logged and reported to the admins (once per error), and tried again later.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.error import URLError

from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse, WebClient

from knowledge.base import KnowledgeBase
from knowledge.digest import EVENT_TYPE, Digest, build_digest
from knowledge.records.digest_log import DigestLog, WeekPlan
from knowledge.records.owners import new_owner
from knowledge.services.schedule import Schedule

logger = logging.getLogger(__name__)

Render = Callable[[Digest, str], tuple[str, list[dict[str, Any]]]]  # (notification text, blocks)

CHANNEL_ERRORS = {
    "not_in_channel": "invite the bot to the channel (/invite @bot-name), then run `/digest post`",
    "channel_not_found": "check DIGEST_CHANNEL: use the channel's ID (like C0123456789), and invite the bot to it",
    "is_archived": "the channel is archived: unarchive it or change DIGEST_CHANNEL",
    "restricted_action": "posting to the channel is restricted: ask a workspace admin to allow the bot to post",
}
MAX_RATE_LIMIT_RETRIES = 3
MAX_RETRY_AFTER = 120.0  # seconds; a longer wait gives up for now and the next run tries again
RETRY_FAILED_AFTER = 3600.0  # a channel Slack refused is tried again by the scheduled runs after an hour
RETRY_UNCERTAIN_AFTER = 300.0
RETRY_UNREACHABLE_AFTER = 300.0  # Slack could not be reached at all (nothing was sent): try again soon
CLOCK_SKEW = 600.0  # look this much further back than the attempt, in case our clock and Slack's disagree
HISTORY_PAGES = 10

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

    def describe(self, *, slack: bool = True) -> str:
        """One line for a person: `slack` writes the channel as a Slack link, else as its ID."""
        where = f"<#{self.channel}>" if slack else self.channel
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


class RateLimited(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited; retry after {retry_after:g}s")
        self.retry_after = retry_after


class Digests:
    """The digest for one workspace: rotation, schedule, admin choices and exactly-once delivery."""

    def __init__(
        self,
        kb: KnowledgeBase,
        log: DigestLog,
        schedule: Schedule,
        *,
        client: WebClient | None = None,
        channels: tuple[str, ...] = (),
        admins: tuple[str, ...] = (),
        render: Render | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.kb = kb
        self.log = log
        self.schedule = schedule
        self.client = client
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
        if self.client is None or self.render is None:
            raise RuntimeError("posting the digest needs a Slack client and a renderer")
        return [self._deliver(channel, week, now=now, force=force) for channel in self.channels]

    def _deliver(self, channel: str, week: str, *, now: datetime, force: bool) -> Outcome:
        owner = new_owner()
        stamp = now.timestamp()
        claim = self.log.claim(channel, week, themes=self.theme_ids(), owner=owner, now=stamp, force=force)
        if claim.status == "busy" and claim.held_elsewhere_until is not None:
            until = datetime.fromtimestamp(claim.held_elsewhere_until, UTC)
            held = f"held by a run on another machine until {until:%H:%M} UTC; run again after then if it stopped"
            return Outcome(channel, week, "busy", claim.theme, error=held)
        if claim.status != "go":
            return Outcome(channel, week, claim.status, claim.theme, claim.ts, claim.error)
        assert claim.theme is not None
        if claim.uncertain_since is not None:
            try:
                found = self._find_post(channel, week, oldest=claim.uncertain_since - CLOCK_SKEW)
            except (SlackApiError, RateLimited, OSError) as exc:
                error = _error_code(exc)
                logger.error(
                    "Digest %s for channel %s: an earlier attempt may have been posted, and the channel's history"
                    " cannot be read to check (%s); not posting again",
                    week,
                    channel,
                    error,
                )
                if self.log.record_failure(
                    channel, week, owner=owner, error=error, retry_at=stamp + RETRY_UNCERTAIN_AFTER, uncertain=True
                ):
                    self._tell_admins(
                        f"I could not check whether the learning digest for {week} reached <#{channel}>"
                        f" (`{error}` reading the channel's history), so I have not posted it again, to avoid a"
                        " duplicate. The bot needs the channels:history scope (groups:history for a private"
                        " channel) and to be in the channel."
                    )
                return Outcome(channel, week, "uncertain", claim.theme, error=error)
            if found is not None:
                logger.info("Digest %s for channel %s was already posted (ts %s); recorded it", week, channel, found)
                self.log.record_sent(channel, week, ts=found, now=stamp)
                return Outcome(channel, week, "found", claim.theme, found)
        assert self.render is not None
        text, blocks = self.render(build_digest(self.kb, claim.theme), week)
        if not self.log.begin_attempt(channel, week, owner=owner, now=stamp):
            return Outcome(channel, week, "busy", claim.theme)
        try:
            response = self._call(
                "chat_postMessage",
                channel=channel,
                text=text,
                blocks=blocks,
                metadata={"event_type": EVENT_TYPE, "event_payload": {"week": week, "theme": claim.theme}},
                unfurl_links=False,
                unfurl_media=False,
            )
        except RateLimited as exc:
            self.log.record_failure(channel, week, owner=owner, error="ratelimited", retry_at=stamp + exc.retry_after)
            logger.warning("Digest %s for channel %s: still rate limited; will try again later", week, channel)
            return Outcome(channel, week, "failed", claim.theme, error="ratelimited")
        except SlackApiError as exc:
            error = _error_code(exc)
            status = getattr(exc.response, "status_code", 200)
            uncertain = status >= 500  # Slack's own failure: it may or may not have posted
            new = self.log.record_failure(
                channel,
                week,
                owner=owner,
                error=error,
                retry_at=stamp + (RETRY_UNCERTAIN_AFTER if uncertain else RETRY_FAILED_AFTER),
                uncertain=uncertain,
            )
            hint = CHANNEL_ERRORS.get(error)
            logger.error(
                "Digest %s: Slack refused the post to channel %s: %s%s",
                week,
                channel,
                error,
                f" ({hint})" if hint else "",
            )
            if hint and new:
                self._tell_admins(
                    f"I could not post the weekly learning digest for {week} to <#{channel}>: `{error}`. To fix it: "
                    f"{hint}."
                )
            return Outcome(channel, week, "uncertain" if uncertain else "failed", claim.theme, error=error)
        except OSError as exc:  # timeouts and lost connections: Slack may have accepted the post
            error = type(exc).__name__
            if nothing_sent(exc):  # refused or unresolvable: the request never left, so nothing is uncertain
                error = f"could not connect to Slack ({type(_reason(exc)).__name__})"
                retry_at = stamp + RETRY_UNREACHABLE_AFTER
                self.log.record_failure(channel, week, owner=owner, error=error, retry_at=retry_at)
                logger.warning("Digest %s for channel %s: %s; nothing was sent", week, channel, error)
                return Outcome(channel, week, "failed", claim.theme, error=error)
            self.log.record_failure(
                channel, week, owner=owner, error=error, retry_at=stamp + RETRY_UNCERTAIN_AFTER, uncertain=True
            )
            logger.warning(
                "Digest %s for channel %s: no answer from Slack (%s); will check before retrying", week, channel, error
            )
            return Outcome(channel, week, "uncertain", claim.theme, error=error)
        ts = str(response["ts"])
        self.log.record_sent(channel, week, ts=ts, now=stamp)
        logger.info("Digest %s posted to channel %s (theme %s, ts %s)", week, channel, claim.theme, ts)
        return Outcome(channel, week, "posted", claim.theme, ts)

    def _find_post(self, channel: str, week: str, *, oldest: float) -> str | None:
        """The ts of this week's digest in the channel since `oldest`, found by its metadata; None if absent."""
        cursor = None
        for _ in range(HISTORY_PAGES):
            response = self._call(
                "conversations_history",
                channel=channel,
                oldest=f"{max(oldest, 0):.6f}",
                limit=200,
                include_all_metadata=False,
                **({"cursor": cursor} if cursor else {}),
            )
            for message in response.get("messages") or []:
                metadata = message.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if metadata.get("event_type") == EVENT_TYPE and payload.get("week") == week:
                    return str(message["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not response.get("has_more") or not cursor:
                return None
        return None

    def _call(self, method: str, **kwargs: Any) -> SlackResponse:
        """A Web API call, waiting out 429s after Retry-After (bounded); raises RateLimited when they persist."""
        assert self.client is not None
        for attempt in range(MAX_RATE_LIMIT_RETRIES + 1):
            try:
                return getattr(self.client, method)(**kwargs)
            except SlackApiError as exc:
                if getattr(exc.response, "status_code", None) != 429:
                    raise
                retry_after = _retry_after(exc.response)
                if attempt == MAX_RATE_LIMIT_RETRIES or retry_after > MAX_RETRY_AFTER:
                    raise RateLimited(retry_after) from exc
                logger.warning("Slack rate limit on %s; retrying after %gs", method, retry_after)
                self.sleep(retry_after)
        raise AssertionError("unreachable")

    def _tell_admins(self, text: str) -> None:
        """A direct message to each admin (ADMIN_USER_IDS); failures are logged, never raised."""
        if not self.admins:
            logger.warning("No ADMIN_USER_IDS to tell about a digest problem")
        for admin in self.admins:
            try:
                self._call("chat_postMessage", channel=admin, text=text)
            except (SlackApiError, RateLimited, OSError) as exc:
                logger.error("Could not tell admin %s about a digest problem: %s", admin, _error_code(exc))


def _reason(exc: OSError) -> BaseException:
    reason = exc.reason if isinstance(exc, URLError) else exc
    return reason if isinstance(reason, BaseException) else exc


def nothing_sent(exc: OSError) -> bool:
    """Whether a failed call certainly sent nothing: the connection was refused or the host not found."""
    return isinstance(_reason(exc), ConnectionRefusedError | socket.gaierror)


def _retry_after(response: Any) -> float:
    headers = getattr(response, "headers", None) or {}
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    try:
        return max(float(value), 0.0) if value is not None else 1.0
    except (TypeError, ValueError):
        return 1.0


def _error_code(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        data = getattr(exc.response, "data", None)
        if isinstance(data, dict) and data.get("error"):
            return str(data["error"])
        return f"http_{getattr(exc.response, 'status_code', 'error')}"
    if isinstance(exc, RateLimited):
        return "ratelimited"
    return type(exc).__name__
