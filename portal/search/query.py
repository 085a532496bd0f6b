"""What people type, as a Whoosh query built by us: words ANDed, synonyms ORed, no query syntax.

Whoosh's own parser is never given user text: its wildcards, ranges, field prefixes and regexes let
one query such as `*e*` cost 30 s of CPU. Here every character that is not part of a word is a
separator, and quotes only group words into a phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from whoosh import query as wq

from portal.search.analysis import joined, pairs, terms

MAX_QUERY_CHARS = 300
MAX_CONCEPTS = 12
TEXT_FIELDS = ("title", "body")
_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”')


@dataclass
class Synonyms:
    """Groups of words and phrases that mean the same ("food stamps", "SNAP", "cupones de alimentos")."""

    groups: list[tuple[tuple[str, ...], ...]] = field(default_factory=list)
    group_of: dict[tuple[str, ...], int] = field(default_factory=dict)
    # Multi-word phrases (synonyms and other known phrases) by their first term, longest first.
    phrases: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)

    @classmethod
    def from_groups(cls, groups: Iterable[Iterable[str]], known_phrases: Iterable[str] = ()) -> Synonyms:
        synonyms = cls()
        for group in groups:
            members = tuple(dict.fromkeys(t for t in (tuple(terms(text)) for text in group) if t))
            if not members:
                continue
            for member in members:
                synonyms.group_of.setdefault(member, len(synonyms.groups))
            synonyms.groups.append(members)
        for phrase in [*synonyms.group_of, *(tuple(terms(text)) for text in known_phrases)]:
            if len(phrase) > 1 and phrase not in synonyms.phrases.get(phrase[0], []):
                synonyms.phrases.setdefault(phrase[0], []).append(phrase)
        for candidates in synonyms.phrases.values():
            candidates.sort(key=len, reverse=True)
        return synonyms

    def alternatives(self, phrase: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        group = self.group_of.get(phrase)
        return (phrase,) if group is None else self.groups[group]


def _match(alternatives: Iterable[tuple[str, ...]]) -> wq.Query:
    """Any of the alternatives, each a word (in a text field) or a known phrase (one joined term)."""
    parts: list[wq.Query] = []
    for words in alternatives:
        if len(words) == 1:
            parts.extend(wq.Term(name, words[0]) for name in TEXT_FIELDS)
        else:
            parts.append(wq.Term("phrases", joined(words)))
    return wq.Or(parts) if len(parts) > 1 else parts[0]


def _concepts(sequence: list[str], synonyms: Synonyms) -> list[tuple[tuple[str, ...], ...]]:
    """Split a run of terms into concepts, taking the longest known phrase at each point."""
    concepts, position = [], 0
    while position < len(sequence):
        for phrase in synonyms.phrases.get(sequence[position], ()):
            if tuple(sequence[position:position + len(phrase)]) == phrase:
                concepts.append(synonyms.alternatives(phrase))
                position += len(phrase)
                break
        else:
            concepts.append(synonyms.alternatives((sequence[position],)))
            position += 1
    return concepts


@dataclass(frozen=True)
class Concept:
    """One thing the person asked for: documents must match `query`; a quoted free-text phrase also
    needs its words next to each other, which is checked on the few documents that might be shown."""

    query: wq.Query
    phrase: tuple[str, ...] = ()


def user_query(text: str, synonyms: Synonyms) -> list[Concept] | None:
    """The concepts of what someone typed (all must match), or None when nothing searchable is left."""
    text = text[:MAX_QUERY_CHARS]
    parts: list[Concept] = []
    loose = _QUOTED.sub(" ", text)
    for match in _QUOTED.finditer(text):
        words = tuple(terms(match.group(1) or match.group(2) or ""))
        if not words:
            continue
        if len(words) == 1 or words in synonyms.group_of or words in synonyms.phrases.get(words[0], ()):
            parts.append(Concept(_match(synonyms.alternatives(words))))
        else:
            # Neighbouring pairs are indexed terms: two words are exact, longer phrases are checked.
            found = [wq.Term("phrases", pair) for pair in pairs(words)]
            parts.append(Concept(wq.And(found) if len(found) > 1 else found[0], phrase=words if len(words) > 2 else ()))
    concepts = _concepts(terms(loose.replace('"', " ")), synonyms)
    # Words of one synonym group ("mental health counseling") are one concept, not the same one twice.
    parts.extend(Concept(_match(alternatives)) for alternatives in dict.fromkeys(concepts))
    parts = list(dict.fromkeys(parts))[:MAX_CONCEPTS]
    return parts or None
