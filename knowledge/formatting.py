"""Plain-text renderings of answers and listings, worded as the Slack answers are."""

from __future__ import annotations

import textwrap
from typing import Any

from knowledge.base import Answer, KnowledgeBase, NamedCount, RecommendationGroup, Result
from knowledge.models import cases_label

NOTHING_FOUND = "Nothing in the audits answers that."
NOTICES = {
    "empty": "Ask a question about the audits' learning, for example about a theme or an agency.",
    "no-content-words": "That question has no words to search on; ask about a topic, theme or agency.",
}
WIDTH = 100


def source_line(result: Result, kb: KnowledgeBase) -> str:
    """Where a learning point comes from: audit, month completed, agencies."""
    agencies = ", ".join(kb.agency_name(agency) for agency in result.agencies)
    return f"{result.audit.title}, completed {result.audit.completed_label} · {agencies}"


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def answer_text(answer: Answer, kb: KnowledgeBase, *, explain: bool = False) -> str:
    """The answer to a question as plain text."""
    lines: list[str] = []
    if answer.notice in NOTICES:
        lines.append(NOTICES[answer.notice])
    if not answer.results:
        if answer.notice is None:
            lines.append(NOTHING_FOUND)
        lines.extend(answer.suggestions)
        return "\n".join(lines)
    for typed, fixed in answer.corrections.items():
        lines.append(f'(read "{typed}" as "{fixed}")')
    shown = f"{answer.offset + 1}-{answer.offset + len(answer.results)}"
    lines.append(f"Learning points {shown} of {answer.total} from the multi-agency audits:")
    for number, result in enumerate(answer.results, start=answer.offset + 1):
        lines.append("")
        lines.append(f"{number}. {result.kind_label}")
        lines.append(_wrap(result.text, "   "))
        lines.append(f"   — {source_line(result, kb)}")
        if explain and result.explanation:
            lines.extend(_explain_lines(result.explanation))
    acronyms = kb.acronyms_in(" ".join(result.text for result in answer.results))
    if acronyms:
        lines.append("")
        lines.append("Acronyms: " + "; ".join(f"{entry['term']} = {entry['expansion']}" for entry in acronyms))
    return "\n".join(lines)


def _explain_lines(explanation: dict[str, Any]) -> list[str]:
    lines = [
        f"   score {explanation['score']:.3f} = coverage {explanation['coverage']:.3f}"
        f" + bm25 share {explanation['bm25']:.3f} x 0.15 + bonus {explanation['bonus']:.3f}"
    ]
    for unit in explanation["units"]:
        typed = unit["typed"]
        label = unit["unit"] if typed == unit["unit"] else f"{typed} -> {unit['unit']} (typo)"
        concepts = f" [{', '.join(unit['concepts'])}]" if unit["concepts"] else ""
        evidence = f": {', '.join(unit['evidence'])}" if unit["evidence"] else ""
        lines.append(
            f"   · {label}{concepts} weight {unit['weight']:.2f} x credit {unit['credit']:.2f}"
            f" via {unit['via']}{evidence}"
        )
    return lines


def recommendations_text(agency_id: str, groups: list[RecommendationGroup], kb: KnowledgeBase) -> str:
    """An agency's recommendations grouped by audit, all-agency ones marked."""
    total = sum(len(group.items) for group in groups)
    lines = [f"Recommendations for {kb.agency_name(agency_id)} ({total}):"]
    for group in groups:
        lines.append("")
        lines.append(f"{group.audit.title} (completed {group.audit.completed_label})")
        for result, for_all in group.items:
            marker = "[all agencies] " if for_all else ""
            lines.append(textwrap.fill(marker + result.text, WIDTH, initial_indent="  - ", subsequent_indent="    "))
    if not groups:
        lines.append("None in the audits.")
    return "\n".join(lines)


def agencies_text(agencies: list[NamedCount]) -> str:
    lines = ["Agencies (recommendations that concern each):"]
    lines += [f"  {agency.id:<32} {agency.name} ({agency.count})" for agency in agencies]
    return "\n".join(lines)


def themes_text(themes: list[NamedCount]) -> str:
    lines = ["Learning themes (learning points on each):"]
    for theme in themes:
        lines.append(f"  {theme.id:<28} {theme.name} ({theme.count})")
    return "\n".join(lines)


def audits_text(audits: list[dict[str, Any]]) -> str:
    lines = []
    for audit in audits:
        lines.append(f"{audit['title']} — completed {audit['completed_label']}, {cases_label(audit['cases_audited'])}")
        if audit["priority"]:
            lines.append(_wrap(audit["priority"], "  "))
        lines.append(f"  {audit['items']} learning points (id: {audit['id']})")
    return "\n".join(lines)


def glossary_text(entries: list[dict[str, Any]]) -> str:
    lines = []
    for entry in entries:
        head = entry["term"] + (f" — {entry['expansion']}" if entry["expansion"] else "")
        lines.append(head)
        lines.append(_wrap(entry["definition"], "  "))
    return "\n".join(lines)
