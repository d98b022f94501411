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
    r"|good practice|what worked well|what went well"
    r"|what did (?:we|the audit|auditors) (?:find|see|learn)|what (?:did|does) the audit (?:find|show|tell us))$"
)
_RECOMMENDATION_HEADINGS = re.compile(
    r"^(?:(?:key|main)\s+)?(?:learning|lessons(?: learn(?:ed|t))?|recommendations?|learning points"
    r"|learning\s*(?:/|and)\s*recommendations?|recommendations?\s*(?:/|and)\s*learning"
    r"|actions?(?: points| required| plan)?|next steps|areas (?:for|of|requiring) (?:improvement|development)"
    r"|what (?:needs|needed) to (?:improve|change|happen)"
    r"|what (?:do|does|should|must) (?:we|you|practitioners|professionals|agencies)"
    r" (?:need to )?do(?: differently| next)?"
    r"|what (?:will|can) (?:we|you) do(?: differently)?)$"
)


def section_kind(text: str) -> Kind | None:
    """The kind of bullet a section heading introduces ("Findings:" -> finding), or None for other text."""
    key = normalise_whitespace(text.replace("&", " and ")).lower().replace("’", "'").rstrip(":.?").strip()
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


METADATA_LINE = re.compile(
    r"^(?:date(?: of(?: the)? audit)?|audit date|completed|date completed|month|number of cases|no\.? of cases"
    r"|cases(?: audited)?|cases reviewed|period)\s*:\s*\S",
    re.I,
)


def heading_like(paragraph: Paragraph) -> bool:
    """Whether a paragraph reads as a heading: styled as one, or one short line that is not a sentence nor a
    "Label: value" line of metadata ("Completed: June 2019", "Number of cases: 6")."""
    if paragraph.style == HEADING:
        return True
    if paragraph.style != TEXT:
        return False
    text = paragraph.text.strip()
    if METADATA_LINE.match(text):
        return False
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
_LEARNING_FROM = re.compile(
    r"^(?:(?:key )?(?:learning|findings|lessons(?: learn[et]d?)?)\s+from\s+(?:the\s+|a\s+|our\s+)?"
    r"|\d\s+minute\s+briefing\s*[:–—-]?\s*)",
    re.I,
)
_GENERIC_HEAD = re.compile(
    r"(?:(?:multi[- ]?agency|mac?a|thematic|case)\s+)*(?:(?:audits?|learning|briefing|summary|review)\b\s*)+",
    re.I,
)
MINOR_WORDS = frozenset(
    ["a", "an", "and", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "with"]
)
_SLUG_CHARS = re.compile(r"[^a-z0-9]+")


def plain_title(text: str) -> str:
    """A title without its acronym in brackets, a generic opening ("Learning from", "7 Minute Briefing:"), its
    sub-title after a colon (or its generic head before one: "Multi-agency audit: Neglect" -> "Neglect"), and
    trailing stop or "audit" wording."""
    text = normalise_whitespace(PARENTHESES.sub(" ", text))
    text = _LEARNING_FROM.sub("", text).strip() or text
    head, colon, rest = text.partition(":")
    if colon and head.strip() and not _GENERIC_HEAD.fullmatch(head.strip()):
        text = head
    elif colon and rest.strip():
        text = rest
    text = _GENRE_PHRASE.sub("", text.strip().rstrip(".:;")).strip() or text
    return normalise_whitespace(text)


def slug(text: str, *, limit: int = 60) -> str:
    """A data-file id from a title ("CSE/MASE" -> "cse-mase")."""
    ascii_text = normalise(text).replace("&", " and ").replace("'", "").replace("’", "")
    value = _SLUG_CHARS.sub("-", ascii_text).strip("-")
    if len(value) > limit:
        value = value[:limit].rsplit("-", 1)[0]
    return value or "audit"


# -- reading the layouts other boards publish --------------------------------------------------------------------
_LEAD_FINDING = re.compile(
    r"(?:key |main |the )?findings?(?: (?:included|were|are|include|from the audit))?|we found(?: that)?"
    r"|(?:the )?(?:audit|auditors|audits|panel) (?:found|identified|showed|highlighted)(?: that)?|what we found"
    r"|what (?:worked|went|is working) well|strengths?(?: (?:included|were|identified))?"
    r"|(?:areas of )?good practice(?: (?:included|was|identified))?"
    r"|the following (?:was|were) (?:found|identified|noted)"
    r"|positives?(?: included)?",
)
_LEAD_RECOMMENDATION = re.compile(
    r"(?:key |main |the )?recommendations?(?: (?:included|are|were|include|made))?|(?:key )?learning(?: points?)?"
    r"(?: (?:included|for practice|from the audit))?|areas (?:for|of) (?:continued )?(?:improvement|development)"
    r"|what needs to (?:change|improve|happen)|we (?:recommend|need to)(?: that)?|next steps"
    r"|actions?(?: (?:agreed|required))?"
    r"|what (?:you|practitioners|professionals|managers) (?:should|can|need to|must) do"
    r"|what this means for (?:practice|you)"
    r"|(?:the )?(?:audit|panel) recommend(?:s|ed)(?: that)?|(?:areas|things) to (?:improve|develop)",
)
_LEAD_TAIL_WORDS = 12


def lead_in_kind(text: str) -> Kind | None:
    """The kind of the bullets a sentence leads into: "... and key findings included:" -> finding,
    "We recommend that:" -> recommendation. Only a text ending in ':' leads in; the phrase must close it."""
    text = normalise_whitespace(text)
    if not text.endswith(":"):
        return None
    tail = re.split(r"(?<=[.;!?])\s+|,\s+", text[:-1])[-1]
    tail = " ".join(tail.split()[-_LEAD_TAIL_WORDS:]).lower().replace("’", "'")
    best: tuple[int, Kind] | None = None
    for pattern, kind in ((_LEAD_FINDING, Kind.FINDING), (_LEAD_RECOMMENDATION, Kind.RECOMMENDATION)):
        for match in pattern.finditer(tail):
            if match.end() == len(tail) and (best is None or match.start() < best[0]):
                best = (match.start(), kind)
    return best[1] if best else None


def without_lead_in(text: str) -> str | None:
    """An introduction without its closing lead-in ("... in October 2016 and key findings included:" ->
    "... in October 2016"); the text itself when it leads into nothing; None when nothing is left."""
    text = normalise_whitespace(text)
    if lead_in_kind(text) is None:
        return text
    sentences = re.split(r"(?<=[.!?])\s+", text)
    last = sentences.pop()
    cut = re.split(r",\s+(?:and\s+)?|\s+and\s+|;\s+", last)
    if len(cut) > 1:
        kept = last[: len(last) - len(cut[-1])].rstrip(" ,;").removesuffix(" and").rstrip(" ,;")
        if kept:
            sentences.append(kept)
    return " ".join(sentences) or None


_COLUMN_FINDING = re.compile(
    r"^(?:areas? (?:improving|of strength|of good practice|that (?:have )?improved)|improv(?:ing|ed|ements?)"
    r"|strengths?|what(?:'s| is| was)? (?:working|worked|went) well|good practice|positives?|progress(?: made)?"
    r"|findings?|what we found|evidence)$"
)
_COLUMN_RECOMMENDATION = re.compile(
    r"^(?:areas? (?:of|for) (?:continued |further )?(?:development|improvement)|recommendations?|actions?"
    r"(?: required| needed)?|next steps|learning(?: points?)?|what needs to (?:change|improve|happen)"
    r"|areas? of concern|what (?:are we|we are) worried about|challenges)$"
)


def column_kind(header: str) -> Kind | None:
    """The kind a table column's header gives its cells ("Areas improving" -> finding, "Areas for continued
    development" -> recommendation), or None for any other column (a theme or agency label)."""
    key = normalise_whitespace(header.replace("&", " and ")).lower().replace("’", "'").rstrip(":. ")
    if _COLUMN_FINDING.match(key):
        return Kind.FINDING
    if _COLUMN_RECOMMENDATION.match(key):
        return Kind.RECOMMENDATION
    return section_kind(header)


_RECOMMENDATION_WORDING = re.compile(
    r"\b(?:should|must|needs? to|needed to|need for|(?:is|was|are|were) (?:a |an )?(?:clear |continued |further )?need"
    r"|to ensure|ensure that|recommend\w*|would benefit|ought to|it is (?:important|essential|vital|crucial)"
    r"|requires? (?:more|further|better|improvement)|will need)\b",
    re.I,
)
_IMPERATIVE = re.compile(
    r"^(?:ensure|develop|improve|review|consider|provide|promote|embed|raise|share|establish|strengthen|use"
    r"|record|make|include|continue|increase|explore|check|agree|identify|update|train|offer|invite|seek)\b",
    re.I,
)
_LABEL = re.compile(r"^([A-Z][\w'’&/ -]{1,40}?)\s*[:–—-]\s+(?=\S)")
_LABEL_FINDING = re.compile(
    r"^(?:strengths?|good practice|what (?:worked|went) well|findings?|positives?|evidence|observations?"
    r"|areas? improving|progress|practice)$",
    re.I,
)
_LABEL_RECOMMENDATION = re.compile(
    r"^(?:needs?|recommendations?|actions?|learning(?: points?)?|areas? (?:for|of) (?:development|improvement)"
    r"|next steps?|to do|improvements? needed|development)$",
    re.I,
)


def item_label(text: str) -> str | None:
    """The label of a "Label: text" bullet ("Supervision: ..." -> "Supervision"), else None."""
    match = _LABEL.match(text)
    return match.group(1).strip() if match else None


def wording_kind(text: str) -> tuple[Kind, str]:
    """The kind a bullet's own wording suggests, and why: a label that says ("Need: ...", "Strength: ..."),
    else words that ask for change (should, must, need to, to ensure, recommend...) or an opening imperative make
    a recommendation; anything else (an observation) is a finding."""
    label = item_label(text)
    body = text
    if label is not None:
        if _LABEL_FINDING.match(label):
            return Kind.FINDING, f"its label {label!r}"
        if _LABEL_RECOMMENDATION.match(label):
            return Kind.RECOMMENDATION, f"its label {label!r}"
        body = text[_LABEL.match(text).end() :]  # type: ignore[union-attr]
    if match := _RECOMMENDATION_WORDING.search(body):
        return Kind.RECOMMENDATION, f"its wording {match.group(0).lower()!r}"
    if match := _IMPERATIVE.match(body.strip()):
        return Kind.RECOMMENDATION, f"its opening verb {match.group(0)!r}"
    return Kind.FINDING, "its wording (an observation)"


_THEME_NUMBER = re.compile(r"^(?:theme\s+)?\d{1,2}[.):]?\s+(?!minute\b|min\b|cases?\b)(?=[A-Z])", re.I)


def numbered_heading(text: str) -> bool:
    """Whether a heading is numbered ("1 Training & Workforce Development", "3. What we found")."""
    return bool(_THEME_NUMBER.match(normalise_whitespace(text)))


def theme_label(text: str) -> str:
    """A numbered heading without its number ("1 Training & Workforce Development" -> "Training & ...")."""
    return _THEME_NUMBER.sub("", heading_label(text), count=1) or heading_label(text)


_OUTSIDE_LEARNING = re.compile(
    r"^(?:(?:questions?|reflective questions?|questions? (?:for|to) (?:reflect(?:ion)?|consider|think about))"
    r"|(?:points? )?(?:for|to) (?:reflect(?:ion)?|consider)|reflect(?:ion|ions)?|further (?:reading|information)"
    r"|resources?|useful (?:links|resources)|contacts?|references?|links|training(?: available)?|find out more"
    r"|what next\??|questions to ask yourself|more information)$"
)
_CONTEXT_HEADINGS = re.compile(
    r"^(?:background|introduction|context|why (?:it|this) matters|why does it matter\??|about (?:the|this) audit"
    r"|(?:the )?audit|methodology|method|scope|the cases|what (?:we|the audit) looked at|what is it\??"
    r"|what was audited|overview|summary|what did we (?:look at|audit)|who was audited)$"
)


def outside_learning(text: str) -> bool:
    """Whether a heading opens bullets that are neither findings nor recommendations (reflective questions,
    further reading, contacts)."""
    key = normalise_whitespace(theme_label(text).replace("&", " and ")).lower().rstrip(":.? ")
    return bool(_OUTSIDE_LEARNING.match(key))


def context_heading(text: str) -> bool:
    """Whether a heading opens an audit's context ("Background", "Why it matters", "The audit")."""
    key = normalise_whitespace(theme_label(text).replace("&", " and ")).lower().rstrip(":.? ")
    return bool(_CONTEXT_HEADINGS.match(key))


_DATE_IN_TITLE = re.compile(
    r"[\s,–—-]*\(?\b(?:(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?\s+)?(?:19|20)\d{2}(?:\s*[–/-]\s*(?:19|20)?\d{2})?\)?\s*$",
    re.I,
)


_TITLE_LABEL = re.compile(r"^(?:audit(?: topic| title| name| subject| theme)?|topic|subject)\s*:\s*(?=\S)", re.I)


def without_date(title: str) -> str:
    """A title without the date that closes it ("Emotional Wellbeing April 2016" -> "Emotional Wellbeing") or a
    label that opens it ("Audit topic: Private Fostering" -> "Private Fostering")."""
    title = _TITLE_LABEL.sub("", title) or title
    stripped = _DATE_IN_TITLE.sub("", title).strip(" ,–—-:")
    return stripped or title
