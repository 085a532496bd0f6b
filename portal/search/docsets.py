"""Sets of documents as the bits of a Python int, and what is worth keeping of them per index version.

An int of 100,000 bits is 12.5 KB and intersects with another in microseconds, so the document set
of every filter, age, cell and word asked for can be kept and combined, where Whoosh would walk
posting lists again on every search. Document numbers are those of one version of the index, so a
`Generation` is dropped as soon as a newer version is open.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

from whoosh.idsets import DocIdSet

from portal.search import geo

_BITS_OF_BYTE = [tuple(bit for bit in range(8) if value >> bit & 1) for value in range(256)]
MAX_SETS = 1024  # about 12 MB at 100,000 documents
MAX_LISTS = 4096  # small sets (map cells) kept as tuples


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
        self._sets = _Bounded(MAX_SETS)
        self._lists = _Bounded(MAX_LISTS)
        self._points: dict[int, list[tuple[float, float]]] = {}
        self._order: tuple[list[int], list[int]] | None = None
        self._lock = threading.Lock()

    def bits(self, key, compute: Callable[[], Iterable[int]]) -> int:
        """The set for `key` (a query's text form), computed on first use."""
        found = self._sets.get(key)
        if found is None:
            found = to_bits(compute(), self.size)
            with self._lock:
                self._sets.keep(key, found)
        return found

    def listed(self, key, compute: Callable[[], Iterable[int]]) -> tuple[int, ...]:
        """A small set as a tuple of document numbers (a map cell), computed on first use."""
        found = self._lists.get(key)
        if found is None:
            found = tuple(compute())
            with self._lock:
                self._lists.keep(key, found)
        return found

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
