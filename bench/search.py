"""Search engine speed: our Whoosh index (portal/search) against a plain SQLite FTS5 reference, same corpus, same run.

Run: .venv/bin/python bench/search.py --services 10000 [--seed 1] [--work DIR] [--reuse] [--profile KIND]
  --work DIR   keep the corpus and both indexes there (default: a temporary folder, removed at the end)
  --reuse      with --work: reuse a corpus and indexes built by an earlier run (their build is then not timed)
  --profile K  also run cProfile around SearchIndex.search for the queries of kind K (common, rare, words,
               phrase, filters, browse, near) and print where the time goes

What it does and prints:
  1. Generates N services as search documents (bench/corpus.py --documents-only) and times it.
  2. Builds our index (SearchIndex.rebuild with directory_synonyms) and an FTS5 reference (title/body in an
     FTS5 table, porter stemming and accent folding; plain columns and a tag table for the filters; a
     table of points for distance), and prints both build times and sizes on disk.
  3. Runs a fixed mix of 300 queries of seven kinds, as the /directory page would send them (words ANDed,
     synonyms, category/language/free/age/"open now" as tags, ZIP + distance), first through our
     SearchIndex.search, then through FTS5 (the same words and synonyms translated to MATCH with AND, filters
     in SQL, bbox + haversine for distance), after one untimed warm-up pass of each distinct query.
     Prints p50 and p95 per kind for both (wall clock, and the CPU time of the searching thread, which other
     processes on the machine do not inflate), the mean hits on page one, the slowest single query, the
     targets (p95 <= 50 ms at 10k, <= 150 ms at 100k, nothing over 500 ms at 100k), and how much of the
     CPU this process got (other work on the 2 cores makes wall-clock figures worse).
  4. "Edit searchable within": SearchIndex.apply([doc], [], seq) of one changed document (on a copy of the
     index) until a searcher in another thread, polling every 10 ms, finds it; 5 edits, median and max
     (target <= 5 s). Our searchers look for changes at most once a second.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import os
import pstats
import re
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import corpus as corpus_  # noqa: E402
from whoosh import index as wi  # noqa: E402

from portal.directory import hours as hours_  # noqa: E402
from portal.directory.filters import zip_centre  # noqa: E402
from portal.directory.routes import US_ZONES, _open_check  # noqa: E402
from portal.directory.synonyms import GROUPS, directory_synonyms  # noqa: E402
from portal.search import geo  # noqa: E402
from portal.search.analysis import terms  # noqa: E402
import portal.search.index as search_index  # noqa: E402
from portal.search.index import SearchIndex, SearchRequest  # noqa: E402

QUERIES = 300
PAGE = 20  # portal.directory.filters.PER_PAGE
ZONE = "America/Chicago"
AT = datetime(2026, 12, 1, 17, 30, tzinfo=UTC)  # "now" for open-now filters: a Tuesday, 11:30 in Chicago
TARGET_P95_MS = {10_000: 50, 100_000: 150}
TARGET_MAX_MS = 500  # no user query over this at 100k
TARGET_EDIT_S = 5.0


# ---------------------------------------------------------------------------------------------
# The query mix: what people type, and the filters the search page sets.

@dataclass(frozen=True)
class Query:
    kind: str
    text: str = ""
    category: str = ""  # a category code, as ?category= takes it
    language: str = ""
    free: bool = False
    age: int | None = None
    open_now: bool = False
    near: str = ""  # ZIP code
    within: int = 10

    def label(self) -> str:
        parts = [repr(self.text)] if self.text else []
        parts += [f"category={self.category}"] if self.category else []
        parts += [f"language={self.language}"] if self.language else []
        parts += ["free"] if self.free else []
        parts += [f"age={self.age}"] if self.age is not None else []
        parts += ["open now"] if self.open_now else []
        parts += [f"near {self.near} within {self.within} mi"] if self.near else []
        return " ".join(parts)


KINDS = {
    "common": "one word, common",
    "rare": "one word, rare",
    "words": "two or three words",
    "phrase": "quoted phrase",
    "filters": "words + filters",
    "browse": "filters, no words",
    "near": "near a ZIP",
}
MIX = {
    "common": [Query("common", w) for w in (
        "food", "help", "free", "housing", "health", "clinic", "shelter", "rent", "comida", "clinica", "family",
        "seniors", "jobs", "legal", "pantry", "ayuda")],
    "rare": [Query("rare", w) for w in (
        "dialysis", "naloxone", "expungement", "braille", "doula", "itin", "hiset", "tagalog", "ukrainian", "asylum",
        "mammogram", "dentures", "eyeglasses", "notary", "weatherization", "sealants")],
    "words": [Query("words", w) for w in (
        "food pantry", "rent help", "dentist free", "legal aid eviction", "shelter tonight", "job training", "free clinic",
        "winter coats", "senior meals", "free diapers", "english classes", "tax help", "ayuda renta", "clinica gratis",
        "utility bill help", "food help", "mental health counseling", "help paying rent")],
    "phrase": [Query("phrase", w) for w in (
        '"food stamps"', '"legal aid"', '"mental health"', '"hot meal"', '"domestic violence"', '"food pantry"',
        '"walk in"', '"sliding scale"', '"photo id"', '"case managers"', '"no appointment needed"', '"summer camp"',
        '"winter coats"', '"free tax"', '"help you apply"', '"once a week"')],
    "filters": [
        Query("filters", "food", category="food-pantry", open_now=True), Query("filters", "clinic", language="es", free=True),
        Query("filters", "help", free=True), Query("filters", "shelter", open_now=True), Query("filters", "dentist", free=True),
        Query("filters", "comida", language="es"), Query("filters", "classes", age=30), Query("filters", "youth", age=16),
        Query("filters", "lawyer", category="legal-housing"), Query("filters", "rent help", free=True),
        Query("filters", "food", language="pl"), Query("filters", "counseling", language="es", free=True),
        Query("filters", "seniors", age=70, open_now=True), Query("filters", "meals", open_now=True, free=True),
        Query("filters", "jobs", age=19), Query("filters", "help", category="health", language="es")],
    "browse": [
        Query("browse", category="food-pantry"), Query("browse", category="health-mental-health", language="es"),
        Query("browse", free=True, open_now=True), Query("browse", category="housing"), Query("browse", age=8),
        Query("browse", language="zh"), Query("browse", category="legal-immigration", free=True), Query("browse", open_now=True),
        Query("browse", category="food", open_now=True), Query("browse", free=True), Query("browse", category="care-child-care", age=4),
        Query("browse", language="es", category="food")],
    "near": [
        Query("near", "food pantry", near="60608", within=5), Query("near", near="60623", within=10),
        Query("near", "dentist", near="60640", within=5), Query("near", "help", near="60629", within=10),
        Query("near", "shelter", near="60612", within=10), Query("near", category="food-pantry", near="60647", within=5),
        Query("near", "clinica", near="60632", within=5), Query("near", "rent help", near="60619", within=10),
        Query("near", "legal aid", near="60637", within=10), Query("near", "food", near="60402", within=5),
        Query("near", near="60201", within=5), Query("near", "free", near="60804", within=10, open_now=True),
        Query("near", "comida", near="60609", within=5, language="es"), Query("near", "seniors", near="60655", within=10)],
}


def query_mix() -> list[Query]:
    """300 queries, about the same number of each kind, in a fixed interleaved order."""
    per_kind = {kind: [queries[i % len(queries)] for i in range(QUERIES // len(MIX) + 1)] for kind, queries in MIX.items()}
    mixed = [per_kind[kind][i] for i in range(QUERIES // len(MIX) + 1) for kind in MIX]
    return mixed[:QUERIES]


# ---------------------------------------------------------------------------------------------
# Ours: the request the search page would build.

def category_ids() -> dict[str, uuid.UUID]:
    """Every category code (top level and sub-terms) -> its term id, as ?category= resolves it."""
    return {row["code"]: uuid.UUID(row["id"]) for row in corpus_._catalog_rows("taxonomy_terms.csv")
            if row["taxonomy_id"] == str(corpus_.CATEGORY_TAXONOMY)}


def our_request(query: Query, categories: dict) -> SearchRequest:
    """As portal/directory/routes.py search_results builds it (open now at the fixed time AT)."""
    tags = []
    if query.category:
        tags.append(f"cat_{categories[query.category].hex}")
    if query.language:
        tags.append(f"lang_{query.language}")
    if query.free:
        tags.append("cost_free")
    any_tags, accept = (), None
    if query.open_now:
        any_tags = (tuple({hours_.slot_tag(AT.astimezone(ZoneInfo(zone))) for zone in (*US_ZONES, ZONE)}),)
        accept = _open_check(None, AT)
    return SearchRequest(text=query.text, all_tags=tuple(tags), any_tags=any_tags, covers=query.age,
                         near=zip_centre(query.near) if query.near else None, within=float(query.within),
                         accept=accept, offset=0, limit=PAGE)


# ---------------------------------------------------------------------------------------------
# The FTS5 reference.

FTS_SCHEMA = """
CREATE TABLE docs (docid INTEGER PRIMARY KEY, id TEXT, title TEXT, sort TEXT, low INTEGER, high INTEGER, free INTEGER, stored TEXT);
CREATE VIRTUAL TABLE fts USING fts5(title, body, content='', tokenize='porter unicode61 remove_diacritics 2');
CREATE TABLE tags (tag TEXT, docid INTEGER, PRIMARY KEY (tag, docid)) WITHOUT ROWID;
CREATE TABLE points (docid INTEGER, lat REAL, lon REAL);
"""


def build_fts(path: Path, documents) -> int:
    connection = sqlite3.connect(path)
    connection.executescript(FTS_SCHEMA)
    count = 0
    with connection:
        for docid, document in enumerate(documents, start=1):
            tags = [t for t in document["tags"] if t != "cost_free"]
            connection.execute("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (
                docid, document["id"], document["title"], document["sort"].casefold(), document["low"], document["high"],
                int("cost_free" in document["tags"]), json.dumps(document["stored"], separators=(",", ":"))))
            connection.execute("INSERT INTO fts (rowid, title, body) VALUES (?, ?, ?)", (docid, document["title"], document["body"]))
            connection.executemany("INSERT INTO tags VALUES (?, ?)", [(tag, docid) for tag in tags])
            connection.executemany("INSERT INTO points VALUES (?, ?, ?)", [(docid, lat, lon) for lat, lon in document["points"]])
            count += 1
        connection.execute("CREATE INDEX points_lat_lon ON points (lat, lon)")
        connection.execute("CREATE INDEX docs_sort ON docs (sort)")
        connection.execute("INSERT INTO fts (fts) VALUES ('optimize')")
    connection.execute("ANALYZE")
    connection.close()
    return count


def _raw_forms() -> dict[tuple[str, ...], str]:
    """Each synonym's analysed terms -> its text as written, for FTS5 (which stems by itself)."""
    forms = {}
    for group in GROUPS:
        for text in group:
            forms.setdefault(tuple(terms(text)), text)
    return forms


RAW_FORMS = _raw_forms()
_QUOTED = re.compile(r'"([^"]*)"')


def _fts_alternative(words: str) -> str:
    return '"' + " ".join(re.findall(r"\w+", words)) + '"'  # one word or a phrase, quoted so no word is an operator


def fts_match(text: str) -> str | None:
    """The same concepts as portal.search.query.user_query, as an FTS5 MATCH: ANDed, each an OR of its synonyms."""
    synonyms = directory_synonyms()
    concepts: list[str] = []

    def concept(analysed: tuple[str, ...], typed: str) -> str:
        alternatives = synonyms.alternatives(analysed)
        raws = [RAW_FORMS.get(alt) or typed for alt in alternatives] if len(alternatives) > 1 else [typed]
        return "(" + " OR ".join(dict.fromkeys(_fts_alternative(raw) for raw in raws)) + ")"

    for match in _QUOTED.finditer(text):
        words = [(w, terms(w)) for w in re.findall(r"\w+", match.group(1))]
        words = [(w, t[0]) for w, t in words if t]
        if not words:
            continue
        analysed = tuple(t for _, t in words)
        typed = " ".join(w for w, _ in words)
        if len(analysed) == 1 or analysed in synonyms.group_of or analysed in synonyms.phrases.get(analysed[0], ()):
            concepts.append(concept(analysed, typed))
        else:
            concepts.append(_fts_alternative(typed))
    loose = [(w, t[0]) for w in re.findall(r"\w+", _QUOTED.sub(" ", text).replace('"', " ")) if (t := terms(w))]
    position = 0
    while position < len(loose):
        sequence = [t for _, t in loose]
        for phrase in synonyms.phrases.get(sequence[position], ()):
            if tuple(sequence[position:position + len(phrase)]) == phrase:
                concepts.append(concept(phrase, " ".join(w for w, _ in loose[position:position + len(phrase)])))
                position += len(phrase)
                break
        else:
            concepts.append(concept((sequence[position],), loose[position][0]))
            position += 1
    return " AND ".join(concepts[:12]) or None


class FtsSearch:
    def __init__(self, path: Path, categories: dict):
        self.connection = sqlite3.connect(path, check_same_thread=False)
        self.categories = categories

    def search(self, query: Query) -> list[str]:
        """The ids on page one (up to 20), found and ordered as the page would show them."""
        where, params = [], []
        match = fts_match(query.text) if query.text.strip() else None
        if query.text.strip() and match is None:
            return []
        tags = ([f"cat_{self.categories[query.category].hex}"] if query.category else []) + ([f"lang_{query.language}"] if query.language else [])
        for tag in tags:
            where.append("d.docid IN (SELECT docid FROM tags WHERE tag = ?)")
            params.append(tag)
        accept = None
        if query.open_now:
            slots = sorted({hours_.slot_tag(AT.astimezone(ZoneInfo(zone))) for zone in (*US_ZONES, ZONE)})
            where.append(f"d.docid IN (SELECT docid FROM tags WHERE tag IN ({','.join('?' * len(slots))}))")
            params += slots
            accept = _open_check(None, AT)
        if query.free:
            where.append("d.free = 1")
        if query.age is not None:
            where.append("(d.low IS NULL OR d.low <= ?) AND (d.high IS NULL OR d.high >= ?)")
            params += [query.age, query.age]
        if query.near:
            return self._near(query, match, where, params, accept)
        if match is not None:
            sql = ("SELECT d.id, d.stored FROM fts JOIN docs d ON d.docid = fts.rowid WHERE fts MATCH ?"
                   + "".join(" AND " + w for w in where) + " ORDER BY bm25(fts, 3.0, 1.0)")
            params = [match, *params]
        else:
            sql = "SELECT d.id, d.stored FROM docs d" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY d.sort"
        if accept is None:
            sql += f" LIMIT {PAGE + 1}"
        page = []
        for doc_id, stored in self.connection.execute(sql, params):
            if accept is not None and not accept(json.loads(stored)):
                continue
            page.append(doc_id)
            if len(page) > PAGE:
                break
        return page[:PAGE]

    def _near(self, query: Query, match, where, params, accept) -> list[str]:
        centre = zip_centre(query.near)
        dlat = query.within / 69.0
        dlon = query.within / (69.0 * math.cos(math.radians(centre[0])))
        sql = ("SELECT p.docid, p.lat, p.lon, d.id, d.stored FROM points p JOIN docs d ON d.docid = p.docid"
               " WHERE p.lat BETWEEN ? AND ? AND p.lon BETWEEN ? AND ?")
        values = [centre[0] - dlat, centre[0] + dlat, centre[1] - dlon, centre[1] + dlon]
        if match is not None:
            sql += " AND p.docid IN (SELECT rowid FROM fts WHERE fts MATCH ?)"
            values.append(match)
        sql += "".join(" AND " + w for w in where)
        nearest: dict[int, tuple[float, str, str]] = {}
        for docid, lat, lon, doc_id, stored in self.connection.execute(sql, values + params):
            miles = geo.miles_between(centre, (lat, lon))
            if miles <= query.within and (docid not in nearest or miles < nearest[docid][0]):
                nearest[docid] = (miles, doc_id, stored)
        page = []
        for docid in sorted(nearest, key=lambda n: (nearest[n][0], n)):
            _, doc_id, stored = nearest[docid]
            if accept is not None and not accept(json.loads(stored)):
                continue
            page.append(doc_id)
            if len(page) == PAGE:
                break
        return page


# ---------------------------------------------------------------------------------------------
# Measuring.

def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def run_mix(search, mix: list[Query]) -> tuple[dict[str, list[float]], dict[str, list[float]], dict[str, list[int]], tuple[float, Query]]:
    """Each query once, timed; returns wall ms and CPU ms per kind, page-one hits per kind, and the slowest query.

    CPU time (of this thread) is what the query costs whatever else the machine is doing; wall time is what a
    user waits, and grows when other processes compete for the 2 cores.
    """
    timings: dict[str, list[float]] = {kind: [] for kind in KINDS}
    cpu: dict[str, list[float]] = {kind: [] for kind in KINDS}
    hits: dict[str, list[int]] = {kind: [] for kind in KINDS}
    slowest = (0.0, mix[0])
    for query in mix:
        started, started_cpu = time.perf_counter(), time.thread_time()
        found = search(query)
        elapsed = (time.perf_counter() - started) * 1000
        cpu[query.kind].append((time.thread_time() - started_cpu) * 1000)
        timings[query.kind].append(elapsed)
        hits[query.kind].append(found)
        slowest = max(slowest, (elapsed, query), key=lambda pair: pair[0])
    return timings, cpu, hits, slowest


def edit_visibility(index: SearchIndex, document: dict, rounds: int = 5) -> tuple[list[float], list[float]]:
    """Seconds from apply() of one changed document until another thread's searcher finds it; and apply()'s own ms."""
    visible, applies = [], []
    for round_ in range(rounds):
        token = f"zqedit{round_}x{int(time.time())}"
        seen, ready = threading.Event(), threading.Event()
        moment = {}

        def probe():
            index.search(SearchRequest(text="food"))  # this thread's searcher is open before the edit
            ready.set()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if index.search(SearchRequest(text=token)).hits:
                    moment["seen"] = time.perf_counter()
                    seen.set()
                    return
                time.sleep(0.01)

        thread = threading.Thread(target=probe)
        thread.start()
        ready.wait()
        time.sleep(0.3 + 0.2 * round_)  # edits land at different points of the searcher's 1 s freshness cycle
        started = time.perf_counter()
        index.apply([{**document, "title": f"{document['title']} {token}"}], [], 1000 + round_)
        applies.append((time.perf_counter() - started) * 1000)
        seen.wait(31)
        thread.join()
        visible.append(moment["seen"] - started if "seen" in moment else float("inf"))
    return visible, applies


def fts_edit_ms(path: Path, document: dict) -> float:
    connection = sqlite3.connect(path)
    docid = connection.execute("SELECT docid FROM docs WHERE id = ?", (document["id"],)).fetchone()[0]
    started = time.perf_counter()
    with connection:
        connection.execute("INSERT INTO fts (fts, rowid, title, body) VALUES ('delete', ?, ?, ?)", (docid, document["title"], document["body"]))
        connection.execute("INSERT INTO fts (rowid, title, body) VALUES (?, ?, ?)", (docid, document["title"] + " zqfts", document["body"]))
        connection.execute("UPDATE docs SET title = ? WHERE docid = ?", (document["title"] + " zqfts", docid))
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    return elapsed


def folder_mb(path: Path) -> float:
    files = [path] if path.is_file() else list(path.rglob("*"))
    return sum(f.stat().st_size for f in files if f.is_file()) / 1e6


def stream(path: Path):
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def profile(index: SearchIndex, requests: list[tuple[Query, SearchRequest]], kind: str) -> None:
    chosen = [(q, r) for q, r in requests if q.kind == kind]
    print(f"\ncProfile of SearchIndex.search, {len(chosen)} queries of kind '{KINDS[kind]}' (each 3 times):")
    for query, request in chosen:
        started = time.perf_counter()
        found = index.search(request)
        print(f"  {(time.perf_counter() - started) * 1000:7.1f} ms  {len(found.hits):>2} hits  est. {found.estimate:>6}  {query.label()}")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(3):
        for _, request in chosen:
            index.search(request)
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
    stats.print_stats(28)
    stats.sort_stats("tottime").print_stats(15)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--profile", choices=list(KINDS))
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="portal-search-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    jsonl = work / f"documents-{args.services}-{args.seed}.jsonl"
    folder = work / f"whoosh-{args.services}-{args.seed}" / "directory"
    fts_path = work / f"fts5-{args.services}-{args.seed}.sqlite"
    index = SearchIndex(folder, directory_synonyms())
    reuse = args.reuse and jsonl.exists() and index.healthy() and fts_path.exists()
    try:
        print(f"search benchmark: {args.services} services, seed {args.seed}, work folder {work}")
        if reuse:
            documents = sum(1 for _ in jsonl.open())
            print(f"corpus, our index and FTS5 reused from an earlier run ({documents} documents); build times not measured")
            build_ours = build_fts_s = None
        else:
            started = time.perf_counter()
            documents, _words = corpus_.write_documents(corpus_.Corpus(args.services, args.seed), jsonl)
            print(f"corpus: {documents} searchable documents generated in {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            index.rebuild(stream(jsonl), 0)
            build_ours = time.perf_counter() - started
            fts_path.unlink(missing_ok=True)
            started = time.perf_counter()
            build_fts(fts_path, stream(jsonl))
            build_fts_s = time.perf_counter() - started
        segments = len(wi.open_dir(str(folder))._segments())
        print(f"build: ours (Whoosh) {_secs(build_ours)}, {folder_mb(folder):.0f} MB on disk, {segments} segment(s);"
              f" FTS5 {_secs(build_fts_s)}, {folder_mb(fts_path):.0f} MB on disk")

        categories = category_ids()
        mix = query_mix()
        requests = {query: our_request(query, categories) for query in set(mix)}
        fts = FtsSearch(fts_path, categories)

        def ours(query: Query) -> int:
            return len(index.search(requests[query]).hits)

        def reference(query: Query) -> int:
            return len(fts.search(query))

        started = time.perf_counter()
        index.warm()  # as every worker does each second, off the request path
        warm_ms = (time.perf_counter() - started) * 1000
        target = TARGET_P95_MS.get(args.services) or (TARGET_P95_MS[100_000] if args.services > 30_000 else TARGET_P95_MS[10_000])

        # Cold: each distinct query once, in mix order, on an index version nothing has searched yet
        # (no document set kept), as the long tail of queries after each change meets it.
        distinct = list(dict.fromkeys(mix))
        wall, cpu = time.perf_counter(), time.process_time()
        cold = run_mix(ours, distinct)
        cold_fts = run_mix(reference, distinct)
        print(f"\nCOLD: {len(distinct)} distinct queries, each asked once for the first time since the index changed"
              f" (after the warm-up every worker does off the request path: {warm_ms:.0f} ms); page of {PAGE}")
        print_table(cold, cold_fts, target)
        started = time.perf_counter()
        worked_out = index.warm()  # what each worker's per-second warm-up does after those searches
        print(f"the next per-second warm-up (off the request path) worked out the {worked_out} scores those searches went"
              f" without in {(time.perf_counter() - started) * 1000:.0f} ms")
        for query in set(mix):  # warm-up: every distinct query once more, untimed
            ours(query)
            reference(query)
        our_times, our_cpu, our_hits, our_slowest = run_mix(ours, mix)
        fts_times, fts_cpu, fts_hits, fts_slowest = run_mix(reference, mix)
        cpu_share = (time.process_time() - cpu) / (time.perf_counter() - wall)
        print(f"\nWARM: {len(mix)} queries, page of {PAGE}, each kind's queries repeated (the document sets of their words"
              f" and filters are kept)")
        print_table((our_times, our_cpu, our_hits, our_slowest), (fts_times, fts_cpu, fts_hits, fts_slowest), target)
        # After a change: an edit makes a new index version (new document numbers, nothing kept); each worker's
        # warm-up carries over the sets and scores the searches used, then the same queries are asked again.
        sample = next(stream(jsonl))
        copy = work / "edit-copy" / "directory"  # edits add segments: keep them out of the index a later --reuse measures
        shutil.rmtree(copy.parent, ignore_errors=True)
        shutil.copytree(folder, copy)
        edited = SearchIndex(copy, directory_synonyms())
        edited.warm()
        copy_requests = {query: requests[query] for query in distinct}
        for query in distinct:
            edited.search(copy_requests[query])
        edited.warm()  # the per-second warm-up on the version before the change
        edited.apply([{**sample, "title": sample["title"] + " edited"}], [], 1)
        time.sleep(search_index.REFRESH_SECONDS + 0.1)
        started = time.perf_counter()
        carried = edited.warm()
        carry_ms = (time.perf_counter() - started) * 1000
        after = run_mix(lambda query: len(edited.search(copy_requests[query]).hits), distinct)
        print(f"\nAFTER A CHANGE: one document edited, then the worker's warm-up (off the request path) carried over"
              f" {carried} sets and scores in {carry_ms:.0f} ms; the {len(distinct)} distinct queries once each")
        print_table(after, cold_fts, target)
        shutil.rmtree(copy.parent, ignore_errors=True)
        if args.services >= 100_000:
            slowest = max(cold[3][0], our_slowest[0], after[3][0])
            print(f"  target: no user query over {TARGET_MAX_MS} ms at 100k (cold, warm or after a change): {'ok' if slowest <= TARGET_MAX_MS else 'MISSED'}")
        print(f"machine: load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores); this process had the CPU"
              f" {100 * cpu_share:.0f}% of the timed runs' wall time (well below 100% means other work competed)")

        sample = next(stream(jsonl))
        copy = work / "edit-copy" / "directory"  # edits add segments: keep them out of the index a later --reuse measures
        shutil.rmtree(copy.parent, ignore_errors=True)
        shutil.copytree(folder, copy)
        visible, applies = edit_visibility(SearchIndex(copy, directory_synonyms()), sample)
        shutil.rmtree(copy.parent, ignore_errors=True)
        print(f"\nedit searchable within (apply of 1 document -> seen by another thread's searcher), {len(visible)} edits:"
              f" median {statistics.median(visible):.2f} s, max {max(visible):.2f} s"
              f" (apply itself: median {statistics.median(applies):.0f} ms, max {max(applies):.0f} ms);"
              f" target <= {TARGET_EDIT_S:.0f} s: {'ok' if max(visible) <= TARGET_EDIT_S else 'MISSED'}")
        print(f"  FTS5 reference: one document updated and committed in {fts_edit_ms(fts_path, sample):.1f} ms, visible to the next query")
        print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        if args.profile:
            profile(index, [(q, requests[q]) for q in dict.fromkeys(mix)], args.profile)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def print_table(ours, fts, target: float) -> None:
    """Per kind: wall ms p50/p95 and CPU ms p95 of ours and FTS5, page-one hits, and the verdict."""
    our_times, our_cpu, our_hits, our_slowest = ours
    fts_times, fts_cpu, fts_hits, fts_slowest = fts
    print(f"{'kind':<22}{'n':>4}{'ours p50':>10}{'ours p95':>10}{'(cpu p95)':>10}{'FTS5 p50':>10}{'FTS5 p95':>10}{'(cpu p95)':>10}"
          f"{'hits ours/FTS5':>16}  target p95 <= {target} ms")
    rows = [(title, our_times[kind], our_cpu[kind], fts_times[kind], fts_cpu[kind], our_hits[kind], fts_hits[kind]) for kind, title in KINDS.items()]
    rows.append(("all", *[[t for times in group.values() for t in times] for group in (our_times, our_cpu, fts_times, fts_cpu, our_hits, fts_hits)]))
    for title, ours_ms, ours_cpu, fts_ms, fts_cpu_ms, ours_hits, fts_hits_ in rows:
        verdict = "" if title == "all" else "ok" if percentile(ours_ms, 0.95) <= target else "MISSED"
        print(f"{title:<22}{len(ours_ms):>4}{percentile(ours_ms, 0.5):>10.1f}{percentile(ours_ms, 0.95):>10.1f}{percentile(ours_cpu, 0.95):>10.1f}"
              f"{percentile(fts_ms, 0.5):>10.1f}{percentile(fts_ms, 0.95):>10.1f}{percentile(fts_cpu_ms, 0.95):>10.1f}"
              f"{statistics.mean(ours_hits):>9.1f}/{statistics.mean(fts_hits_):<6.1f}  {verdict}")
    print(f"slowest single query: ours {our_slowest[0]:.1f} ms ({KINDS[our_slowest[1].kind]}: {our_slowest[1].label()});"
          f" FTS5 {fts_slowest[0]:.1f} ms ({KINDS[fts_slowest[1].kind]}: {fts_slowest[1].label()})")


def _secs(value: float | None) -> str:
    return "reused" if value is None else f"{value:.1f} s"


if __name__ == "__main__":
    sys.exit(main())
