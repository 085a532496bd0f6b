"""A listing's text with the searched words marked: escaped first, so listing text can never be markup."""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

from portal.directory.synonyms import directory_synonyms
from portal.search.analysis import terms

SNIPPET = 220
_WORD = re.compile(r"\w+")


def highlighter(query: str):
    """A function marking, in a listing's text, the words of `query` and their synonyms (worked out once)."""
    wanted = set()
    synonyms = directory_synonyms()
    for term in terms(query):
        for alternative in synonyms.alternatives((term,)):
            wanted.update(alternative)
    return lambda text, length=SNIPPET: _mark(text or "", wanted, length)


def highlight(text: str, query: str, length: int = SNIPPET) -> Markup:
    """A snippet of `text` around the first searched word, each searched word (or synonym) in <mark>."""
    return highlighter(query)(text, length)


@lru_cache(maxsize=50_000)
def _stems(word: str) -> frozenset[str]:
    return frozenset(terms(word))


def _mark(text: str, wanted: set[str], length: int) -> Markup:
    words = [(m.start(), m.end()) for m in _WORD.finditer(text) if wanted and _stems(m.group()) & wanted]
    start = 0
    if len(text) > length:
        first = words[0][0] if words else 0
        start = max(0, min(first - length // 4, len(text) - length))
        start = text.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(text), start + length)
    out, position = [], start
    for word_start, word_end in words:
        if word_start < start or word_end > end:
            continue
        out.append(escape(text[position:word_start]))
        out.append(Markup("<mark>%s</mark>") % text[word_start:word_end])
        position = word_end
    out.append(escape(text[position:end]))
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return Markup(prefix) + Markup("").join(out) + Markup(suffix)
