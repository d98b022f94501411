"""Clumsy and hostile command lines: `--db` pointed at the wrong thing, broken data files, unusable state paths.

Every case ends with one line that names the path and the problem, exit code 1, no traceback, and whatever was
there before (a text file, a pipe, the previous knowledge database) left exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli, global_options_first
from knowledge.loading import bundled_data_dir
from knowledge.store import APPLICATION_ID, build, read_meta

from .fakeslack import FakeSlack
from .slackbot import BOT_TOKEN, SIGNING_SECRET

ROOT = Path(__file__).resolve().parents[1]


def invoke(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args, env=env)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


# -- 5. --db replaces only its own knowledge database -----------------------------------------------------------------
def text_file(tmp: Path) -> Path:
    path = tmp / "notes.txt"
    path.write_text("my notes: do not lose\n")
    return path


def fifo(tmp: Path) -> Path:
    path = tmp / "pipe.db"
    os.mkfifo(path)
    return path


def directory(tmp: Path) -> Path:
    path = tmp / "folder.db"
    path.mkdir()
    return path


def link_to_dev_null(tmp: Path) -> Path:
    path = tmp / "null.db"
    path.symlink_to("/dev/null")
    return path


def other_sqlite(tmp: Path) -> Path:
    path = tmp / "someone-elses.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE accounts (name TEXT)")
        conn.execute("INSERT INTO accounts VALUES ('keep me')")
    conn.close()
    return path


def under_a_file(tmp: Path) -> Path:
    return text_file(tmp) / "k.db"


NOT_OURS = "it is not a knowledge database built by learning-bot (choose another --db or remove it)"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (text_file, "refusing to replace {path}: " + NOT_OURS),
        (other_sqlite, "refusing to replace {path}: " + NOT_OURS),
        (fifo, "refusing to replace {path}: it is a device, pipe or socket, not a file"),
        (directory, "Invalid value for '--db': File '{path}' is a directory."),  # click's own check, exit 2
        (link_to_dev_null, "refusing to replace {path}: it is a symbolic link (point --db at the file itself)"),
        (under_a_file, "cannot use {path} as the knowledge database: not a directory"),
    ],
    ids=["text file", "another SQLite database", "named pipe", "directory", "link to /dev/null", "under a file"],
)
@pytest.mark.parametrize("command", [["build"], ["ask", "pre-verbal"]], ids=["build", "ask"])
def test_db_never_replaces_what_is_not_its_own(
    tmp_path: Path, make: Callable[[Path], Path], message: str, command: list[str]
) -> None:
    path = make(tmp_path)
    before = {p: (p.lstat().st_mode, p.read_bytes() if p.is_file() else None) for p in tmp_path.rglob("*")}
    code, output = invoke(["--db", str(path), *command])
    if make is directory:
        assert code == 2 and output.endswith(f"Error: {message.format(path=path)}\n")
    else:
        assert (code, output) == (1, f"Error: {message.format(path=path)}\n")
    after = {p: (p.lstat().st_mode, p.read_bytes() if p.is_file() else None) for p in tmp_path.rglob("*")}
    assert after == before  # nothing replaced, and no temporary file left behind
    assert os.stat("/dev/null").st_rdev == os.makedev(1, 3)


def test_db_in_an_unwritable_place_is_one_line() -> None:
    code, output = invoke(["--db", "/proc/k.db", "build"])
    assert (code, output) == (
        1,
        "Error: cannot write the knowledge database /proc/k.db: cannot create a file in /proc"
        " (no such file or directory)\n",
    )


def test_db_rebuilds_its_own_database_and_older_ones(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    build(path, data_dir=bundled_data_dir())
    assert int.from_bytes(path.read_bytes()[68:72], "big") == APPLICATION_ID
    with sqlite3.connect(path) as conn:  # as built before the stamp: only the meta table says what it is
        conn.execute("PRAGMA application_id=0")
    conn.close()
    assert invoke(["--db", str(path), "build"])[0] == 0
    assert int.from_bytes(path.read_bytes()[68:72], "big") == APPLICATION_ID
    empty = tmp_path / "empty.db"
    empty.touch()  # an empty file holds nothing to lose
    assert invoke(["--db", str(empty), "build"])[0] == 0


@pytest.mark.parametrize("name", ["a#b.db", "a?b.db", "a%20b.db", "a b.db"])
def test_db_paths_with_uri_characters_work(tmp_path: Path, name: str) -> None:
    code, output = invoke(["--db", str(tmp_path / name), "ask", "pre-verbal children"])
    assert code == 0 and "pre-verbal" in output
    assert sorted(path.name for path in tmp_path.iterdir()) == [name]  # no stray file made from half the name


# -- 6. data-file edge cases -------------------------------------------------------------------------------------
AUDIT = "audits/early-years.yaml"


def symlink_loop(data: Path) -> tuple[Path, str]:
    path = data / "audits/loop.yaml"
    path.symlink_to(path.name)
    return path, "(file): (file): a symbolic link loop"


def yaml_directory(data: Path) -> tuple[Path, str]:
    path = data / "audits/folder.yaml"
    path.mkdir()
    return path, "(file): (file): a directory, not a file"


def named_pipe(data: Path) -> tuple[Path, str]:
    path = data / "audits/pipe.yaml"
    os.mkfifo(path)
    return path, "(file): (file): a named pipe (FIFO), not a file"


def dev_zero(data: Path) -> tuple[Path, str]:
    path = data / "themes.yaml"
    path.unlink()
    path.symlink_to("/dev/zero")
    return path, "(file): (file): a character device, not a file"


def huge_integer(data: Path) -> tuple[Path, str]:
    path = data / AUDIT
    path.write_text(path.read_text().replace("cases_audited: 10", "cases_audited: 1" + "0" * 5000))
    return path, "line 8: cases_audited: a number of 5001 digits is too large"


def replace_first_text(data: Path, make: Callable[[str], list[str]]) -> tuple[Path, int]:
    """Put `make(line)` in place of the audit file's first `text:` line; return the file and that line's index."""
    path = data / AUDIT
    lines = path.read_text().splitlines(keepends=True)
    at = next(index for index, line in enumerate(lines) if line.startswith("  text:"))
    lines[at : at + 1] = make(lines[at])
    path.write_text("".join(lines))
    return path, at


def duplicate_text(data: Path) -> tuple[Path, str]:
    path, at = replace_first_text(data, lambda line: [line, "  text: Something nobody wrote.\n"])
    return path, f"line {at + 2}: text: duplicate key (first given on line {at + 1}; one would replace the other)"


def nul_in_text(data: Path) -> tuple[Path, str]:
    path, at = replace_first_text(data, lambda line: ['  text: "All cases\\0 were seen."\n'])
    return path, f"line {at + 1}: text: control character U+0000 in text"


def raw_control_character(data: Path) -> tuple[Path, str]:
    path, at = replace_first_text(data, lambda line: ["  text: All cases\x07 were seen.\n"])
    return path, f"line {at + 1}: (yaml): control character U+0007 is not allowed"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), target)
    return target


@pytest.mark.parametrize(
    "spoil",
    [
        symlink_loop,
        yaml_directory,
        named_pipe,
        dev_zero,
        huge_integer,
        duplicate_text,
        nul_in_text,
        raw_control_character,
    ],
)
def test_a_spoiled_data_file_is_one_line_and_the_old_database_is_kept(
    data: Path, tmp_path: Path, spoil: Callable[[Path], tuple[Path, str]]
) -> None:
    db = tmp_path / "knowledge.db"
    build(db, data_dir=data)
    built = read_meta(db)
    path, problem = spoil(data)
    for command in (["check"], ["build"]):
        # A real process with a timeout: a FIFO used to hang the read, /dev/zero to fill memory until killed.
        result = subprocess.run(
            [sys.executable, "-m", "bot", "--data", str(data), "--db", str(db), *command],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert result.returncode == 1, result.stderr
        assert result.stderr == f"{path}: {problem}\n1 problem(s) in the data files; nothing was built.\n"
        assert "Traceback" not in result.stdout + result.stderr
    assert read_meta(db) == built  # the previous database is untouched


def test_serve_reports_a_data_problem_as_such(data: Path, tmp_path: Path, fake_slack: FakeSlack) -> None:
    path, problem = symlink_loop(data)
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake_slack.url}
    code, output = invoke(["--data", str(data), "--db", str(tmp_path / "k.db"), "serve", "--http", "--port", "0"], env)
    assert code == 1
    assert f"{path}: {problem}" in output
    assert "could not reach Slack" not in output
    assert fake_slack.calls == []


# -- 7. one-line errors for state paths and question files --------------------------------------------------------
def junk_file(tmp: Path) -> Path:
    path = tmp / "junk.db"
    path.write_text("this is not a database " * 100)
    return path


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["insights", "--state", "{junk}"], {}, "cannot use {junk} as the state database: file is not a database"),
        (
            ["feedback", "report", "--state", "{junk}"],
            {},
            "cannot use {junk} as the state database: file is not a database",
        ),
        (
            ["digest", "preview"],
            {"LEARNING_BOT_STATE": "{dir}"},
            "cannot use {dir} as the state database: it is a directory",
        ),
        (
            ["digest", "post"],
            {"LEARNING_BOT_STATE": "/proc/s.db", "SLACK_BOT_TOKEN": BOT_TOKEN, "DIGEST_CHANNEL": "C0000CHAN"},
            "cannot use /proc/s.db as the state database: cannot create a file in /proc (no such file or directory)",
        ),
        (
            ["serve", "--http", "--port", "0"],
            {"LEARNING_BOT_STATE": "{dir}", "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET},
            "cannot use {dir} as the state database: it is a directory",
        ),
        (
            ["serve", "--http", "--port", "0"],
            {"LEARNING_BOT_STATE": "/proc/s.db", "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET},
            "cannot use /proc/s.db as the state database: cannot create a file in /proc (no such file or directory)",
        ),
        (["eval", "{questions}"], {}, "{questions}: questions: the list is empty (nothing to evaluate)"),
        (["eval", "{pipe}"], {}, "{pipe}: cannot read it (a named pipe (FIFO), not a file)"),
    ],
    ids=[
        "insights junk",
        "feedback junk",
        "digest directory",
        "digest /proc",
        "serve directory",
        "serve /proc",
        "eval empty",
        "eval FIFO",
    ],
)
def test_unusable_paths_are_one_line(
    kb_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    places = {"junk": junk_file(tmp_path), "dir": tmp_path / "state-dir", "questions": tmp_path / "questions.yaml"}
    places["dir"].mkdir()
    places["questions"].write_text("questions: []\n")
    places["pipe"] = tmp_path / "questions.fifo"
    os.mkfifo(places["pipe"])  # reading it would wait for a writer for ever
    junk_before = places["junk"].read_bytes()
    code, output = invoke(
        ["--db", str(kb_path), *(arg.format(**places) for arg in args)],
        {name: value.format(**places) for name, value in env.items()},
    )
    assert (code, output) == (1, f"Error: {message.format(**places)}\n")
    assert places["junk"].read_bytes() == junk_before


# -- 10. global options after the subcommand ------------------------------------------------------------------------
def test_global_options_are_accepted_after_the_subcommand(kb_path: Path, tmp_path: Path) -> None:
    code, output = invoke(["ask", "pre-verbal children", "--db", str(kb_path)])
    assert code == 0 and "pre-verbal" in output
    code, output = invoke(["themes", f"--db={kb_path}", "--data", str(bundled_data_dir())])
    assert code == 0 and "Voice of the child" in output
    assert global_options_first(["ask", "--", "--db", "x"]) == ["ask", "--", "--db", "x"]
    assert global_options_first(["feedback", "report", "--db", "k.db", "--json"]) == [
        "--db",
        "k.db",
        "feedback",
        "report",
        "--json",
    ]
