"""Reading headings: which paragraphs are headings, which open a Findings or Recommendations section, and
how a heading and a summary-table title name the same audit (by their words and acronyms, not their spelling).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from knowledge.authoring.report_reader import HEADING, TEXT, Paragraph
from knowledge.models import Kind, normalise_whitespace
from knowledge.text import STOPWORDS, normalise, stem, words

_ENUMERATOR = re.compile(
    r"^(?:(?:audit|section|part|chapter)\s+)?(?:\d{1,2}(?:\.\d{1,2})*|[ivx]{1,5}|[a-z])[.):]\s+", re.I
)
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
    """A heading as the data files record it: whitespace normalised, its number ("1.", "Audit 2:") and a
    trailing ':' or '.' dropped."""
    label = normalise_whitespace(text).rstrip(":. ").strip()
    return _ENUMERATOR.sub("", label, count=1) or label


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


def acronyms(text: str) -> set[str]:
    """Acronyms a title could go by: initials of its runs of capitalised (not all-capital) words, with and
    without the small words inside ("Children with Disabilities" -> "cwd", "cd"), and of each part between small words
    ("Child Sexual Exploitation and MASE Panel" -> "cse", "mp")."""
    found: set[str] = set()
    runs: list[list[str]] = [[]]
    for token in re.findall(r"[A-Za-z][\w'’]*", text):
        if token[:1].isupper() and not token.isupper() and token.lower() not in MINOR_WORDS:
            runs[-1].append(token)
        elif token.lower() in MINOR_WORDS and runs[-1]:
            runs[-1].append(token.lower())
        else:
            runs.append([])
    for run in runs:
        while run and run[-1].islower():
            run.pop()
        capitalised = [word for word in run if not word.islower()]
        if len(capitalised) < 2:
            continue
        found.add("".join(word[0] for word in run).lower())
        found.add("".join(word[0] for word in capitalised).lower())
        part: list[str] = []
        for word in [*run, ""]:
            if word and not word.islower():
                part.append(word)
                continue
            if len(part) >= 2:
                found.add("".join(item[0] for item in part).lower())
            part = []
    return found


def title_key(text: str) -> frozenset[str]:
    """The words that identify an audit title: stems of its content words and of any acronym in brackets,
    without the words every audit title may carry ("multi-agency audits")."""
    key = {stem(word) for word in words(text) if word not in STOPWORDS}
    for inner in PARENTHESES.findall(text):
        key.update(word for word in words(inner) if word not in STOPWORDS)
    specific = key - _GENRE_WORDS
    return frozenset(specific or key)


def title_score(heading: str, title: str) -> float:
    """How well a body heading names a table title, 0-100: token-set similarity of their `title_key`s, where
    an acronym of one side's words counts as shared when it is a word of the other ("Child Sexual
    Exploitation ..." and "CSE/MASE" share "cse"). At least two words (or all, if fewer) must be shared."""
    ours, theirs = set(title_key(heading)), set(title_key(title))
    ours |= acronyms(heading) & theirs
    theirs |= acronyms(title) & ours
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
