"""Questions passed to the board's contact ("I need more help"): stored only after the asker confirmed.

A row is written only when the asker has seen their question in the confirmation form and pressed Send: that is
their explicit consent to send and keep it. The row holds the question as sent, who asked, when, the themes it
matched, where the contact was told (channel and ts) and whether the contact has marked it resolved.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Literal

from knowledge.records.state import StateStore

MAX_QUESTION_CHARS = 3000

Status = Literal["open", "resolved"]


class EscalationError(ValueError):
    """A help request that cannot be recorded or changed; the message says why, fit for the person."""


class UnknownRequestError(EscalationError, LookupError):
    """No help request has that id."""


@dataclass(frozen=True)
class HelpRequest:
    id: str
    requested_at: float
    requester: str
    question: str
    themes: tuple[str, ...]
    contact: str
    contact_ts: str | None
    status: Status
    resolved_by: str | None
    resolved_at: float | None


class EscalationLog:
    """Help requests in the state database."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    def open_request(
        self, *, question: str, requester: str, contact: str, themes: tuple[str, ...] = (), at: float | None = None
    ) -> HelpRequest:
        """Store a confirmed request (call only after the asker pressed Send on a form showing `question`)."""
        question = question.strip()[:MAX_QUESTION_CHARS]
        if not question:
            raise EscalationError("There is no question to send.")
        if not requester:
            raise EscalationError("A help request needs the person asking.")
        request_id = uuid.uuid4().hex
        now = time.time() if at is None else at
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO help_requests (id, requested_at, requester, question, themes, contact)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (request_id, now, requester, question, json.dumps(sorted(set(themes))), contact),
            )
        return self.get(request_id)

    def get(self, request_id: str) -> HelpRequest:
        row = self.store.conn.execute("SELECT * FROM help_requests WHERE id = ?", (request_id[:64],)).fetchone()
        if row is None:
            raise UnknownRequestError("That request for help is no longer on record.")
        return _request(row)

    def record_notice(self, request_id: str, *, ts: str) -> None:
        """Remember where the contact was told (the message to update when it is resolved)."""
        with self.store.transaction() as conn:
            conn.execute("UPDATE help_requests SET contact_ts = ? WHERE id = ?", (ts, request_id))

    def resolve(self, request_id: str, *, by: str, at: float | None = None) -> tuple[HelpRequest, bool]:
        """Mark a request resolved; returns it and False when it already was (the first resolver is kept)."""
        now = time.time() if at is None else at
        with self.store.transaction() as conn:
            changed = conn.execute(
                "UPDATE help_requests SET status = 'resolved', resolved_by = ?, resolved_at = ?"
                " WHERE id = ? AND status = 'open'",
                (by, now, request_id[:64]),
            ).rowcount
        return self.get(request_id), changed == 1

    def between(self, start: float, end: float) -> list[HelpRequest]:
        """Requests opened in [start, end), oldest first."""
        rows = self.store.conn.execute(
            "SELECT * FROM help_requests WHERE requested_at >= ? AND requested_at < ? ORDER BY requested_at, id",
            (start, end),
        )
        return [_request(row) for row in rows]


def _request(row: object) -> HelpRequest:
    data = dict(row)  # type: ignore[call-overload]
    data["themes"] = tuple(json.loads(data["themes"]))
    return HelpRequest(**data)
