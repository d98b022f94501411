"""Finding the audits in a report: the summary table, each audit's heading, its sections and its bullets.

The reports this reads (one board's yearly "key findings and learning from multi-agency audits", and the like
from other partnerships) share a shape:

* a summary table, one row per audit: its title, "N cases audited", "Completed Month YYYY", usually followed by
  a line giving the audit's purpose or its business-plan priority;
* then, per audit, a heading (worded like the table's title, not always the same: "CSE/MASE" in the table is
  "Child Sexual Exploitation (CSE) and MASE Panel" in the body), optional introductory text or bullets
  (`context`), and "Findings" and "Learning/Recommendations" sections of bullets.

Headings are matched to the table's titles by their words (stemmed, with acronyms), not by position, and a
heading followed by a Findings or Recommendations section counts as an audit even when the table is missing.

Other boards publish other layouts, read here too: a lead-in sentence ("... key findings included:", "We
found:", "Recommendations:") opens a section; a heading with a date ("Emotional Wellbeing April 2016") followed
by bullets is an audit; numbered headings below an audit's heading are its themes or a briefing's steps (kind
from their words, else from each bullet's wording, marked for review); a table whose header row names kinds
("Areas improving | Areas for continued development") gives one item per cell bullet; "Background", "Questions
to consider" and "Label: value" metadata lines are parts of an audit, never its title.
Everything that cannot be placed is reported with its line (or Word paragraph) number; nothing is dropped
silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from knowledge.authoring.drafts import DraftFile, item_prefixes, problems_of, render_audit, unique, write_drafts
from knowledge.authoring.headings import (
    METADATA_LINE,
    MINOR_WORDS,
    PARENTHESES,
    column_kind,
    context_heading,
    heading_label,
    heading_like,
    lead_in_kind,
    numbered_heading,
    outside_learning,
    plain_title,
    section_kind,
    slug,
    theme_label,
    without_date,
    without_lead_in,
    wording_kind,
)
from knowledge.authoring.report_reader import BULLET, HEADING, ROW, TEXT, Paragraph, Report, read_report
from knowledge.authoring.suggestions import Suggester, UnknownAgency, agency_entry
from knowledge.authoring.summary_table import TableEntry, find_table, match_entry, parse_cases, parse_month
from knowledge.base import KnowledgeBase
from knowledge.models import Kind, normalise_whitespace
from knowledge.text import words

_PURPOSE_CUE = re.compile(
    r"\b(?:purpose|aims?|aimed|objectives?|was to|were to|to establish|to identify|to assess|to review|to examine"
    r"|to understand|to evaluate|to consider|to explore)\b",
    re.I,
)
_SENTENCES = re.compile(r"(?<=[.!?])\s+")
_WHEN_CUE = re.compile(
    r"\b(?:complet\w*|undertaken|carried out|conducted|took place|held|audited|ran|between|during|met)\b", re.I
)
_LEAD_SECTION = {Kind.FINDING: "Findings", Kind.RECOMMENDATION: "Recommendations"}


@dataclass
class DraftItem:
    """A bullet placed under an audit: its kind, section label and verbatim text."""

    kind: Kind
    section: str
    text: str
    number: int
    agencies: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    kind_reason: str = ""  # set when the kind was read from the bullet's wording, not its section
    unknown: tuple[UnknownAgency, ...] = ()  # agencies it names that agencies.yaml does not list


@dataclass
class DraftAudit:
    """An audit found in a report, before it is written as a data file."""

    heading: str
    number: int
    level: int
    entry: TableEntry | None
    intro: list[Paragraph] = field(default_factory=list)
    items: list[DraftItem] = field(default_factory=list)
    section_levels: list[int] = field(default_factory=list)  # heading levels of its sections (0: unknown)
    numbered: bool = False  # its heading is numbered ("2. Neglect"), so numbered headings are its siblings
    theme_headings: list[tuple[str, int]] = field(default_factory=list)  # its numbered themes (label, number)
    unknown_themes: list[tuple[str, int]] = field(default_factory=list)  # those naming no theme in themes.yaml

    @property
    def title(self) -> str:
        return self.entry.title if self.entry else without_date(heading_label(self.heading))

    def count(self, kind: Kind) -> int:
        return sum(1 for item in self.items if item.kind is kind)

    @property
    def short_title(self) -> str:
        """The shortest plain form of the table title and the body heading ("CSE/MASE", "Early Years")."""
        names = [plain_title(name) for name in (self.title, without_date(self.heading))]
        names = [name for name in names if name] or [self.title]
        return min(names, key=lambda name: (len(name), names.index(name)))

    @property
    def id(self) -> str:
        return slug(self.short_title)

    @property
    def prefix(self) -> str:
        """The item-id prefix: the title's acronym in brackets ("(CWD)" -> "cwd"), an acronym title's first
        part ("CSE/MASE" -> "cse"), else the short title's initials ("Families with Multiple Needs" -> "fmn")."""
        for name in (self.title, self.heading):
            for inner in PARENTHESES.findall(name):
                if re.fullmatch(r"[A-Za-z]{2,8}", inner.strip()):
                    return inner.strip().lower()
        first = (self.short_title.split() or [""])[0]
        if re.fullmatch(r"[A-Z][A-Z0-9]{1,7}(?:[/&-][A-Za-z0-9]+)*", first):
            return slug(re.split(r"[/&-]", first)[0])
        content = [word for word in words(self.short_title) if word not in MINOR_WORDS]
        if len(content) >= 2:
            return slug("".join(word[0] for word in content)[:6])
        return slug(content[0])[:8] if content else "audit"

    def _introduction(self) -> list[tuple[str, int]]:
        texts = [(normalise_whitespace(p.text), p.number) for p in self.intro]
        texts += [(item.text, item.number) for item in self.items if item.kind is Kind.CONTEXT]
        return sorted(texts, key=lambda pair: pair[1])

    def cases(self) -> tuple[int | None, int | None]:
        """Cases audited, and the paragraph number it was read from when not from the summary table.

        Without a table row, a sentence of the introduction that counts cases and says "audit" is used
        ("... for 8 cases being audited.").
        """
        if self.entry and self.entry.cases is not None:
            return self.entry.cases, None
        for text, number in self._introduction():
            for sentence in _SENTENCES.split(text):
                counted = re.search(r"\baudit", sentence, re.I) or METADATA_LINE.match(sentence)
                if counted and (found := parse_cases(sentence)) is not None:
                    return found, number
        return None, None

    def completed(self) -> tuple[str | None, int | None]:
        """The month completed ("YYYY-MM"), and the paragraph number it was read from when not from the table:
        a sentence of the introduction saying when ("Undertaken in October 2016"), else the heading's date
        ("Emotional Wellbeing April 2016")."""
        if self.entry and self.entry.completed:
            return self.entry.completed, None
        for text, number in self._introduction():
            for sentence in _SENTENCES.split(text):
                dated = _WHEN_CUE.search(sentence) or METADATA_LINE.match(sentence)
                if dated and (found := parse_month(sentence)) is not None:
                    return found, number
        if (found := parse_month(self.heading)) is not None:
            return found, self.number
        return None, None

    def purpose(self) -> tuple[str | None, str, int]:
        """The audit's purpose, verbatim, what it was taken from and where (paragraph number).

        In order: the summary table's purpose line; the first introductory paragraph or context bullet that
        states an aim ("The purpose of the audit was...", "...was to..."); the first introductory paragraph;
        the table's priority line. (None, "", 0) when the report gives none.
        """
        if self.entry and self.entry.purpose:
            return self.entry.purpose, "the summary table", self.entry.purpose_number or self.entry.number
        intro_numbers = {paragraph.number for paragraph in self.intro}
        candidates = [
            (purpose, number, "introduction" if number in intro_numbers else "context bullet")
            for text, number in self._introduction()
            if (purpose := without_lead_in(text)) and not METADATA_LINE.match(purpose)
        ]
        for text, number, what in candidates:
            for sentence in _SENTENCES.split(text):
                if _PURPOSE_CUE.search(sentence):
                    return text, f"the audit's {what}", number
        for text, number, what in candidates:
            if what == "introduction":
                return text, f"the audit's {what}", number
        if self.entry and self.entry.priority:
            return self.entry.priority, "the summary table's priority line", self.entry.priority_number or 0
        return None, "", 0


@dataclass(frozen=True)
class Notice:
    """Something in the report that was not placed in any draft, or that a reviewer should know."""

    number: int
    message: str


@dataclass
class Reading:
    """What was found in a report: its audits, what could not be placed, and what a reviewer should know."""

    report: Report
    entries: list[TableEntry]
    audits: list[DraftAudit]
    unplaced: list[Notice]
    remarks: list[Notice] = field(default_factory=list)

    @property
    def items(self) -> list[DraftItem]:
        return [item for audit in self.audits for item in audit.items]


def _short(text: str, limit: int = 70) -> str:
    text = normalise_whitespace(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class _Walker:
    """One pass over a report's paragraphs, placing each in an audit and section (or reporting it)."""

    def __init__(self, report: Report, entries: list[TableEntry], table_rows: set[int]) -> None:
        self.report = report
        self.paragraphs = report.paragraphs
        self.entries = entries
        self.table_rows = table_rows
        self.taken: set[int] = set()
        self.audits: list[DraftAudit] = []
        self.unplaced: list[Notice] = []
        self.remarks: list[Notice] = []
        self.audit: DraftAudit | None = None
        self.kind: Kind | None = None
        self.section = ""
        self.mode = ""  # "": context until a section; "wording": kind per bullet; "context"; "outside"
        self.columns: tuple[Kind | None, ...] = ()  # the kinds of the current table's columns
        self.headers: tuple[str, ...] = ()
        # In a report with styled headings, a short plain sentence ("Six cases were audited.") is no heading.
        self.styled = report.format != "text" and any(p.style == HEADING for p in report.paragraphs)

    def _leads_to_section(self, index: int, *, bullets_count: bool) -> bool:
        """Whether the paragraphs after a heading reach learning before any other heading: a Findings or
        Recommendations heading, a lead-in ("key findings included:"), a table whose columns give kinds, or
        (when `bullets_count`, or the heading is dated) a bullet. Numbered headings below it (themes, the parts
        of a 7-minute briefing) are looked through."""
        opener = self.paragraphs[index]
        bullets_count = bullets_count or parse_month(opener.text) is not None
        opener_numbered = numbered_heading(opener.text)
        through_numbered = False
        for position in range(index + 1, len(self.paragraphs)):
            paragraph = self.paragraphs[position]
            if position in self.table_rows:
                continue
            if paragraph.style == BULLET and (bullets_count or through_numbered):
                return True
            if paragraph.style == ROW and _column_kinds(paragraph):
                return True
            if paragraph.style == TEXT and lead_in_kind(paragraph.text) is not None:
                return True
            if heading_like(paragraph) and not (self.styled and _sentence(paragraph)):
                if _section_of(paragraph.text) is not None:
                    # under a numbered heading, only a numbered section ("3. What we found") is this audit's:
                    # "1. Neglect" then "Key findings" makes "1. Neglect" the audit
                    return not through_numbered or numbered_heading(paragraph.text)
                deeper = bool(opener.level and paragraph.level and paragraph.level > opener.level)
                if (deeper or not opener.level) and (
                    context_heading(paragraph.text) or outside_learning(paragraph.text)
                ):
                    continue  # "Background", "What did we look at?": a part of this audit
                if (deeper or not opener.level) and numbered_heading(paragraph.text) and not opener_numbered:
                    through_numbered = True
                    continue
                return False
        return False

    def _start(self, paragraph: Paragraph, entry_index: int | None) -> None:
        entry = None
        if entry_index is not None:
            self.taken.add(entry_index)
            entry = self.entries[entry_index]
        self.audit = DraftAudit(
            heading_label(paragraph.text),
            paragraph.number,
            paragraph.level,
            entry,
            numbered=numbered_heading(paragraph.text),
        )
        self.audits.append(self.audit)
        self.kind, self.section, self.mode, self.columns = None, "", "", ()

    def _above_sections(self, paragraph: Paragraph) -> bool:
        """Whether a section heading is outside the current audit: styled as high as the audit's heading in a
        report whose sections so far sat below their audit's heading (a closing "Next steps")."""
        audit = self.audit
        if audit is None or not paragraph.level or not audit.level or paragraph.level > audit.level:
            return False
        return any(level > audit.level for level in audit.section_levels)

    def _note(self, paragraph: Paragraph, message: str) -> None:
        self.unplaced.append(Notice(paragraph.number, message))

    def _remark(self, paragraph: Paragraph, message: str) -> None:
        self.remarks.append(Notice(paragraph.number, message))

    def _inner(self, paragraph: Paragraph) -> bool:
        """Whether a numbered heading is a part of the current audit (a theme, a briefing's step)."""
        audit = self.audit
        if audit is None or not numbered_heading(paragraph.text):
            return False
        if paragraph.level and audit.level:
            return paragraph.level > audit.level
        return not audit.numbered

    def _heading(self, index: int, paragraph: Paragraph) -> None:
        self.columns = ()
        kind = _section_of(paragraph.text)
        if kind is not None and self.audit is not None and self._above_sections(paragraph):
            self.audit, self.kind, self.section = None, None, ""  # "Next steps" for the whole report
        if kind is not None:
            if self.audit is None:
                self._note(paragraph, f"section heading {_short(paragraph.text)!r} is not under any audit heading")
                self.kind, self.section = None, ""
                return
            if section_kind(theme_label(paragraph.text)) is None and paragraph.style == TEXT:  # a lead-in line
                self.kind, self.section, self.mode = kind, _LEAD_SECTION[kind], ""
                if not self.audit.section_levels:
                    self.audit.intro.append(paragraph)
            else:
                self.kind, self.section, self.mode = kind, theme_label(paragraph.text), ""
            self.audit.section_levels.append(paragraph.level)
            return
        if self._inner(paragraph) or (
            self.audit is not None
            and (outside_learning(paragraph.text) or context_heading(paragraph.text))
            and not (paragraph.level and self.audit.level and paragraph.level <= self.audit.level)
        ):
            assert self.audit is not None
            self.kind, self.section = None, theme_label(paragraph.text)
            if outside_learning(paragraph.text):
                self.mode = "outside"
            elif context_heading(paragraph.text):
                self.mode = "context"
            else:
                self.mode = "wording"
                self.audit.section_levels.append(paragraph.level)
                self.audit.theme_headings.append((self.section, paragraph.number))
            return
        entry_index = match_entry(paragraph.text, self.entries, self.taken)
        if entry_index is not None and self._leads_to_section(index, bullets_count=True):
            self._start(paragraph, entry_index)
            return
        opening = self.audit is None or bool(self.audit.section_levels)
        if context_heading(paragraph.text) or outside_learning(paragraph.text):
            opening = False  # "Background" is a part of an audit, never its title
        if self.audit is not None and paragraph.level and self.audit.level and paragraph.level > self.audit.level:
            opening = False  # a part of the audit ("Learning and next steps" over its table), not a new audit
        if opening and self._leads_to_section(index, bullets_count=False):
            self._start(paragraph, None)
            if self.entries:
                self._remark(
                    paragraph,
                    f"audit heading {_short(paragraph.text)!r} matches no row of the summary table: its draft has"
                    " no cases audited or completion month unless the text gives them",
                )
            return
        if self.audit is None:
            return
        if paragraph.level and self.audit.level and paragraph.level <= self.audit.level:
            self.audit, self.kind, self.section = None, None, ""  # a new top-level part of the report
            return
        if self.kind is not None and self._leads_to_section(index, bullets_count=False):
            self.kind, self.section, self.mode = None, heading_label(paragraph.text), ""  # its own sections follow
        elif self.kind is not None:
            self._remark(
                paragraph,
                f"sub-heading {_short(paragraph.text)!r} inside {self.audit.title!r} / {self.section}: the bullets"
                " after it are kept in that section",
            )
        elif self.mode in {"outside", "context"}:
            self.mode, self.section = "wording", heading_label(paragraph.text)

    def walk(self) -> Reading:
        for index, paragraph in enumerate(self.paragraphs):
            if index in self.table_rows:
                continue
            if heading_like(paragraph) and not (self.styled and _sentence(paragraph)):
                self._heading(index, paragraph)
            elif paragraph.style == BULLET:
                self._bullet(paragraph)
            elif paragraph.style == ROW and (kinds := _column_kinds(paragraph)):
                self.columns, self.headers = kinds, paragraph.cells
                if self.audit is None:
                    self._note(
                        paragraph, f"table with columns {_short(paragraph.text)!r} is not under any audit heading"
                    )
                else:
                    self.audit.section_levels.append(0)
            elif self.audit is not None:
                self._other(paragraph)
            if paragraph.style != ROW:
                self.columns = ()
        for index, entry in enumerate(self.entries):
            if index not in self.taken:
                self.unplaced.append(
                    Notice(
                        entry.number,
                        f"audit {entry.title!r} is in the summary table but no heading in the body matches it;"
                        " no draft was written for it",
                    )
                )
        for audit in self.audits:
            if not audit.items:
                self.unplaced.append(
                    Notice(audit.number, f"audit {audit.title!r} has no bullets; no draft was written for it")
                )
        for audit in self.audits:
            _settle_kinds(audit)
        audits = [audit for audit in self.audits if audit.items]
        unplaced = sorted(self.unplaced, key=lambda notice: notice.number)
        return Reading(self.report, self.entries, audits, unplaced, self.remarks)

    def _bullet(self, paragraph: Paragraph) -> None:
        text = normalise_whitespace(paragraph.text)
        if not text:
            return
        if self.audit is None:
            self._note(paragraph, f"bullet outside any audit: {_short(text)!r}")
            return
        if self.kind is not None:
            self.audit.items.append(DraftItem(self.kind, self.section, text, paragraph.number))
        elif self.mode == "outside":
            self._note(paragraph, f"bullet under {self.section!r} is not a finding or recommendation: {_short(text)!r}")
        elif self.mode == "wording":
            kind, reason = wording_kind(text)
            self.audit.items.append(DraftItem(kind, self.section, text, paragraph.number, kind_reason=reason))
        elif self.mode == "context":
            self.audit.items.append(DraftItem(Kind.CONTEXT, self.section, text, paragraph.number))
        else:  # before any section: context if a section follows, else kind by wording (see _settle_kinds)
            self.audit.items.append(DraftItem(Kind.CONTEXT, self.audit.heading, text, paragraph.number, "pending"))

    def _other(self, paragraph: Paragraph) -> None:
        assert self.audit is not None
        if paragraph.style == TEXT and (kind := lead_in_kind(paragraph.text)) is not None:
            if self.kind is None and self.mode == "" and not self.audit.section_levels:
                self.audit.intro.append(paragraph)
            self.kind, self.section, self.mode = kind, _LEAD_SECTION[kind], ""
            self.audit.section_levels.append(0)
            return
        if self.kind is None and paragraph.style == TEXT:
            self.audit.intro.append(paragraph)
        elif paragraph.style == ROW and self.columns:
            self._cells(paragraph)
        elif paragraph.style == ROW:
            self._note(paragraph, f"table row inside audit {self.audit.title!r} not placed: {_short(paragraph.text)!r}")
        else:
            self._note(
                paragraph,
                f"paragraph in {self.audit.title!r} / {self.section} is not a bullet, not placed:"
                f" {_short(paragraph.text)!r}",
            )

    def _cells(self, paragraph: Paragraph) -> None:
        """The items of a table row under a header whose columns give kinds: each bullet or line of a cell."""
        assert self.audit is not None
        for index, cell in enumerate(paragraph.cells):
            kind = self.columns[index] if index < len(self.columns) else None
            for line in cell.splitlines():
                text = normalise_whitespace(_bullet_body(line))
                if not text:
                    continue
                if kind is None:
                    self._remark(
                        paragraph, f"table cell not under a findings or recommendations column: {_short(text)!r}"
                    )
                    continue
                section = heading_label(self.headers[index]) if index < len(self.headers) else _LEAD_SECTION[kind]
                self.audit.items.append(DraftItem(kind, section, text, paragraph.number))


def _sentence(paragraph: Paragraph) -> bool:
    text = paragraph.text.rstrip()
    return paragraph.style == TEXT and text.endswith((".", "!", "?")) and len(text.split()) > 3


def _section_of(text: str) -> Kind | None:
    """The kind a heading's section holds: its words ("Findings", "3. What we found") or, for a heading ending
    in ':', its lead-in ("Key findings included:")."""
    kind = section_kind(text) or section_kind(theme_label(text))
    if kind is None and normalise_whitespace(text).endswith(":"):
        kind = lead_in_kind(text)
    return kind


def _column_kinds(paragraph: Paragraph) -> tuple[Kind | None, ...]:
    """The kinds a table header row gives its columns, or () when fewer than two columns name one."""
    kinds = tuple(column_kind(cell) if cell and len(cell.split()) <= 8 else None for cell in paragraph.cells)
    return kinds if sum(kind is not None for kind in kinds) >= 2 else ()


def _bullet_body(line: str) -> str:
    from knowledge.authoring.report_reader import _bullet_text

    return _bullet_text(line) or line


def _settle_kinds(audit: DraftAudit) -> None:
    """Bullets before an audit's first section are its context when it has sections; in an audit with no
    section at all they are its learning, each kind read from its wording (and marked for review)."""
    pending = [item for item in audit.items if item.kind_reason == "pending"]
    has_sections = bool(audit.section_levels) or any(item.kind is not Kind.CONTEXT for item in audit.items)
    for item in pending:
        if has_sections:
            item.kind_reason = ""
        else:
            item.kind, item.kind_reason = wording_kind(item.text)
            item.section = "Learning"


def read_audits(report: Report) -> Reading:
    """Find the audits of a report, their metadata, sections and bullets; report what could not be placed."""
    entries, table_rows = find_table(report)
    reading = _Walker(report, entries, table_rows).walk()
    for entry in entries:
        for paragraph in entry.extra:
            reading.unplaced.append(
                Notice(paragraph.number, f"extra line under {entry.title!r} in the summary table not placed")
            )
    reading.unplaced.sort(key=lambda notice: notice.number)
    return reading


# -- from report to draft files -------------------------------------------------------------------------------------
def summary_text(result: IngestResult, *, out_dir: Path) -> str:
    """What `learning-bot ingest` tells the person who ran it."""
    reading = result.reading
    report = reading.report
    items = reading.items
    counts = ", ".join(f"{sum(1 for i in items if i.kind is kind)} {kind.value}" for kind in Kind)
    found = f"{len(reading.audits)} audit(s), {len(items)} item(s) ({counts})"
    lines = [f"Read {report.path.name} ({report.format}): {found}."]
    lines.append(f"{'Wrote' if result.written else 'Would write'} {len(result.drafts)} draft(s) to {out_dir}:")
    for draft in result.drafts:
        audit = draft.audit
        parts = ", ".join(f"{audit.count(kind)} {kind.value}" for kind in Kind if audit.count(kind))
        exists = " [exists: needs --force]" if not result.written and draft.path.exists() else ""
        lines.append(f"  {draft.path.name}: {audit.title} ({report.where(audit.number)}; {parts}){exists}")
    if not result.written:
        lines.append("Nothing was written (--dry-run).")
    if reading.unplaced:
        lines.append(f"Not placed ({len(reading.unplaced)}):")
        lines.extend(f"  {report.where(notice.number)}: {notice.message}" for notice in reading.unplaced)
    if reading.remarks:
        lines.append(f"To check ({len(reading.remarks)}):")
        lines.extend(f"  {report.where(notice.number)}: {notice.message}" for notice in reading.remarks)
    unknown: dict[str, list[str]] = {}
    for draft in result.drafts:
        for item in draft.audit.items:
            for agency in item.unknown:
                unknown.setdefault(agency.id, []).append(
                    f"    {report.where(item.number)} ({draft.path.name}): {_short(item.text, 90)!r}"
                )
    if unknown:
        names: dict[str, UnknownAgency] = {}
        for draft in result.drafts:
            for item in draft.audit.items:
                for agency in item.unknown:
                    names.setdefault(agency.id, agency)
        lines.append(f"Agencies not in agencies.yaml ({len(unknown)}; tagged as themselves, not all-agencies):")
        for agency_id, sources in unknown.items():
            lines.append(f"  {names[agency_id].name!r}, named at:")
            lines.extend(sources)
            lines.append("  suggested agencies.yaml entry:")
            lines.extend(f"    {line}" for line in agency_entry(names[agency_id]).splitlines())
    for draft in result.drafts:
        for label, at in draft.audit.unknown_themes:
            lines.append(
                f"Theme not in themes.yaml: {label!r} ({report.where(at)}, {draft.path.name}); suggested themes.yaml"
                f" entry: id: {slug(label)}, name: {label} (description and why_it_matters to be written by a person)"
            )
    guessed = [item for item in items if item.kind_reason]
    if guessed:
        lines.append(f"Kinds read from the wording ({len(guessed)} item(s); marked in the drafts for review).")
    for duplicate in result.duplicates:
        lines.append(f"Already in the data: {duplicate}")
    if result.problems:
        lines.append("Fill these in before `learning-bot check` passes:")
        lines.extend(f"  {problem}" for problem in result.problems)
    lines.append(
        'Next: confirm or correct the lines marked "# suggested: confirm", then run `learning-bot check --strict`'
        " and `learning-bot build`."
    )
    return "\n".join(lines)


class IngestError(ValueError):
    """Nothing in the report could be ingested (no audits found); nothing was written."""


class DuplicateAuditError(IngestError):
    """An audit of the report is already in the data under another file; nothing was written."""


@dataclass
class IngestResult:
    """What `ingest_report` found and wrote."""

    reading: Reading
    drafts: list[DraftFile]
    written: bool
    duplicates: list[str] = field(default_factory=list)  # audits already in the knowledge base (not refused)

    @property
    def problems(self) -> list[str]:
        return [problem for draft in self.drafts for problem in draft.problems]


def _taken_prefixes(kb: KnowledgeBase, out_dir: Path, replacing: set[str], targets: set[Path]) -> set[str]:
    """Item-id prefixes other audits already use (in the knowledge base and in `out_dir`)."""
    taken = {
        item_id.rsplit("-", 1)[0]
        for item_id, audit_id in kb.conn.execute("SELECT id, audit_id FROM items")
        if audit_id not in replacing and "-" in item_id
    }
    others = [path for path in sorted(out_dir.glob("*.yaml")) if path not in targets] if out_dir.is_dir() else []
    return taken | item_prefixes(others)


def plan_drafts(reading: Reading, *, kb: KnowledgeBase, out_dir: Path) -> list[DraftFile]:
    """A draft file for each audit found, with suggested tags, unique ids and what check will say of it."""
    suggester = Suggester(kb)
    ids: list[str] = []
    for audit in reading.audits:
        ids.append(unique(audit.id, set(ids), separator="-"))
    targets = {out_dir / f"{audit_id}.yaml" for audit_id in ids}
    taken = _taken_prefixes(kb, out_dir, set(ids), targets)
    report = reading.report
    drafts: list[DraftFile] = []
    for audit, audit_id in zip(reading.audits, ids, strict=True):
        prefix = unique(audit.prefix, taken)
        taken.add(prefix)
        audit_themes = suggester.title_themes([audit.short_title, plain_title(audit.heading)])
        audit.unknown_themes = [(label, at) for label, at in audit.theme_headings if not suggester.votes(label)[1]]
        suggestions = [suggester.suggest(item.text, audit_themes=audit_themes) for item in audit.items]
        for item, suggestion in zip(audit.items, suggestions, strict=True):
            item.agencies, item.themes, item.unknown = suggestion.agencies, suggestion.themes, suggestion.unknown
        path = out_dir / f"{audit_id}.yaml"
        text = render_audit(
            audit,
            audit_id=audit_id,
            prefix=prefix,
            source=repr(report.path.name),
            where=report.where(audit.number),
            suggestions=suggestions,
            unit=report.unit,
        )
        drafts.append(DraftFile(audit, audit_id, prefix, path, text, problems_of(path, text)))
    return drafts


def ingest_report(
    path: Path,
    *,
    kb: KnowledgeBase,
    out_dir: Path,
    force: bool = False,
    dry_run: bool = False,
    in_data: bool = False,
) -> IngestResult:
    """Read a report and write one draft audit file per audit into `out_dir` (all or none).

    Raises `ReportError` for an unreadable report, `IngestError` when no audit is found, and
    `ExistingFilesError` when a draft would replace an existing file and `force` is false.
    """
    report = read_report(path)
    reading = read_audits(report)
    if not reading.audits:
        if reading.entries:
            raise IngestError(
                f"{report.path.name}: the summary table lists {len(reading.entries)} audit(s) but no audit heading"
                " in the body is followed by Findings or Learning/Recommendations bullets; nothing was written"
                + diagnosis(reading)
            )
        raise IngestError(
            f"{report.path.name}: found no audits (expected audit headings followed by 'Findings' or"
            " 'Learning/Recommendations' sections of bullets); nothing was written" + diagnosis(reading)
        )
    drafts = plan_drafts(reading, kb=kb, out_dir=out_dir)
    refused, known = duplicates(drafts, kb=kb, out_dir=out_dir, in_data=in_data)
    if refused and dry_run:
        known = [*(f"{line} [would be refused]" for line in refused), *known]
    elif refused:
        raise DuplicateAuditError(
            "\n".join([f"{report.path.name}: nothing was written; already in the data:", *refused])
        )
    if dry_run:
        return IngestResult(reading, drafts, written=False, duplicates=known)
    write_drafts(drafts, force=force)
    return IngestResult(reading, drafts, written=True, duplicates=known)


def _plain_title(text: str) -> str:
    return normalise_whitespace(text).casefold()


def duplicates(
    drafts: list[DraftFile], *, kb: KnowledgeBase, out_dir: Path, in_data: bool
) -> tuple[list[str], list[str]]:
    """Drafts whose audit is already in the data: the same title, or half its items' texts or more.

    Returns (refused, known). An audit in another audit file of `out_dir` is refused (the data would hold it
    twice); one only in the knowledge base is refused when `in_data` (the drafts go into the data directory),
    else reported. A draft that replaces the very file holding it (`--force`) is a re-ingest, not a copy.
    """
    existing: list[tuple[str, str, set[str], Path | None]] = []  # (id, title, texts, file)
    for path in sorted(out_dir.glob("*.yaml")) if out_dir.is_dir() else []:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if isinstance(raw, dict):
            items = raw.get("items") if isinstance(raw.get("items"), list) else []
            texts = {normalise_whitespace(str(i.get("text", ""))).casefold() for i in items if isinstance(i, dict)}
            existing.append((str(raw.get("id", path.stem)), str(raw.get("title", "")), texts, path))
    files = {entry[0] for entry in existing}
    texts_by_audit: dict[str, set[str]] = {}
    for row in kb.conn.execute("SELECT audit_id, text FROM items"):
        texts_by_audit.setdefault(row["audit_id"], set()).add(normalise_whitespace(row["text"]).casefold())
    for row in kb.conn.execute("SELECT id, title FROM audits"):
        if row["id"] not in files:
            existing.append((row["id"], row["title"], texts_by_audit.get(row["id"], set()), None))
    refused: list[str] = []
    known: list[str] = []
    for draft in drafts:
        texts = {normalise_whitespace(item.text).casefold() for item in draft.audit.items}
        for audit_id, title, their_texts, path in existing:
            if path is not None and path == draft.path:
                continue  # the same file: replacing it is a re-ingest (needs --force)
            shared = len(texts & their_texts)
            if _plain_title(title) == _plain_title(draft.audit.title):
                why = "the same title"
            elif texts and shared * 2 >= len(texts):
                why = f"{shared} of its {len(texts)} items have the same text"
            else:
                continue
            where = f"{path}" if path is not None else "the knowledge base"
            line = f"  {draft.audit.title!r} is audit {audit_id!r} in {where} ({why})"
            (refused if path is not None or in_data else known).append(line)
    return refused, known


def diagnosis(reading: Reading) -> str:
    """What a report that yielded no audit looked like: its headings, bullet runs and tables, and why none
    became an audit (for the error message)."""
    report = reading.report
    paragraphs = report.paragraphs
    headings = [p for p in paragraphs if heading_like(p)]
    runs: list[tuple[int, int]] = []  # (first paragraph number, bullets)
    for index, paragraph in enumerate(paragraphs):
        if paragraph.style == BULLET:
            if index and paragraphs[index - 1].style == BULLET:
                runs[-1] = (runs[-1][0], runs[-1][1] + 1)
            else:
                runs.append((paragraph.number, 1))
    tables = [p for i, p in enumerate(paragraphs) if p.style == ROW and (i == 0 or paragraphs[i - 1].style != ROW)]
    lines = ["", "What the report holds:"]
    shown = ", ".join(f"{_short(p.text, 40)!r} ({report.where(p.number)})" for p in headings[:8])
    lines.append(
        f"  {len(headings)} heading(s)" + (f": {shown}" + (", ..." if len(headings) > 8 else "") if shown else "")
    )
    runs_shown = ", ".join(f"{count} at {report.where(number)}" for number, count in runs[:8])
    lines.append(f"  {len(runs)} run(s) of bullets" + (f": {runs_shown}" if runs_shown else ""))
    tables_shown = ", ".join(f"{_short(p.text, 50)!r} ({report.where(p.number)})" for p in tables[:5])
    lines.append(f"  {len(tables)} table(s)" + (f", first rows: {tables_shown}" if tables_shown else ""))
    lines.append("Why none became an audit:")
    if not headings:
        lines.append("  no heading (a short line, a Markdown '#' line or a Word heading style) names an audit")
    if not runs and not tables:
        lines.append("  no bullets or table cells to read findings or recommendations from")
    elif runs:
        lines.append(
            "  no heading is followed by a Findings/Recommendations heading, a lead-in ending in ':' ('key findings"
            " included:', 'we found:', 'recommendations:'), numbered themes, or bullets under a dated heading"
        )
    if tables:
        lines.append(
            "  no table has two or more columns headed as findings or recommendations ('Areas improving',"
            " 'Areas for development', 'Recommendations')"
        )
    lines.extend(f"  {report.where(notice.number)}: {notice.message}" for notice in reading.unplaced[:10])
    return "\n".join(lines)
