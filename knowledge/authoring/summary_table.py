"""The summary table at the head of an audit report: one row per audit with its title, "N cases audited" and
"Completed Month YYYY", usually followed by a line giving its purpose or business-plan priority.

Rows come as tab-separated text lines, Markdown `|` rows or Word table rows; a header row ("Audit | Cases |
Completed") lets bare numbers and dates be read by column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.authoring.headings import heading_like, title_key, title_score
from knowledge.authoring.report_reader import ROW, TEXT, Paragraph, Report
from knowledge.models import normalise_whitespace

TITLE_MATCH_CUTOFF = 80
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"),
        start=1,
    )
}
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH_YEAR = re.compile(r"\b(" + _MONTH_NAMES + r")\.?,?\s+((?:19|20)\d{2})\b", re.I)
_YEAR_MONTH = re.compile(r"\b((?:19|20)\d{2})-(0[1-9]|1[0-2])\b|\b(0?[1-9]|1[0-2])/((?:19|20)\d{2})\b")
_CASES_BEFORE = re.compile(
    r"\b(\d{1,4}|" + "|".join(NUMBER_WORDS) + r")\s+(?:[a-z][a-z-]*\s+)?(?:cases?|case files|families)\b", re.I
)
_CASES_AFTER = re.compile(r"\bcases?(?:\s+audited)?\s*[:=–-]?\s*(\d{1,4})\b", re.I)
_PRIORITY = re.compile(r"^(?:[\w&-]+\s+){0,4}priorit(?:y|ies)\b", re.I)


def parse_month(text: str) -> str | None:
    """The first month named in a text as "YYYY-MM" ("Completed August 2016" -> "2016-08"), else None."""
    if match := _MONTH_YEAR.search(text):
        return f"{match.group(2)}-{MONTHS[match.group(1).lower()]:02d}"
    if match := _YEAR_MONTH.search(text):
        if match.group(1):
            return f"{match.group(1)}-{match.group(2)}"
        return f"{match.group(4)}-{int(match.group(3)):02d}"
    return None


def parse_cases(text: str) -> int | None:
    """The number of cases a text gives ("10 cases audited." -> 10, "Cases audited: 8" -> 8), else None."""
    for pattern in (_CASES_BEFORE, _CASES_AFTER):
        if match := pattern.search(text):
            value = match.group(1).lower()
            number = NUMBER_WORDS.get(value) or int(value)
            if number >= 1:
                return number
    return None


@dataclass
class TableEntry:
    """One audit as the report's summary table lists it."""

    title: str
    number: int
    cases: int | None
    completed: str | None
    priority: str | None = None
    purpose: str | None = None
    priority_number: int | None = None
    purpose_number: int | None = None
    extra: list[Paragraph] = field(default_factory=list)


@dataclass
class _Columns:
    title: int | None
    cases: int | None
    completed: int | None


def _header_columns(cells: tuple[str, ...]) -> _Columns | None:
    """Column positions when a row is a table header ("Audit | Cases audited | Completed")."""
    lowered = [cell.lower() if len(cell.split()) <= 4 else "" for cell in cells]  # a header names, briefly
    cases = next((i for i, cell in enumerate(lowered) if "case" in cell and not re.search(r"\d", cell)), None)
    completed = next(
        (i for i, cell in enumerate(lowered) if re.search(r"complet|date|month|when", cell) and not parse_month(cell)),
        None,
    )
    if cases is None and completed is None:
        return None
    named = re.compile(r"audit|title|name|topic|theme|subject")
    title = next((i for i, cell in enumerate(lowered) if named.search(cell) and i not in {cases, completed}), None)
    return _Columns(title, cases, completed)


def _entry_from_row(paragraph: Paragraph, columns: _Columns | None) -> TableEntry | None:
    """A summary-table entry from a row with a title and "N cases audited" or "Completed Month YYYY"."""
    cells = paragraph.cells
    cases: int | None = None
    completed: str | None = None
    title = ""
    reserved: set[int] = set()
    if columns is not None:
        if columns.cases is not None and columns.cases < len(cells):
            reserved.add(columns.cases)
            cell = cells[columns.cases].strip()
            cases = parse_cases(cell) or (int(cell) if cell.isdigit() and int(cell) > 0 else None)
        if columns.completed is not None and columns.completed < len(cells):
            reserved.add(columns.completed)
            completed = parse_month(cells[columns.completed])
        if columns.title is not None and columns.title < len(cells):
            reserved.add(columns.title)
            title = cells[columns.title]
    for index, cell in enumerate(cells):
        if index in reserved or not cell:
            continue
        short = len(cell.split()) <= 5
        if short and cases is None and (found := parse_cases(cell)) is not None:
            cases = found
        elif short and completed is None and (month := parse_month(cell)) is not None:
            completed = month
        elif not title:
            title = cell
    if not title or (cases is None and completed is None):
        return None
    return TableEntry(title=normalise_whitespace(title), number=paragraph.number, cases=cases, completed=completed)


def _describe(entry: TableEntry, paragraph: Paragraph) -> None:
    text = normalise_whitespace(paragraph.text)
    if _PRIORITY.match(text) and entry.priority is None:
        entry.priority, entry.priority_number = text, paragraph.number
    elif entry.purpose is None and not _PRIORITY.match(text):
        entry.purpose, entry.purpose_number = text, paragraph.number
    else:
        entry.extra.append(paragraph)


def find_table(report: Report) -> tuple[list[TableEntry], set[int]]:
    """The summary table's entries, and the indexes of the paragraphs they were read from."""
    entries: list[TableEntry] = []
    used: set[int] = set()
    paragraphs = report.paragraphs
    columns: _Columns | None = None
    index = 0
    while index < len(paragraphs):
        paragraph = paragraphs[index]
        if paragraph.style != ROW:
            columns = None
            index += 1
            continue
        header = _header_columns(paragraph.cells)
        if header is not None and _entry_from_row(paragraph, None) is None:
            columns = header
            used.add(index)
            index += 1
            continue
        entry = _entry_from_row(paragraph, columns)
        if entry is None:
            index += 1
            continue
        entries.append(entry)
        used.add(index)
        index += 1
        last = paragraph
        # The lines straight after an audit's row describe it (its purpose or business-plan priority).
        while index < len(paragraphs):
            following = paragraphs[index]
            one_cell_row = following.style == ROW and sum(1 for cell in following.cells if cell) == 1
            adjacent_line = (
                following.style == TEXT
                and report.unit == "line"
                and following.number == last.number + 1
                and not heading_like(following)
            )
            if not (one_cell_row or adjacent_line) or _entry_from_row(following, columns) is not None:
                break
            _describe(entry, following)
            used.add(index)
            last = following
            index += 1
    return entries, used


def match_entry(heading: str, entries: list[TableEntry], taken: set[int]) -> int | None:
    """The index of the unmatched table entry a heading names best (at least `TITLE_MATCH_CUTOFF`), or None."""
    best_rank: tuple[float, int, int] | None = None
    best_index: int | None = None
    ours = title_key(heading)
    for index, entry in enumerate(entries):
        if index in taken:
            continue
        score = title_score(heading, entry.title)
        if score >= TITLE_MATCH_CUTOFF:
            rank = (score, len(ours & title_key(entry.title)), -index)
            if best_rank is None or rank > best_rank:
                best_rank, best_index = rank, index
    return best_index
