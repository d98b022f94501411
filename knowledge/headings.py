"""Reading headings: which paragraphs are headings, which open a Findings or Recommendations section, and
how a heading and a summary-table title name the same audit (by their words and acronyms, not their spelling).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from .models import Kind, normalise_whitespace
from .report_reader import HEADING, TEXT, Paragraph
from .text import STOPWORDS, normalise, stem, words

MAX_HEADING_WORDS = 15
MAX_HEADING_CHARS = 120
PARENTHESES = re.compile(r"\(([^()]*)\)")
# Words every audit title may carry ("Early Years Multi-Agency Audits"): they say nothing about which audit.
_GENRE_WORDS = frozenset(stem(word) for word in ("audit", "audits", "multi", "agency", "review", "report", "key"))

_FINDING_HEADINGS = re.compile(
    r"^(?:(?:key|main|audit|summary of(?: the)?)\s+)?(?:findings?|what (?:we|the audit) found|strengths"
    r"|good practice|what worked well|what went well)$"
)
_RECOMMENDATION_HEADINGS = re.compile(
    r"^(?:(?:key|main)\s+)?(?:learning|lessons(?: learn(?:ed|t))?|recommendations?|learning points"
    r"|learning\s*(?:/|and)\s*recommendations?|recommendations?\s*(?:/|and)\s*learning"
    r"|actions?(?: points| required| plan)?|next steps|areas (?:for|of|requiring) (?:improvement|development)"
    r"|what (?:needs|needed) to (?:improve|change))$"
)


def section_kind(text: str) -> Kind | None:
    """The kind of bullet a section heading introduces ("Findings:" -> finding), or None for other text."""
    key = normalise_whitespace(text.replace("&", " and ")).lower().rstrip(":.").strip()
    key = re.sub(r"\s*/\s*", "/", key)
    if _FINDING_HEADINGS.match(key):
        return Kind.FINDING
    if _RECOMMENDATION_HEADINGS.match(key):
        return Kind.RECOMMENDATION
    return None


def heading_label(text: str) -> str:
    """A heading as the data files record it: whitespace normalised, trailing ':' or '.' dropped."""
    return normalise_whitespace(text).rstrip(":. ").strip()


def heading_like(paragraph: Paragraph) -> bool:
    """Whether a paragraph reads as a heading: styled as one, or one short line that is not a sentence."""
    if paragraph.style == HEADING:
        return True
    if paragraph.style != TEXT:
        return False
    text = paragraph.text.strip()
    count = len(text.split())
    if len(text) > MAX_HEADING_CHARS or count > MAX_HEADING_WORDS or text.endswith((",", ";")):
        return False
    if re.search(r"[.!?]\s", text.rstrip(":. ")):
        return False  # more than one sentence
    return not (text.endswith(".") and count > 8)


def title_key(text: str) -> frozenset[str]:
    """The words that identify an audit title: stems of its content words, plus its acronyms.

    Acronyms come from parentheses ("(CWD)") and from the initials of runs of capitalised words ("Child Sexual
    Exploitation" -> "cse"), so a heading and a table title that name an audit differently still meet.
    """
    content = [word for word in words(text) if word not in STOPWORDS]
    key = {stem(word) for word in content}
    for inner in PARENTHESES.findall(text):
        key.update(word for word in words(inner) if word not in STOPWORDS)
    run: list[str] = []
    for token in [*re.findall(r"[A-Za-z][\w'’]*", text), ""]:
        if token[:1].isupper() and token.lower() not in STOPWORDS:
            run.append(token)
            continue
        if token.lower() in STOPWORDS and run:
            continue
        if len(run) >= 2:
            key.add("".join(word[0] for word in run).lower())
        run = []
    specific = key - _GENRE_WORDS
    return frozenset(specific or key)


def title_score(heading: str, title: str) -> float:
    """How well a body heading names a table title, 0-100 (token-set similarity over `title_key`s)."""
    ours, theirs = title_key(heading), title_key(title)
    shared = ours & theirs
    if len(shared) < min(2, len(ours), len(theirs)):
        return 0.0
    return fuzz.token_set_ratio(" ".join(sorted(ours)), " ".join(sorted(theirs)), processor=None)


_GENRE_PHRASE = re.compile(
    r"^\s*(?:multi[- ]?agency\s+)?(?:case\s+)?audits?\s+(?:of|on|into)\s+"
    r"|\s+(?:multi[- ]?agency\s+)?(?:case\s+)?audits?\s*$",
    re.I,
)
MINOR_WORDS = frozenset(
    ["a", "an", "and", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "with"]
)
_SLUG_CHARS = re.compile(r"[^a-z0-9]+")


def plain_title(text: str) -> str:
    """A title without its acronym in brackets, sub-title after a colon, trailing stop or "audit" wording."""
    text = normalise_whitespace(PARENTHESES.sub(" ", text))
    head, colon, _rest = text.partition(":")
    if colon and head.strip():
        text = head
    text = _GENRE_PHRASE.sub("", text.strip().rstrip(".:;")).strip()
    return normalise_whitespace(text)


def slug(text: str, *, limit: int = 60) -> str:
    """A data-file id from a title ("CSE/MASE" -> "cse-mase")."""
    ascii_text = normalise(text).replace("&", " and ").replace("'", "").replace("’", "")
    value = _SLUG_CHARS.sub("-", ascii_text).strip("-")
    if len(value) > limit:
        value = value[:limit].rsplit("-", 1)[0]
    return value or "audit"
