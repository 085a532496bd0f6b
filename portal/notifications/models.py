"""Mail waits in the outbox table until a sender claims and delivers it."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from portal.clock import now
from portal.database import UTCDateTime


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_pending", "sent_at", "claimed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    body_text: str
    kind: str = Field(default="", max_length=40)
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0
    last_error: str = Field(default="", max_length=500)
