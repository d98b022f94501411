"""The `learning-bot` command line, driven through click's runner and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bot.cli import cli

PRE_VERBAL = "Specific consideration should be given to evidencing the child's lived experience for pre-verbal"


def run(*args: str, db: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


def test_every_command_has_help() -> None:
    assert cli.help
    for path, command in all_commands(cli):
        assert command.help, f"{' '.join(path)} has no help text"
        result = CliRunner().invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Usage:" in result.stdout


def test_ask_answers_the_pre_verbal_question(kb_path: Path) -> None:
    code, out, _ = run("ask", "how do we hear the voice of pre-verbal children?", db=kb_path)
    assert code == 0
    first = out.split("\n2. ")[0]
    assert PRE_VERBAL in first.replace("\n   ", " ")
    assert "Families with Multiple Needs" in first
    assert "February 2017" in first


def test_ask_json_is_one_object_of_the_documented_shape(kb_path: Path) -> None:
    code, out, _ = run("ask", "disguised compliance", "--json", "--limit", "3", db=kb_path)
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"question", "results", "suggestions"}
    assert data["question"] == "disguised compliance"
    assert 1 <= len(data["results"]) <= 3
    first = data["results"][0]
    assert set(first) == {"id", "audit", "kind", "reads_as", "text", "agencies", "themes", "score"}
    assert set(first["audit"]) == {"id", "title", "completed"}
    assert first["text"] == "Elements of disguised compliance were evident in all cases."


def test_out_of_scope_gets_nothing_and_suggestions(kb_path: Path) -> None:
    code, out, _ = run("ask", "how do I book annual leave?", "--json", db=kb_path)
    data = json.loads(out)
    assert code == 0
    assert data["results"] == []
    assert any("Voice of the child" in suggestion for suggestion in data["suggestions"])


@pytest.mark.parametrize(
    "question",
    [
        "",
        "   ",
        "x" * 10_000,
        "👶🏽 voice 🧒",
        '"',
        "*",
        "NEAR(",
        "AND",
        ")",
        'voice" OR "child*',
        "NOT police",
        "child:*",
        "^voice",
        "{stems tags}: x",
        "\x00\x01",
        "<!channel> <@U123> dads?",
    ],
)
def test_awkward_questions_never_raise(kb_path: Path, question: str) -> None:
    code, out, err = run("ask", question, "--json", db=kb_path)
    assert code == 0, err
    data = json.loads(out)
    assert isinstance(data["results"], list)
    if not question.strip():
        assert data["results"] == []


def test_empty_question_says_why_in_text(kb_path: Path) -> None:
    code, out, _ = run("ask", "  ", db=kb_path)
    assert code == 0
    assert "Ask a question" in out


def test_recommendations_police_lists_exactly_police_and_all_agency_ones(kb, kb_path: Path) -> None:
    code, out, _ = run("recommendations", "police", "--json", db=kb_path)
    assert code == 0
    data = json.loads(out)
    own = [rec["id"] for group in data["addressed_to_agency"] for rec in group["recommendations"]]
    for_all = [rec["id"] for group in data["for_all_agencies"] for rec in group["recommendations"]]
    expected_own, expected_all = [], []
    for _audit, item in _items(kb):
        if item["kind"] != "recommendation":
            continue
        if "police" in item["agencies"]:
            expected_own.append(item["id"])
        elif "all-agencies" in item["agencies"]:
            expected_all.append(item["id"])
    assert sorted(own) == sorted(expected_own) and own
    assert sorted(for_all) == sorted(expected_all) and for_all
    recs = [
        rec for part in ("addressed_to_agency", "for_all_agencies") for g in data[part] for rec in g["recommendations"]
    ]
    assert any("Police should keep families" in rec["text"] for rec in recs)
    assert {rec["reads_as"] for rec in recs} == {"ask", "observation"}


def _items(kb):
    rows = kb.conn.execute("SELECT audit_id, id, kind, agencies FROM items").fetchall()
    return [(row["audit_id"], {**dict(row), "agencies": json.loads(row["agencies"])}) for row in rows]


@pytest.mark.parametrize(
    ("typed", "agency"),
    [
        ("polce", "police"),
        ("schools", "education"),
        ("NELFT", "nelft"),
        ("health visitors", "health-visiting"),
        ("Police", "police"),
    ],
)
def test_agency_names_survive_aliases_and_typos(kb_path: Path, typed: str, agency: str) -> None:
    code, out, _ = run("recommendations", typed, "--json", db=kb_path)
    assert code == 0
    assert json.loads(out)["agency"]["id"] == agency


def test_unknown_agency_lists_the_known_ones(kb_path: Path) -> None:
    code, out, _ = run("recommendations", "ministry of magic", db=kb_path)
    assert code == 2
    assert "No agency called 'ministry of magic'" in out
    assert "Police (" in out
    assert "Children's centres (" in out


def test_recommendations_text_leads_with_the_agency_then_all_agencies(kb_path: Path) -> None:
    code, out, _ = run("recommendations", "police", db=kb_path)
    assert code == 0
    assert out.startswith("Learning/Recommendations for Police: 3 addressed to it, 7 to all agencies.")
    own, for_all = out.index("Addressed to Police (3):"), out.index("For all agencies (7):")
    assert own < out.index("Police should keep families") < for_all
    assert for_all < out.index("Use of assessment tools such as the Neglect Toolkit")
    assert "CSE/MASE (completed December 2016)" in out


def test_themes_audits_glossary(kb_path: Path) -> None:
    assert "Voice of the child" in run("themes", db=kb_path)[1]
    audits = run("audits", db=kb_path)[1]
    assert "Children with Disabilities (CWD) — completed September 2016, 6 cases audited" in audits
    code, out, _ = run("glossary", "CAF", db=kb_path)
    assert code == 0 and "Common Assessment Framework" in out
    code, out, _ = run("glossary", "camhs", db=kb_path)
    assert "Child and Adolescent Mental Health Service" in out
    code, out, _ = run("glossary", "zzzz-unknown", db=kb_path)
    assert code == 2


def test_check_reports_bad_data_with_exact_lines(tmp_path: Path) -> None:
    import shutil

    from knowledge.loading import bundled_data_dir

    data = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), data)
    path = data / "agencies.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: police", "id: Police Service", 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--data", str(data), "check"])
    assert result.exit_code == 1
    assert f"{path}: agency Police Service: id: String should match pattern" in result.stderr
    result = CliRunner().invoke(cli, ["--data", str(data), "--db", str(tmp_path / "kb.db"), "build"])
    assert result.exit_code == 1
    assert not (tmp_path / "kb.db").exists()


def test_build_then_ask_in_a_real_process(tmp_path: Path) -> None:
    env_db = tmp_path / "kb.db"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(env_db), "ask", "fake cooperation", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"]
    assert env_db.exists()
    assert "slack_bolt" not in done.stderr
