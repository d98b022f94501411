"""Slack listeners, grouped by surface, and the Block Kit they send.

Listeners are thin: acknowledge, call `knowledge` (the answering service, the knowledge base, the digest
service), format with the block builders (`blocks`, `digest_blocks`, `home_blocks`, all writing text with
`slack_text`), reply. What they need arrives in one `Deps` (`handlers/deps.py`) built by the app factory.
May import `knowledge`, slack_sdk and slack_bolt; never `bot` (an import-linter contract keeps it so).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slack_bolt import App

    from .deps import Deps


def register(app: App, deps: Deps) -> None:
    """Register every listener group on the app."""
    from . import actions, assistant, commands, digest, home, practice, questions, shortcuts

    for surface in (questions, commands, actions, digest, home, practice, shortcuts):
        surface.register(app, deps)
    # Slack's assistant view: messages in assistant threads are answered there (and not again as DMs).
    app.use(assistant.build(deps))
