"""One fix to Whoosh 2.7.5, applied when `portal.search.index` is imported.

Whoosh asks the file system whether a field has a lengths column for every posting it writes or
scores, and never remembers the answer when there is none (fields that are not scored: tags,
numbers, phrases). Building the 100k-document index made about 11 million `stat()` calls, a fifth
of its time. A segment's files never change once written, so the answer can be kept per reader.
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import W3PerDocReader

_has_column = W3PerDocReader.has_column


def _has_column_remembered(self, fieldname):
    known = self.__dict__.setdefault("_portal_has_column", {})
    if fieldname not in known:
        known[fieldname] = _has_column(self, fieldname)
    return known[fieldname]


def apply() -> None:
    W3PerDocReader.has_column = _has_column_remembered
