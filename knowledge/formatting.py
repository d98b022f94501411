"""Plain-text renderings of answers and listings, worded as the Slack answers are."""

from __future__ import annotations

import textwrap
from typing import Any

from knowledge.base import AgencyRecommendations, Answer, AuditDetails, KnowledgeBase, NamedCount, Result
from knowledge.models import Wording, cases_label
from knowledge.text import clip

NOTHING_FOUND = "Nothing in the audits answers that."
NOTICES = {
    "empty": "Ask a question about the audits' learning, for example about a theme or an agency.",
    "no-content-words": "That question has no words to search on; ask about a topic, theme or agency.",
    "task": (
        "I can't do that for you: I find what the board's multi-agency audits found and recommended. Ask me about"
        " a practice issue, theme or agency."
    ),
    "thanks": "You're welcome. Ask me about any practice issue, theme or agency whenever it helps.",
    "greeting": (
        "Hello! Ask me what the board's multi-agency audits found or recommended on a practice issue, theme or agency."
    ),
}
# Notices said in reply to thanks: nothing more to offer than the reply.
BARE_NOTICES = frozenset({"thanks"})
WIDTH = 100


def source_line(result: Result, kb: KnowledgeBase) -> str:
    """Where a learning point comes from: audit, month completed, agencies."""
    agencies = ", ".join(kb.agency_name(agency) for agency in result.agencies)
    return f"{result.audit.title}, completed {result.audit.completed_label} · {agencies}"


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def definition_lines(answer: Answer) -> list[str]:
    """A glossary answer: each entry's term, what it stands for and its definition."""
    lines = []
    for entry in answer.definitions:
        head = entry["term"] + (f" = {entry['expansion']}" if entry["expansion"] else "")
        lines += [head, _wrap(entry["definition"], "   ")]
    return lines


def answer_text(answer: Answer, kb: KnowledgeBase, *, explain: bool = False) -> str:
    """The answer to a question as plain text."""
    lines: list[str] = []
    if answer.definitions:
        lines.extend(definition_lines(answer))
        if explain and answer.analysis:
            lines.extend(analysis_lines(answer.analysis))
        return "\n".join(lines)
    if answer.notice in NOTICES and not answer.purposes:
        lines.append(NOTICES[answer.notice])
    lines.extend(purpose_lines(answer))
    lines.extend(detail_lines(answer))
    if not answer.results:
        if answer.signposts:
            lines.extend(signpost_lines(answer))
        elif not answer.purposes and not answer.details and answer.notice not in BARE_NOTICES:
            if answer.notice is None:
                lines.append(NOTHING_FOUND)
            lines.extend(answer.suggestions)
        if explain and answer.analysis:
            lines.extend(analysis_lines(answer.analysis))
        return "\n".join(lines)
    for typed, fixed in answer.corrections.items():
        lines.append(f'(read "{typed}" as "{fixed}")')
    if answer.signposts:
        # A topic the audits do not cover, beside what they do: where to go for it, before what the report says.
        lines.extend([*signpost_lines(answer), ""])
    shown = f"{answer.offset + 1}-{answer.offset + len(answer.results)}"
    lines.append(f"Learning points {shown} of {answer.total} from the multi-agency audits:")
    for number, result in enumerate(answer.results, start=answer.offset + 1):
        lines.append("")
        lines.append(f"{number}. {result.kind_label}")
        lines.append(_wrap(result.text, "   "))
        lines.append(f"   — {source_line(result, kb)}")
        if explain and result.explanation:
            lines.extend(_explain_lines(result.explanation))
    if explain and answer.analysis:
        lines.extend(analysis_lines(answer.analysis))
    acronyms = kb.acronyms_in(" ".join(result.text for result in answer.results))
    if acronyms:
        lines.append("")
        lines.append("Acronyms: " + "; ".join(f"{entry['term']} = {entry['expansion']}" for entry in acronyms))
    return "\n".join(lines)


def purpose_lines(answer: Answer) -> list[str]:
    """Why the audits a purpose question is about were done, as the report says."""
    lines = []
    for found in answer.purposes:
        lines.append(f"{found.audit.title}, why the audit was done: {found.purpose}")
    return [*lines, ""] if lines and answer.results else lines


def audit_detail(details: AuditDetails) -> str:
    """One audit's cases and month completed, as the report's summary table gives them."""
    return f"{details.audit.title}: {cases_label(details.cases_audited)}, completed {details.audit.completed_label}."


def detail_lines(answer: Answer) -> list[str]:
    """How many cases the audits a question names looked at and when, from the report's summary table."""
    if not answer.details:
        return []
    lines = ["From the report's summary of the audits:", *(f"   {audit_detail(d)}" for d in answer.details)]
    return [*lines, ""] if answer.results else lines


def signpost_lines(answer: Answer) -> list[str]:
    """What to say about safeguarding topics the audits do not cover: each topic's message and link."""
    lines = []
    for signpost in answer.signposts:
        lines.append(f"{signpost.name}: {signpost.message}")
        if signpost.link:
            lines.append(f"   {signpost.link}")
    return lines


def analysis_lines(analysis: dict[str, Any]) -> list[str]:
    """How the question was read, for --explain: intent, details left out, and each unit with its notes."""
    lines = ["", "How the question was read:"]
    if analysis.get("intent"):
        lines.append(f"   intent: {analysis['intent']}")
    if analysis.get("wants_kind"):
        lines.append(f"   asks for: {analysis['wants_kind']}")
    if analysis.get("ignored"):
        lines.append(f"   left out as personal details: {', '.join(analysis['ignored'])}")
    if analysis.get("uncounted"):
        lines.append("   asks how many: no passage on its topic holds that number")
    if analysis.get("signposts"):
        lines.append(f"   out-of-scope topics (signposted): {', '.join(analysis['signposts'])}")
    for unit in analysis["units"]:
        label = unit["unit"] if unit["typed"] == unit["unit"] else f"{unit['typed']} -> {unit['unit']}"
        concepts = f" [{', '.join(unit['concepts'])}]" if unit["concepts"] else ""
        notes = f" ({'; '.join(unit['notes'])})" if unit["notes"] else ""
        lines.append(f"   · {label}{concepts} weight {unit['weight']:.2f}{notes}")
    return lines


def _explain_lines(explanation: dict[str, Any]) -> list[str]:
    keyword = explanation.get("keyword", explanation["score"])
    lines = [
        f"   score {keyword:.3f} = coverage {explanation['coverage']:.3f}"
        f" + bm25 share {explanation['bm25']:.3f} x 0.15 + bonus {explanation['bonus']:.3f}"
    ]
    if explanation.get("continues"):
        lines.append(f"   shown after {explanation['continues']}: continues that passage")
    if "cosine" in explanation:
        lines.insert(
            0, f"   semantic: {explanation['score']:.3f} fused from this score and cosine {explanation['cosine']:.3f}"
        )
    for unit in explanation["units"]:
        typed = unit["typed"]
        label = unit["unit"] if typed == unit["unit"] else f"{typed} -> {unit['unit']}"  # corrected, split or described
        concepts = f" [{', '.join(unit['concepts'])}]" if unit["concepts"] else ""
        evidence = f": {', '.join(unit['evidence'])}" if unit["evidence"] else ""
        lines.append(
            f"   · {label}{concepts} weight {unit['weight']:.2f} x credit {unit['credit']:.2f}"
            f" via {unit['via']}{evidence}"
        )
    return lines


LEARNING_POINT_NOTE = (
    "[learning point]: worded as an observation, not an ask of agencies; the report files it under"
    " Learning/Recommendations."
)
CLOSE_MATCHES = "No glossary entry is called {term}; partial matches:"


def recommendations_heading(recommendations: AgencyRecommendations) -> str:
    """ "Learning/Recommendations for Police: 4 addressed to it, 7 to all agencies" """
    return (
        f"Learning/Recommendations for {recommendations.agency_name}: {recommendations.own_count} addressed to"
        f" {'it or its services' if recommendations.has_services else 'it'}, {recommendations.for_all_count} to all"
        " agencies"
    )


def addressed_heading(recommendations: AgencyRecommendations) -> str:
    services = " or its services" if recommendations.has_services else ""
    return f"Addressed to {recommendations.agency_name}{services}"


def item_marker(result: Result) -> str:
    """ "[learning point] " for a recommendation worded as an observation, else nothing."""
    return "[learning point] " if result.reads_as == Wording.OBSERVATION.value else ""


def recommendations_text(recommendations: AgencyRecommendations) -> str:
    """An agency's recommendations: those addressed to it first, then those for all agencies, each by audit."""
    lines = [recommendations_heading(recommendations) + "."]
    parts = [(addressed_heading(recommendations), recommendations.own)]
    if recommendations.for_all:
        parts.append(("For all agencies", recommendations.for_all))
    for heading, groups in parts:
        lines.append("")
        if not groups:
            lines.append(f"{heading}: none in the audits.")
            continue
        lines.append(f"{heading} ({sum(len(group.items) for group in groups)}):")
        for group in groups:
            lines.append(f"  {group.audit.title} (completed {group.audit.completed_label})")
            for result in group.items:
                lines.append(
                    textwrap.fill(
                        item_marker(result) + result.text, WIDTH, initial_indent="  - ", subsequent_indent="    "
                    )
                )
    if any(item_marker(result) for group in (*recommendations.own, *recommendations.for_all) for result in group.items):
        lines += ["", textwrap.fill(LEARNING_POINT_NOTE, WIDTH)]
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


def glossary_text(entries: list[dict[str, Any]], *, term: str = "") -> str:
    """Glossary entries; partial matches are introduced as such."""
    lines = []
    if any(entry.get("match") == "close" for entry in entries):
        lines.append(CLOSE_MATCHES.format(term=repr(clip(term))))
    for entry in entries:
        head = entry["term"] + (f" — {entry['expansion']}" if entry["expansion"] else "")
        lines.append(head)
        lines.append(_wrap(entry["definition"], "  "))
    return "\n".join(lines)
