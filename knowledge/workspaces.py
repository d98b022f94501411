"""`Workspaces`: one knowledge base per Slack workspace, chosen by the workspace a request came from.

One deployment can serve several boards, each in its own workspace with its own data folder built to its own
database. The app sets `current_team` for each request (bot/app.py); everything that holds "the knowledge base"
holds a `Workspaces` instead and reaches the right board's knowledge through it, unchanged. A team with no
folder of its own gets the default knowledge (the bundled data unless configured otherwise).
"""

from __future__ import annotations

import contextlib
import functools
import types
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import Any

current_team: ContextVar[str | None] = ContextVar("current_team", default=None)


@contextlib.contextmanager
def team_scope(team_id: str | None) -> Iterator[None]:
    """Run the block as a request from `team_id`."""
    token = current_team.set(team_id)
    try:
        yield
    finally:
        current_team.reset(token)


class Workspaces:
    """The knowledge of each configured team (`by_team`), else `default`; attribute access goes to the current one.

    Each knowledge may be a `KnowledgeBase` or a `LiveKnowledge` (anything with the KnowledgeBase calls).
    """

    def __init__(self, default: Any, by_team: Mapping[str, Any] | None = None) -> None:
        self.default = default
        self.by_team = dict(by_team or {})

    def for_team(self, team_id: str | None) -> Any:
        return self.by_team.get(team_id or "", self.default)

    def current(self) -> Any:
        return self.for_team(current_team.get())

    def all(self) -> list[Any]:
        """Every distinct knowledge base served (the default first)."""
        seen: list[Any] = [self.default]
        for kb in self.by_team.values():
            if all(kb is not other for other in seen):
                seen.append(kb)
        return seen

    @contextlib.contextmanager
    def pinned(self) -> Iterator[Any]:
        """Hold the current team's knowledge for a whole request (one build, for a live knowledge base)."""
        kb = self.current()
        pin = getattr(kb, "pinned", None)
        if pin is None:
            yield kb
            return
        with pin() as held:
            yield held

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        value = getattr(self.current(), name)
        if not isinstance(value, types.MethodType | functools.partial):
            return value
        return functools.partial(self._call, name)

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return getattr(self.current(), name)(*args, **kwargs)
