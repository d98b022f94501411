"""Draft audit files: the YAML `learning-bot ingest` writes for each audit, and writing them all or none.

A draft is in the knowledge-base format (`knowledge.models.Audit`) with every guess marked: lines the report
did not say outright end with ``# suggested: confirm`` and a note asks for the agencies and themes to be
confirmed. Fields the report does not give (no summary-table row, so no cases audited) are written as
``null`` with a comment, so `learning-bot check` names exactly what to fill in.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from knowledge.authoring.headings import slug as slug_of
from knowledge.authoring.headings import without_lead_in
from knowledge.authoring.suggestions import agency_entry
from knowledge.loading import AUDIT_ADAPTER
from knowledge.models import Kind, normalise_whitespace

if TYPE_CHECKING:
    from knowledge.authoring.ingest import DraftAudit
    from knowledge.authoring.suggestions import Suggestion

SUGGESTED = "# suggested: confirm"
REVIEW_NOTE = "Agencies and themes suggested by learning-bot ingest; confirm before publishing."
KIND_LETTERS = {Kind.FINDING: "f", Kind.RECOMMENDATION: "r", Kind.CONTEXT: "c"}


class ExistingFilesError(FileExistsError):
    """Draft files would overwrite existing files (and `force` was not given); nothing was written."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = list(paths)
        names = ", ".join(str(path) for path in self.paths)
        super().__init__(f"{len(self.paths)} file(s) already exist: {names}; nothing was written (use --force)")


class DraftWriteError(OSError):
    """The drafts could not be written; none were (any replaced file is restored)."""


@dataclass
class DraftFile:
    """One audit's draft: where it goes, its YAML, and what `learning-bot check` will say about it."""

    audit: DraftAudit
    id: str
    prefix: str
    path: Path
    text: str
    problems: tuple[str, ...] = ()


def scalar(value: Any) -> str:
    """A YAML scalar or flow list on one line, quoted only when YAML needs it."""
    text = yaml.safe_dump(value, allow_unicode=True, width=10**9, default_flow_style=True).rstrip("\n")
    return text.removesuffix("\n...")


def _marked(line: str, comment: str | None) -> str:
    return f"{line}  {comment}" if comment else line


def render_audit(
    audit: DraftAudit,
    *,
    audit_id: str,
    prefix: str,
    source: str,
    where: str,
    suggestions: Sequence[Suggestion],
    unit: str = "line",
) -> str:
    """The draft YAML text for one audit, its items' tags taken from `suggestions` (one per item, in order)."""
    entry = audit.entry
    purpose, purpose_from, purpose_at = audit.purpose()
    lines = [
        f"# Draft written by `learning-bot ingest` from {source} (audit heading at {where}).",
        "# Item text is verbatim from the report (whitespace normalised only): never edit it.",
        f'# Lines ending "{SUGGESTED}" are guesses, not read from the report: confirm or correct them, then',
        "# remove the marks. `learning-bot check` validates this file.",
        f"id: {scalar(audit_id)}",
        f"title: {scalar(audit.title)}",
        _marked(f"short_title: {scalar(audit.short_title)}", SUGGESTED),
    ]
    if entry and entry.priority:
        lines.append(f"priority: {scalar(entry.priority)}")
    else:
        lines.append("priority: null  # no priority found in the summary table")
    cases, cases_at = audit.cases()
    if cases is None:
        lines.append("cases_audited: null  # not stated in the report (shown as 'not stated'); fill in if known")
    else:
        lines.append(_marked(f"cases_audited: {cases}", f"{SUGGESTED} ({unit} {cases_at})" if cases_at else None))
    completed, completed_at = audit.completed()
    if completed is None:
        lines.append(
            "completed: null  # not stated in the report (shown as 'not stated'); fill in \"YYYY-MM\" if known"
        )
    else:
        comment = f"{SUGGESTED} ({unit} {completed_at})" if completed_at else None
        lines.append(_marked(f'completed: "{completed}"', comment))
    if purpose is None:
        lines.append("purpose: null  # not found in the report: fill in")
    else:
        guessed = purpose_from != "the summary table"
        lines.append(_marked(f"purpose: {scalar(purpose)}", SUGGESTED if guessed else None))

    notes = [REVIEW_NOTE]
    if purpose is not None:
        notes.append(f"The purpose is taken from {purpose_from} ({unit} {purpose_at}), verbatim.")
    if entry and plain(entry.title) != plain(audit.heading):
        notes.append(f"The summary table calls this audit '{entry.title}'; its section heading is '{audit.heading}'.")
    if entry is None:
        notes.append("The report's summary table has no row for this audit.")
    for paragraph in audit.intro:
        text = normalise_whitespace(paragraph.text)
        if text != purpose and without_lead_in(text) != purpose:
            notes.append(f"The audit's section also opens with ({unit} {paragraph.number}): '{text}'")
    unknown = {agency.id: agency for suggestion in suggestions for agency in suggestion.unknown}
    if unknown:
        notes.append(
            "Names agencies that agencies.yaml does not list: "
            + ", ".join(f"'{agency.name}'" for agency in unknown.values())
            + "; add them to agencies.yaml (suggested entries at the end of this file) or correct the items."
        )
    lines.append("notes:")
    lines.extend(f"- {scalar(note)}" for note in notes)

    lines.append("items:")
    counters = dict.fromkeys(KIND_LETTERS, 0)
    for item, suggestion in zip(audit.items, suggestions, strict=True):
        counters[item.kind] += 1
        kind_mark = f"{SUGGESTED} (from {item.kind_reason}: the report's section does not say)"
        lines += [
            f"- id: {prefix}-{KIND_LETTERS[item.kind]}{counters[item.kind]}  # {unit} {item.number}",
            _marked(f"  kind: {item.kind.value}", kind_mark if item.kind_reason else None),
            f"  section: {scalar(item.section)}",
            f"  text: {scalar(item.text)}",
            _marked(f"  agencies: {scalar(list(suggestion.agencies))}", SUGGESTED),
            _marked(f"  themes: {scalar(list(suggestion.themes))}", SUGGESTED),
        ]
        for agency in suggestion.unknown:
            lines.append(f"  # unknown agency {agency.name!r} ({unit} {item.number}): not in agencies.yaml")
    for label, at in audit.unknown_themes:
        lines.append(f"# Theme heading {label!r} ({unit} {at}) names no theme in themes.yaml; suggested entry:")
        lines.extend(
            f"#   {line}"
            for line in (
                f"- id: {slug_of(label)}",
                f"  name: {label}",
                "  description: TODO (written by a person)",
                "  why_it_matters: TODO (written by a person)",
            )
        )
    if unknown:
        lines.append("# Suggested agencies.yaml entries for the agencies above (complete the description, confirm):")
        for agency in unknown.values():
            lines.extend(f"#   {line}" for line in agency_entry(agency).splitlines())
    return "\n".join(lines) + "\n"


def plain(text: str) -> str:
    return normalise_whitespace(text).rstrip(":. ").casefold()


def problems_of(path: Path, text: str) -> tuple[str, ...]:
    """What `learning-bot check` will report for a draft, one ``file: record: field: message`` line each."""
    raw = yaml.safe_load(text)
    try:
        AUDIT_ADAPTER.validate_python(raw)
    except ValidationError as exc:
        record = f"audit {raw.get('id')}" if isinstance(raw, dict) else "audit"
        return tuple(
            f"{path}: {record}: {'.'.join(str(part) for part in problem['loc']) or '(record)'}: {problem['msg']}"
            for problem in exc.errors(include_url=False)
        )
    return ()


def item_prefixes(paths: Iterable[Path]) -> set[str]:
    """The item-id prefixes ("ey" of "ey-f1") used by existing audit files (unreadable files are skipped)."""
    prefixes: set[str] = set()
    for path in paths:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        items = raw.get("items") if isinstance(raw, dict) else None
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str) and "-" in item["id"]:
                prefixes.add(item["id"].rsplit("-", 1)[0])
    return prefixes


def unique(value: str, taken: set[str], *, separator: str = "") -> str:
    """`value`, or `value2`, `value3`... (with `separator` before the number): the first not in `taken`."""
    candidate, number = value, 2
    while candidate in taken:
        candidate = f"{value}{separator}{number}"
        number += 1
    return candidate


def write_drafts(drafts: Sequence[DraftFile], *, force: bool = False) -> None:
    """Write every draft or none: each goes to a temporary file first, then all are moved into place.

    Raises `ExistingFilesError` (writing nothing) when a draft's file exists and `force` is false, and
    `DraftWriteError` when the files cannot be written (files already replaced are restored).
    """
    existing = [draft.path for draft in drafts if draft.path.exists()]
    if existing and not force:
        raise ExistingFilesError(existing)
    for path in existing:
        if not path.is_file():
            raise DraftWriteError(f"could not write the drafts ({path} is not a file); nothing was written")
    staged: list[tuple[Path, Path]] = []
    backups: list[tuple[Path, Path]] = []
    placed: list[Path] = []
    try:
        for draft in drafts:
            draft.path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f".{draft.path.name}.", suffix=".tmp", dir=draft.path.parent)
            staged.append((Path(name), draft.path))
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(draft.text)
                stream.flush()
                os.fsync(stream.fileno())
        for temp, target in staged:
            if target.exists():
                backup = target.with_name(f".{target.name}.{os.getpid()}.replaced")
                os.replace(target, backup)
                backups.append((backup, target))
            os.replace(temp, target)
            placed.append(target)
    except OSError as exc:
        for target in placed:
            target.unlink(missing_ok=True)
        for backup, target in backups:
            os.replace(backup, target)
        raise DraftWriteError(f"could not write the drafts ({exc.strerror or exc}); nothing was written") from exc
    finally:
        for temp, _target in staged:
            temp.unlink(missing_ok=True)
    for backup, _target in backups:
        with contextlib.suppress(OSError):  # the drafts are in place; a leftover hidden backup is harmless
            backup.unlink(missing_ok=True)


def review_marks(paths: Iterable[Path]) -> list[str]:
    """Every line still marked "# suggested: confirm", as ``file:line: text`` (for `learning-bot check --strict`)."""
    found: list[str] = []
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue  # `check` itself reports a file it cannot read
        for number, line in enumerate(lines, start=1):
            if SUGGESTED in line:
                found.append(f"{path}:{number}: {line.split(SUGGESTED)[0].strip()} (unconfirmed suggestion)")
    return found
