"""A Whoosh index of documents handed to us: build, update, and search it with filters inside the query.

A document is a dict: `id`, `title`, `body`, `sort` (text to order by when there are no words),
`tags` (filter terms such as "lang_es"), `low`/`high` (a number range the document covers, e.g. ages),
`points` (latitude, longitude pairs) and `stored` (a small dict given back with each hit).
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import shutil
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import fields as wf
from whoosh import index as wi
from whoosh import query as wq
from whoosh.columns import VarBytesColumn
from whoosh.scoring import BM25F

from portal.search import geo
from portal.search.analysis import analyzer, phrase_terms
from portal.search.query import Synonyms, user_query

NO_LOW, NO_HIGH = 0, 999
REFRESH_SECONDS = 1.0
APPLIED_FILE = "applied_seq"


class IndexUnavailable(Exception):
    """The index is missing or broken; it is being rebuilt, and search is limited meanwhile."""


def schema() -> wf.Schema:
    text = analyzer()
    return wf.Schema(
        id=wf.ID(stored=True, unique=True),
        title=wf.TEXT(analyzer=text, field_boost=3.0),
        body=wf.TEXT(analyzer=text),
        phrases=wf.KEYWORD(),
        tags=wf.KEYWORD(),
        low=wf.NUMERIC(int),  # (bits=16 unsigned gives wrong ranges in whoosh 2.7.5)
        high=wf.NUMERIC(int),
        sort=wf.COLUMN(VarBytesColumn()),
        points=wf.COLUMN(VarBytesColumn()),
        stored=wf.STORED(),
    )


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    all_tags: tuple[str, ...] = ()
    any_tags: tuple[tuple[str, ...], ...] = ()  # each inner group: at least one must be there
    covers: int | None = None
    near: tuple[float, float] | None = None
    within: float = 10.0
    accept: Callable[[dict], bool] | None = None  # a last check on each hit's stored dict
    offset: int = 0
    limit: int = 20


@dataclass
class Hit:
    id: str
    stored: dict
    distance: float | None = None


@dataclass
class SearchResult:
    hits: list[Hit] = field(default_factory=list)
    more: bool = False  # there are hits past this page
    total: int | None = None  # exact, when it came for free
    estimate: int = 0
    nothing_to_search: bool = False


class SearchIndex:
    """One index folder; safe to share between threads (each thread keeps its own searcher)."""

    def __init__(self, folder: Path, synonyms: Synonyms):
        self.folder = folder
        self.synonyms = synonyms
        self._local = threading.local()

    # Building and updating

    def _document(self, document: dict) -> dict:
        points = [tuple(p) for p in document.get("points") or []]
        tags = set(document.get("tags") or ()) | geo.cell_terms(points)
        words = f"{document['title']} {document.get('body', '')}"
        low = document.get("low")
        high = document.get("high")
        return {
            "id": str(document["id"]), "title": document["title"], "body": document.get("body", ""),
            "phrases": " ".join(sorted(phrase_terms(words, self.synonyms.phrases))),
            "tags": " ".join(sorted(tags)),
            "low": NO_LOW if low is None else max(NO_LOW, min(NO_HIGH, int(low))),
            "high": NO_HIGH if high is None else max(NO_LOW, min(NO_HIGH, int(high))),
            "sort": (document.get("sort") or document["title"]).casefold().encode()[:200],
            "points": geo.encode(points),
            "stored": json.dumps(document.get("stored") or {}, separators=(",", ":")),
        }

    def rebuild(self, documents: Iterable[dict], applied_seq: int, progress: Callable[[int], None] | None = None) -> int:
        """A fresh index beside the old one, swapped in when complete; returns how many documents."""
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        fresh = self.folder.with_name(self.folder.name + ".new")
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir()
        built = wi.create_in(str(fresh), schema())
        writer = built.writer(limitmb=128)
        count = 0
        for document in documents:
            writer.add_document(**self._document(document))
            count += 1
            if progress and count % 1000 == 0:
                progress(count)
        writer.commit()
        built.close()
        (fresh / APPLIED_FILE).write_text(str(applied_seq))
        old = self.folder.with_name(self.folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.folder.exists():
            os.rename(self.folder, old)
        os.rename(fresh, self.folder)
        shutil.rmtree(old, ignore_errors=True)
        return count

    def apply(self, updated: list[dict], deleted: list[str], applied_seq: int) -> None:
        """Apply a batch of changes in one commit (one commit per document would cost a segment each)."""
        index = wi.open_dir(str(self.folder))
        try:
            writer = index.writer(timeout=30)
            for doc_id in deleted:
                writer.delete_by_term("id", str(doc_id))
            for document in updated:
                writer.update_document(**self._document(document))
            writer.commit()
        finally:
            index.close()
        (self.folder / APPLIED_FILE).write_text(str(applied_seq))

    def idle_seconds(self) -> float:
        """Seconds since the index last applied a change (or was built)."""
        try:
            return time.time() - (self.folder / APPLIED_FILE).stat().st_mtime
        except OSError:
            return float("inf")

    def applied_seq(self) -> int:
        try:
            return int((self.folder / APPLIED_FILE).read_text())
        except (OSError, ValueError):
            return -1

    def healthy(self) -> bool:
        with _quiet_leaks():
            try:
                index = wi.open_dir(str(self.folder))
                index.doc_count()
                index.close()
            except Exception:  # noqa: BLE001  (any failure to open means: rebuild)
                broken = True
            else:
                broken = False
            if broken:
                gc.collect()
        return not broken and self.applied_seq() >= 0

    # Searching

    def _searcher(self):
        """This thread's searcher, reopened when the index has changed (looked at once a second)."""
        local = self._local
        searcher = getattr(local, "searcher", None)
        try:
            identity = os.stat(self.folder).st_ino  # a rebuild swaps in a new folder
        except OSError:
            raise IndexUnavailable("the index folder is missing") from None
        stale = searcher is None or local.identity != identity
        if not stale and time.monotonic() - local.checked > REFRESH_SECONDS:
            local.checked = time.monotonic()
            try:
                stale = not searcher.up_to_date()
            except Exception:  # noqa: BLE001  (a broken table of contents: reopen, which says why)
                stale = True
        if stale:
            # Not searcher.refresh(): in whoosh 2.7.5 it keeps the old segment readers, so deleted
            # and replaced documents would still be found.
            if searcher is not None:
                searcher.close()
                local.searcher = None
            searcher = self._open()
            local.searcher, local.identity, local.checked = searcher, identity, time.monotonic()
        return searcher

    def _open(self):
        failure = None
        with _quiet_leaks():
            try:
                # BM25 without length normalisation: listings are short and alike, and its tighter
                # block bound lets Whoosh skip blocks (DESIGN section 7).
                return wi.open_dir(str(self.folder)).searcher(weighting=BM25F(B=0.0, K1=1.2))
            except Exception as error:  # noqa: BLE001  (missing, half-written or corrupt: all mean unavailable)
                failure = f"{type(error).__name__}: {error}"
            gc.collect()
        raise IndexUnavailable(failure)

    def search(self, request: SearchRequest) -> SearchResult:
        text_query = user_query(request.text, self.synonyms) if request.text.strip() else None
        if request.text.strip() and text_query is None:
            return SearchResult(nothing_to_search=True)
        parts = [text_query] if text_query is not None else []
        parts += [wq.Term("tags", tag) for tag in request.all_tags]
        parts += [wq.Or([wq.Term("tags", tag) for tag in group]) for group in request.any_tags if group]
        if request.covers is not None:
            parts += [wq.NumericRange("low", None, request.covers), wq.NumericRange("high", request.covers, None)]
        if request.near is not None:
            parts.append(wq.Or([wq.Term("tags", cell) for cell in geo.cover(request.near, request.within)]))
        combined = wq.And(parts) if len(parts) > 1 else (parts[0] if parts else wq.Every())
        searcher = self._searcher()
        if searcher.doc_count() == 0:  # an empty index has no columns to read
            return SearchResult()
        if request.near is not None:
            return self._nearest(searcher, combined, request)
        if text_query is None:
            return self._in_order(searcher, combined, request)
        return self._best(searcher, combined, request)

    def _page(self, hits: Iterable[Hit], request: SearchRequest) -> tuple[list[Hit], bool]:
        page, seen = [], 0
        for hit in hits:
            if request.accept is not None and not request.accept(hit.stored):
                continue
            if seen >= request.offset:
                if len(page) == request.limit:
                    return page, True
                page.append(hit)
            seen += 1
        return page, False

    def _best(self, searcher, combined, request: SearchRequest) -> SearchResult:
        wanted = request.offset + request.limit + 1
        while True:
            results = searcher.search(combined, limit=wanted)
            scored = results.scored_length()
            hits = (Hit(stored["id"], json.loads(stored["stored"])) for stored in results)
            page, more = self._page(hits, request)
            if more or scored < wanted:
                estimate = results.estimated_length()
                return SearchResult(page, more, None if more else request.offset + len(page) if request.accept is None else None, estimate)
            wanted *= 4  # hits were turned away by `accept`: look further

    def _in_order(self, searcher, combined, request: SearchRequest) -> SearchResult:
        sort_column = searcher.reader().column_reader("sort")
        docnums = sorted(searcher.docs_for_query(combined), key=lambda n: sort_column[n])
        return self._from_docnums(searcher, docnums, request, {})

    def _nearest(self, searcher, combined, request: SearchRequest) -> SearchResult:
        points = searcher.reader().column_reader("points")
        distances = {}
        for docnum in searcher.docs_for_query(combined):
            places = geo.decode(points[docnum])
            if places:
                nearest = min(geo.miles_between(request.near, place) for place in places)
                if nearest <= request.within:
                    distances[docnum] = nearest
        ordered = sorted(distances, key=lambda n: (distances[n], n))
        return self._from_docnums(searcher, ordered, request, distances)

    def _from_docnums(self, searcher, docnums: list[int], request: SearchRequest, distances: dict) -> SearchResult:
        def hits():
            for docnum in docnums:
                stored = searcher.stored_fields(docnum)
                yield Hit(stored["id"], json.loads(stored["stored"]), distances.get(docnum))
        page, more = self._page(hits(), request)
        total = len(docnums) if request.accept is None else None
        return SearchResult(page, more, total, len(docnums))


@contextlib.contextmanager
def _quiet_leaks():
    """Whoosh leaves a file open when it fails to read a broken index; let it close without a warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        yield
