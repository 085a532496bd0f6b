"""The search engine's shortcuts (cached sets, scoring only what narrows, cells nearest first, phrases
checked on candidates) give the same documents as the plain definition, on a random corpus."""

from __future__ import annotations

import random

import pytest

import portal.search.index as search_index
import portal.search.ranking as ranking
from portal.search import geo
from portal.search.analysis import terms
from portal.search.index import SearchIndex, SearchRequest
from portal.search.query import Synonyms

WORDS = ("food", "pantry", "rent", "help", "legal", "clinic", "dental", "youth", "senior", "meals", "walk", "in", "free", "tax")
TAGS = ("lang_es", "lang_pl", "cost_free", "cat_a", "cat_b")
CENTRE = (41.85, -87.65)


def _corpus(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    documents = []
    for number in range(count):
        # Common words appear in most documents, so both the "common" and the "narrow" paths are used.
        title = " ".join(rng.choice(WORDS[:6] if rng.random() < 0.7 else WORDS) for _ in range(rng.randint(1, 3)))
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
        low = rng.choice([None, 0, 5, 18, 60])
        points = [(round(CENTRE[0] + rng.uniform(-0.4, 0.4), 5), round(CENTRE[1] + rng.uniform(-0.4, 0.4), 5))  # as stored
                  for _ in range(rng.choice([0, 1, 1, 2]))]
        documents.append({
            "id": f"d{number:04d}", "title": title, "body": body, "sort": f"{title} {number:04d}",
            "tags": sorted(rng.sample(TAGS, rng.randint(0, 3))), "low": low, "high": None if low is None else low + rng.choice([10, 40, 80]),
            "points": points, "stored": {"n": number},
        })
    return documents


def _words_match(document: dict, words: list[str]) -> bool:
    have = set(terms(f"{document['title']} {document['body']}"))
    return all(word in have for word in words)


def _phrase_match(document: dict, phrase: list[str]) -> bool:
    for text in (document["title"], document["body"]):
        sequence = terms(text)
        if any(sequence[i:i + len(phrase)] == phrase for i in range(len(sequence))):
            return True
    return False


def _expected(documents: list[dict], request: SearchRequest, words: list[str], phrase: list[str]) -> list[dict]:
    found = []
    for document in documents:
        if not _words_match(document, words + phrase) or (phrase and not _phrase_match(document, phrase)):
            continue
        if not set(request.all_tags) <= set(document["tags"]):
            continue
        if request.covers is not None:
            low = 0 if document["low"] is None else document["low"]
            high = 999 if document["high"] is None else document["high"]
            if not low <= request.covers <= high:
                continue
        found.append(document)
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    documents = _corpus(600, seed=7)
    folder = tmp_path_factory.mktemp("engine") / "index"
    SearchIndex(folder, Synonyms.from_groups([])).rebuild(documents, applied_seq=0)
    return folder, documents


@pytest.fixture
def corpus(built):
    """The built index, searched by a SearchIndex of its own (nothing kept from other tests)."""
    folder, documents = built
    return SearchIndex(folder, Synonyms.from_groups([])), documents


def _all_ids(index: SearchIndex, request: SearchRequest) -> list[str]:
    ids, offset = [], 0
    while True:
        found = index.search(SearchRequest(**{**request.__dict__, "offset": offset, "limit": 50}))
        ids += [hit.id for hit in found.hits]
        if not found.more:
            return ids
        offset += 50


@pytest.mark.parametrize("warmed", [False, True])  # scores worked out as searches go, or kept by a warm-up
@pytest.mark.parametrize("common_min", [0, 10_000])  # the common-word shortcut on and off
@pytest.mark.parametrize("skip_share", [0.0, 1.0])  # Whoosh's collector, or scoring one by one
@pytest.mark.parametrize(("text", "tags", "covers"), [
    ("food", (), None), ("food help", (), None), ("food dental", ("lang_es",), None), ("rent", ("cost_free", "cat_a"), 30),
    ('"legal help" clinic', (), None), ('"help food"', ("cost_free",), None), ('"food pantry"', ("lang_pl",), None), ("youth", (), 16), ("tax senior meals", (), None),
])
def test_word_searches_find_exactly_the_matching_documents(corpus, monkeypatch, warmed, common_min, skip_share, text, tags, covers):
    index, documents = corpus
    monkeypatch.setattr(ranking, "COMMON_MIN", common_min)
    monkeypatch.setattr(ranking, "COMMON_SHARE", 0.0 if common_min == 0 else 0.2)
    monkeypatch.setattr(ranking, "SKIP_SHARE", skip_share)
    phrase = terms(text.split('"')[1]) if '"' in text else []
    words = terms(text.split('"')[2] if '"' in text else text)
    request = SearchRequest(text=text, all_tags=tags, covers=covers)
    expected = {d["id"] for d in _expected(documents, request, words, phrase)}
    if warmed:
        unkept = _all_ids(index, request)
        assert index.warm() > 0  # the scores the search did without
    found = _all_ids(index, request)
    if warmed:
        assert found == unkept  # the same order with kept scores
    assert len(found) == len(set(found)) and set(found) == expected and expected
    index.warm()  # (a lone word's first search gives no total; its set is then worked out)
    first = index.search(SearchRequest(text=text, all_tags=tags, covers=covers, limit=5))
    if not phrase:
        assert first.total == len(expected)


def test_documents_that_have_every_word_but_not_the_phrase_are_not_found(tmp_path):
    index = SearchIndex(tmp_path / "index", Synonyms.from_groups([]))
    index.rebuild([
        {"id": "a", "title": "Sliding scale fees", "body": ""},
        {"id": "b", "title": "Fees", "body": "Our scale of fees; sliding doors at the front."},
        {"id": "c", "title": "Dental", "body": "Cleanings on a sliding scale."},
        {"id": "d", "title": "Sliding", "body": "Fees on a scale."},
        {"id": "e", "title": "Clinic", "body": "Scale fees apply. Sliding scale too."},  # both pairs, never the three words
        {"id": "f", "title": "Clinic", "body": "We use a sliding scale; fees are low."},
    ], applied_seq=0)
    assert sorted(hit.id for hit in index.search(SearchRequest(text='"sliding scale fees"')).hits) == ["a", "f"]
    assert sorted(hit.id for hit in index.search(SearchRequest(text='"sliding scale"')).hits) == ["a", "c", "e", "f"]
    assert sorted(hit.id for hit in index.search(SearchRequest(text="sliding scale")).hits) == ["a", "b", "c", "d", "e", "f"]


def test_without_words_documents_come_in_name_order(corpus):
    index, documents = corpus
    request = SearchRequest(all_tags=("cat_b",))
    expected = sorted(_expected(documents, request, [], []), key=lambda d: d["sort"].casefold())
    assert _all_ids(index, request) == [d["id"] for d in expected]
    sparse = SearchRequest(all_tags=("cat_a", "cat_b", "lang_es"), covers=70)
    assert _all_ids(index, sparse) == [d["id"] for d in sorted(_expected(documents, sparse, [], []), key=lambda d: d["sort"].casefold())]


@pytest.mark.parametrize(("text", "within"), [("", 5.0), ("food", 10.0), ("dental youth", 25.0), ("help", 50.0)])
def test_near_a_place_every_document_within_the_distance_comes_nearest_first(corpus, text, within):
    index, documents = corpus
    request = SearchRequest(text=text, near=CENTRE, within=within)
    expected = []
    for document in _expected(documents, request, terms(text), []):
        if document["points"]:
            miles = min(geo.miles_between(CENTRE, point) for point in document["points"])
            if miles <= within:
                expected.append((miles, document["id"]))
    found, offset = [], 0
    while True:
        page = index.search(SearchRequest(text=text, near=CENTRE, within=within, offset=offset, limit=20))
        found += [(hit.distance, hit.id) for hit in page.hits]
        if not page.more:
            break
        offset += 20
    assert [i for _, i in found] == [i for _, i in sorted(expected)] and expected
    assert all(abs(a[0] - b[0]) < 1e-9 for a, b in zip(found, sorted(expected)))


def test_cells_come_nearest_edge_first_and_cover_the_circle():
    cells = geo.cells_by_distance(CENTRE, 10.0)
    edges = [edge for edge, _ in cells]
    assert edges == sorted(edges) and edges[0] == 0.0
    rng = random.Random(3)
    names = {name for _, name in cells}
    for _ in range(200):
        point = (CENTRE[0] + rng.uniform(-0.15, 0.15), CENTRE[1] + rng.uniform(-0.2, 0.2))
        if geo.miles_between(CENTRE, point) <= 10.0:
            assert geo.cell_terms([point]) & names


def test_sets_carried_over_a_change_equal_sets_worked_out_afresh(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "REFRESH_SECONDS", 0)
    monkeypatch.setattr(ranking, "COMMON_MIN", 0)  # the common-word shortcut on this small corpus too
    documents = _corpus(400, seed=11)
    folder = tmp_path / "index"
    index = SearchIndex(folder, Synonyms.from_groups([]))
    index.rebuild(documents, applied_seq=0)
    requests = [SearchRequest(text="food"), SearchRequest(text="rent help", all_tags=("cost_free",)), SearchRequest(text='"food pantry"'),
                SearchRequest(all_tags=("cat_a",), covers=30), SearchRequest(text="dental", near=CENTRE, within=25.0),
                SearchRequest(text="legal", any_tags=(("lang_es", "lang_pl"),))]
    index.warm()
    before = [_all_ids(index, request) for request in requests]
    changed = [{**documents[3], "title": "Food pantry of the lake", "tags": ["cat_a", "cost_free"]}, {**documents[10], "body": "dental"},
               {**documents[0], "id": "new1", "title": "Rent help food", "tags": ["cost_free", "lang_es"]}]
    index.apply(changed, [documents[5]["id"], documents[7]["id"]], applied_seq=1)
    assert index.warm() >= len(requests)  # carried over, only the new segment searched
    assert len(index._generations[index.version()].segments) > 1  # (the unchanged segment kept its numbers)
    fresh = SearchIndex(folder, Synonyms.from_groups([]))  # nothing kept: every set worked out from the index
    for request, earlier in zip(requests, before):
        carried, afresh = _all_ids(index, request), _all_ids(fresh, request)
        assert set(carried) == set(afresh) and len(carried) == len(afresh)
        if not request.text or request.near:
            assert carried == afresh  # by name or by distance: the same order too
    assert "new1" in _all_ids(index, SearchRequest(text="rent help", all_tags=("cost_free",)))
    assert not {documents[5]["id"], documents[7]["id"]} & {i for r in requests for i in _all_ids(index, r)}
