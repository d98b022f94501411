"""Text for Slack: escaping mrkdwn, Slack's size limits, splitting and clipping to them, links and dates.

Every block builder (`blocks`, `digest_blocks`, `home_blocks`) and every listener that writes mrkdwn uses these,
so a limit or an escape is decided once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

TEXT_LIMIT = 3000  # characters in one section or context text
HEADER_LIMIT = 150  # characters in a header block's plain text
BLOCK_LIMIT = 50  # blocks in one message
VIEW_BLOCK_LIMIT = 100  # blocks in a Home tab or modal
ELLIPSIS = "…"
DATE = "%A %-d %B %Y"  # "Monday 23 November 2026"
TIME = "%H:%M %Z"  # "09:00 GMT"


def escape(text: str) -> str:
    """Escape text for Slack mrkdwn: `&`, `<` and `>` (so `<!channel>` shows as text and pings nobody)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def channel_link(channel: str) -> str:
    """A channel as Slack shows it: `<#C0123>` becomes the channel's name, linked."""
    return f"<#{escape(channel)}>"


def when(moment: datetime, *, sep: str = " ") -> str:
    """A moment for people, in its own timezone: "Monday 23 November 2026 09:00 GMT" (`sep` before the time)."""
    return moment.strftime(f"{DATE}{sep}{TIME}")


def split_text(text: str, *, limit: int = TEXT_LIMIT) -> list[str]:
    """Split (already escaped) text into pieces of at most `limit` characters, at line or word boundaries.

    A piece is never cut inside an escape such as `&amp;`.
    """
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
            amp = rest.rfind("&", max(0, cut - 5), cut)
            if amp > 0 and ";" not in rest[amp:cut]:
                cut = amp
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def pack(lines: Iterable[str], *, limit: int = TEXT_LIMIT) -> list[str]:
    """Join lines into as few texts of at most `limit` characters as possible (splitting overlong lines)."""
    texts: list[str] = []
    current = ""
    for line in lines:
        for piece in split_text(line, limit=limit):
            if current and len(current) + 1 + len(piece) > limit:
                texts.append(current)
                current = ""
            current = f"{current}\n{piece}" if current else piece
    if current:
        texts.append(current)
    return texts


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in "…" when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS
