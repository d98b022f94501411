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

    @classmethod
    def open(cls, db_path: Path | None = None, *, data_dir: Path | None = None) -> KnowledgeBase:
        """Open the knowledge base, building or rebuilding its database first when needed."""
        return cls(ensure_database(db_path, data_dir=data_dir))

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # as_uri() escapes "#", "?" and "%" in the path, which a plain "file:" URI would misread.
            uri = self.db_path.resolve().as_uri() + "?mode=ro"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
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
        placeholders = ",".join("?" * len(item_ids))
        rows = {
            row["id"]: row
            for row in self.conn.execute(
                f"SELECT id, audit_id, kind, text, agencies, themes FROM items WHERE id IN ({placeholders})",
                item_ids,
            )
        }
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
        return [
            dict(row)
            for row in self.conn.execute(
                "SELECT audits.*, (SELECT count(*) FROM items WHERE items.audit_id = audits.id) AS items"
                " FROM audits ORDER BY completed, id"
            )
        ]

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

    def theme_items(self, theme_id: str) -> list[Result]:
        """Every learning point bearing a theme, in report order."""
        ids = [
            row[0]
            for row in self.conn.execute(
                "SELECT items.id FROM items JOIN item_themes ON item_themes.item_id = items.id"
                " WHERE item_themes.theme_id = ? ORDER BY items.position",
                (theme_id,),
            )
        ]
        return self._results(ids)

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
        counted = []
        for agency in self._agencies:
            count = sum(len(group.items) for group in self.recommendations(agency["id"]))
            counted.append(NamedCount(agency["id"], agency["name"], agency["description"], count))
        return counted

    def recommendations(self, agency_id: str) -> list[RecommendationGroup]:
        """Recommendations that concern an agency (or its services), plus all-agency ones, grouped by audit."""
        if agency_id not in {agency["id"] for agency in self._agencies}:
            raise NotFoundError(f"no agency {agency_id!r}")
        family = self.agency_family(agency_id)
        rows = self.conn.execute(
            "SELECT id, agencies FROM items WHERE kind = ? ORDER BY position", (Kind.RECOMMENDATION.value,)
        ).fetchall()
        chosen: list[tuple[str, bool]] = []
        for row in rows:
            tagged = set(json.loads(row["agencies"]))
            if tagged & family:
                chosen.append((row["id"], False))
            elif ALL_AGENCIES in tagged:
                chosen.append((row["id"], True))
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
