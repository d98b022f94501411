"""`knowledge.serialising`: the one JSON encoder behind every `--json`."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from knowledge.base import KnowledgeBase
from knowledge.serialising import agencies_json, dumps


@dataclass(frozen=True)
class Pair:
    name: str
    count: int


class Reported:
    def to_json(self) -> dict[str, int]:
        return {"answers": 2}


class Measured:
    def as_dict(self) -> dict[str, float]:
        return {"mrr": 0.5}


def test_dumps_writes_data_dataclasses_and_reports_with_non_ascii_kept() -> None:
    text = dumps({"pairs": [Pair("Children’s social care", 3)], "report": Reported(), "eval": Measured()})
    assert "Children’s social care" in text  # not \u2019
    assert json.loads(text) == {
        "pairs": [{"name": "Children’s social care", "count": 3}],
        "report": {"answers": 2},
        "eval": {"mrr": 0.5},
    }


def test_dumps_refuses_what_it_cannot_write() -> None:
    with pytest.raises(TypeError, match="object is not JSON serialisable"):
        dumps({"what": object()})


def test_the_listing_shapes(kb: KnowledgeBase) -> None:
    agencies = json.loads(dumps(agencies_json("the moon", kb.agencies())))
    assert agencies["agency"] is None and agencies["query"] == "the moon"
    assert {"id", "name", "description", "count"} == set(agencies["agencies"][0])
    police = kb.resolve_agency("police")
    assert police is not None
    shaped = json.loads(dumps(kb.recommendations(police)))
    assert shaped["agency"] == {"id": police, "name": "Police"}
    groups = shaped["addressed_to_agency"] + shaped["for_all_agencies"]
    assert groups and all(set(group["audit"]) >= {"id", "title", "completed"} for group in groups)
