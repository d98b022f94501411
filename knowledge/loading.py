"""Read and validate the knowledge-base data files (YAML) into one `Knowledge` value.

Errors are collected across all files and reported as ``file: record: field: message`` lines.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from knowledge.models import (
    ALL_AGENCIES,
    Agency,
    AgencyFile,
    Audit,
    GlossaryFile,
    GlossaryTerm,
    Item,
    OffTopicFile,
    Signpost,
    SignpostFile,
    Theme,
    ThemeFile,
    ThesaurusEntry,
    ThesaurusFile,
)

AUDIT_ADAPTER = TypeAdapter(Audit)
AGENCY_ADAPTER = TypeAdapter(AgencyFile)
THEME_ADAPTER = TypeAdapter(ThemeFile)
GLOSSARY_ADAPTER = TypeAdapter(GlossaryFile)
THESAURUS_ADAPTER = TypeAdapter(ThesaurusFile)
OFFTOPIC_ADAPTER = TypeAdapter(OffTopicFile)
OFFTOPIC_FILE = "offtopic.yaml"  # optional
SIGNPOST_ADAPTER = TypeAdapter(SignpostFile)
SIGNPOST_FILE = "signposts.yaml"  # optional

VOCABULARY_FILES: dict[str, TypeAdapter[Any]] = {
    "agencies.yaml": AGENCY_ADAPTER,
    "themes.yaml": THEME_ADAPTER,
    "glossary.yaml": GLOSSARY_ADAPTER,
    "thesaurus.yaml": THESAURUS_ADAPTER,
}
AUDITS_DIR = "audits"
MAX_DATA_FILE_BYTES = 16 << 20  # the bundled files are 10-40 kB each; far larger is a mistake, not data
MAX_INTEGER_DIGITS = 18  # every number in the data fits a 64-bit database integer
# Control characters have no place in verbatim text (tab and newline do: block scalars hold them).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class DataError(Exception):
    """The data files are invalid; `lines` holds one ``file: record: field: message`` line per problem."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = list(lines)
        super().__init__("\n".join(self.lines))


def bundled_data_dir() -> Path:
    """The data directory shipped inside the `knowledge` package."""
    return Path(str(resources.files("knowledge") / "data"))


def data_files(data_dir: Path) -> list[Path]:
    """Every data file of a data directory, in a stable order."""
    files = [data_dir / name for name in (*VOCABULARY_FILES, OFFTOPIC_FILE, SIGNPOST_FILE)]
    files += sorted((data_dir / AUDITS_DIR).glob("*.yaml"))
    return files


class UnreadableFile(Exception):
    """A data file that is not a regular, readable file of sensible size; the message says what it is instead."""


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def read_data_file(path: Path, *, limit: int = MAX_DATA_FILE_BYTES) -> bytes:
    """The bytes of a data file. Raises `FileNotFoundError` when it is missing, `UnreadableFile` for anything that
    is not a regular file (checked before opening, so a FIFO cannot hang the read and /dev/zero cannot fill memory),
    a symbolic-link loop, or a file larger than `limit`."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise UnreadableFile("a symbolic link to nothing") from None
        raise
    except OSError as exc:
        reason = "a symbolic link loop" if exc.errno == 40 else (exc.strerror or str(exc)).lower()
        raise UnreadableFile(reason) from None
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFile(f"{_kind(info.st_mode)}, not a file")
    if info.st_size > limit:
        raise UnreadableFile(f"{info.st_size:,} bytes, more than the {limit:,}-byte limit for a data file")
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise UnreadableFile((exc.strerror or str(exc)).lower()) from None
    if len(data) > limit:
        raise UnreadableFile(f"more than the {limit:,}-byte limit for a data file")
    return data


def content_hash(data_dir: Path) -> str:
    """A hash of the data files' names and bytes: the database is rebuilt when it changes."""
    digest = hashlib.sha256()
    for path in data_files(data_dir):
        digest.update(path.relative_to(data_dir).as_posix().encode())
        digest.update(b"\0")
        try:
            digest.update(read_data_file(path))
        except FileNotFoundError:
            digest.update(b"<missing>")
        except UnreadableFile as exc:
            digest.update(f"<unreadable: {exc}>".encode())
        digest.update(b"\0")
    return digest.hexdigest()


class StrictLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing what it would otherwise accept silently: a key given twice in one mapping
    (the second value replaced the first, so verbatim text could change unnoticed), integers too large for the
    database, and control characters (NUL and the like) in strings."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True) if isinstance(key_node, yaml.ScalarNode) else None
            if key is not None:
                try:
                    first = seen.get(key)
                except TypeError:
                    first = None
                if first is not None:
                    raise FieldProblem(
                        key_node, str(key), f"duplicate key (first given on line {first}; one would replace the other)"
                    )
                seen[key] = key_node.start_mark.line + 1
            self._check_values(value_node, str(key) if key is not None else "(key)")
        return super().construct_mapping(node, deep=deep)

    def _check_values(self, node: yaml.Node, field: str) -> None:
        """Refuse a string with a control character or an integer too large, naming the key it belongs to."""
        if isinstance(node, yaml.SequenceNode):
            for child in node.value:
                self._check_values(child, field)
        if not isinstance(node, yaml.ScalarNode):
            return
        if node.tag == "tag:yaml.org,2002:str" and (found := _CONTROL.search(node.value)):
            raise FieldProblem(node, field, f"control character U+{ord(found.group()):04X} in text")
        if node.tag == "tag:yaml.org,2002:int":
            digits = node.value.lstrip("+-").replace("_", "")
            if len(digits) > MAX_INTEGER_DIGITS:
                raise FieldProblem(node, field, f"a number of {len(digits)} digits is too large")

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        self._check_values(node, "(number)")  # the top level or a list of numbers: no key to name
        return super().construct_yaml_int(node)


StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)


class FieldProblem(yaml.YAMLError):
    """A problem with one value in a YAML file, located by line and field (key)."""

    def __init__(self, node: yaml.Node, field: str, message: str) -> None:
        super().__init__(message)
        self.line = node.start_mark.line + 1
        self.field = field
        self.message = message


def strict_yaml(text: str) -> Any:
    """Parse YAML text with `StrictLoader`."""
    return yaml.load(text, Loader=StrictLoader)


@dataclass(frozen=True)
class Knowledge:
    """All validated data: audits with their items, and the controlled vocabularies."""

    audits: tuple[Audit, ...]
    agencies: tuple[Agency, ...]
    themes: tuple[Theme, ...]
    glossary: tuple[GlossaryTerm, ...]
    thesaurus: tuple[ThesaurusEntry, ...]
    content_hash: str = ""
    offtopic: tuple[str, ...] = ()
    signposts: tuple[Signpost, ...] = ()

    @cached_property
    def items(self) -> tuple[tuple[Audit, Item], ...]:
        return tuple((audit, item) for audit in self.audits for item in audit.items)

    @cached_property
    def passages(self) -> tuple[tuple[Audit, Item], ...]:
        """What a question is answered from: every item, then each audit's purpose and priority as context."""
        return tuple((audit, item) for audit in self.audits for item in audit.passages)

    @cached_property
    def agency_by_id(self) -> dict[str, Agency]:
        return {agency.id: agency for agency in self.agencies}

    @cached_property
    def theme_by_id(self) -> dict[str, Theme]:
        return {theme.id: theme for theme in self.themes}


def _record_label(raw: Any, loc: tuple[Any, ...], top: str) -> tuple[str, tuple[Any, ...]]:
    """Split a pydantic error location into a record label and the field path within it."""
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        collection, index = loc[0], loc[1]
        record = f"{collection}[{index}]"
        try:
            record_id = raw[collection][index].get("id")
        except (AttributeError, IndexError, KeyError, TypeError):
            record_id = None
        if record_id:
            record = f"{collection.rstrip('s') if collection != 'agencies' else 'agency'} {record_id}"
        return record, loc[2:]
    return top, loc


def _validation_lines(path: Path, raw: Any, error: ValidationError, top: str) -> Iterator[str]:
    for problem in error.errors(include_url=False):
        record, rest = _record_label(raw, tuple(problem["loc"]), top)
        field_path = ".".join(str(part) for part in rest) or "(record)"
        yield f"{path}: {record}: {field_path}: {problem['msg']}"


def _read_yaml(path: Path, errors: list[str]) -> Any:
    try:
        text = read_data_file(path).decode("utf-8")
    except FileNotFoundError:
        errors.append(f"{path}: (file): (file): missing")
        return None
    except UnreadableFile as exc:
        errors.append(f"{path}: (file): (file): {exc}")
        return None
    except UnicodeDecodeError as exc:
        errors.append(f"{path}: (file): (file): not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None
    try:
        raw = strict_yaml(text)
    except FieldProblem as exc:
        errors.append(f"{path}: line {exc.line}: {exc.field}: {exc.message}")
        return None
    except yaml.reader.ReaderError as exc:  # a control character written straight into the file
        line = text.count("\n", 0, exc.position) + 1
        errors.append(f"{path}: line {line}: (yaml): control character U+{exc.character:04X} is not allowed")
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(file)"
        problem = getattr(exc, "problem", None) or str(exc)
        errors.append(f"{path}: {where}: (yaml): {problem}")
        return None
    if not isinstance(raw, dict):
        errors.append(f"{path}: (file): (file): expected a mapping at the top level, found {type(raw).__name__}")
        return None
    return raw


def _validate(path: Path, adapter: TypeAdapter[Any], top: str, errors: list[str]) -> BaseModel | None:
    raw = _read_yaml(path, errors)
    if raw is None:
        return None
    if top == "audit" and isinstance(raw.get("id"), str):
        top = f"audit {raw['id']}"
    try:
        return adapter.validate_python(raw)
    except ValidationError as exc:
        errors.extend(_validation_lines(path, raw, exc, top))
        return None


def _duplicates(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for value in ids:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


def _cross_check(data_dir: Path, knowledge: Knowledge, audit_paths: dict[str, Path]) -> Iterator[str]:
    agencies_path = data_dir / "agencies.yaml"
    themes_path = data_dir / "themes.yaml"
    agency_ids = {agency.id for agency in knowledge.agencies}
    theme_ids = {theme.id for theme in knowledge.themes}

    for dup in _duplicates(agency.id for agency in knowledge.agencies):
        yield f"{agencies_path}: agency {dup}: id: duplicate id"
    for dup in _duplicates(theme.id for theme in knowledge.themes):
        yield f"{themes_path}: theme {dup}: id: duplicate id"
    for dup in _duplicates(term.id for term in knowledge.glossary):
        yield f"{data_dir / 'glossary.yaml'}: term {dup}: id: duplicate id"
    for dup in _duplicates(entry.id for entry in knowledge.thesaurus):
        yield f"{data_dir / 'thesaurus.yaml'}: entry {dup}: id: duplicate id"
    for dup in _duplicates(signpost.id for signpost in knowledge.signposts):
        yield f"{data_dir / SIGNPOST_FILE}: signpost {dup}: id: duplicate id"
    if ALL_AGENCIES not in agency_ids:
        yield f"{agencies_path}: agency {ALL_AGENCIES}: id: required (recommendations to every agency use it)"
    for agency in knowledge.agencies:
        if agency.parent is not None and agency.parent not in agency_ids:
            yield f"{agencies_path}: agency {agency.id}: parent: unknown agency '{agency.parent}'"

    for dup in _duplicates(audit.id for audit in knowledge.audits):
        yield f"{audit_paths[dup]}: audit {dup}: id: duplicate audit id"
    item_owner: dict[str, str] = {}
    text_owner: dict[str, tuple[str, str]] = {}  # a text -> (audit, item) first holding it
    for audit in knowledge.audits:
        path = audit_paths[audit.id]
        item_ids = {item.id for item in audit.passages}
        for item in audit.passages:
            if item.id in item_owner:
                yield f"{path}: item {item.id}: id: duplicate id (also in audit {item_owner[item.id]})"
            item_owner[item.id] = audit.id
            owner = text_owner.setdefault(item.text.casefold(), (audit.id, item.id))
            if owner[0] != audit.id:  # an audit ingested twice: answers would show the point twice
                yield f"{path}: item {item.id}: text: same text as item {owner[1]} of audit {owner[0]}"
            for agency in item.agencies:
                if agency not in agency_ids:
                    yield f"{path}: item {item.id}: agencies: unknown agency '{agency}'"
            for theme in item.themes:
                if theme not in theme_ids:
                    yield f"{path}: item {item.id}: themes: unknown theme '{theme}'"
        for index, fact in enumerate(audit.facts):
            if fact.item is not None and fact.item not in item_ids:
                yield f"{path}: facts[{index}]: item: unknown item '{fact.item}' in audit {audit.id}"

    # A signpost's passage of an audit this data holds must exist (a typo); one of an audit it does not hold (the
    # bundled signposts beside another board's audits) is simply not shown.
    held = {passage.rsplit("-", 1)[0] for passage in item_owner}
    for signpost in knowledge.signposts:
        for passage in signpost.passages:
            if passage not in item_owner and passage.rsplit("-", 1)[0] in held:
                yield f"{data_dir / SIGNPOST_FILE}: signpost {signpost.id}: passages: unknown passage '{passage}'"

    thesaurus_path = data_dir / "thesaurus.yaml"
    for entry in knowledge.thesaurus:
        for agency in entry.agencies:
            if agency not in agency_ids:
                yield f"{thesaurus_path}: entry {entry.id}: agencies: unknown agency '{agency}'"
        for theme in entry.themes:
            if theme not in theme_ids:
                yield f"{thesaurus_path}: entry {entry.id}: themes: unknown theme '{theme}'"


def load_knowledge(data_dir: Path | None = None) -> Knowledge:
    """Load and validate every data file; raise `DataError` listing every problem found."""
    data_dir = Path(data_dir) if data_dir is not None else bundled_data_dir()
    errors: list[str] = []
    if not data_dir.is_dir():
        raise DataError([f"{data_dir}: (directory): (directory): not a directory"])

    vocab: dict[str, Any] = {}
    for name, adapter in VOCABULARY_FILES.items():
        vocab[name] = _validate(data_dir / name, adapter, name.removesuffix(".yaml"), errors)

    offtopic: tuple[str, ...] = ()
    if os.path.lexists(data_dir / OFFTOPIC_FILE):
        parsed = _validate(data_dir / OFFTOPIC_FILE, OFFTOPIC_ADAPTER, "offtopic", errors)
        offtopic = parsed.phrases if isinstance(parsed, OffTopicFile) else ()

    signposts: tuple[Signpost, ...] = ()
    if (data_dir / SIGNPOST_FILE).exists():
        parsed = _validate(data_dir / SIGNPOST_FILE, SIGNPOST_ADAPTER, "signposts", errors)
        signposts = parsed.signposts if isinstance(parsed, SignpostFile) else ()

    audits: list[Audit] = []
    audit_paths: dict[str, Path] = {}
    paths = sorted((data_dir / AUDITS_DIR).glob("*.yaml"))
    if not paths:
        errors.append(f"{data_dir / AUDITS_DIR}: (directory): (directory): no audit files (*.yaml)")
    for path in paths:
        audit = _validate(path, AUDIT_ADAPTER, "audit", errors)
        if isinstance(audit, Audit):
            audits.append(audit)
            audit_paths.setdefault(audit.id, path)
    if errors:
        raise DataError(errors)

    knowledge = Knowledge(
        audits=tuple(sorted(audits, key=lambda audit: (audit.completed or "", audit.id))),
        agencies=vocab["agencies.yaml"].agencies,
        themes=vocab["themes.yaml"].themes,
        glossary=vocab["glossary.yaml"].terms,
        thesaurus=vocab["thesaurus.yaml"].entries,
        offtopic=offtopic,
        signposts=signposts,
        content_hash=content_hash(data_dir),
    )
    problems = list(_cross_check(data_dir, knowledge, audit_paths))
    if problems:
        raise DataError(problems)
    return knowledge
