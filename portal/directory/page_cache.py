"""Search pages for visitors, kept while they are exactly true.

A visitor's results page depends only on the address, the language, whether htmx asked for the
fragment, the version of the search index and the time: each card's "Open now, closes 5 PM" reads
differently from its next opening, closing or midnight, and an "open now" search's results from
the next minute. With the first four in the key and the page kept only until the first of those
times, a kept page is the same bytes the page would be rendered to again, so a popular search
("food" near a busy ZIP) is rendered once in a while per worker instead of once a request. Pages
of signed-in people, or with a message waiting for them, are never kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

PAGES = 512  # about 15 MB per worker at the biggest pages


@dataclass(frozen=True)
class KeptPage:
    body: bytes
    headers: tuple[tuple[str, str], ...]
    status_code: int
    missed: str  # the words that found nothing: still counted for coordinators each time it is served
    until: datetime  # true until then


class PageCache:
    def __init__(self, size: int = PAGES):
        self.size = size
        self._pages: OrderedDict[tuple, KeptPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, at: datetime) -> KeptPage | None:
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if at >= page.until:
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return page

    def keep(self, key: tuple, page: KeptPage) -> None:
        if not self.size:
            return
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)
