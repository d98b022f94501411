"""`KnowledgeBase`: the one object the command line and the Slack handlers ask things of."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process, utils

from knowledge.models import ALL_AGENCIES, Kind, Signpost, comparable_text, kind_label
from knowledge.search import Hit, Query, Searcher
from knowledge.store import ensure_database
from knowledge.text import STOPWORDS, normalise, stem, words
from knowledge.vocabulary import Vocabulary

EXAMPLE_QUESTIONS = (
    "How do we hear the voice of pre-verbal children?",
    "What did the audits find about dads and partners?",
    "What should schools do about school nurse contacts?",
)
RESULT_BATCH = 10_000
MAX_GLOSSARY_TERM_CHARS = 100  # a glossary term is a few words: longer input is cut before matching
MAX_GLOSSARY_WORDS = 6
MAX_CLOSE_GLOSSARY = 5
CLOSE_WORD_SCORE = 85.0


class NotFoundError(LookupError):
    """An agency, theme, audit, item or glossary term that the knowledge base does not hold."""


@dataclass(frozen=True)
class AuditRef:
    id: str
    title: str
    completed: str | None
    completed_label: str


@dataclass(frozen=True)
class AuditPurpose:
    """Why an audit was done, as the report says: for a question about an audit's purpose, never a learning point."""

    audit: AuditRef
    purpose: str


@dataclass(frozen=True)
class AuditDetails:
    """How many cases an audit looked at and when it was completed, from the report's summary table: for a question
    asking only that, never a learning point. `cases_audited` is None where the report does not say."""

    audit: AuditRef
    cases_audited: int | None


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
    reads_as: str | None = None  # for a recommendation: "ask" or "observation" (a curated judgement)

    @property
    def kind_label(self) -> str:
        """The report's filing, and for a recommendation how it reads: "Learning/recommendation: learning point"."""
        return kind_label(self.kind, self.reads_as)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "audit": {"id": self.audit.id, "title": self.audit.title, "completed": self.audit.completed},
            "kind": self.kind,
            "reads_as": self.reads_as,
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
    # Out-of-scope safeguarding topics the question names: shown instead of "nothing found".
    signposts: tuple[Signpost, ...] = ()
    # For a question asking why an audit was done: the purposes of the audits it names (or of all of them).
    purposes: tuple[AuditPurpose, ...] = ()
    # For a question asking how many cases an audit looked at or when: the named audits' details (or all).
    details: tuple[AuditDetails, ...] = ()
    # With explain: how the question was read (units, notes, intent, ignored details), found or not.
    analysis: dict[str, Any] | None = field(default=None, compare=False)
    # For a question asking what a term stands for or means: its glossary entries (then no learning points).
    definitions: tuple[dict[str, Any], ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.results)

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.results) < self.total

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "question": self.question,
            "results": [result.to_json() for result in self.results],
            "suggestions": list(self.suggestions),
        }
        if self.purposes:
            data["purposes"] = [{"audit": p.audit.id, "purpose": p.purpose} for p in self.purposes]
        if self.signposts:
            data["signposts"] = [
                signpost.model_dump(exclude={"phrases", "acts", "passages"}) for signpost in self.signposts
            ]
        if self.details:
            data["audit_details"] = [
                {"audit": d.audit.id, "cases_audited": d.cases_audited, "completed": d.audit.completed}
                for d in self.details
            ]
        if self.analysis is not None:
            data["analysis"] = self.analysis
        return data


@dataclass(frozen=True)
class RecommendationGroup:
    """The items of one audit's Learning/Recommendations, in report order."""

    audit: AuditRef
    items: tuple[Result, ...]


@dataclass(frozen=True)
class AgencyRecommendations:
    """What the audits' Learning/Recommendations address to one agency (or its services), then to all agencies."""

    agency_id: str
    agency_name: str
    has_services: bool  # an umbrella agency: its own items include those addressed to its services
    own: tuple[RecommendationGroup, ...]
    for_all: tuple[RecommendationGroup, ...]

    # How many there are in all, when `own` / `for_all` hold only those of the most recent audits (a limit).
    own_total: int | None = None
    for_all_total: int | None = None

    @property
    def own_count(self) -> int:
        return self.own_total if self.own_total is not None else sum(len(group.items) for group in self.own)

    @property
    def for_all_count(self) -> int:
        if self.for_all_total is not None:
            return self.for_all_total
        return sum(len(group.items) for group in self.for_all)

    @property
    def shown(self) -> int:
        """How many the groups hold (fewer than `total` when a limit cut the listing)."""
        return sum(len(group.items) for group in (*self.own, *self.for_all))

    @property
    def total(self) -> int:
        return self.own_count + self.for_all_count

    def to_json(self) -> dict[str, Any]:
        return {
            "agency": {"id": self.agency_id, "name": self.agency_name},
            "addressed_to_agency": [_group_json(group) for group in self.own],
            "for_all_agencies": [_group_json(group) for group in self.for_all],
        }


def _group_json(group: RecommendationGroup) -> dict[str, Any]:
    audit = group.audit
    return {
        "audit": {"id": audit.id, "title": audit.title, "completed": audit.completed},
        "recommendations": [result.to_json() for result in group.items],
    }


@dataclass(frozen=True)
class NamedCount:
    id: str
    name: str
    description: str
    count: int


class KnowledgeBase:
    """Read access to a built knowledge database, safe to share between threads."""

    def __init__(self, db_path: Path, *, semantic: bool = False) -> None:
        self.db_path = Path(db_path)
        self._local = threading.local()
        # The optional semantic layer (see knowledge.search.semantic): one model and embedding cache, all threads.
        self._reranker = None
        if semantic:
            from knowledge.search.semantic import Encoder, Reranker

            self._reranker = Reranker(Encoder())
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
        # The entries as shown: the descriptions in practitioners' words are for matching questions only.
        glossary = self.conn.execute("SELECT id, term, expansion, definition, aliases FROM glossary ORDER BY term")
        self._glossary = [dict(row) for row in glossary]
        # Each entry's names as folded words: term, expansion, then aliases (matched in that order of trust).
        self._glossary_names = [
            tuple(" ".join(words(name)) for name in (row["term"], row["expansion"] or "", *json.loads(row["aliases"])))
            for row in self._glossary
        ]
        self._themes: list[NamedCount] | None = None
        self._audit_rows: list[dict[str, Any]] | None = None
        self._agency_counts: dict[str, int] | None = None
        self._recommendation_totals: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = {}

    @classmethod
    def open(
        cls, db_path: Path | None = None, *, data_dir: Path | None = None, semantic: bool = False
    ) -> KnowledgeBase:
        """Open the knowledge base, building or rebuilding its database first when needed; `semantic` turns on
        the optional semantic layer (SemanticUnavailableError when it is not installed)."""
        return cls(ensure_database(db_path, data_dir=data_dir), semantic=semantic)

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
            searcher = Searcher(self.conn, self.vocabulary, reranker=self._reranker)
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
                f"SELECT id, audit_id, kind, text, agencies, themes, reads_as FROM items WHERE id IN ({placeholders})",
                batch,
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
                reads_as=rows[item_id]["reads_as"],
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
        query = self.searcher.analyse(question)
        definitions = self._definitions(query)
        # "what does SMART stand for" is answered by the glossary, not by learning points: nothing to search.
        hits = [] if definitions else self.searcher.passages(query)
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
            suggestions=self._suggestions(query, bool(hits) or query.asks_details),
            total=len(hits),
            offset=offset,
            notice=query.notice,
            corrections=dict(query.corrections),
            themes=tuple(sorted(query.themes)),
            agencies=tuple(sorted(query.agencies)),
            elapsed_ms=elapsed,
            signposts=self._signposts(query),
            purposes=self._purposes(query, results),
            details=self._details(query),
            analysis=_analysis(query) if explain else None,
            definitions=definitions,
        )

    def _details(self, query: Query) -> tuple[AuditDetails, ...]:
        """For a question asking how many cases an audit looked at or when it was done: the named audits' details,
        else every audit's, in order of completion."""
        if not query.asks_details:
            return ()
        wanted = query.audits or set(self._audits)
        return tuple(
            AuditDetails(self._audits[row["id"]], row["cases_audited"]) for row in self.audits() if row["id"] in wanted
        )

    def _signposts(self, query: Query) -> tuple[Signpost, ...]:
        """The signposts of the topics the question names; for a number the audits do not hold, the fallback
        signposts for fact questions (where local figures are)."""
        signposts = self.vocabulary.signposts
        if query.asks_details:
            return ()  # "what date was the CSE audit done": the audit's details, not a practical detail
        if query.uncounted and not query.signposts:
            return tuple(s for s in signposts.values() if s.fallback and s.intent == "fact")
        return tuple(signposts[topic] for topic in query.signposts)

    def _definitions(self, query: Query) -> tuple[dict[str, Any], ...]:
        """The glossary entries a question asks the meaning of: only an entry whose term, expansion or alias is
        what was typed (a close match is no answer to "what does X stand for")."""
        if not query.defines:
            return ()
        return tuple(entry for entry in self.glossary(query.defines) if entry.get("match") in ("term", "alias"))

    def _purposes(self, query: Query, results: list[Result]) -> tuple[AuditPurpose, ...]:
        """For a purpose question: the named audits' purposes, else the first result's audit's, else all; less
        those a result already quotes (an audit's purpose is also a passage, labelled why the audit was done)."""
        if query.intent != "purpose":
            return ()
        wanted = sorted(query.audits) or [result.audit.id for result in results[:1]] or list(self._audits)
        purposes = dict(self.conn.execute("SELECT id, purpose FROM audits").fetchall())
        shown = [comparable_text(result.text) for result in results]
        return tuple(
            AuditPurpose(self._audits[audit_id], purposes[audit_id])
            for audit_id in wanted
            if not any(comparable_text(purposes[audit_id]) in text for text in shown)
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
        """Every agency with the number of recommendations that concern it (its own and all-agency ones).

        One query for all agencies (App Home lists them on every open): each recommendation's agency tags are
        joined to the agencies whose family holds them, plus every agency for an all-agency recommendation.
        """
        if self._agency_counts is None:  # counted once per knowledge base: the database is read-only
            self._agency_counts = self._count_recommendations()
        return [
            NamedCount(agency["id"], agency["name"], agency["description"], self._agency_counts.get(agency["id"], 0))
            for agency in self._agencies
        ]

    def _count_recommendations(self) -> dict[str, int]:
        family = [[agency["id"], member] for agency in self._agencies for member in self.agency_family(agency["id"])]
        return dict(
            self.conn.execute(
                "WITH family(agency, member) AS ("
                "  SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(:family)),"
                " tagged(item, tag) AS ("
                "  SELECT items.id, tag.value FROM items, json_each(items.agencies) AS tag WHERE items.kind = :kind),"
                " concerns(agency, item) AS ("
                "  SELECT family.agency, tagged.item FROM tagged JOIN family ON family.member = tagged.tag"
                "  UNION SELECT everyone.agency, tagged.item"
                "  FROM tagged, (SELECT DISTINCT agency FROM family) AS everyone WHERE tagged.tag = :everyone)"
                " SELECT agency, count(*) FROM concerns GROUP BY agency",
                {"family": json.dumps(family), "kind": Kind.RECOMMENDATION.value, "everyone": ALL_AGENCIES},
            ).fetchall()
        )

    def recommendations(self, agency_id: str, *, limit: int | None = None) -> AgencyRecommendations:
        """The items filed under Learning/Recommendations that concern an agency, grouped by audit: first those
        addressed to it (or its services), then those addressed to all agencies.

        With `limit`, at most that many, from the most recently completed audits (its own first) and the totals
        beside them; found through the indexes, so the cost grows with what is shown, not with the library.
        """
        if agency_id not in {agency["id"] for agency in self._agencies}:
            raise NotFoundError(f"no agency {agency_id!r}")
        family = sorted(self.agency_family(agency_id))
        own = self._recommendation_ids(family, limit=limit)
        room = None if limit is None else max(limit - len(own), 0)
        for_all = self._recommendation_ids([ALL_AGENCIES], unless=family, limit=room)
        totals: dict[str, int] = {}
        if limit is not None and (len(own) == limit or len(for_all) == room):
            totals = {
                "own_total": self._recommendation_count(family),
                "for_all_total": self._recommendation_count([ALL_AGENCIES], unless=family),
            }
        return AgencyRecommendations(
            agency_id=agency_id,
            agency_name=self.agency_name(agency_id),
            has_services=len(family) > 1,
            own=self._by_audit(own),
            for_all=self._by_audit(for_all),
            **totals,
        )

    @staticmethod
    def _tagged(tags: Sequence[str], unless: Sequence[str]) -> tuple[str, list[str]]:
        """SQL: an item bears one of `tags` and none of `unless` (through item_agencies' key)."""
        sql = (
            "EXISTS (SELECT 1 FROM item_agencies WHERE item_agencies.item_id = items.id"
            f" AND item_agencies.agency_id IN ({','.join('?' * len(tags))}))"
        )
        if unless:
            sql += (
                " AND NOT EXISTS (SELECT 1 FROM item_agencies WHERE item_agencies.item_id = items.id"
                f" AND item_agencies.agency_id IN ({','.join('?' * len(unless))}))"
            )
        return sql, [*tags, *unless]

    def _recommendation_ids(self, tags: list[str], *, unless: Sequence[str] = (), limit: int | None) -> list[str]:
        """Recommendations bearing `tags` (not `unless`): audits newest first, each in report order, to `limit`."""
        where, params = self._tagged(tags, list(unless))
        sql = (
            "SELECT items.id FROM audits CROSS JOIN items ON items.audit_id = audits.id"
            f" WHERE items.kind = ? AND {where} ORDER BY audits.completed DESC, audits.id DESC, items.position"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        rows = self.conn.execute(sql, [Kind.RECOMMENDATION.value, *params]).fetchall()
        return [row[0] for row in rows]

    def _recommendation_count(self, tags: list[str], *, unless: Sequence[str] = ()) -> int:
        key = (tuple(tags), tuple(unless))
        if key not in self._recommendation_totals:
            where, params = self._tagged(tags, list(unless))
            self._recommendation_totals[key] = self.conn.execute(
                f"SELECT count(*) FROM items WHERE items.kind = ? AND {where}", [Kind.RECOMMENDATION.value, *params]
            ).fetchone()[0]
        return self._recommendation_totals[key]

    def _by_audit(self, item_ids: list[str]) -> tuple[RecommendationGroup, ...]:
        groups: dict[str, list[Result]] = {}
        for result in self._results(item_ids):
            groups.setdefault(result.audit.id, []).append(result)
        return tuple(
            RecommendationGroup(self._audits[audit_id], tuple(groups[audit_id]))
            for audit_id in self._audits
            if audit_id in groups
        )

    # -- glossary ----------------------------------------------------------------------------------------------
    def glossary(self, term: str | None = None) -> list[dict[str, Any]]:
        """Glossary entries: all of them without a term; else those whose term or expansion is the term
        (`"match": "term"`), then those with it as an alias (`"alias"`); only when there are none, up to five
        partial or typo-tolerant matches (`"close"`), best first. Stop words ("the", "and") never match."""
        entries = [{**entry, "aliases": json.loads(entry["aliases"])} for entry in self._glossary]
        if not term or not term.strip():
            return entries
        wanted = words(term[:MAX_GLOSSARY_TERM_CHARS])
        if not wanted:
            return []
        key = " ".join(wanted)
        exact = [index for index, names in enumerate(self._glossary_names) if key in names[:2]]
        alias = [index for index, names in enumerate(self._glossary_names) if key in names[2:] and index not in exact]
        if exact or alias:
            return [{**entries[i], "match": "term"} for i in exact] + [{**entries[i], "match": "alias"} for i in alias]
        content = [word for word in wanted if word not in STOPWORDS][:MAX_GLOSSARY_WORDS]
        if not content:
            return []
        scored = []
        for index, names in enumerate(self._glossary_names):
            matches = [found for name in names if name and (found := _name_score(content, name.split()))]
            if matches:
                best = max(matches, key=lambda found: (found[0], -found[1]))
                scored.append((best, index))
        scored.sort(key=lambda found: (-found[0][0], found[0][1], found[1]))
        return [{**entries[index], "match": "close"} for _, index in scored[:MAX_CLOSE_GLOSSARY]]

    def acronyms_in(self, text: str) -> list[dict[str, Any]]:
        """Glossary entries for the acronyms that appear in a text (for a short "acronyms" line)."""
        tokens = set(re.findall(r"[A-Za-z&]{2,}", text))
        found = []
        for entry in self._glossary:
            if entry["expansion"] and entry["term"] in tokens:
                found.append(entry)
        return found


def _name_score(wanted: list[str], name: list[str]) -> tuple[float, int] | None:
    """How well every wanted word matches a word of a glossary name: (mean similarity, words of the name left
    over); None unless each wanted word matches one (same word or stem, or a typo of a word of 4+ letters)."""
    name = [word for word in name if word not in STOPWORDS]
    if not name:
        return None
    total = 0.0
    for word in wanted:
        best = max(_word_similarity(word, other) for other in name)
        if best < CLOSE_WORD_SCORE:
            return None
        total += best
    return total / len(wanted), len(name) - len(wanted)


def _word_similarity(word: str, other: str) -> float:
    if word == other or stem(word) == stem(other):
        return 100.0
    if min(len(word), len(other)) < 4:
        return 0.0
    return fuzz.ratio(word, other, score_cutoff=CLOSE_WORD_SCORE)


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


def _analysis(query: Query) -> dict[str, Any]:
    """How a question was read: its units with their weights, concepts and notes, and what was left out."""
    return {
        "units": [
            {
                "typed": " ".join(unit.typed),
                "unit": unit.text,
                "weight": round(unit.weight, 3),
                "concepts": unit.concept.labels if unit.concept else [],
                "notes": list(unit.notes),
            }
            for unit in query.units
        ],
        "corrections": dict(query.corrections),
        "wants_kind": query.wants_kind,
        "intent": getattr(query, "intent", None),
        "ignored": list(query.ignored),
        "signposts": list(query.signposts),
        "uncounted": query.uncounted,
    }


def _explanation(query: Query, hit: Hit) -> dict[str, Any]:
    return {
        "score": round(hit.score, 4),
        "coverage": round(hit.coverage, 4),
        "bm25": round(hit.bm25, 4),
        "bonus": round(hit.bonus, 4),
        **({"cosine": round(hit.cosine, 4), "keyword": round(hit.keyword or 0.0, 4)} if hit.cosine is not None else {}),
        **({"continues": hit.continues} if hit.continues else {}),
        "corrections": dict(query.corrections),
        "units": [
            {
                **asdict(match),
                "weight": round(match.weight, 3),
                "credit": round(match.credit, 3),
                "concepts": unit.concept.labels if unit.concept else [],
                "typed": " ".join(unit.typed),
                "notes": list(unit.notes),
            }
            for unit, match in zip(query.units, hit.matches, strict=True)
        ],
    }
