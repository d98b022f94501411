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


class Row(dict):  # type: ignore[type-arg]
    """An item row that can be watched: a plain dict cannot be weakly referenced."""


def test_the_build_streams_the_rows_holding_one_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows are written and dropped a batch at a time, whatever the library's size."""
    import weakref

    from knowledge import store
    from knowledge.loading import load_knowledge
    from knowledge.tools.synthetic import synthetic_base

    monkeypatch.setattr(store, "ITEM_BATCH", 50)
    base = synthetic_base(load_knowledge(), passages=600, seed=1)
    alive: set[int] = set()
    most = 0

    def rows():  # type: ignore[no-untyped-def]
        nonlocal most
        for number, row in enumerate(base.rows()):
            watched = Row(row)
            alive.add(number)
            weakref.finalize(watched, alive.discard, number)
            most = max(most, len(alive))
            yield watched

    build(tmp_path / "kb.db", knowledge=base.knowledge, item_rows=rows())
    assert count(tmp_path / "kb.db", "items") == 600
    assert count(tmp_path / "kb.db", "item_themes") >= 600 and count(tmp_path / "kb.db", "item_agencies") >= 600
    assert most <= 2 * 50, most


def test_the_full_text_index_is_whole_and_fts5s_settings_restored(tmp_path: Path, data: Path) -> None:
    db = tmp_path / "kb.db"
    build(db, data_dir=data)
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO items_fts(items_fts) VALUES('integrity-check')")  # raises when the index is wrong
        assert dict(conn.execute("SELECT k, v FROM items_fts_config WHERE k IN ('automerge', 'hashsize')")) == {
            "automerge": 4,
            "hashsize": 1024 * 1024,
        }
        stems = conn.execute("SELECT stems FROM items WHERE rowid = 1").fetchone()[0]
        word = stems.split()[0]
        assert conn.execute(
            "SELECT count(*) FROM items_fts WHERE items_fts MATCH ?", (f'stems : "{word}"',)
        ).fetchone()[0]
