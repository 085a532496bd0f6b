"""The search change log and its one indexer: order, locking, rebuilds, pruning, and `portal reindex`."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import time_machine
from sqlmodel import select

from portal import cli
from portal.clock import now
from portal.directory.engine import directory_index, directory_indexer
from portal.directory.models import Service
from portal.directory.search_documents import INDEX_NAME
from portal.search import changes
from portal.search.index import SearchRequest
from portal.search.indexer import IndexerLock
from portal.search.models import SearchChange
from tests.factories import make_service


def found(index, words: str) -> list[str]:
    return [hit.id for hit in index.search(SearchRequest(text=words)).hits]


def test_changes_are_applied_in_order_and_remembered(db, settings, monkeypatch):
    import portal.search.index as search_index

    monkeypatch.setattr(search_index, "REFRESH_SECONDS", 0)
    index = directory_index(settings)
    indexer = directory_indexer(index, db, settings)
    assert indexer.step() == 0  # builds the (empty) index
    with db.begin() as s:
        first = make_service(s, name="Harbor Pantry", description="Canned goods.")
        changes.record(s, INDEX_NAME, [first.id])
    assert indexer.step() == 1 and found(index, "harbor") == [str(first.id)]
    with db.begin() as s:
        s.get(Service, first.id).description = "Fresh bread."
        changes.record(s, INDEX_NAME, [first.id, first.id])
    assert indexer.step() == 1
    assert found(index, "canned") == [] and found(index, "bread") == [str(first.id)]
    with db() as s:
        assert index.applied_seq() == changes.last_seq(s) > 0
        assert len(s.exec(select(SearchChange)).all()) == 3
    assert indexer.step() == 0  # nothing new


def test_an_index_of_an_older_format_is_rebuilt(db, settings):
    index = directory_index(settings)
    indexer = directory_indexer(index, db, settings)
    with db.begin() as s:
        make_service(s, name="Harbor Pantry", description="Sliding scale fees.")
    assert indexer.step() == 1 and index.healthy()
    (index.folder / "format").write_text("1")  # as written before phrases were indexed as pairs
    assert not index.healthy()
    indexer.step()
    assert index.healthy() and found(index, '"sliding scale"') == found(index, "harbor") != []


def test_only_one_indexer_works_at_a_time(db, settings):
    index = directory_index(settings)
    held = IndexerLock(index.folder)
    assert held.acquire()
    try:
        assert directory_indexer(index, db, settings).step() == 0
        assert not index.healthy()  # it did nothing: the lock was taken
    finally:
        held.release()
    assert directory_indexer(index, db, settings).step() == 0 and index.healthy()


def test_an_index_a_week_behind_rebuilds_instead_of_trusting_a_pruned_log(db, settings, monkeypatch):
    import portal.search.index as search_index

    monkeypatch.setattr(search_index, "REFRESH_SECONDS", 0)
    index = directory_index(settings)
    indexer = directory_indexer(index, db, settings)
    with db.begin() as s:
        make_service(s, name="Old Pantry")
    indexer.step()
    with db.begin() as s:
        lost = make_service(s, name="Forgotten Clinic")  # its change was pruned before this index saw it
        newer = make_service(s, name="Newer Clinic")
        changes.record(s, INDEX_NAME, [newer.id])
    week_ago = time.time() - timedelta(days=8).total_seconds()
    os.utime(index.folder / "applied_seq", (week_ago, week_ago))
    indexer.step()
    assert found(index, "forgotten") == [str(lost.id)] and found(index, "newer") == [str(newer.id)]


def test_prune_drops_changes_older_than_a_week(db, settings):
    with db.begin() as s:
        with time_machine.travel(now() - timedelta(days=8), tick=False):
            changes.record(s, INDEX_NAME, ["old"])
        changes.record(s, INDEX_NAME, ["new"])
    with db.begin() as s:
        assert changes.prune(s) == 1
    with db() as s:
        assert s.exec(select(SearchChange.doc_id)).all() == ["new"]


def test_portal_reindex_rebuilds_with_progress(db, settings, monkeypatch, capsys):
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.setenv("PORTAL_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PORTAL_DATA_DIR", str(settings.data_dir))
    with db.begin() as s:
        for number in range(3):
            make_service(s, name=f"Pantry {number}")
        make_service(s, name="Closed Pantry", status="defunct")
    assert cli.main(["reindex"]) == 0
    assert "search index rebuilt: 3 services" in capsys.readouterr().out
    assert directory_index(settings).healthy()


def test_each_workers_tick_indexes_then_prepares_the_version_it_will_search(db, settings):
    index = directory_index(settings)
    indexer = directory_indexer(index, db, settings)
    with db.begin() as s:
        make_service(s, name="Harbor Pantry", description="Canned goods.")
    indexer.tick()
    assert index.healthy()
    generation = index._generations[index.version()]
    assert generation.count == 1 and generation._order is not None  # the order by name is ready before any search


def test_after_a_change_the_sets_searches_used_are_ready_again_before_anyone_asks(db, settings, monkeypatch):
    import portal.search.index as search_index

    monkeypatch.setattr(search_index, "REFRESH_SECONDS", 0)
    index = directory_index(settings)
    indexer = directory_indexer(index, db, settings)
    with db.begin() as s:
        pantry = make_service(s, name="Harbor Pantry", description="Canned goods.")
        make_service(s, name="Lake Clinic", description="Check-ups.")
    indexer.tick()
    assert found(index, "pantry") == [str(pantry.id)]
    with db.begin() as s:
        s.get(Service, pantry.id).description = "Canned goods and fresh bread."
        changes.record(s, INDEX_NAME, [pantry.id])
    indexer.step()
    assert index.warm() >= 1  # the set of "pantry" was worked out again for the new version
    assert found(index, "bread") == found(index, "pantry") == [str(pantry.id)]
