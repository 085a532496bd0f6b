"""The search change log: the database says what changed, each index applies it in order."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from portal.clock import now
from portal.database import UTCDateTime


class SearchChange(SQLModel, table=True):
    """A document to index again (or drop): appended in the same transaction as the change itself."""

    __tablename__ = "search_change"

    seq: int | None = Field(default=None, primary_key=True)
    index_name: str = Field(max_length=40)
    doc_id: str = Field(max_length=64)
    at: datetime = Field(default_factory=now, sa_type=UTCDateTime, index=True)
