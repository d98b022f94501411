"""What the services need from a chat workspace, as a protocol, and the errors it may raise.

`DigestPoster` is how the digest reaches a channel: post a message labelled with its week and theme, find such
a post again by its label, send a person a direct message, and write a reference to a channel in a message. The
Slack implementation (slack_sdk) lives beside the app factory in `bot/slack_poster.py`; the services never see
Slack's client, its error codes or its markup.

The errors say what the delivery protocol must know: whether the post certainly did not happen (`PostRefused`,
`ChannelUnavailable`, `Unreachable`) or may have happened (`MaybePosted`), and how long a rate limit asks to wait.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class DeliveryError(Exception):
    """A call to the workspace failed; `code` is short and safe to log (an error code or exception name)."""

    def __init__(self, code: str, message: str | None = None) -> None:
        super().__init__(message or code)
        self.code = code


class RateLimited(DeliveryError):
    """The workspace asked us to wait `retry_after` seconds before calling again."""

    def __init__(self, retry_after: float) -> None:
        super().__init__("ratelimited", f"rate limited; retry after {retry_after:g}s")
        self.retry_after = retry_after


class PostRefused(DeliveryError):
    """The workspace answered and refused the call: certainly nothing was posted."""


class ChannelUnavailable(PostRefused):
    """The channel cannot be posted to (not a member, not found, archived, restricted); `fix` says what to do."""

    def __init__(self, code: str, fix: str) -> None:
        super().__init__(code)
        self.fix = fix


class MaybePosted(DeliveryError):
    """The call was sent and no reliable answer came back (a server error, a timeout, a dropped connection):
    the post may or may not exist."""


class Unreachable(DeliveryError):
    """The workspace could not be reached at all (connection refused, unknown host): the request never left."""


@dataclass(frozen=True)
class DigestLabel:
    """What marks a digest post so that a later run can find it: its ISO week and theme."""

    week: str
    theme: str


Blocks = Sequence[Mapping[str, Any]]


class DigestPoster(Protocol):
    """Posting the digest to a workspace. Each method makes its call once: waiting out `RateLimited` is the
    caller's policy. Every failure is a `DeliveryError`."""

    def post(self, channel: str, *, text: str, blocks: Blocks, label: DigestLabel) -> str:
        """Post a labelled message; return its id (Slack's ts)."""
        ...

    def find(self, channel: str, *, week: str, since: float) -> str | None:
        """The id of the channel's digest post for `week` made since `since` (epoch seconds), or None."""
        ...

    def tell(self, user: str, text: str) -> None:
        """A direct message to one person (an admin)."""
        ...

    def link(self, channel: str) -> str:
        """How a message refers to a channel (a link in Slack)."""
        ...
