"""One search on one searcher: the exact set of matching documents from kept sets, then ranked by
score, by name or by distance, reading no more of the index than the page needs."""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable

from whoosh import query as wq

from portal.search import geo
from portal.search.docsets import Generation, Membership, members
from portal.search.query import TEXT_FIELDS, Concept
from portal.search.requests import Hit, SearchRequest

COMMON_SHARE = 0.2  # a concept in more than this share of documents does not narrow a search by much
COMMON_MIN = 2000  # (and in more than this many: below it, scoring every concept costs little)
SKIP_SHARE = 0.25  # score document by document when the matches are fewer than this share of the scored postings
PHRASE_BATCH = 64


class Ranking:
    """One search on one searcher: the set of matching documents, then ranked the way the request asks."""

    def __init__(self, searcher, generation: Generation, concepts: list[Concept], request: SearchRequest):
        self.searcher, self.generation, self.concepts, self.request = searcher, generation, concepts, request
        self.phrases = [concept.phrase for concept in concepts if concept.phrase]
        self.concept_bits = [self._bits(concept.query) for concept in concepts]
        matches = generation.every
        for bits in self.concept_bits:
            matches &= bits
        for tag in request.all_tags:
            matches &= self._bits(wq.Term("tags", tag))
        for group in request.any_tags:
            if group:
                either = 0
                for tag in group:
                    either |= self._bits(wq.Term("tags", tag))
                matches &= either
        if request.covers is not None:
            age = request.covers
            query = wq.And([wq.NumericRange("low", None, age), wq.NumericRange("high", age, None)])
            column = searcher.reader().column_reader("ages")
            matches &= generation.bits(repr(query), query, searcher, compute=lambda: generation.covering(age, lambda: list(column)))
        self.matches = matches

    def _bits(self, query: wq.Query) -> int:
        return self.generation.bits(repr(query), query, self.searcher)

    def by_score(self):
        """(docnum, None) best first. Only the concepts that narrow the search are scored: the common
        ones ("help", "free") are already in the set of matches, and walking their postings is what costs."""
        sizes = [bits.bit_count() for bits in self.concept_bits]
        narrow = [i for i, size in enumerate(sizes) if size <= max(COMMON_SHARE * self.generation.count, COMMON_MIN)]
        scored = [self.concepts[i].query for i in (narrow or [min(range(len(sizes)), key=sizes.__getitem__)])]
        kept = [self.generation.kept_scores(repr(query)) for query in scored]
        reach = self.generation.every
        for i in narrow or [min(range(len(sizes)), key=sizes.__getitem__)]:
            reach &= self.concept_bits[i]
        if None not in kept:
            ranked = self._with_phrases(self._by_kept_scores(kept))
        else:
            # Not kept yet: rank without them now, and let the next warm-up work them out.
            for query in scored:
                self.generation.want(repr(query), query)
            query = wq.And(scored) if len(scored) > 1 else scored[0]
            if self.matches.bit_count() < SKIP_SHARE * reach.bit_count():
                # Few matches in long postings (a filter narrowed them): skip to each.
                ranked = self._scored_one_by_one(query, list(self._with_phrases(members(self.matches), batch=None)))
            else:
                # Whoosh's own top documents: without a filter it may skip whole blocks of postings.
                allow = None if self.matches == reach else Membership(self.matches, self.generation.size)
                ranked = self._best_then_the_rest(query, allow)
        return ((docnum, None) for docnum in ranked)

    def _best_then_the_rest(self, query: wq.Query, allow):
        wanted = self._wanted()
        results = self.searcher.search(query, limit=wanted, filter=allow)
        best = [results.docnum(position) for position in range(results.scored_length())]
        yield from self._with_phrases(best)
        if len(best) == wanted:  # the page needs more than the best: score the rest, once
            chosen = set(best)
            rest = [docnum for docnum in members(self.matches) if docnum not in chosen]
            yield from self._scored_one_by_one(query, list(self._with_phrases(rest, batch=None)))

    def _wanted(self) -> int:
        wanted = self.request.offset + self.request.limit + 1
        if self.phrases or self.request.accept is not None:
            wanted *= 4  # some will be turned away (not the phrase, not open)
        return wanted

    def _by_kept_scores(self, maps: list):
        if len(maps) == 1:
            score = maps[0].__getitem__
        else:
            def score(docnum):
                return sum(found[docnum] for found in maps)
        candidates = members(self.matches)
        wanted = self._wanted()
        if len(candidates) > 4 * wanted:
            best = heapq.nsmallest(wanted, candidates, key=lambda docnum: (-score(docnum), docnum))
            yield from best
            chosen = set(best)
            candidates = [docnum for docnum in candidates if docnum not in chosen]
        yield from sorted(candidates, key=lambda docnum: (-score(docnum), docnum))

    def _scored_one_by_one(self, query: wq.Query, docnums: list[int]) -> list[int]:
        """These documents (ascending), best first: the matcher skips to each one (few documents, long postings)."""
        matcher = query.matcher(self.searcher, self.searcher.context())
        scored = []
        for docnum in docnums:
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                scored.append((-matcher.score(), docnum))
        scored.sort()
        return [docnum for _, docnum in scored]

    def in_order(self):
        """Matching documents by name (no words to rank by)."""
        column = self.searcher.reader().column_reader("sort")
        ordered, rank = self.generation.order(lambda: list(column))
        if self.matches.bit_count() * 8 < len(ordered):
            return sorted(members(self.matches), key=rank.__getitem__)
        allowed = Membership(self.matches, self.generation.size)
        return (docnum for docnum in ordered if docnum in allowed)

    def by_distance(self):
        """(docnum, miles) nearest first, cell by cell outwards, so far places are never measured."""
        centre, within = self.request.near, self.request.within
        column = self.searcher.reader().column_reader("points")
        allowed = Membership(self.matches, self.generation.size)
        waiting, seen = [], set()
        for edge, cell in geo.cells_by_distance(centre, within):
            while waiting and waiting[0][0] <= edge:  # nothing unseen can be nearer than this cell's edge
                miles, docnum = heapq.heappop(waiting)
                yield docnum, miles
            for docnum in self.generation.listed(cell, lambda cell=cell: self.searcher.docs_for_query(wq.Term("tags", cell))):
                if docnum in seen or docnum not in allowed:
                    continue
                seen.add(docnum)
                places = self.generation.points(docnum, column)
                if places:
                    miles = min(geo.miles_between(centre, place) for place in places)
                    if miles <= within:
                        heapq.heappush(waiting, (miles, docnum))
        while waiting:
            miles, docnum = heapq.heappop(waiting)
            yield docnum, miles

    def _with_phrases(self, docnums: Iterable[int], batch: int | None = PHRASE_BATCH):
        """The documents that have the quoted phrases, in the order given; checked a batch at a time
        (so only the candidates a page needs are read), or all at once when `batch` is None."""
        if not self.phrases:
            yield from docnums
            return
        if batch is None:
            yield from self._phrase_checked(list(docnums))
            return
        waiting = []
        for docnum in docnums:
            waiting.append(docnum)
            if len(waiting) == batch:
                yield from self._phrase_checked(waiting)
                waiting = []
        yield from self._phrase_checked(waiting)

    def _phrase_checked(self, batch: list[int]) -> list[int]:
        passed = set(batch)
        for words in self.phrases:
            passed &= _having_phrase(self.searcher.reader(), words, sorted(passed))
        return [docnum for docnum in batch if docnum in passed]

    def hits(self, ranked):
        for docnum, miles in ranked:
            stored = self.searcher.stored_fields(docnum)
            yield Hit(stored["id"], json.loads(stored["stored"]), miles)


def _having_phrase(reader, words: tuple[str, ...], docnums: list[int]) -> set[int]:
    """Which of these documents (ascending) have the words next to each other in one text field."""
    found = set()
    for name in TEXT_FIELDS:
        if not all((name, word) in reader for word in words):
            continue
        matchers = [reader.postings(name, word) for word in words]
        for docnum in docnums:
            if docnum in found:
                continue
            positions = []
            for matcher in matchers:
                if matcher.is_active() and matcher.id() < docnum:
                    matcher.skip_to(docnum)
                if not matcher.is_active() or matcher.id() != docnum:
                    break
                positions.append(set(matcher.value_as("positions")))
            else:
                if any(all(start + i in positions[i] for i in range(1, len(words))) for start in positions[0]):
                    found.add(docnum)
    return found
