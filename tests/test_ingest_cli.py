"""`learning-bot ingest` on the command line: garbage in gets one clear line and writes nothing, existing
files are never replaced without --force, and drafts go through `check` and `build` to be searchable."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from knowledge.loading import bundled_data_dir

from .conftest import SEED

DRAFTS = ["children-with-disabilities.yaml", "cse-mase.yaml", "early-years.yaml", "families-with-multiple-needs.yaml"]


def run(*args: str, db: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the bundled data directory that a test may write drafts into."""
    return Path(shutil.copytree(bundled_data_dir(), tmp_path / "data"))


def names(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir()) if directory.exists() else []


def docx_without_audits(path: Path) -> Path:
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "word/document.xml",
            f"<w:document {ns}><w:body><w:p><w:r><w:t>Minutes of the meeting</w:t></w:r></w:p></w:body></w:document>",
        )
    return path


GARBAGE = {
    "empty.txt": (b"", "Error: empty.txt is empty"),
    "binary.txt": (bytes(range(256)) * 16, "Error: binary.txt is a binary file, not a text report"),
    "prose.txt": (
        b"Minutes of the meeting\n\nThe board met on Tuesday and agreed the budget. Nothing else was discussed.\n",
        "Error: prose.txt: found no audits (expected audit headings followed by 'Findings' or",
    ),
    "table-only.txt": (
        b"Neglect audit\t7 cases audited.\tCompleted March 2018\n\nNothing else.\n",
        "Error: table-only.txt: the summary table lists 1 audit(s) but no audit heading in the body",
    ),
    "report.pdf": (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "Error: report.pdf is a damaged or unreadable PDF"),
    "broken.docx": (b"PK\x03\x04 truncated", "Error: broken.docx is not a Word (.docx) file"),
}


@pytest.mark.parametrize("name", list(GARBAGE))
def test_garbage_gets_one_line_a_non_zero_exit_and_writes_nothing(kb_path: Path, tmp_path: Path, name: str) -> None:
    data, message = GARBAGE[name]
    report = tmp_path / name
    report.write_bytes(data)
    out = tmp_path / "out"
    code, stdout, stderr = run("ingest", str(report), "--out", str(out), db=kb_path)
    assert code == 1
    assert stdout == ""
    assert stderr.startswith(message)
    assert "Traceback" not in stderr
    if name in {"prose.txt", "table-only.txt"}:  # nothing found: what was seen, and why it is no audit
        assert "\nWhat the report holds:\n" in stderr and "\nWhy none became an audit:\n" in stderr
    else:
        assert stderr.count("\n") == 1
    assert names(out) == []


def test_a_word_file_with_no_audits(kb_path: Path, tmp_path: Path) -> None:
    report = docx_without_audits(tmp_path / "minutes.docx")
    code, _, stderr = run("ingest", str(report), "--out", str(tmp_path / "out"), db=kb_path)
    assert code == 1
    assert stderr.startswith("Error: minutes.docx: found no audits")
    assert names(tmp_path / "out") == []


def test_a_missing_report_is_a_usage_error(kb_path: Path, tmp_path: Path) -> None:
    code, _, stderr = run("ingest", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "out"), db=kb_path)
    assert code == 2
    assert "does not exist" in stderr


def test_the_seed_writes_four_drafts_and_reports_them(kb_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "drafts"
    code, stdout, stderr = run("ingest", str(SEED), "--out", str(out), db=kb_path)
    assert code == 0, stderr
    assert names(out) == DRAFTS
    assert "Read lscb-multi-agency-audits-2016-17.txt (text): 4 audit(s), 62 item(s)" in stdout
    assert "cse-mase.yaml: CSE/MASE (line 69; 12 finding, 5 recommendation)" in stdout
    assert "Not placed" not in stdout
    assert '"# suggested: confirm"' in stdout


def test_existing_files_are_never_replaced_without_force(kb_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "drafts"
    out.mkdir()
    (out / "cse-mase.yaml").write_text("# a reviewer's edits\n", encoding="utf-8")
    code, stdout, stderr = run("ingest", str(SEED), "--out", str(out), db=kb_path)
    assert code == 1 and stdout == ""
    assert stderr == f"Error: 1 file(s) already exist: {out / 'cse-mase.yaml'}; nothing was written (use --force)\n"
    assert names(out) == ["cse-mase.yaml"]  # all or nothing: the other three were not written either
    assert (out / "cse-mase.yaml").read_text(encoding="utf-8") == "# a reviewer's edits\n"

    code, _, _ = run("ingest", str(SEED), "--out", str(out), "--force", db=kb_path)
    assert code == 0
    assert names(out) == DRAFTS
    assert (out / "cse-mase.yaml").read_text(encoding="utf-8").startswith("# Draft written by `learning-bot ingest`")


def test_dry_run_writes_nothing_and_says_which_files_exist(data_copy: Path, tmp_path: Path) -> None:
    before = names(data_copy / "audits")
    code, stdout, _ = run("--data", str(data_copy), "ingest", str(SEED), "--dry-run", db=tmp_path / "k.db")
    assert code == 0
    assert "Would write 4 draft(s)" in stdout and "Nothing was written (--dry-run)." in stdout
    assert "early-years.yaml: Early Years Multi-Agency Audits (line 22; 8 finding, 4 recommendation)" in stdout
    assert "[exists: needs --force]" in stdout
    # The fourth audit is in the data under another file: a real run would refuse it.
    assert "is audit 'families-multiple-needs' in" in stdout and "[would be refused]" in stdout
    assert names(data_copy / "audits") == before


def test_compare_prints_the_agreement_with_the_curated_tags(kb_path: Path, tmp_path: Path) -> None:
    code, stdout, _ = run("ingest", str(SEED), "--out", str(tmp_path / "o"), "--dry-run", "--compare", db=kb_path)
    assert code == 0
    lines = [line for line in stdout.splitlines() if line.startswith("Compare with the curated items:")]
    assert [line.split(": ")[1] for line in lines] == ["agencies", "themes"]
    assert all(", precision " in line and "recall" in line and "Jaccard" in line for line in lines)
    print("\n" + "\n".join(lines))


def test_drafts_in_a_data_directory_pass_check_build_and_are_searchable(data_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "knowledge.db"
    # The default --out is the data directory's audits/ folder; three curated audits have the same ids.
    code, _, stderr = run("--data", str(data_copy), "ingest", str(SEED), db=db)
    assert code == 1 and "already in the data" in stderr
    # The fourth would go beside its curated twin under a new id: refused even with --force, nothing written.
    before = {path.name: path.read_bytes() for path in (data_copy / "audits").glob("*.yaml")}
    code, _, stderr = run("--data", str(data_copy), "ingest", str(SEED), "--force", db=db)
    assert code == 1
    assert f"is audit 'families-multiple-needs' in {data_copy / 'audits' / 'families-multiple-needs.yaml'}" in stderr
    assert {path.name: path.read_bytes() for path in (data_copy / "audits").glob("*.yaml")} == before

    (data_copy / "audits" / "families-multiple-needs.yaml").unlink()
    code, stdout, stderr = run("--data", str(data_copy), "ingest", str(SEED), "--force", db=db)
    assert code == 0, stderr
    assert str(data_copy / "audits") in stdout

    code, stdout, stderr = run("--data", str(data_copy), "check", db=db)
    assert code == 0, stderr
    assert stdout.startswith("OK: 4 audits, 62 items")
    code, _, stderr = run("--data", str(data_copy), "check", "--strict", db=db)
    assert code == 1
    assert stderr.splitlines()[-1].endswith("suggestion(s) not yet confirmed (--strict).")
    assert f"{data_copy / 'audits' / 'cse-mase.yaml'}:7: short_title: CSE/MASE (unconfirmed suggestion)" in stderr
    code, stdout, _ = run("--data", str(data_copy), "build", db=db)
    assert code == 0 and "4 audits, 62 items" in stdout

    code, stdout, _ = run("--data", str(data_copy), "ask", "significant males in assessments", "--json", db=db)
    assert code == 0
    results = json.loads(stdout)["results"]
    drafted = next(result for result in results if result["audit"]["id"] == "families-with-multiple-needs")
    assert drafted["text"] == (
        "In 4 out of 6 there were significant males in the family not adequately involved in assessments."
    )
    assert sum(result["text"] == drafted["text"] for result in results) == 1


def test_a_copy_of_an_audit_beside_its_twin_fails_check(data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "review"
    code, stdout, _ = run("--data", str(data_copy), "ingest", str(SEED), "--out", str(out), db=tmp_path / "k.db")
    assert code == 0 and "Already in the data:" in stdout  # reported, not refused: the drafts are outside the data
    shutil.copy(out / "families-with-multiple-needs.yaml", data_copy / "audits")
    code, _, stderr = run("--data", str(data_copy), "check", db=tmp_path / "k.db")
    assert code == 1
    assert "text: same text as item fmn-f1 of audit families-multiple-needs" in stderr


def test_a_report_silent_on_cases_and_month_passes_check_but_not_strict(data_copy: Path, tmp_path: Path) -> None:
    report = tmp_path / "no-table.txt"
    lines = SEED.read_text(encoding="utf-8").splitlines()
    report.write_text("\n".join(lines[:8] + lines[16:]), encoding="utf-8")  # the summary table removed
    out = data_copy / "audits"
    for path in out.glob("*.yaml"):
        path.unlink()
    (out / "early-years.yaml").write_bytes((bundled_data_dir() / "audits" / "early-years.yaml").read_bytes())
    db = tmp_path / "knowledge.db"
    code, stdout, _ = run("--data", str(data_copy), "ingest", str(report), "--out", str(tmp_path / "d"), db=db)
    assert code == 0
    draft = (tmp_path / "d" / "children-with-disabilities.yaml").read_text(encoding="utf-8")
    assert "cases_audited: null  # not stated in the report" in draft
    assert "Fill these in" not in stdout
    shutil.copy(tmp_path / "d" / "children-with-disabilities.yaml", out)
    code, stdout, stderr = run("--data", str(data_copy), "check", db=db)
    assert code == 0, stderr
    code, _, stderr = run("--data", str(data_copy), "check", "--strict", db=db)
    assert code == 1 and "children-with-disabilities.yaml:" in stderr and "(unconfirmed suggestion)" in stderr
    code, stdout, _ = run("--data", str(data_copy), "build", db=db)
    assert code == 0
    code, stdout, _ = run("--data", str(data_copy), "audits", db=db)
    assert "completed not stated, cases audited: not stated" in stdout


def test_ingest_runs_as_a_real_process_without_importing_slack(tmp_path: Path, kb_path: Path) -> None:
    code = (
        "import sys; from bot.cli import cli\n"
        "try:\n"
        f"    cli(['--db', {str(kb_path)!r}, 'ingest', {str(SEED)!r}, '--out', {str(tmp_path / 'o')!r}])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code in (0, None), exc.code\n"
        "assert not any(name.startswith(('slack_bolt', 'slack_sdk')) for name in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert names(tmp_path / "o") == DRAFTS
