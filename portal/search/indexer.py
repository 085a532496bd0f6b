"""The indexer of an index folder: applies the change log in order, rebuilds when it must.

Features hand it two functions: `load(db, ids)` gives the current document for each id (None when
it should leave the index), and `all_ids(db)` lists every document for a rebuild.
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlmodel import Session

from portal.database import Sessions
from portal.search import changes
from portal.search.index import SearchIndex

log = logging.getLogger("portal.search")
BATCH = 500

Load = Callable[[Session, list[str]], dict[str, dict | None]]
AllIds = Callable[[Session], list[str]]


class IndexerLock:
    """An exclusive lock on a file beside the index: whoever holds it is the indexer for now."""

    def __init__(self, folder: Path):
        self.path = folder.with_name(folder.name + ".indexer.lock")
        self._file = None

    def acquire(self, wait: bool = False) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class Indexer:
    def __init__(self, index: SearchIndex, index_name: str, sessions: Sessions, load: Load, all_ids: AllIds):
        self.index = index
        self.index_name = index_name
        self.sessions = sessions
        self.load = load
        self.all_ids = all_ids

    def tick(self) -> None:
        """What each worker does every second: offer to index, then get ready for the version it will search."""
        self.step()
        self.index.warm()

    def step(self, wait: bool = False) -> int:
        """Rebuild a missing or broken index, else apply what changed; returns documents touched.

        Any worker may call this every second: the lock lets one of them do the work at a time, and
        the others (or a caller that will not wait) skip their turn.
        """
        lock = IndexerLock(self.index.folder)
        if not lock.acquire(wait):
            return 0
        try:
            if not self.index.healthy():
                log.warning("search index %s is missing, broken or of an older format: rebuilding", self.index_name)
                return self.rebuild()
            if self.index.idle_seconds() > changes.KEEP.total_seconds() and self._has_pending():
                # Changes older than the log keeps may have been pruned before this index saw them.
                log.warning("search index %s was not updated for a week: rebuilding", self.index_name)
                return self.rebuild()
            return self.catch_up()
        finally:
            lock.release()

    def _has_pending(self) -> bool:
        with self.sessions() as db:
            return bool(changes.pending(db, self.index_name, self.index.applied_seq(), 1))

    def catch_up(self) -> int:
        applied, touched = self.index.applied_seq(), 0
        while True:
            with self.sessions() as db:
                pending = changes.pending(db, self.index_name, applied, BATCH)
                if not pending:
                    return touched
                ids = list(dict.fromkeys(doc_id for _, doc_id in pending))
                documents = self.load(db, ids)
            updated = [doc for doc in documents.values() if doc is not None]
            deleted = [doc_id for doc_id in ids if documents.get(doc_id) is None]
            applied = pending[-1][0]
            self.index.apply(updated, deleted, applied)
            touched += len(ids)

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        with self.sessions() as db:
            # Changes after this point are applied by the next catch_up, so none is lost.
            applied = changes.last_seq(db)
            ids = self.all_ids(db)
        count = self.index.rebuild(self._documents(ids), applied, progress)
        log.info("search index %s rebuilt: %d documents", self.index_name, count)
        return count

    def _documents(self, ids: list[str]) -> Iterable[dict]:
        for start in range(0, len(ids), BATCH):
            with self.sessions() as db:
                documents = self.load(db, ids[start:start + BATCH])
            yield from (doc for doc in documents.values() if doc is not None)
