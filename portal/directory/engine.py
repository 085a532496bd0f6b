"""The directory's search index and its indexer, built from settings (one pair per process)."""

from __future__ import annotations

from functools import partial

from portal.database import Sessions
from portal.directory.search_documents import INDEX_NAME, all_ids, load_documents
from portal.directory.synonyms import directory_synonyms
from portal.search.index import SearchIndex
from portal.search.indexer import Indexer
from portal.settings import Settings


def directory_index(settings: Settings) -> SearchIndex:
    return SearchIndex(settings.data_dir / "search" / INDEX_NAME, directory_synonyms())


def directory_indexer(index: SearchIndex, sessions: Sessions, settings: Settings) -> Indexer:
    return Indexer(index, INDEX_NAME, sessions, partial(load_documents, zone=settings.timezone), all_ids)
