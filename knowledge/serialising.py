"""Results as JSON, for the command line's `--json`: one encoder for every result, and the shapes made here.

`dumps` writes any result: plain data, anything with a `to_json()` or `as_dict()` method (answers, reports), and
dataclasses (themes and agencies with their counts). The one listing that has no type of its own (the agencies,
when a query names none) is shaped by `agencies_json`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from knowledge.base import NamedCount


def dumps(value: object) -> str:
    """`value` as indented JSON, non-ASCII characters kept as they are."""
    return json.dumps(value, ensure_ascii=False, indent=2, default=_encode)


def _encode(value: object) -> object:
    for method in ("to_json", "as_dict"):
        if callable(getattr(value, method, None)):
            return getattr(value, method)()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def agencies_json(query: str, agencies: Sequence[NamedCount]) -> dict[str, Any]:
    """The answer to a recommendations query that names no known agency: the agencies with their counts."""
    return {"agency": None, "query": query, "agencies": list(agencies)}
