"""Theme-like topics for questions the audits do not cover, so the board can count them without the text.

`topic_of` names a question's topic: the first theme the question named (themes are the audits' own topics), else
the first topic in `data/topics.yaml` with a keyword in the question, else `other`. Only the topic id is ever kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from knowledge.models import Slug, Word

TOPICS_FILE = Path(__file__).resolve().parent / "data" / "topics.yaml"
OTHER = "other"
OTHER_NAME = "Other topics"
MAX_QUESTION_CHARS = 2000


class Topic(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Slug
    name: Word
    keywords: tuple[Word, ...] = Field(min_length=1)


class TopicFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    topics: tuple[Topic, ...] = Field(min_length=1)


TOPIC_FILE_ADAPTER = TypeAdapter(TopicFile)


class TopicFileError(ValueError):
    """topics.yaml cannot be used; `lines` has one `file: record: field: message` per problem."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def load_topics(path: Path = TOPICS_FILE) -> tuple[Topic, ...]:
    """The topics in `path`; raises `TopicFileError` naming file, record and field for each problem."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TopicFileError([f"{path}: (file): (yaml): {exc}"]) from None
    try:
        topics = TOPIC_FILE_ADAPTER.validate_python(raw).topics
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            loc = error["loc"]
            record = "(file)"
            if len(loc) >= 2 and loc[0] == "topics" and isinstance(loc[1], int):
                entry = raw["topics"][loc[1]] if isinstance(raw, dict) else None
                record = f"topic {entry.get('id', loc[1]) if isinstance(entry, dict) else loc[1]}"
                loc = loc[2:]
            field = ".".join(str(part) for part in loc) or "(record)"
            lines.append(f"{path}: {record}: {field}: {error['msg']}")
        raise TopicFileError(lines) from None
    ids = [topic.id for topic in topics]
    duplicates = sorted({ident for ident in ids if ids.count(ident) > 1})
    if duplicates:
        raise TopicFileError([f"{path}: topic {ident}: id: duplicate id" for ident in duplicates])
    return topics


@cache
def _bundled() -> tuple[tuple[Topic, ...], tuple[tuple[re.Pattern[str], str], ...]]:
    topics = load_topics()
    patterns = tuple(
        (re.compile(r"\b(?:" + "|".join(re.escape(word.lower()) for word in topic.keywords) + r")\b"), topic.id)
        for topic in topics
    )
    return topics, patterns


def topic_of(question: str, *, themes: Sequence[str] = ()) -> str:
    """The topic id to count a question under (never the question); `themes` are the themes it named."""
    if themes:
        return sorted(themes)[0]
    text = " ".join(question[:MAX_QUESTION_CHARS].lower().split())
    for pattern, topic_id in _bundled()[1]:
        if pattern.search(text):
            return topic_id
    return OTHER


def topic_name(topic_id: str) -> str:
    """A topic's name (the id itself for a topic no longer in the file)."""
    if topic_id == OTHER:
        return OTHER_NAME
    return next((topic.name for topic in _bundled()[0] if topic.id == topic_id), topic_id)
