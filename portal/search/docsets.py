"""Sets of documents as the bits of a Python int, and what is worth keeping of them per index version.

An int of 100,000 bits is 12.5 KB and intersects with another in microseconds, so the document set
of every filter, age, cell and word asked for can be kept and combined, where Whoosh would walk
posting lists again on every search. Document numbers are those of one version of the index, so a
`Generation` is dropped as soon as a newer version is open.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable

from whoosh.idsets import DocIdSet

from portal.search import geo

_BITS_OF_BYTE = [tuple(bit for bit in range(8) if value >> bit & 1) for value in range(256)]
MAX_SETS = 1024  # about 12 MB at 100,000 documents
MAX_LISTS = 4096  # small sets (map cells) kept as tuples
MAX_SCORES = 64  # scores of a word by document; at most 400 KB each at 100,000 documents


def to_bits(docnums: Iterable[int], size: int) -> int:
    buffer = bytearray((size + 8) // 8)
    for docnum in docnums:
        buffer[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(buffer, "little")


def members(bits: int) -> list[int]:
    """The document numbers in a set, ascending."""
    found = []
    for index, value in enumerate(bits.to_bytes((bits.bit_length() + 7) // 8, "little")):
        if value:
            base = index << 3
            found.extend(base + bit for bit in _BITS_OF_BYTE[value])
    return found


class Membership(DocIdSet):
    """`docnum in membership` in constant time, for Whoosh's filter and for scans in some order."""

    def __init__(self, bits: int, size: int):
        self._bytes = bits.to_bytes((size + 8) // 8, "little")

    def __contains__(self, docnum: int) -> bool:
        return bool(self._bytes[docnum >> 3] >> (docnum & 7) & 1)

    def __bool__(self) -> bool:  # Whoosh reads an empty filter as "no filter"; callers never pass one
        return True


class _Bounded(OrderedDict):
    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def keep(self, key, value):
        self[key] = value
        if len(self) > self.limit:
            self.popitem(last=False)
        return value


class Generation:
    """Document sets, the alphabetical order and decoded places of one version of the index.

    Shared by every thread's searcher on that version (document numbers are the same); a race
    between two threads computes a set twice, never a wrong one.
    """

    def __init__(self, key, searcher):
        self.key = key
        self.size = searcher.doc_count_all()
        self.every = to_bits(searcher.reader().all_doc_ids(), self.size)
        self.count = self.every.bit_count()
        # (segment id, first document number, documents) of each segment, to see what a change kept
        self.segments = tuple((leaf.reader().segment().segment_id(), offset, leaf.reader().doc_count_all())
                              for leaf, offset in searcher.leaf_searchers())
        self._sets = _Bounded(MAX_SETS)
        self._lists = _Bounded(MAX_LISTS)
        self._scores = _Bounded(MAX_SCORES)
        self._wanted: dict[str, object] = {}  # sets and scores a search went without: worked out by warm-up
        self._points: dict[int, list[tuple[float, float]]] = {}
        self._order: tuple[list[int], list[int]] | None = None
        self._ranges: dict[tuple[int, int], list[int]] | None = None
        self._lock = threading.Lock()

    def bits(self, key: str, query, searcher, compute: Callable[[], Iterable[int]] | None = None) -> int:
        """The set of documents a Whoosh query matches (`key`: its text form), computed on first use
        (by `compute` when given: a faster way to the same documents)."""
        found = self._sets.get(key)
        if found is None:
            docnums = compute() if compute is not None else searcher.docs_for_query(query)
            found = (query, to_bits(docnums, self.size) & self.every)
            with self._lock:
                self._sets.keep(key, found)
        return found[1]

    def listed(self, key, compute: Callable[[], Iterable[int]]) -> tuple[int, ...]:
        """A small set as a tuple of document numbers (a map cell), computed on first use."""
        found = self._lists.get(key)
        if found is None:
            found = tuple(compute())
            with self._lock:
                self._lists.keep(key, found)
        return found

    def covering(self, age: int, read_ranges: Callable[[], list[bytes]]) -> Iterable[int]:
        """Documents whose age range ("low,high", by document number) covers `age`: listings share a
        few dozen ranges, grouped once per version, where a range query walks every document's terms."""
        if self._ranges is None:
            grouped = defaultdict(list)
            for docnum, value in enumerate(read_ranges()):
                grouped[value].append(docnum)
            self._ranges = {tuple(map(int, value.split(b","))): docnums for value, docnums in grouped.items() if value}
        return (docnum for (low, high), docnums in self._ranges.items() if low <= age <= high for docnum in docnums)

    def kept_scores(self, key: str):
        found = self._scores.get(key)
        return None if found is None else found[1]

    def scores(self, key: str, query, searcher):
        """Each matching document's score for a word's query, indexable by document number."""
        found = self._scores.get(key)
        if found is None:
            pairs = list(_all_scores(searcher, query))
            if len(pairs) * 50 > self.size:  # common: an array by document number is smaller than a dict
                scores = array("f", bytes(4 * self.size))
                for docnum, score in pairs:
                    scores[docnum] = score
            else:
                scores = dict(pairs)
            found = (query, scores)
            with self._lock:
                self._scores.keep(key, found)
        return found[1]

    def has_bits(self, key: str) -> bool:
        return key in self._sets

    def want(self, key: str, query) -> None:
        """Ask the next warm-up for this query's set and scores (a search did without them)."""
        self._wanted[key] = query

    def fill_wanted(self, searcher) -> int:
        wanted, self._wanted = self._wanted, {}
        for key, query in wanted.items():
            self.bits(key, query, searcher)
            self.scores(key, query, searcher)
        return len(wanted)

    def carry_over(self, earlier: Generation, searcher) -> int:
        """Work out again the sets and scores that searches used on an earlier version, most recent
        first, so that after a change the next searches find them ready; returns how many.

        A change adds a small segment (and marks the old copy deleted); the segments in front keep
        their document numbers. So only the new segments are searched, and what the earlier version
        knew of the unchanged ones is kept. (Scores there keep the earlier version's word weights,
        which a change of a few documents moves by a hair.)
        """
        with earlier._lock:
            sets = list(reversed(earlier._sets.items()))
            scores = list(reversed(earlier._scores.items()))
        self._wanted.update(earlier._wanted)  # what searches went without there is wanted here too
        unchanged = self._unchanged_until(earlier)
        alive = self.every & ((1 << unchanged) - 1)
        fresh = [(leaf, offset) for leaf, offset in searcher.leaf_searchers() if offset >= unchanged]
        for key, (query, known) in sets:
            if key not in self._sets:
                bits = known & alive
                for leaf, offset in fresh:
                    bits |= to_bits((offset + docnum for docnum in leaf.docs_for_query(query)), self.size)
                with self._lock:
                    self._sets.keep(key, (query, bits))
        for key, (query, known) in scores:
            if key not in self._scores:
                if isinstance(known, array):
                    kept = array("f", bytes(4 * self.size))
                    kept[:unchanged] = known[:unchanged]
                else:
                    kept = {docnum: score for docnum, score in known.items() if docnum < unchanged}
                for leaf, offset in fresh:
                    for docnum, score in _all_scores(leaf, query):
                        kept[offset + docnum] = score
                with self._lock:
                    self._scores.keep(key, (query, kept))
        return len(sets) + len(scores)

    def _unchanged_until(self, earlier: Generation) -> int:
        """Document numbers below this are the same documents (or deleted ones) in both versions."""
        end = 0
        for mine, theirs in zip(self.segments, earlier.segments):
            if mine != theirs:
                break
            end = mine[1] + mine[2]
        return end

    def order(self, read_keys: Callable[[], list[bytes]]) -> tuple[list[int], list[int]]:
        """Every document in alphabetical order, and each document's place in that order.

        `read_keys` gives every document's sort key by document number (one pass over the column).
        """
        if self._order is None:
            keys = read_keys()
            ordered = sorted(members(self.every), key=keys.__getitem__)
            rank = [0] * self.size
            for place, docnum in enumerate(ordered):
                rank[docnum] = place
            self._order = (ordered, rank)
        return self._order

    def points(self, docnum: int, column) -> list[tuple[float, float]]:
        found = self._points.get(docnum)
        if found is None:
            found = self._points[docnum] = geo.decode(column[docnum])
        return found


def _all_scores(searcher, query):
    """(docnum, score) of every document the query matches, scored as Whoosh would."""
    matcher = query.matcher(searcher, searcher.context())
    while matcher.is_active():
        yield matcher.id(), matcher.score()
        matcher.next()
