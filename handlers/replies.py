"""Replies through a response_url (slash commands, buttons): Bolt's `respond`, with failures raised.

`respond` does not raise when Slack refuses a response_url post (an expired URL, invalid blocks); it
returns the HTTP status. `send` turns that into `ResponseUrlError`, so the failure reaches the app's one
error handler and is logged, like a failed Web API call.
"""

from __future__ import annotations

from typing import Literal

from slack_bolt import Respond

from .blocks import Message, split_messages

ResponseType = Literal["ephemeral", "in_channel"]


class ResponseUrlError(RuntimeError):
    """Slack refused a post to a response_url."""


def send(respond: Respond, message: Message, *, response_type: ResponseType = "ephemeral") -> None:
    """Post a message (split to 50 blocks a part) as a new message, to the caller only or in the channel."""
    for part in split_messages(message):
        result = respond(
            response_type=response_type,
            replace_original=False,
            unfurl_links=False,
            unfurl_media=False,
            **part.as_kwargs(),
        )
        status = getattr(result, "status_code", 200)
        if status >= 300:
            raise ResponseUrlError(f"Slack refused the response_url post: {status} {str(result.body)[:100]!r}")
