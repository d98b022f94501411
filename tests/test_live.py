"""Live knowledge updates: a running bot serves a new build without a restart, and no answer fails or mixes builds."""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from knowledge.live import LiveKnowledge, SnapshotError
from knowledge.loading import bundled_data_dir
from knowledge.store import build

from .fakeslack import FakeSlack
from .slackbot import CHANNEL, RunningBot, mention

QUESTION = "children's centres CAF"  # answered from the early years audit, which build B no longer has
REMOVED = "early-years"
THREADS = 4
PER_BUILD = 5  # requests each thread must have answered from each build
MAX_REQUESTS = 20_000  # a thread stops here whatever happens, so a broken swap fails instead of hanging


@pytest.fixture
def data_b(tmp_path: Path) -> Path:
    """The bundled data without the early years audit."""
    folder = tmp_path / "data-b"
    shutil.copytree(bundled_data_dir(), folder)
    (folder / "audits" / f"{REMOVED}.yaml").unlink()
    return folder


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveKnowledge]:
    path = tmp_path / "knowledge.db"
    build(path, data_dir=bundled_data_dir())
    live = LiveKnowledge(path, check_every=0)
    yield live
    live.close()


def links(live: LiveKnowledge) -> list[Path]:
    return sorted(live.db_path.parent.glob(f".{live.db_path.name}.snapshot-*"))


def test_questions_asked_in_threads_while_a_build_replaces_the_file_never_fail_or_mix(
    live: LiveKnowledge, data_b: Path
) -> None:
    seen: list[Counter[int]] = [Counter() for _ in range(THREADS)]
    errors: list[BaseException] = []
    mixed: list[tuple[int, list[str]]] = []
    started = threading.Barrier(THREADS + 1)
    swapped = threading.Event()

    def ask(index: int) -> None:
        counts = seen[index]
        try:
            for request in range(MAX_REQUESTS):
                with live.pinned() as kb:
                    audits = {audit["id"] for audit in kb.audits()}
                    answer = kb.ask(QUESTION)
                    shown = [result.audit.id for result in answer.results]
                    if any(audit not in audits for audit in shown) or (REMOVED in audits) != bool(shown):
                        mixed.append((len(audits), shown))
                counts[len(audits)] += 1
                if request == PER_BUILD:
                    started.wait(timeout=60)
                if swapped.is_set() and counts[3] >= PER_BUILD:
                    return
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=ask, args=(index,)) for index in range(THREADS)]
    for worker in workers:
        worker.start()
    started.wait(timeout=60)  # every thread has answered from build A; now replace the file under them
    build(live.db_path, data_dir=data_b)
    assert live.refresh()
    swapped.set()
    for worker in workers:
        worker.join(timeout=120)

    assert errors == []
    assert mixed == []
    for counts in seen:
        assert counts[4] > PER_BUILD and counts[3] >= PER_BUILD, counts
        assert set(counts) == {3, 4}
    assert live.swaps == 1
    assert len(links(live)) == 1  # the old build's link went once the last request on it finished


def test_a_request_pinned_before_the_swap_keeps_reading_the_old_build_from_a_new_thread(
    live: LiveKnowledge, data_b: Path
) -> None:
    """Connections open lazily per thread: the old build must still be what a fresh thread reads."""
    with live.pinned() as old:
        build(live.db_path, data_dir=data_b)
        assert live.refresh()
        found: list[int] = []
        reader = threading.Thread(target=lambda: found.append(len(old.audits())))
        reader.start()
        reader.join()
        assert found == [4]
        assert len(links(live)) == 2  # both builds are open
    assert len(live.audits()) == 3
    assert len(links(live)) == 1


def test_refresh_does_nothing_until_the_file_changes(live: LiveKnowledge) -> None:
    assert not live.refresh()
    assert live.swaps == 0
    build(live.db_path, data_dir=bundled_data_dir())  # the same data, a new file
    assert live.refresh()
    assert not live.refresh()
    assert live.swaps == 1


def test_a_file_that_is_not_a_knowledge_database_is_refused_and_the_old_build_kept(
    live: LiveKnowledge, caplog: pytest.LogCaptureFixture
) -> None:
    replacement = live.db_path.with_name("other.db")
    sqlite3.connect(replacement).execute("CREATE TABLE something (x)").connection.commit()
    replacement.replace(live.db_path)
    with caplog.at_level(logging.WARNING, logger="knowledge.live"):
        assert not live.refresh()
        assert not live.refresh()  # refused once, not retried on every check
    assert [record.getMessage() for record in caplog.records] == [
        f"Keeping the knowledge being served: {live.db_path} is not a knowledge database"
    ]
    assert len(live.audits()) == 4
    assert len(links(live)) == 1


def test_a_database_from_another_version_is_refused(live: LiveKnowledge) -> None:
    with sqlite3.connect(live.db_path) as conn:  # rewritten in place: a new size/mtime, the same inode
        conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
        conn.execute("CREATE TABLE padding (x)")
    assert not live.refresh()
    assert len(live.audits()) == 4


def test_no_database_at_all_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="no knowledge database at"):
        LiveKnowledge(tmp_path / "missing.db")
    assert list(tmp_path.iterdir()) == []


@dataclass
class Rebuilding:
    """A copy of the bundled data, a database built from it, and a LiveKnowledge rebuilding it when it changes."""

    folder: Path
    path: Path
    live: LiveKnowledge


@pytest.fixture
def rebuilding(tmp_path: Path) -> Iterator[Rebuilding]:
    folder = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), folder)
    path = tmp_path / "knowledge.db"
    build(path, data_dir=folder)
    live = LiveKnowledge(path, data_dir=folder, rebuild=True, check_every=0)
    try:
        yield Rebuilding(folder, path, live)
    finally:
        live.close()


def test_a_changed_data_folder_is_rebuilt_and_served(rebuilding: Rebuilding) -> None:
    assert not rebuilding.live.refresh()
    (rebuilding.folder / "audits" / f"{REMOVED}.yaml").unlink()
    assert rebuilding.live.refresh()
    assert len(rebuilding.live.audits()) == 3


def test_a_changed_data_folder_with_an_error_keeps_the_old_build(
    rebuilding: Rebuilding, caplog: pytest.LogCaptureFixture
) -> None:
    (rebuilding.folder / "audits" / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="knowledge.live"):
        assert not rebuilding.live.refresh()
    assert "still serving the previous build" in caplog.text
    assert "broken.yaml" in caplog.text
    assert len(rebuilding.live.audits()) == 4


def test_a_rebuild_replaces_only_its_own_database_and_stamps_each_build(
    rebuilding: Rebuilding, caplog: pytest.LogCaptureFixture
) -> None:
    from knowledge.store import APPLICATION_ID, is_knowledge_database

    (rebuilding.folder / "audits" / f"{REMOVED}.yaml").unlink()
    assert rebuilding.live.refresh()  # its own database, rebuilt over a snapshot's hard link
    with sqlite3.connect(rebuilding.path) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    # Someone's own file now sits at the path: the next rebuild must not replace it.
    theirs = b"notes that are not a knowledge database\n"
    rebuilding.path.unlink()
    rebuilding.path.write_bytes(theirs)
    (rebuilding.folder / "audits" / "families-multiple-needs.yaml").unlink()
    with caplog.at_level(logging.WARNING, logger="knowledge.live"):
        assert not rebuilding.live.refresh()
    assert rebuilding.path.read_bytes() == theirs
    assert "refusing to replace" in caplog.text
    assert len(rebuilding.live.audits()) == 3  # the last good build is still served
    assert not is_knowledge_database(rebuilding.path)


def test_links_left_by_an_ended_process_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "knowledge.db"
    build(path, data_dir=bundled_data_dir())
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".knowledge.db.snapshot-{int(ended.stdout)}-1"
    stale.hardlink_to(path)
    live = LiveKnowledge(path, check_every=0)
    try:
        assert not stale.exists()
        assert len(links(live)) == 1
    finally:
        live.close()
    assert links(live) == []


def test_the_slack_app_answers_from_the_new_build_without_a_restart(
    live: LiveKnowledge, data_b: Path, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    with RunningBot(live, fake_slack, tmp_path / "state.db") as bot:  # type: ignore[arg-type]
        assert bot.send_event(mention(QUESTION)).status == 200
        fake_slack.wait_for("chat.postMessage", 1)
        build(live.db_path, data_dir=data_b)
        assert live.refresh()
        assert bot.send_event(mention(QUESTION)).status == 200
        bot.drain()
    posts = [call.args for call in fake_slack.calls_to("chat.postMessage") if call.args.get("channel") == CHANNEL]
    assert len(posts) == 2
    first, second = (json.dumps(post) for post in posts)
    assert "Early Years" in first and "Early Years" not in second
    assert "Nothing in the audits answers that" in second


def test_the_open_knowledge_is_put_beyond_the_collector_and_a_swapped_out_build_is_freed(
    live: LiveKnowledge,
) -> None:
    import gc
    import weakref

    assert gc.get_freeze_count() > 0  # settled once opened
    first = weakref.ref(live.current())
    build(live.db_path, data_dir=bundled_data_dir())
    assert live.refresh()
    assert gc.get_freeze_count() > 0
    assert first() is None  # the old build is let go of at the swap
