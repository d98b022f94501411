"""Building the knowledge database: atomic, rebuilt when the data's content changes."""

from __future__ import annotations

import gc
import shutil
import sqlite3
from pathlib import Path

import pytest

from knowledge.loading import DataError, bundled_data_dir
from knowledge.store import build, collection_paused, ensure_database, read_meta


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), target)
    return target


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_build_writes_every_table(tmp_path: Path, data: Path) -> None:
    db = tmp_path / "kb.db"
    build(db, data_dir=data)
    assert count(db, "audits") == 4
    # The report's 62 bullets, then each audit's purpose, priority or introduction the bullets do not already hold.
    assert count(db, "items") == 62 + 6
    with sqlite3.connect(db) as conn:
        added = conn.execute(
            "SELECT id, kind, section FROM items WHERE id NOT IN (SELECT id FROM items WHERE id GLOB '*-[fcr][0-9]*')"
            " ORDER BY rowid"
        ).fetchall()
    assert {(kind, section) for _, kind, section in added} == {("context", "Why this audit was done")}
    assert [item_id for item_id, _, _ in added] == [
        "early-years-purpose",
        "early-years-introduction",
        "children-with-disabilities-priority",
        "cse-mase-purpose",
        "cse-mase-priority",
        "families-multiple-needs-priority",
    ]
    assert count(db, "item_themes") >= 62
    assert count(db, "item_agencies") >= 62
    for table in ("agencies", "themes", "glossary", "thesaurus", "facts", "words"):
        assert count(db, table) > 0, table
    with sqlite3.connect(db) as conn:
        hits = conn.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'complianc'").fetchone()[0]
    assert hits >= 2


def test_a_failed_build_keeps_the_previous_database(tmp_path: Path, data: Path) -> None:
    db = tmp_path / "kb.db"
    build(db, data_dir=data)
    before = db.read_bytes()
    (data / "agencies.yaml").write_text("agencies: [{id: Bad Id}]\n", encoding="utf-8")
    with pytest.raises(DataError):
        build(db, data_dir=data)
    assert db.read_bytes() == before
    assert not [path for path in tmp_path.iterdir() if path.name.endswith(".building")]


def test_missing_database_is_built_and_a_current_one_is_kept(tmp_path: Path, data: Path) -> None:
    db = tmp_path / "sub" / "kb.db"
    ensure_database(db, data_dir=data)
    built_at = read_meta(db)["built_at"]
    inode = db.stat().st_ino
    ensure_database(db, data_dir=data)
    assert db.stat().st_ino == inode
    assert read_meta(db)["built_at"] == built_at


def test_a_content_change_rebuilds_even_with_an_older_mtime(tmp_path: Path, data: Path) -> None:
    db = tmp_path / "kb.db"
    ensure_database(db, data_dir=data)
    old_hash = read_meta(db)["content_hash"]
    path = data / "glossary.yaml"
    stat = path.stat()
    path.write_text(path.read_text(encoding="utf-8") + "\n# reviewed\n", encoding="utf-8")
    import os

    os.utime(path, (stat.st_atime - 86400, stat.st_mtime - 86400))
    ensure_database(db, data_dir=data)
    assert read_meta(db)["content_hash"] != old_hash


def test_invalid_data_with_an_old_database_keeps_serving_it(tmp_path: Path, data: Path) -> None:
    db = tmp_path / "kb.db"
    ensure_database(db, data_dir=data)
    before = db.read_bytes()
    (data / "themes.yaml").write_text("themes: nonsense\n", encoding="utf-8")
    assert ensure_database(db, data_dir=data) == db
    assert db.read_bytes() == before


def test_invalid_data_without_a_database_raises(tmp_path: Path, data: Path) -> None:
    (data / "themes.yaml").write_text("themes: nonsense\n", encoding="utf-8")
    with pytest.raises(DataError):
        ensure_database(tmp_path / "kb.db", data_dir=data)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_build_pauses_the_cyclic_collector_and_restores_it(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        with pytest.raises(RuntimeError), collection_paused():
            assert not gc.isenabled()
            raise RuntimeError("the build failed")
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
