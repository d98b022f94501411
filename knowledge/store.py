"""The knowledge database: built from the data files with sqlite-utils, replaced atomically, rebuilt on change."""

from __future__ import annotations

import gc
import json
import logging
import os
import sqlite3
import stat
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import Any

import sqlite_utils

from knowledge.loading import DataError, Knowledge, bundled_data_dir, content_hash, load_knowledge
from knowledge.text import stem, words
from knowledge.vocabulary import AGENCY_TAG, AUDIT_TAG, THEME_TAG, tag_token

logger = logging.getLogger(__name__)

# Bump when the database layout or the text processing changes: older databases are rebuilt.

# 8 (signposts) and 9 (reads_as) were bumped on two branches at once; 11: listing indexes, theme positions;
# 12: fallback signposts; 13: glossary terms described in practitioners' words;
# 14: signposts for one intent; 15: "'d" and "'ll" read as "would" and "will",
# "4 month old" as "baby"; 16: signposts told by what someone did (acts); 17: passages naming a signposted topic;
# 18: a number's plural ("5s") stemmed as the number.
SCHEMA_VERSION = "18"
FTS_TABLE = "items_fts"
# Stamped into every knowledge database (SQLite's header, offset 68): `build` replaces only a file that carries it
# (or, for databases built before the stamp, a `meta` table with this code's keys), never anything else.
APPLICATION_ID = 0x4C424B42  # "LBKB"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BuildError(Exception):
    """The database could not be built; the previous database, if any, is untouched."""


class NotAKnowledgeDatabase(BuildError):
    """The path given for the knowledge database holds something else, which is left as it is."""


def check_replaceable(db_path: Path) -> None:
    """Raise `NotAKnowledgeDatabase` unless `db_path` is absent, empty, or a knowledge database built here.

    Looks without following a symbolic link and without opening anything but a regular file, so `--db /dev/null`
    or `--db notes.txt` is refused rather than replaced.
    """
    try:
        info = os.lstat(db_path)
    except FileNotFoundError:
        return
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise BuildError(f"cannot use {db_path} as the knowledge database: {reason}") from None
    refuse = f"refusing to replace {db_path}: "
    if stat.S_ISLNK(info.st_mode):
        raise NotAKnowledgeDatabase(refuse + "it is a symbolic link (point --db at the file itself)")
    if stat.S_ISDIR(info.st_mode):
        raise NotAKnowledgeDatabase(refuse + "it is a directory (give a file name, e.g. knowledge.db)")
    if not stat.S_ISREG(info.st_mode):
        raise NotAKnowledgeDatabase(refuse + "it is a device, pipe or socket, not a file")
    if info.st_size == 0:
        return
    if not is_knowledge_database(db_path):
        raise NotAKnowledgeDatabase(
            refuse + "it is not a knowledge database built by learning-bot (choose another --db or remove it)"
        )


def is_knowledge_database(db_path: Path) -> bool:
    """Whether a regular file is a knowledge database: SQLite with this application id (or an older build's meta)."""
    try:
        with open(db_path, "rb") as handle:
            header = handle.read(100)
    except OSError:
        return False
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        return False
    if int.from_bytes(header[68:72], "big") == APPLICATION_ID:
        return True
    meta = read_meta(db_path)
    return {"schema_version", "content_hash"} <= meta.keys()


def default_db_path() -> Path:
    """The knowledge database's usual place, in a per-user data directory (the bot's settings may name another)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("learning-bot", appauthor=False)) / "knowledge.db"


def default_data_dir() -> Path:
    """The data files bundled with the package (the bot's settings may name another directory)."""
    return bundled_data_dir()


# The key of an item row holding the passage's distinct surface words, counted (and dropped) by the build so the
# text is tokenised once; not a column.
DISTINCT_WORDS = "distinct_words"
# Rows written together: one C-level Counter.update and one executemany per table each; only a batch is alive.
ITEM_BATCH = 10_000

# The columns of the `items` table, in order: what `item_row` returns (with DISTINCT_WORDS besides).
ITEM_COLUMNS: dict[str, type] = {
    "rowid": int,
    "id": str,
    "audit_id": str,
    "position": int,
    "kind": str,
    "section": str,
    "text": str,
    "stems": str,
    "tags": str,
    "agencies": str,
    "themes": str,
    "notes": str,
    "reads_as": str,
}


def item_row(
    *,
    rowid: int,
    item_id: str,
    audit_id: str,
    kind: str,
    section: str,
    text: str,
    agencies: Sequence[str],
    themes: Sequence[str],
    notes: Sequence[str] = (),
    reads_as: str | None = None,
) -> dict[str, Any]:
    """One row of the `items` table: the passage, its stems and tag tokens for the full-text index, and (under
    DISTINCT_WORDS, not a column) its distinct words for the build's word counts."""
    tokens = words(text)
    return {
        "rowid": rowid,
        "id": item_id,
        "audit_id": audit_id,
        "position": rowid,
        "kind": kind,
        "section": section,
        "text": text,
        "stems": " ".join(map(stem, tokens)),  # as text.stemmed_text, from the words tokenised once
        "tags": tag_text(audit_id, themes, agencies),
        "agencies": json_list(tuple(agencies)),
        "themes": json_list(tuple(themes)),
        "notes": json_list(tuple(notes)),
        "reads_as": reads_as,
        DISTINCT_WORDS: set(tokens),
    }


@lru_cache(maxsize=65_536)
def json_list(values: tuple[str, ...]) -> str:
    """A list of strings as JSON; memoised, as passages share a few tag lists and notes (a million rows would
    otherwise encode the same few lists three million times)."""
    return json.dumps(list(values))


def _item_rows(knowledge: Knowledge) -> Iterator[dict[str, Any]]:
    for position, (audit, item) in enumerate(knowledge.passages, start=1):
        yield item_row(
            rowid=position,
            item_id=item.id,
            audit_id=audit.id,
            kind=item.kind.value,
            section=item.section,
            text=item.text,
            agencies=item.agencies,
            themes=item.themes,
            notes=item.notes,
            reads_as=item.wording.value if item.wording else None,
        )


def tag_text(audit_id: str, themes: Iterable[str], agencies: Iterable[str]) -> str:
    """The tag tokens of an item, indexed beside its text so tags count as search evidence."""
    tokens = [tag_token(AUDIT_TAG, audit_id)]
    tokens += [tag_token(THEME_TAG, theme) for theme in themes]
    tokens += [tag_token(AGENCY_TAG, agency) for agency in agencies]
    return " ".join(tokens)


def _create(db: sqlite_utils.Database, table: str, columns: dict[str, type], pk: str | tuple[str, ...]) -> str:
    """Create a table with sqlite-utils; return the statement inserting a row given as a tuple in `columns` order."""
    db[table].create(columns, pk=pk)
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join("?" * len(columns))
    return f'INSERT INTO "{table}" ({names}) VALUES ({marks})'


def write_items(db: sqlite_utils.Database, rows: Iterable[dict[str, Any]], counts: Counter[str]) -> None:
    """Create the item tables and stream the rows into them, `ITEM_BATCH` at a time, adding each passage's
    distinct words to `counts` (taken from DISTINCT_WORDS, which is removed, or from the text when a row has
    none): the build reads each passage's words once and holds one batch of rows, whatever the library's size.

    The tables are created by sqlite-utils and filled with executemany: inserting 100,000 rows through
    insert_all spends most of its time building statements in Python.
    """
    inserts = [
        _create(db, "items", ITEM_COLUMNS, "rowid"),
        _create(db, "item_agencies", {"item_id": str, "agency_id": str}, ("item_id", "agency_id")),
        _create(db, "item_themes", {"item_id": str, "theme_id": str, "position": int}, ("item_id", "theme_id")),
    ]
    columns = itemgetter(*ITEM_COLUMNS)
    decoded: dict[str, list[str]] = {}  # the few distinct tag lists, decoded once each

    def tags(text: str) -> list[str]:
        found = decoded.get(text)
        if found is None:
            found = decoded[text] = json.loads(text)
        return found

    source = iter(rows)
    while batch := list(islice(source, ITEM_BATCH)):
        counts.update(
            chain.from_iterable(
                row.pop(DISTINCT_WORDS) if DISTINCT_WORDS in row else set(words(row["text"])) for row in batch
            )
        )
        items, agencies, themes = inserts
        db.conn.executemany(items, map(columns, batch))
        db.conn.executemany(agencies, ((row["id"], agency) for row in batch for agency in tags(row["agencies"])))
        db.conn.executemany(
            themes, ((row["id"], theme, row["position"]) for row in batch for theme in tags(row["themes"]))
        )


ENGLISH_MIN_ZIPF = 1.0


def english_frequencies() -> Iterator[tuple[str, float]]:
    """How common each ordinary English word is, as a Zipf value (log10 of occurrences per billion words).

    The search uses it to tell filler words ("actually", "days") from distinctive ones ("radicalisation",
    "wifi") that the audits do not cover, and never to "correct" a real word. The list is pyspellchecker's
    English frequency resource, read at build time only.
    """
    import gzip
    import math
    from importlib import resources

    resource = resources.files("spellchecker") / "resources" / "en.json.gz"
    with resource.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
        counts: dict[str, int] = json.load(text)
    total = sum(counts.values()) or 1
    for word, count in counts.items():
        zipf = math.log10(count / total * 1e9)
        if zipf >= ENGLISH_MIN_ZIPF and word.isalpha():
            yield word, round(zipf, 2)


def write_database(db: sqlite_utils.Database, knowledge: Knowledge, *, item_rows: Iterable[dict] | None = None) -> None:
    """Write every table of the knowledge database into an empty database."""
    db["meta"].insert_all(
        [
            {"key": "schema_version", "value": SCHEMA_VERSION},
            {"key": "content_hash", "value": knowledge.content_hash},
            {"key": "built_at", "value": datetime.now(UTC).isoformat(timespec="seconds")},
        ],
        pk="key",
    )
    db["audits"].insert_all(
        (
            {
                "id": audit.id,
                "title": audit.title,
                "short_title": audit.short_title,
                "priority": audit.priority,
                "cases_audited": audit.cases_audited,
                "completed": audit.completed,
                "completed_label": audit.completed_label,
                "purpose": audit.purpose,
                "notes": json.dumps(list(audit.notes)),
            }
            for audit in knowledge.audits
        ),
        pk="id",
    )
    db["facts"].insert_all(
        (
            {"audit_id": audit.id, "label": fact.label, "value": fact.value, "item_id": fact.item}
            for audit in knowledge.audits
            for fact in audit.facts
        ),
        foreign_keys=[("audit_id", "audits", "id")],
    )
    db["agencies"].insert_all(
        (
            {
                "id": agency.id,
                "name": agency.name,
                "description": agency.description,
                "parent": agency.parent,
                "aliases": json.dumps(list(agency.aliases)),
            }
            for agency in knowledge.agencies
        ),
        pk="id",
    )
    db["themes"].insert_all(
        (
            {
                "id": theme.id,
                "position": position,
                "name": theme.name,
                "description": theme.description,
                "why_it_matters": theme.why_it_matters,
                "keywords": json.dumps(list(theme.keywords)),
                "discussion_questions": json.dumps(list(theme.discussion_questions)),
            }
            for position, theme in enumerate(knowledge.themes, start=1)
        ),
        pk="id",
    )
    db["glossary"].insert_all(
        (
            {
                "id": term.id,
                "term": term.term,
                "expansion": term.expansion,
                "definition": term.definition,
                "aliases": json.dumps(list(term.aliases)),
                "described_as": json.dumps(list(term.described_as)),
            }
            for term in knowledge.glossary
        ),
        pk="id",
    )
    db["thesaurus"].insert_all(
        (
            {
                "id": entry.id,
                "terms": json.dumps(list(entry.terms)),
                "variants": json.dumps(list(entry.variants)),
                "themes": json.dumps(list(entry.themes)),
                "agencies": json.dumps(list(entry.agencies)),
            }
            for entry in knowledge.thesaurus
        ),
        pk="id",
    )
    counts: Counter[str] = Counter()
    write_items(db, item_rows if item_rows is not None else _item_rows(knowledge), counts)
    # Listings read what they show, newest audits or report order first, and stop: an audit's items in report
    # order, the audits in order of completion, a theme's items in report order (App Home, /recommendations,
    # the digest; none may cost more as the library grows). Indexed after the rows are in: far cheaper than
    # keeping each index in order row by row.
    db["items"].create_index(["id"], unique=True)
    db["items"].create_index(["audit_id", "position"])
    db["audits"].create_index(["completed", "id"])
    db["item_themes"].create_index(["theme_id", "position"])
    db["item_agencies"].create_index(["agency_id"])
    db["words"].insert_all(({"word": word, "df": df} for word, df in counts.items()), pk="word", batch_size=5000)
    db.execute("CREATE TABLE offtopic (phrase TEXT PRIMARY KEY)")
    db.conn.executemany("INSERT OR IGNORE INTO offtopic VALUES (?)", [(phrase,) for phrase in knowledge.offtopic])
    db.execute(
        "CREATE TABLE signposts"
        " (id TEXT PRIMARY KEY, name TEXT, phrases TEXT, message TEXT, link TEXT, fallback INTEGER, intent TEXT,"
        " acts TEXT, passages TEXT)"
    )
    db.conn.executemany(
        "INSERT INTO signposts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                *(s.id, s.name, json.dumps(list(s.phrases)), s.message, s.link, int(s.fallback), s.intent),
                json.dumps([act.model_dump() for act in s.acts]),
                json.dumps(list(s.passages)),
            )
            for s in knowledge.signposts
        ],
    )
    db.execute("CREATE TABLE english (word TEXT PRIMARY KEY, zipf REAL NOT NULL) WITHOUT ROWID")
    db.conn.executemany("INSERT OR IGNORE INTO english VALUES (?, ?)", english_frequencies())
    # The full-text index holds the stemmed text (stems are computed in Python, so questions are stemmed
    # identically); plain unicode61 tokenising keeps those stems as they are.
    db.execute(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(stems, tags, content='items', content_rowid='rowid',"
        " tokenize='unicode61 remove_diacritics 2', detail='full')"
    )
    index_in_one_pass(db.conn)
    db.execute(f"CREATE VIRTUAL TABLE {FTS_TABLE}_vocab USING fts5vocab({FTS_TABLE}, row)")


# While indexing: FTS5 flushes its in-memory postings to a new segment whenever they pass `hashsize` (1 MB by
# default) and, with `automerge` on, keeps merging those segments as it goes; a million passages then merge the
# index again and again. With larger flushes and no merging during the rebuild, 'optimize' merges once.
INDEXING_HASHSIZE = 64 * 1024 * 1024
FTS5_DEFAULTS = {"automerge": 4, "hashsize": 1024 * 1024}


def index_in_one_pass(conn: sqlite3.Connection) -> None:
    """Fill the full-text index from the items table and merge it into one segment, then restore FTS5's settings."""
    configure = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES(?, ?)"
    conn.execute(configure, ("automerge", 0))
    conn.execute(configure, ("hashsize", INDEXING_HASHSIZE))
    conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('rebuild')")
    conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('optimize')")
    for name, value in FTS5_DEFAULTS.items():
        conn.execute(configure, (name, value))


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector, restoring it after.

    The build makes millions of short-lived containers (a dict and a set of words per row), each allocation
    counting towards the next collection, and its caller may hold every passage (the bench's synthetic base
    does): at 1,000,000 passages the collections walk millions of containers again and again. The build makes
    no reference cycles, so reference counting frees everything it drops all the same.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build(
    db_path: Path,
    *,
    data_dir: Path | None = None,
    knowledge: Knowledge | None = None,
    item_rows: Iterable[dict] | None = None,
) -> Knowledge:
    """Validate the data and build the database into a temporary file, then replace `db_path` atomically.

    Raises `DataError` for invalid data and `BuildError` for anything else; either way an existing
    database at `db_path` is left as it was.
    """
    if knowledge is None:
        knowledge = load_knowledge(data_dir if data_dir is not None else default_data_dir())
    db_path = Path(db_path)
    check_replaceable(db_path)
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".building", dir=db_path.parent)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise BuildError(
            f"cannot write the knowledge database {db_path}: cannot create a file in {db_path.parent} ({reason})"
        ) from None
    os.close(handle)
    temp_path = Path(temp_name)
    try:
        conn = sqlite3.connect(temp_path)
        try:
            conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            db = sqlite_utils.Database(conn)
            with conn, collection_paused():
                write_database(db, knowledge, item_rows=item_rows)
            conn.execute("PRAGMA journal_mode=DELETE")
        finally:
            conn.close()
        with open(temp_path, "rb") as built:
            os.fsync(built.fileno())
        check_replaceable(db_path)  # once more: something may have appeared there while building
        os.replace(temp_path, db_path)
    except (sqlite3.Error, OSError) as exc:
        raise BuildError(f"could not build {db_path}: {exc}") from exc
    finally:
        temp_path.unlink(missing_ok=True)
    logger.info("built knowledge database %s (%d items)", db_path, len(knowledge.items))
    return knowledge


def read_meta(db_path: Path) -> dict[str, str]:
    """The meta table of a database, or {} when the file is missing or not a knowledge database."""
    path = Path(db_path)
    if not path.is_file():
        return {}
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            return dict(conn.execute("SELECT key, value FROM meta").fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        return {}


def is_current(db_path: Path, data_dir: Path) -> bool:
    """Whether the database exists and was built by this code from exactly these data files."""
    meta = read_meta(db_path)
    return meta.get("schema_version") == SCHEMA_VERSION and meta.get("content_hash") == content_hash(data_dir)


def ensure_database(db_path: Path | None = None, *, data_dir: Path | None = None) -> Path:
    """Build the database when it is missing or out of date; return its path.

    When the data files are invalid but an older database exists, the older one is kept and used (with a
    warning); with no database at all, the `DataError` propagates.
    """
    db_path = Path(db_path) if db_path is not None else default_db_path()
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    if is_current(db_path, data_dir):
        return db_path
    try:
        build(db_path, data_dir=data_dir)
    except DataError:
        if read_meta(db_path):
            logger.warning("data files are invalid; using the previous knowledge database %s", db_path)
            return db_path
        raise
    return db_path
