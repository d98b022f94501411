"""From answer to practice: team discussions of a digest, requests for more help, and gaps in the audits.

The rules about question text live here, so every surface keeps them the same way:
- a question that found nothing is counted by topic only (`count_uncovered`): its words are never kept;
- a request for more help (`request_help`) or a suggested gap (`suggest_gap`) keeps the text, and is called only
  after the asker pressed Send on a form that showed them that text: their explicit consent;
- the privacy guard runs on that text first: text that looks like it holds personal data is refused with
  `CaseDetailsError` (a learning bot is not the place for case details), so the person can take them out.
Slack never appears here; the listeners in `handlers/` call these and do the talking.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from knowledge.privacy import PersonalData, detect
from knowledge.records.discussions import DiscussionLog
from knowledge.records.escalations import EscalationLog, HelpRequest
from knowledge.records.gaps import Gap, GapLog
from knowledge.records.state import StateStore
from knowledge.topics import topic_of


class CaseDetailsError(ValueError):
    """The text looks like it holds personal data; the message says what kind, never the text."""

    def __init__(self, kinds: frozenset[PersonalData]) -> None:
        labels = [kind.label for kind in PersonalData if kind in kinds]
        found = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
        super().__init__(
            f"This looks like it includes {found}. Please take those details out before sending: ask about the"
            ' practice issue (for example "a 6-year-old" rather than a name).'
        )
        self.kinds = kinds


class NoContactError(RuntimeError):
    """No board contact is set (HELP_CONTACT), so a request for more help has nowhere to go."""


class Practice:
    """The records of what happened after an answer or a digest, for one app."""

    def __init__(
        self, state: StateStore, *, help_contact: str | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self.discussions = DiscussionLog(state)
        self.escalations = EscalationLog(state)
        self.gaps = GapLog(state)
        self.help_contact = help_contact or None
        self.clock = clock

    @staticmethod
    def case_details(text: str) -> frozenset[PersonalData]:
        """The kinds of personal data the text looks like it holds (empty when none)."""
        return detect(text)

    def count_uncovered(self, question: str, *, themes: Sequence[str] = ()) -> str:
        """Count a question the audits had no answer for, under its topic; returns the topic (never the text)."""
        topic = topic_of(question, themes=themes)
        self.gaps.count_uncovered(topic, at=self.clock())
        return topic

    def suggest_gap(self, question: str, *, themes: Sequence[str] = ()) -> Gap:
        """Keep a question for next year's audit planning (the asker pressed Send); refuses case details."""
        kinds = detect(question)
        if kinds:
            raise CaseDetailsError(kinds)
        return self.gaps.add_gap(question, topic=topic_of(question, themes=themes), at=self.clock())

    def request_help(self, question: str, *, requester: str, themes: Sequence[str] = ()) -> HelpRequest:
        """Store a request for the board's contact (the asker pressed Send); refuses case details."""
        if self.help_contact is None:
            raise NoContactError("no HELP_CONTACT is set")
        kinds = detect(question)
        if kinds:
            raise CaseDetailsError(kinds)
        return self.escalations.open_request(
            question=question, requester=requester, contact=self.help_contact, themes=tuple(themes), at=self.clock()
        )

    def resolve(self, request_id: str, *, by: str) -> tuple[HelpRequest, bool]:
        return self.escalations.resolve(request_id, by=by, at=self.clock())

    def record_discussion(
        self, *, week: str, theme: str, channel: str, message_ts: str, agency: str, team: str, by: str
    ) -> bool:
        """Record that a team discussed a digest; False if this person had already recorded the same."""
        return self.discussions.record(
            week=week,
            theme=theme,
            channel=channel,
            message_ts=message_ts,
            agency=agency,
            team=team,
            by=by,
            at=self.clock(),
        )
