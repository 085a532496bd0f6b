"""Turning text into terms, the same way for listings and for what people type.

English and Spanish share one analyzer: lower case, accents folded (so "clínica" and "clinica"
meet), stop words of both languages dropped, English stems. Cross-language matches ("comida" ->
food) come from synonyms, not from stemming.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang import stopwords_for_language
from whoosh.support.charset import accent_map

WORD = r"\w+"
STOP_WORDS = frozenset(stopwords_for_language("en")) | frozenset(stopwords_for_language("es"))


@cache
def analyzer():
    return (RegexTokenizer(WORD) | LowercaseFilter() | CharsetFilter(accent_map)
            | StopFilter(stoplist=STOP_WORDS, minsize=2) | StemFilter(cachesize=50_000))


def terms(text: str) -> list[str]:
    """The indexed terms of `text`, in order."""
    return [token.text for token in analyzer()(text)]


def joined(words: Iterable[str]) -> str:
    """One term for a multi-word phrase ("food stamps" -> "food_stamp"), so a known phrase is one lookup."""
    return "_".join(words)


def phrase_terms(fields: Iterable[str], phrases: dict[str, list[tuple[str, ...]]]) -> set[str]:
    """The joined terms a document gets for phrases: every pair of neighbouring terms within a field
    ("sliding scale" -> "slide_scale", so a quoted phrase is a term lookup, not a walk through
    positions), and the known longer phrases (by their first term) that occur."""
    found = set()
    for text in fields:
        sequence = terms(text)
        for start, term in enumerate(sequence):
            if start + 1 < len(sequence):
                found.add(f"{term}_{sequence[start + 1]}")
            for phrase in phrases.get(term, ()):
                if len(phrase) > 2 and tuple(sequence[start:start + len(phrase)]) == phrase:
                    found.add(joined(phrase))
    return found


def pairs(words: tuple[str, ...]) -> list[str]:
    """The neighbouring pairs of a phrase's terms, as phrase_terms indexes them."""
    return list(dict.fromkeys(joined(words[i:i + 2]) for i in range(len(words) - 1)))
