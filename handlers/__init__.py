"""Slack listeners, grouped by surface."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.settings import Settings
    from knowledge.base import KnowledgeBase
    from knowledge.records.state import StateStore


def register(app: App, *, kb: KnowledgeBase, settings: Settings, state: StateStore) -> None:
    """Register every listener group on the app."""
    from knowledge.records.ledger import DeliveryLedger
    from knowledge.services.answering import Care
    from knowledge.services.practice import Practice

    from . import actions, assistant, commands, digest, home, practice, questions, shortcuts

    # One per app: a person's questions count against one limit wherever they ask.
    care = Care(state, questions_per_minute=settings.questions_per_minute)
    practice_service = Practice(state, help_contact=settings.help_contact)
    questions.register(app, kb=kb, settings=settings, state=state, care=care, practice=practice_service)
    commands.register(app, kb=kb, settings=settings, state=state, care=care)
    actions.register(app, kb=kb, settings=settings, state=state, care=care)
    digest.register(app, kb=kb, settings=settings, state=state)
    home.register(app, kb=kb, settings=settings, state=state)
    practice.register(app, kb=kb, practice=practice_service)
    shortcuts.register(app, kb=kb, care=care, practice=practice_service)
    # Slack's assistant view: messages in assistant threads are answered there (and not again as DMs).
    app.use(
        assistant.build(
            kb=kb,
            care=care,
            practice=practice_service,
            ledger=DeliveryLedger(state),
            log_question_text=settings.log_question_text,
        )
    )
