"""`SlackPoster`: the digest's `DigestPoster` (knowledge/services/ports.py) made of slack_sdk Web API calls.

Posts with `chat.postMessage` and message metadata (`event_type` "learning_digest", the week and theme in the
payload), finds a post again in `conversations.history` by that metadata, sends admins direct messages, and
writes channels as `<#C…>` links. Each method makes one call and turns Slack's answers into the port's errors:
a 429 is `RateLimited`, a 5xx or a lost answer `MaybePosted`, a refused connection `Unreachable`, and any other
error `PostRefused` (`ChannelUnavailable`, with what to do, for a channel the bot cannot post to).
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Any
from urllib.error import URLError

from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse, WebClient

from handlers.slack_text import channel_link
from knowledge.digest import EVENT_TYPE
from knowledge.services.ports import (
    Blocks,
    ChannelUnavailable,
    DeliveryError,
    DigestLabel,
    MaybePosted,
    PostRefused,
    RateLimited,
    Unreachable,
)

if TYPE_CHECKING:
    from bot.settings import Settings

CHANNEL_ERRORS = {
    "not_in_channel": "invite the bot to the channel (/invite @bot-name), then run `/digest post`",
    "channel_not_found": "check DIGEST_CHANNEL: use the channel's ID (like C0123456789), and invite the bot to it",
    "is_archived": "the channel is archived: unarchive it or change DIGEST_CHANNEL",
    "restricted_action": "posting to the channel is restricted: ask a workspace admin to allow the bot to post",
}
HISTORY_PAGES = 10
NEVER_SENT = (ConnectionRefusedError, socket.gaierror)  # the request could not leave this machine


def posting_client(settings: Settings, client: WebClient | None = None) -> WebClient:
    """A Web API client for posting the digest: the bot's token and base URL, *without* slack_sdk's automatic
    retries (a connection error retried blindly could post twice; `Digests` handles 429s and lost answers)."""
    if client is not None:
        return WebClient(
            token=client.token,
            base_url=client.base_url,
            timeout=client.timeout,
            ssl=client.ssl,
            proxy=client.proxy,
            headers=dict(client.headers),
            retry_handlers=[],
        )
    return WebClient(
        token=settings.secret("slack_bot_token"), base_url=settings.slack_api_url, timeout=30, retry_handlers=[]
    )


class SlackPoster:
    """The digest's way into a Slack workspace, through one Web API client (build it with `posting_client`)."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def post(self, channel: str, *, text: str, blocks: Blocks, label: DigestLabel) -> str:
        response = self._call(
            "chat_postMessage",
            channel=channel,
            text=text,
            blocks=list(blocks),
            metadata={"event_type": EVENT_TYPE, "event_payload": {"week": label.week, "theme": label.theme}},
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(response["ts"])

    def find(self, channel: str, *, week: str, since: float) -> str | None:
        cursor = None
        for _ in range(HISTORY_PAGES):
            response = self._call(
                "conversations_history",
                channel=channel,
                oldest=f"{max(since, 0):.6f}",
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

    def tell(self, user: str, text: str) -> None:
        self._call("chat_postMessage", channel=user, text=text)

    @staticmethod
    def link(channel: str) -> str:
        return channel_link(channel)

    def _call(self, method: str, **kwargs: Any) -> SlackResponse:
        try:
            return getattr(self.client, method)(**kwargs)
        except (SlackApiError, OSError) as exc:
            raise delivery_error(exc) from exc


def delivery_error(exc: SlackApiError | OSError) -> DeliveryError:
    """The port's error for a failed Web API call."""
    if isinstance(exc, OSError):
        reason = exc.reason if isinstance(exc, URLError) else exc
        if isinstance(reason, NEVER_SENT):
            return Unreachable(type(reason).__name__)  # ConnectionRefusedError, gaierror
        return MaybePosted(type(exc).__name__)  # timeouts and lost connections: Slack may have accepted it
    status = getattr(exc.response, "status_code", 200)
    if status == 429:
        return RateLimited(_retry_after(exc.response))
    code = _error_code(exc)
    if status >= 500:  # Slack's own failure: it may or may not have posted
        return MaybePosted(code)
    if code in CHANNEL_ERRORS:
        return ChannelUnavailable(code, CHANNEL_ERRORS[code])
    return PostRefused(code)


def _retry_after(response: Any) -> float:
    headers = getattr(response, "headers", None) or {}
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    try:
        return max(float(value), 0.0) if value is not None else 1.0
    except (TypeError, ValueError):
        return 1.0


def _error_code(exc: SlackApiError) -> str:
    data = getattr(exc.response, "data", None)
    if isinstance(data, dict) and data.get("error"):
        return str(data["error"])
    return f"http_{getattr(exc.response, 'status_code', 'error')}"
