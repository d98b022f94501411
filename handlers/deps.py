"""`Deps`: everything the listeners need, built once by the app factory (`bot/app.py`) and handed to `register`.

The listeners get services and plain values, never the settings object, so `handlers` never imports `bot`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient

from knowledge.base import KnowledgeBase
from knowledge.records.ledger import DeliveryLedger
from knowledge.services.answering import Answering
from knowledge.services.delivery import Digests
from knowledge.services.practice import Practice
from knowledge.services.schedule import utc_now


@dataclass(frozen=True)
class Deps:
    """The knowledge base, the answering service (one per app: one rate limit across surfaces), the delivery
    ledger, who may do what, the digest service (`digests(client)`: with a client it can post) and the practice
    records (discussions, requests for more help, gaps)."""

    kb: KnowledgeBase
    answering: Answering
    ledger: DeliveryLedger
    digests: Callable[[WebClient | None], Digests]
    practice: Practice  # team discussions, requests for more help, gaps (and the board's contact)
    answer_channels: frozenset[str] = frozenset()
    admin_user_ids: frozenset[str] = frozenset()
    digest_channels: tuple[str, ...] = ()
    clock: Callable[[], datetime] = utc_now
