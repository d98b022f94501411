"""`KnowledgeBase`: the one object the command line and the Slack handlers ask things of."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process, utils

from knowledge.models import ALL_AGENCIES, Kind
from knowledge.search import Hit, Query, Searcher
from knowledge.store import ensure_database
from knowledge.text import normalise
from knowledge.vocabulary import Vocabulary

EXAMPLE_QUESTIONS = (
    "How do we hear the voice of pre-verbal children?",
    "What did the audits find about dads and partners?",
    "What should schools do about school nurse contacts?",
)
RESULT_BATCH = 10_000


class NotFoundError(LookupError):
    """An agency, theme, audit, item or glossary term that the knowledge base does not hold."""


@dataclass(frozen=True)
class AuditRef:
    id: str
    title: str
    completed: str
    completed_label: str


@dataclass(frozen=True)
class Result:
    """One learning point, with where it comes from."""

    id: str
    audit: AuditRef
    kind: str
    text: str
    agencies: tuple[str, ...]
    themes: tuple[str, ...]
    score: float = 0.0
    explanation: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "audit": {"id": self.audit.id, "title": self.audit.title, "completed": self.audit.completed},
            "kind": self.kind,
            "text": self.text,
            "agencies": list(self.agencies),
            "themes": list(self.themes),
            "score": round(self.score, 4),
        }
        if self.explanation is not None:
            data["explanation"] = self.explanation
        return data


@dataclass(frozen=True)
class Answer:
    """What the knowledge base says to a question."""

    question: str
    results: tuple[Result, ...]
    suggestions: tuple[str, ...]
    total: int = 0
    offset: int = 0
    notice: str | None = None
    corrections: dict[str, str] = field(default_factory=dict)
    themes: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    elapsed_ms: float = 0.0

    @property
    def found(self) -> bool:
        return bool(self.results)

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.results) < self.total

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "results": [result.to_json() for result in self.results],
            "suggestions": list(self.suggestions),
        }


@dataclass(frozen=True)
class RecommendationGroup:
    audit: AuditRef
    items: tuple[tuple[Result, bool], ...]  # (item, addressed to all agencies)


@dataclass(frozen=True)
class NamedCount:
    id: str
    name: str
    description: str
    count: int


class KnowledgeBase:
    """Read access to a built knowledge database, safe to share between threads."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self._local = threading.local()
        self.vocabulary = Vocabulary(self.conn)
        self._audits = {
            row["id"]: AuditRef(row["id"], row["title"], row["completed"], row["completed_label"])
            for row in self.conn.execute("SELECT * FROM audits ORDER BY completed, id")
        }
        self._agencies = [dict(row) for row in self.conn.execute("SELECT * FROM agencies")]
        self._agency_children: dict[str, list[str]] = defaultdict(list)
        for agency in self._agencies:
            if agency["parent"]:
                self._agency_children[agency["parent"]].append(agency["id"])
        self._agency_choices = {}
        for agency in self._agencies:
            for alias in (agency["id"].replace("-", " "), agency["name"], *json.loads(agency["aliases"])):
                self._agency_choices[utils.default_process(alias)] = agency["id"]
        self._glossary = [dict(row) for row in self.conn.execute("SELECT * FROM glossary ORDER BY term")]
        self._themes: list[NamedCount] | None = None
        self._audit_rows: list[dict[str, Any]] | None = None
        self._agency_counts: dict[str, int] | None = None

    @classmethod
    def open(cls, db_path: Path | None = None, *, data_dir: Path | None = None) -> KnowledgeBase:
        """Open the knowledge base, building or rebuilding its database first when needed."""
        return cls(ensure_database(db_path, data_dir=data_dir))

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
        return conn

    @property
    def searcher(self) -> Searcher:
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = Searcher(self.conn, self.vocabulary)
            self._local.searcher = searcher
        return searcher

    # -- results -----------------------------------------------------------------------------------------------
    def _results(self, item_ids: list[str], scores: dict[str, float] | None = None) -> list[Result]:
        if not item_ids:
            return []
        rows: dict[str, sqlite3.Row] = {}
        for start in range(0, len(item_ids), RESULT_BATCH):  # SQLite allows 32,766 parameters in a statement
            batch = item_ids[start : start + RESULT_BATCH]
            placeholders = ",".join("?" * len(batch))
            for row in self.conn.execute(
                f"SELECT id, audit_id, kind, text, agencies, themes FROM items WHERE id IN ({placeholders})", batch
            ):
                rows[row["id"]] = row
        return [
            Result(
                id=item_id,
                audit=self._audits[rows[item_id]["audit_id"]],
                kind=rows[item_id]["kind"],
                text=rows[item_id]["text"],
                agencies=tuple(json.loads(rows[item_id]["agencies"])),
                themes=tuple(json.loads(rows[item_id]["themes"])),
                score=(scores or {}).get(item_id, 0.0),
            )
            for item_id in item_ids
            if item_id in rows
        ]

    def item(self, item_id: str) -> Result:
        results = self._results([item_id])
        if not results:
            raise NotFoundError(f"no item {item_id!r}")
        return results[0]

    # -- questions ---------------------------------------------------------------------------------------------
    def ask(self, question: str, *, limit: int = 5, offset: int = 0, explain: bool = False) -> Answer:
        """The learning points that answer a question, best first; none when nothing is relevant."""
        started = time.perf_counter()
        query, hits = self.searcher.search(question)
        page = hits[offset : offset + max(limit, 0)]
        results = self._results([hit.item_id for hit in page], {hit.item_id: hit.score for hit in page})
        if explain:
            results = [
                Result(**{**result.__dict__, "explanation": _explanation(query, hit)})
                for result, hit in zip(results, page, strict=True)
            ]
        elapsed = (time.perf_counter() - started) * 1000
        return Answer(
            question=question,
            results=tuple(results),
            suggestions=self._suggestions(query, bool(hits)),
            total=len(hits),
            offset=offset,
            notice=query.notice,
            corrections=dict(query.corrections),
            themes=tuple(sorted(query.themes)),
            agencies=tuple(sorted(query.agencies)),
            elapsed_ms=elapsed,
        )

    def _suggestions(self, query: Query, found: bool) -> tuple[str, ...]:
        if found:
            return tuple(f'Read "{typed}" as "{fixed}"' for typed, fixed in query.corrections.items())
        suggestions = []
        if not found:
            suggestions.append("Themes you can ask about: " + ", ".join(t.name for t in self.themes()))
            suggestions.extend(f"Try: {example}" for example in EXAMPLE_QUESTIONS)
        return tuple(suggestions)

    # -- listings ----------------------------------------------------------------------------------------------
    def audits(self) -> list[dict[str, Any]]:
        """Every audit with its metadata and item count, in order of completion."""
        # Counted once per knowledge base (the database is read-only), in one pass over the items' audit index:
        # the App Home lists the audits every time it is opened.
        if self._audit_rows is None:
            counts = dict(self.conn.execute("SELECT audit_id, count(*) FROM items GROUP BY audit_id").fetchall())
            self._audit_rows = [
                {**dict(row), "items": counts.get(row["id"], 0)}
                for row in self.conn.execute("SELECT * FROM audits ORDER BY completed, id")
            ]
        return [dict(row) for row in self._audit_rows]

    def themes(self) -> list[NamedCount]:
        """Themes that have at least one learning point, in the data's order, with their item counts."""
        # Counted once per knowledge base (the database is read-only): every unanswered question lists the
        # themes, and counting them takes ~100 ms at 100,000 passages.
        if self._themes is None:
            rows = self.conn.execute(
                "SELECT themes.id, themes.name, themes.description, count(item_themes.item_id) AS n FROM themes"
                " JOIN item_themes ON item_themes.theme_id = themes.id GROUP BY themes.id ORDER BY themes.position"
            )
            self._themes = [NamedCount(row["id"], row["name"], row["description"], row["n"]) for row in rows]
        return list(self._themes)

    def theme(self, theme_id: str) -> dict[str, Any]:
        row = self.conn.execute("SELECT * FROM themes WHERE id = ?", (theme_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no theme {theme_id!r}")
        data = dict(row)
        data["keywords"] = json.loads(data["keywords"])
        data["discussion_questions"] = json.loads(data["discussion_questions"])
        return data

    def resolve_theme(self, text: str) -> str | None:
        """The theme a name, id or keyword refers to (typo-tolerant), or None."""
        choices = {}
        for row in self.conn.execute("SELECT id, name, keywords FROM themes"):
            for alias in (row["id"].replace("-", " "), row["name"], *json.loads(row["keywords"])):
                choices[utils.default_process(alias)] = row["id"]
        return _best(text, choices)

    def theme_items(self, theme_id: str, *, kind: str | None = None, limit: int | None = None) -> list[Result]:
        """The learning points bearing a theme (of one `kind`, when given), in report order; the first `limit`."""
        # Walks the theme's index in report order and stops at `limit`: the cost is what is shown.
        sql = (
            "SELECT items.id FROM item_themes CROSS JOIN items ON items.id = item_themes.item_id"
            " WHERE item_themes.theme_id = ?"
        )
        params: list[Any] = [theme_id]
        if kind is not None:
            sql += " AND items.kind = ?"
            params.append(kind)
        sql += " ORDER BY item_themes.position"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(max(limit, 0))
        return self._results([row[0] for row in self.conn.execute(sql, params)])

    def agency_family(self, agency_id: str) -> set[str]:
        """An agency and all the services under it (health -> NELFT, BHRUT, ...)."""
        found = {agency_id}
        for child in self._agency_children.get(agency_id, []):
            found |= self.agency_family(child)
        return found

    def agency_name(self, agency_id: str) -> str:
        for agency in self._agencies:
            if agency["id"] == agency_id:
                return agency["name"]
        return agency_id

    def resolve_agency(self, text: str) -> str | None:
        """The agency a name, alias or acronym refers to, surviving typos ("polce", "NELFT"); None if unknown."""
        return _best(text, self._agency_choices)

    def agencies(self) -> list[NamedCount]:
        """Every agency with the number of recommendations that concern it (its own and all-agency ones)."""
        counts = self._recommendation_counts()
        return [
            NamedCount(agency["id"], agency["name"], agency["description"], counts.get(agency["id"], 0))
            for agency in self._agencies
        ]

    def _recommendation_counts(self) -> dict[str, int]:
        """Recommendations per agency, counted once per knowledge base in one pass (the database is read-only).

        A recommendation counts for every agency whose family holds one of its tags, and for every agency when
        it is addressed to all of them; once per agency, however many of its tags match.
        """
        if self._agency_counts is None:
            parents = {agency["id"]: agency["parent"] for agency in self._agencies}

            def lineage(agency_id: str) -> set[str]:
                found: set[str] = set()
                while agency_id and agency_id not in found:
                    found.add(agency_id)
                    agency_id = parents.get(agency_id) or ""
                return found

            lineages: dict[str, set[str]] = {}
            counts: dict[str, int] = defaultdict(int)
            for_all = 0
            for (tags,) in self.conn.execute("SELECT agencies FROM items WHERE kind = ?", (Kind.RECOMMENDATION.value,)):
                tagged = json.loads(tags)
                if ALL_AGENCIES in tagged:
                    for_all += 1
                    continue
                concerned: set[str] = set()
                for tag in tagged:
                    if tag not in lineages:
                        lineages[tag] = lineage(tag)
                    concerned |= lineages[tag]
                for agency_id in concerned:
                    counts[agency_id] += 1
            self._agency_counts = {agency["id"]: counts[agency["id"]] + for_all for agency in self._agencies}
        return self._agency_counts

    def recommendation_count(self, agency_id: str) -> int:
        """How many recommendations concern an agency (what `recommendations` returns without a limit)."""
        if agency_id not in {agency["id"] for agency in self._agencies}:
            raise NotFoundError(f"no agency {agency_id!r}")
        return self._recommendation_counts()[agency_id]

    def recommendations(self, agency_id: str, *, limit: int | None = None) -> list[RecommendationGroup]:
        """Recommendations that concern an agency (or its services), plus all-agency ones, grouped by audit.

        With `limit`, those of the most recently completed audits, at most `limit` of them; the groups stay in
        order of completion either way. Found through the agency index, so the cost grows with what is shown.
        """
        if agency_id not in {agency["id"] for agency in self._agencies}:
            raise NotFoundError(f"no agency {agency_id!r}")
        family = self.agency_family(agency_id)
        tags = [*sorted(family), ALL_AGENCIES]
        # Audits newest first, each one's items in report order (both indexed), stopping at `limit`.
        sql = (
            "SELECT items.id, items.agencies FROM audits CROSS JOIN items ON items.audit_id = audits.id"
            " WHERE items.kind = ? AND EXISTS (SELECT 1 FROM item_agencies WHERE item_agencies.item_id = items.id"
            f" AND item_agencies.agency_id IN ({','.join('?' * len(tags))}))"
            " ORDER BY audits.completed DESC, audits.id DESC, items.position"
        )
        params: list[Any] = [Kind.RECOMMENDATION.value, *tags]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(max(limit, 0))
        chosen: list[tuple[str, bool]] = [
            (row["id"], not (set(json.loads(row["agencies"])) & family)) for row in self.conn.execute(sql, params)
        ]
        results = {result.id: result for result in self._results([item_id for item_id, _ in chosen])}
        groups: dict[str, list[tuple[Result, bool]]] = {}
        for item_id, for_all in chosen:
            result = results[item_id]
            groups.setdefault(result.audit.id, []).append((result, for_all))
        return [
            RecommendationGroup(self._audits[audit_id], tuple(groups[audit_id]))
            for audit_id in self._audits
            if audit_id in groups
        ]

    # -- glossary ----------------------------------------------------------------------------------------------
    def glossary(self, term: str | None = None) -> list[dict[str, Any]]:
        """Glossary entries: all of them, or those matching a term or alias (typo-tolerant)."""
        entries = [{**entry, "aliases": json.loads(entry["aliases"])} for entry in self._glossary]
        if not term or not term.strip():
            return entries
        wanted = utils.default_process(term)
        exact = [
            entry
            for entry in entries
            if wanted
            in {utils.default_process(name) for name in (entry["term"], entry["expansion"] or "", *entry["aliases"])}
        ]
        if exact:
            return exact
        choices = {}
        for index, entry in enumerate(entries):
            for name in (entry["term"], entry["expansion"] or "", *entry["aliases"]):
                if name:
                    choices[f"{index}:{name}"] = utils.default_process(name)
        found = process.extract(wanted, choices, scorer=fuzz.WRatio, processor=None, score_cutoff=85, limit=3)
        seen: list[int] = []
        for _name, _score, key in found:
            index = int(key.split(":", 1)[0])
            if index not in seen:
                seen.append(index)
        return [entries[index] for index in seen]

    def acronyms_in(self, text: str) -> list[dict[str, Any]]:
        """Glossary entries for the acronyms that appear in a text (for a short "acronyms" line)."""
        tokens = set(re.findall(r"[A-Za-z&]{2,}", text))
        found = []
        for entry in self._glossary:
            if entry["expansion"] and entry["term"] in tokens:
                found.append(entry)
        return found


def _best(text: str, choices: dict[str, str]) -> str | None:
    wanted = utils.default_process(normalise(text or ""))
    if not wanted:
        return None
    if wanted in choices:
        return choices[wanted]
    if wanted.endswith("s") and wanted[:-1] in choices:
        return choices[wanted[:-1]]
    found = process.extractOne(wanted, choices.keys(), scorer=fuzz.ratio, processor=None, score_cutoff=80)
    return choices[found[0]] if found else None


def _explanation(query: Query, hit: Hit) -> dict[str, Any]:
    return {
        "score": round(hit.score, 4),
        "coverage": round(hit.coverage, 4),
        "bm25": round(hit.bm25, 4),
        "bonus": round(hit.bonus, 4),
        "corrections": dict(query.corrections),
        "units": [
            {
                **asdict(match),
                "weight": round(match.weight, 3),
                "credit": round(match.credit, 3),
                "concepts": unit.concept.labels if unit.concept else [],
                "typed": " ".join(unit.typed),
            }
            for unit, match in zip(query.units, hit.matches, strict=True)
        ],
    }
