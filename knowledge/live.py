"""`LiveKnowledge`: a knowledge base that follows its database file, so a running bot serves a new build.

`learning-bot build` replaces the database file atomically (a new file renamed over the old one). A running bot
notices within `check_every` seconds (the file's identity: device, inode, size, modification time) and swaps in
a `KnowledgeBase` on the new file; with a data folder to follow, it also rebuilds the database itself when the
folder's content hash changes.

No answer is failed or mixed during a swap:
- each snapshot reads its own file. The snapshot opens a hard link to the file it was made from
  (`.knowledge.db.snapshot-PID-N` beside it), because connections are opened lazily per thread: a thread first
  touching an old snapshot after the swap must still read the old file, not the new one under the old name.
- a request pins one snapshot for its whole duration (`pinned()`); the Slack app pins around each listener, so
  the search, the result rows and the formatting all come from the same build.
- the new snapshot is opened and checked completely before it is swapped in; one that cannot be opened (not a
  knowledge database, built by another version) is logged and the current one kept.
A retired snapshot's link is removed once no request holds it; its connections close when it is dropped.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import logging
import os
import threading
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from knowledge.base import KnowledgeBase
from knowledge.loading import DataError, content_hash
from knowledge.store import SCHEMA_VERSION, BuildError, build, read_meta

logger = logging.getLogger(__name__)

DEFAULT_CHECK_SECONDS = 10.0
_SERIALS = itertools.count(1)  # link names stay unique between several LiveKnowledge objects in one process
Identity = tuple[int, int, int, int]


def settle() -> None:
    """Put every object alive now (the knowledge just opened: vocabulary, concept index, word counts) beyond the
    cyclic garbage collector, so that a full collection during a request does not walk them all again.

    What an earlier call put there is let go first and collected, so a swapped-out build is freed. At 100,000
    passages a full collection walked the open knowledge in about 23 ms, a few times in 200 questions (the p99).
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class SnapshotError(Exception):
    """A database file that cannot be served (missing, not a knowledge database, or from another version)."""


def file_identity(path: Path) -> Identity | None:
    """What changes when a file is replaced or rewritten: (device, inode, size, mtime in ns); None if missing."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


class _Snapshot:
    """One opened build of the knowledge database, with the link it reads through and its pin count."""

    def __init__(self, kb: KnowledgeBase, identity: Identity, link: Path | None, content: str) -> None:
        self.kb = kb
        self.identity = identity
        self.link = link
        self.content = content
        self.pins = 0
        self.retired = False

    def discard(self) -> None:
        if self.link is not None:
            self.link.unlink(missing_ok=True)
            self.link = None


class LiveKnowledge:
    """The current `KnowledgeBase` for a database path, swapped when the file is rebuilt; thread-safe.

    Use `pinned()` around one request; attribute access on this object (`live.ask(...)`) also works and pins
    for the duration of that one call. `data_dir` with `rebuild=True`: rebuild the database when the data
    folder's content changes (else the folder is only followed through the file that `learning-bot build` writes).
    """

    def __init__(
        self,
        db_path: Path,
        *,
        data_dir: Path | None = None,
        rebuild: bool = False,
        check_every: float = DEFAULT_CHECK_SECONDS,
        opener: Callable[[Path], KnowledgeBase] = KnowledgeBase,
    ) -> None:
        self.db_path = Path(db_path)
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.rebuild = rebuild and data_dir is not None
        self.check_every = check_every
        self._opener = opener
        self._lock = threading.Lock()
        self._refresh_lock = threading.Lock()
        self._local = threading.local()
        self._refused: Identity | None = None
        self.swaps = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        _remove_stale_links(self.db_path)
        self._current = self._open()
        settle()

    # -- snapshots ---------------------------------------------------------------------------------------------
    def _link_path(self) -> Path:
        return self.db_path.with_name(f".{self.db_path.name}.snapshot-{os.getpid()}-{next(_SERIALS)}")

    def _open(self) -> _Snapshot:
        """Open the file at `db_path` as a snapshot (through a fresh hard link); raises SnapshotError."""
        link = self._link_path()
        try:
            os.link(self.db_path, link)
        except FileNotFoundError as exc:
            raise SnapshotError(f"no knowledge database at {self.db_path}") from exc
        except OSError:  # a filesystem without hard links: read the path itself (a swap may then mix builds)
            logger.warning("cannot hard-link %s; live updates are not isolated from rebuilds", self.db_path)
            link = None
        path = link or self.db_path
        try:
            identity = file_identity(path)
            meta = read_meta(path)
            if identity is None or not meta:
                raise SnapshotError(f"{self.db_path} is not a knowledge database")
            if meta.get("schema_version") != SCHEMA_VERSION:
                raise SnapshotError(
                    f"{self.db_path} was built by another version (layout {meta.get('schema_version')},"
                    f" this bot reads {SCHEMA_VERSION}); run `learning-bot build` with this version"
                )
            kb = self._opener(path)
            for warm in (kb.themes, kb.audits, kb.agencies):  # counted now, not by the first request after the swap
                warm()
        except SnapshotError:
            if link is not None:
                link.unlink(missing_ok=True)
            raise
        except Exception as exc:
            if link is not None:
                link.unlink(missing_ok=True)
            raise SnapshotError(f"could not open {self.db_path}: {exc}") from exc
        return _Snapshot(kb, identity, link, meta.get("content_hash", ""))

    def current(self) -> KnowledgeBase:
        """The snapshot this thread has pinned, else the newest one."""
        pinned = getattr(self._local, "snapshot", None)
        return pinned.kb if pinned is not None else self._current.kb

    @contextlib.contextmanager
    def pinned(self) -> Iterator[KnowledgeBase]:
        """Hold one snapshot for a whole request (nested pins in the same thread reuse it)."""
        outer = getattr(self._local, "snapshot", None)
        if outer is not None:
            yield outer.kb
            return
        with self._lock:
            snapshot = self._current
            snapshot.pins += 1
        self._local.snapshot = snapshot
        try:
            yield snapshot.kb
        finally:
            self._local.snapshot = None
            with self._lock:
                snapshot.pins -= 1
                done = snapshot.retired and snapshot.pins == 0
            if done:
                snapshot.discard()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        with self.pinned() as kb:
            value = getattr(kb, name)
            if not isinstance(value, types.MethodType):
                return value
        return functools.partial(self._call, name)

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        with self.pinned() as kb:
            return getattr(kb, name)(*args, **kwargs)

    # -- following the file ------------------------------------------------------------------------------------
    def refresh(self) -> bool:
        """Check the database file now (rebuilding first if the data folder changed); True if a new build is served."""
        with self._refresh_lock:
            if self.rebuild:
                self._rebuild_if_changed()
            identity = file_identity(self.db_path)
            if identity is None or identity == self._current.identity or identity == self._refused:
                return False
            try:
                fresh = self._open()
            except SnapshotError as exc:
                self._refused = identity
                logger.warning("Keeping the knowledge being served: %s", exc)
                return False
            with self._lock:
                old, self._current = self._current, fresh
                old.retired = True
                done = old.pins == 0
                self.swaps += 1
            if done:
                old.discard()
            del old
            settle()
            logger.info("Now serving the knowledge database built %s", read_meta(self.db_path).get("built_at", "?"))
            return True

    def _rebuild_if_changed(self) -> None:
        assert self.data_dir is not None
        try:
            wanted = content_hash(self.data_dir)
        except OSError as exc:
            logger.warning("Cannot read the data folder %s: %s", self.data_dir, exc)
            return
        if wanted == self._current.content or read_meta(self.db_path).get("content_hash") == wanted:
            return
        try:
            build(self.db_path, data_dir=self.data_dir)
        except DataError as exc:
            logger.warning(
                "The data folder changed but has %d problem(s); still serving the previous build. First: %s",
                len(exc.lines),
                exc.lines[0] if exc.lines else "",
            )
        except BuildError as exc:
            logger.warning("The data folder changed but the rebuild failed: %s", exc)

    def start(self) -> LiveKnowledge:
        """Check every `check_every` seconds on a background thread (a no-op when `check_every` is 0)."""
        if self.check_every > 0 and self._thread is None:
            self._thread = threading.Thread(target=self._follow, name="knowledge-follower", daemon=True)
            self._thread.start()
        return self

    def _follow(self) -> None:
        while not self._stop.wait(self.check_every):
            try:
                self.refresh()
            except Exception:
                logger.exception("Checking the knowledge database for a new build failed")

    def close(self) -> None:
        """Stop following and remove this process's snapshot links."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            self._current.retired = True
            done = self._current.pins == 0
        if done:
            self._current.discard()


def _remove_stale_links(db_path: Path) -> None:
    """Remove snapshot links left by processes that have ended (a crash or a kill -9)."""
    for link in db_path.parent.glob(f".{db_path.name}.snapshot-*-*"):
        try:
            pid = int(link.name.rsplit("-", 2)[1])
        except ValueError:
            continue
        if not _alive(pid):
            link.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
