"""The search change log: append in the writer's transaction, read in order by the one indexer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import delete, func, insert, select
from sqlmodel import Session

from portal.clock import now
from portal.search.models import SearchChange


def record(db: Session, index_name: str, doc_ids: Iterable) -> None:
    """Say that these documents changed; the indexer reads them again from the database."""
    rows = [{"index_name": index_name, "doc_id": str(doc_id), "at": now()} for doc_id in doc_ids]
    for start in range(0, len(rows), 1000):
        db.execute(insert(SearchChange), rows[start:start + 1000])


def pending(db: Session, index_name: str, after: int, limit: int = 500) -> list[tuple[int, str]]:
    query = (select(SearchChange.seq, SearchChange.doc_id)
             .where(SearchChange.index_name == index_name, SearchChange.seq > after)
             .order_by(SearchChange.seq).limit(limit))
    return [(seq, doc_id) for seq, doc_id in db.execute(query)]


def last_seq(db: Session) -> int:
    return db.execute(select(func.coalesce(func.max(SearchChange.seq), 0))).scalar_one()


KEEP = timedelta(days=7)


def prune(db: Session, older_than: timedelta = KEEP) -> int:
    """Old entries go: an index that has not caught up for that long rebuilds instead (Indexer.step)."""
    return db.execute(delete(SearchChange).where(SearchChange.at < now() - older_than)).rowcount
