"""A Whoosh index of documents handed to us: build and update it, keep a searcher per thread, search it.

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
from pathlib import Path

from whoosh import fields as wf
from whoosh import index as wi
from whoosh import query as wq
from whoosh.columns import VarBytesColumn
from whoosh.scoring import BM25F

from portal.search import geo, whoosh_fixes
from portal.search.analysis import analyzer, phrase_terms
from portal.search.docsets import Generation
from portal.search.query import Synonyms, user_query
from portal.search.ranking import Ranking
from portal.search.requests import Hit, SearchRequest, SearchResult

__all__ = ["Hit", "IndexUnavailable", "SearchIndex", "SearchRequest", "SearchResult"]

whoosh_fixes.apply()

NO_LOW, NO_HIGH = 0, 999
REFRESH_SECONDS = 1.0
APPLIED_FILE = "applied_seq"
FORMAT_FILE = "format"
FORMAT = "3"  # what documents hold; an index of another format is rebuilt (3: term pairs, age ranges column)


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
        ages=wf.COLUMN(VarBytesColumn()),  # "low,high" again, read in one pass for age filters
        stored=wf.STORED(),
    )


FREQUENT_TAG = 50  # a tag on more than 1 document in 50 is worked out before anyone asks


class SearchIndex:
    """One index folder; safe to share between threads (each thread keeps its own searcher)."""

    def __init__(self, folder: Path, synonyms: Synonyms):
        self.folder = folder
        self.synonyms = synonyms
        self._local = threading.local()
        self._generations: dict = {}
        self._generations_lock = threading.Lock()
        self._warmed: Generation | None = None

    # Building and updating

    def _document(self, document: dict) -> dict:
        points = [tuple(p) for p in document.get("points") or []]
        tags = set(document.get("tags") or ()) | geo.cell_terms(points)
        low = document.get("low")
        high = document.get("high")
        return {
            "id": str(document["id"]), "title": document["title"], "body": document.get("body", ""),
            "phrases": " ".join(sorted(phrase_terms((document["title"], document.get("body", "")), self.synonyms.phrases))),
            "tags": " ".join(sorted(tags)),
            "low": NO_LOW if low is None else max(NO_LOW, min(NO_HIGH, int(low))),
            "high": NO_HIGH if high is None else max(NO_LOW, min(NO_HIGH, int(high))),
            "sort": (document.get("sort") or document["title"]).casefold().encode()[:200],
            "points": geo.encode(points),
            "ages": f"{NO_LOW if low is None else max(NO_LOW, min(NO_HIGH, int(low)))},{NO_HIGH if high is None else max(NO_LOW, min(NO_HIGH, int(high)))}".encode(),
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
        (fresh / FORMAT_FILE).write_text(FORMAT)
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
        return not broken and self.applied_seq() >= 0 and self._format() == FORMAT

    def _format(self) -> str:
        try:
            return (self.folder / FORMAT_FILE).read_text().strip()
        except OSError:
            return ""

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

    def warm(self) -> int:
        """Get the version this thread will search ready before visitors ask: the order by name, and
        the sets and scores that searches used on the version before (a change makes a new version,
        whose document numbers differ). Each worker calls it every second, off the request path.
        Returns how many sets and scores it carried over."""
        try:
            searcher = self._searcher()
        except IndexUnavailable:
            return 0
        if not searcher.doc_count():
            return 0
        generation = self._generation(searcher)
        column = searcher.reader().column_reader("sort")
        generation.order(lambda: list(column))
        earlier, self._warmed = self._warmed, generation
        done = 0
        if earlier is None:
            done += self._frequent_tags(generation, searcher)
        elif earlier is not generation:
            done += generation.carry_over(earlier, searcher)
        return done + generation.fill_wanted(searcher)

    def _frequent_tags(self, generation: Generation, searcher) -> int:
        """On a worker's first warm-up: the sets of the filters most searches use (languages,
        cost, categories, hours of the week), whatever the searches before it were."""
        reader, done = searcher.reader(), 0
        for text in list(reader.lexicon("tags")):
            tag = text.decode() if isinstance(text, bytes) else text
            if not tag.startswith("geo") and reader.doc_frequency("tags", tag) * FREQUENT_TAG > generation.count:
                query = wq.Term("tags", tag)
                generation.bits(repr(query), query, searcher)
                done += 1
        return done

    def version(self) -> tuple:
        """Which version of the index this thread searches now: equal versions give equal results."""
        searcher = self._searcher()
        return (self._local.identity, searcher.reader().generation(), searcher.doc_count_all())

    def _generation(self, searcher) -> Generation:
        """The shared sets of the version of the index this searcher reads."""
        key = self.version()
        generation = self._generations.get(key)
        if generation is None:
            generation = Generation(key, searcher)
            with self._generations_lock:
                self._generations = {key: generation, **{k: g for k, g in self._generations.items() if k[0] == key[0] and k[1] > key[1] - 2}}
        return generation

    def search(self, request: SearchRequest) -> SearchResult:
        concepts = user_query(request.text, self.synonyms) if request.text.strip() else None
        if request.text.strip() and concepts is None:
            return SearchResult(nothing_to_search=True)
        searcher = self._searcher()
        if searcher.doc_count() == 0:  # an empty index has no columns to read
            return SearchResult(total=0)
        generation = self._generation(searcher)
        if self._only_words(concepts, request) and not generation.has_bits(repr(concepts[0].query)):
            return self._first_time(searcher, generation, concepts[0].query, request)
        query = Ranking(searcher, generation, concepts or [], request)
        if not query.matches:
            return SearchResult(total=0)
        if request.near is not None:
            ranked = query.by_distance()
        elif concepts:
            ranked = query.by_score()
        else:
            ranked = ((docnum, None) for docnum in query.in_order())
        page, more = self._page(query.hits(ranked), request)
        exact = request.accept is None and not query.phrases
        if request.near is None:
            total = query.matches.bit_count() if exact else None
        else:
            total = request.offset + len(page) if exact and not more else None
        return SearchResult(page, more, total, query.matches.bit_count())

    @staticmethod
    def _only_words(concepts, request: SearchRequest) -> bool:
        return (bool(concepts) and len(concepts) == 1 and not concepts[0].phrase and not request.all_tags
                and not any(request.any_tags) and request.covers is None and request.near is None and request.accept is None)

    def _first_time(self, searcher, generation: Generation, query: wq.Query, request: SearchRequest) -> SearchResult:
        """One word nobody searched for on this version: Whoosh's own top documents (it may skip
        blocks of a common word's postings), and the word's set and scores left to the next warm-up."""
        generation.want(repr(query), query)
        results = searcher.search(query, limit=request.offset + request.limit + 1)
        hits = [Hit(stored["id"], json.loads(stored["stored"])) for stored in results]
        more = len(hits) > request.offset + request.limit
        page = hits[request.offset:request.offset + request.limit]
        return SearchResult(page, more, None if more else request.offset + len(page), results.estimated_length())

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


@contextlib.contextmanager
def _quiet_leaks():
    """Whoosh leaves a file open when it fails to read a broken index; let it close without a warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        yield
