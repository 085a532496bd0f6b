"""The public directory search page: words, synonyms, filters, distance, paging, and bad input."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlmodel import select

from portal.directory.models import SearchMiss, Service
from portal.directory.search_documents import INDEX_NAME
from portal.search import changes
from tests.factories import CICERO, EVANSTON, PILSEN, make_category, make_organisation, make_service

CHICAGO = ZoneInfo("America/Chicago")


def names(response) -> list[str]:
    """Result titles in page order."""
    return re.findall(r'<h3><a href="/directory/services/[^"]+">([^<]+)</a></h3>', response.text)


@pytest.fixture
def directory(db, index_now):
    with db.begin() as s:
        food = make_category(s, name="Food", code="food")
        pantry = make_category(s, name="Food pantry", code="food-pantry", parent=food)
        legal = make_category(s, name="Legal aid", code="legal")
        make_service(s, name="Pilsen Food Pantry", description="Groceries every weekday. Help applying for SNAP benefits.",
                     place=PILSEN, categories=[pantry], languages=("en", "es"))
        make_service(s, name="Despensa Comunitaria", description="Alimentos gratis para familias los sábados.",
                     place=CICERO, postal_code="60804", categories=[pantry], languages=("es",),
                     hours=(("SA", "09:00", "13:00"),))
        make_service(s, name="North Shore Tenant Law", description="Free lawyers for eviction cases.", place=EVANSTON,
                     postal_code="60201", categories=[legal], minimum_age=18)
        make_service(s, name="Youth Drop-In Meals", description="Hot meals for young people 12 to 24.", place=PILSEN,
                     minimum_age=12, maximum_age=24, free=False)
    index_now()
    return {"food": food, "pantry": pantry, "legal": legal}


def test_words_are_stemmed_and_anded(client, directory):
    assert names(client.get("/directory?q=weekdays")) == ["Pilsen Food Pantry"]
    assert names(client.get("/directory?q=eviction lawyer")) == ["North Shore Tenant Law"]
    assert names(client.get("/directory?q=eviction groceries")) == []


@pytest.mark.parametrize(("words", "expected"), [
    ("food stamps", {"Pilsen Food Pantry"}),  # SNAP, in English
    ('"cupones de alimentos"', {"Pilsen Food Pantry"}),  # SNAP, in Spanish
    ("comida", {"Despensa Comunitaria", "Pilsen Food Pantry"}),  # Spanish word finds English listings
    ("groceries", {"Pilsen Food Pantry", "Despensa Comunitaria"}),  # and English finds Spanish ones
    ("abogado", {"North Shore Tenant Law"}),
])
def test_synonyms_work_in_both_languages(client, directory, words, expected):
    assert set(names(client.get("/directory", params={"q": words}))) == expected


def test_filters_combine_with_and(client, directory):
    assert set(names(client.get("/directory?category=food"))) == {"Pilsen Food Pantry", "Despensa Comunitaria"}
    assert names(client.get(f"/directory?category={directory['legal'].id}")) == ["North Shore Tenant Law"]
    assert names(client.get("/directory?category=food&language=es&q=snap")) == ["Pilsen Food Pantry"]
    assert "Youth Drop-In Meals" not in names(client.get("/directory?cost=free"))
    assert set(names(client.get("/directory?age=30"))) == {"Pilsen Food Pantry", "Despensa Comunitaria", "North Shore Tenant Law"}
    assert set(names(client.get("/directory?age=15"))) == {"Pilsen Food Pantry", "Despensa Comunitaria", "Youth Drop-In Meals"}


def test_near_a_zip_sorts_by_distance_and_shows_it(client, directory):
    response = client.get("/directory?near=60608&within=25")
    assert names(response)[:2] in (["Pilsen Food Pantry", "Youth Drop-In Meals"], ["Youth Drop-In Meals", "Pilsen Food Pantry"])
    assert names(response)[2:] == ["Despensa Comunitaria", "North Shore Tenant Law"]
    assert "0 mi away" in response.text and "4.4 mi away" in response.text
    assert names(client.get("/directory?near=60201&within=1")) == ["North Shore Tenant Law"]


def test_open_now_across_the_week(client, directory):
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=CHICAGO), tick=False):  # a Tuesday morning
        assert set(names(client.get("/directory?open_now=1"))) == {"Pilsen Food Pantry", "North Shore Tenant Law", "Youth Drop-In Meals"}
        card = client.get("/directory?q=pantry").text
        assert "Open now, closes 5:00" in card
    with time_machine.travel(datetime(2026, 12, 5, 12, 0, tzinfo=CHICAGO), tick=False):  # Saturday noon
        assert names(client.get("/directory?open_now=1")) == ["Despensa Comunitaria"]
        assert "opens Monday 9:00" in client.get("/directory?q=pantry").text.replace("\u202f", " ")
    assert names(client.get("/directory?open_at=2026-12-05T09:30")) == ["Despensa Comunitaria"]


def test_paging_keeps_the_filters(client, db, index_now):
    with db.begin() as s:
        for number in range(23):
            make_service(s, name=f"Pantry {number:02d}", description="Food for families.")
    index_now()
    first = client.get("/directory?q=food&cost=free")
    assert len(names(first)) == 10 and 'rel="next"' in first.text and "23 places found" in first.text
    assert "page=2" in first.text and "cost=free" in first.text
    open_now = client.get("/directory?q=food&open_now=1")  # the count depends on each card's hours: not given
    assert "places found" not in open_now.text or "More than" in open_now.text
    last = client.get("/directory?q=food&cost=free&page=3")
    assert len(names(last)) == 3 and 'rel="next"' not in last.text
    assert set(names(first)).isdisjoint(names(last))


def test_the_results_come_alone_to_htmx_and_whole_to_a_browser(client, directory):
    page = client.get("/directory?q=weekday")
    fragment = client.get("/directory?q=weekday", headers={"HX-Request": "true"})
    assert "<html" in page.text and "<html" not in fragment.text
    assert fragment.text.lstrip().startswith('<div id="directory">') or '<div id="directory">' in fragment.text[:400]
    assert names(fragment) == names(page) == ["Pilsen Food Pantry"]
    assert fragment.headers["vary"].endswith("HX-Request")


def test_nothing_found_suggests_how_to_widen_and_counts_the_words(client, directory, db):
    response = client.get("/directory?q=helicopter&near=60201&within=1&open_now=1")
    assert "Nothing matches all of that" in response.text
    assert "Look up to 50 miles away" in response.text and "closed right now too" in response.text
    client.get("/directory?q=Helicopters")
    with db() as s:
        misses = s.exec(select(SearchMiss)).all()
    assert [(m.query, m.count) for m in misses] == [("helicopt", 2)]


@pytest.mark.parametrize("query", [
    "*e*", "food OR rent", "title:food", 'food"', '"""', "name:[a TO z]", "fo?d~2", "😀🍎", "x" * 10_000,
    "\x00food", "' OR 1=1 --", "<script>alert(1)</script>", "comida AND NOT ropa", "%", "_",
])
def test_any_query_answers_with_results_or_a_message(client, directory, query):
    response = client.get("/directory", params={"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"near": "6060"}, "near", "Enter a 5-digit US ZIP code"),
    ({"near": "00000"}, "near", "Enter a 5-digit US ZIP code"),
    ({"within": "7"}, "within", "Choose a distance"),
    ({"age": "-3"}, "age", "Enter an age in years"),
    ({"open_at": "tomorrow"}, "open_at", "Enter a date and time"),
    ({"language": "english"}, "language", "Choose a language"),
    ({"category": "no-such-thing"}, "category", "Choose a category"),
])
def test_a_bad_filter_gets_a_message_next_to_it(client, directory, params, field, message):
    response = client.get("/directory", params=params)
    assert response.status_code == 200
    assert f'id="error-{field}"' in response.text and message in response.text


def test_listing_text_is_escaped_on_the_results_page(client, db, index_now):
    with db.begin() as s:
        make_service(s, name="<b>Bold</b> pantry", description="Food <img src=x onerror=alert(1)> here")
    index_now()
    response = client.get("/directory?q=food")
    assert "<img src=x" not in response.text and "&lt;img src=x onerror=alert(1)&gt;" in response.text
    assert "&lt;b&gt;Bold&lt;/b&gt; pantry" in response.text
    assert "<mark>Food</mark>" in response.text


def test_an_edit_is_found_after_the_indexer_runs(client, db, directory, index_now):
    with db.begin() as s:
        service = s.exec(select(Service).where(Service.name == "Youth Drop-In Meals")).one()
        service.description = "Hot meals and a quiet place to study."
        changes.record(s, INDEX_NAME, [service.id])
    index_now()
    assert names(client.get("/directory?q=study")) == ["Youth Drop-In Meals"]
    with db.begin() as s:
        service = s.exec(select(Service).where(Service.name == "Youth Drop-In Meals")).one()
        service.status = "defunct"
        changes.record(s, INDEX_NAME, [service.id])
    index_now()
    assert names(client.get("/directory?q=study")) == []


def test_a_broken_index_says_search_is_limited_then_rebuilds(client, directory, settings, index_now):
    folder = settings.data_dir / "search" / "directory"
    for path in folder.iterdir():
        if path.suffix in {".toc", ".seg"} or path.name.startswith("_MAIN"):
            path.write_bytes(b"broken")
    response = client.get("/directory?q=pantry")
    assert response.status_code == 200 and "temporarily limited" in response.text
    assert "Pilsen Food Pantry" in names(response)
    index_now()
    response = client.get("/directory?q=pantry")
    assert "temporarily limited" not in response.text
    assert names(response) == ["Despensa Comunitaria", "Pilsen Food Pantry"]  # the category "Food pantry" counts too


def test_a_card_shows_its_own_phone_not_a_sibling_services(client, db, index_now):
    from portal.directory.models import Phone

    with db.begin() as s:
        harbor = make_organisation(s, name="Harbor House")
        pantry = make_service(s, name="Harbor Pantry", organization=harbor)
        meals = make_service(s, name="Harbor Meals", organization=harbor)
        s.exec(select(Phone).where(Phone.service_id == pantry.id)).one().organization_id = harbor.id
        s.delete(s.exec(select(Phone).where(Phone.service_id == meals.id)).one())
        s.add(Phone(organization_id=harbor.id, number="(312) 555-0199"))  # the front desk, for every service
    index_now()
    page = client.get("/directory?q=meals").text
    assert "555-0199" in page and "555-0143" not in page


def test_words_of_one_synonym_group_are_one_concept(client, directory):
    assert names(client.get("/directory", params={"q": "food pantry groceries"})) == names(client.get("/directory?q=groceries"))


def test_a_visitors_page_is_kept_only_while_it_is_exactly_true(client, directory, db, index_now):
    with time_machine.travel(datetime(2026, 12, 1, 12, 59, 30, tzinfo=CHICAGO), tick=False):  # a Tuesday, 12:59
        first = client.get("/directory?q=weekday")
        assert client.get("/directory?q=weekday").content == first.content  # the same page, not rendered again
        assert "Open now" in first.text
        with db.begin() as s:
            s.exec(select(Service).where(Service.name == "Pilsen Food Pantry")).one().description = "Groceries on weekdays, and diapers."
            changes.record(s, INDEX_NAME, [s.exec(select(Service.id).where(Service.name == "Pilsen Food Pantry")).one()])
        index_now()
        assert "diapers" in client.get("/directory?q=weekday").text  # a new version of the index: rendered again
        assert names(client.get("/directory?q=weekday&open_now=1")) == ["Pilsen Food Pantry"]
    with time_machine.travel(datetime(2026, 12, 1, 17, 0, 30, tzinfo=CHICAGO), tick=False):  # the pantry has closed
        assert "Closed now" in client.get("/directory?q=weekday").text
        assert names(client.get("/directory?q=weekday&open_now=1")) == []


def test_the_searches_found_nothing_are_counted_when_the_kept_page_is_served(client, directory, db):
    for _ in range(3):
        assert names(client.get("/directory?q=helicopter")) == []
    with db() as s:
        assert [(m.query, m.count) for m in s.exec(select(SearchMiss)).all()] == [("helicopt", 3)]


def test_a_signed_in_persons_page_is_never_kept_nor_given_to_others(client, directory, sign_in_as):
    assert "Sign out" not in client.get("/directory?q=weekday").text
    coordinator = sign_in_as("coordinator")
    assert "Sign out" in coordinator.get("/directory?q=weekday").text
    assert "Sign out" not in client.get("/directory?q=weekday").text
    assert "Sign out" in coordinator.get("/directory?q=weekday").text
