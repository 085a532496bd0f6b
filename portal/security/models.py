"""Tables of the security layer: server-side sessions, the audit log, sign-in failures."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from portal.clock import now
from portal.database import UTCDateTime


class WebSession(SQLModel, table=True):
    """A browser's session. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "web_session"

    id_hash: str = Field(primary_key=True, max_length=64)
    user_id: uuid.UUID | None = Field(default=None, foreign_key="person.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
    # Signed in with every factor the account needs; a session half-way through sign-in is not.
    authenticated: bool = False
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class AuditEvent(SQLModel, table=True):
    """Append-only: database triggers refuse UPDATE and DELETE (see the first migration)."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_at", "at"), Index("ix_audit_event_patient", "patient_id", "at"))

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
    actor_id: uuid.UUID | None = None
    actor_role: str = Field(default="", max_length=40)
    action: str = Field(max_length=60, index=True)
    patient_id: uuid.UUID | None = None
    object_type: str = Field(default="", max_length=40)
    object_id: str = Field(default="", max_length=80)
    address: str = Field(default="", max_length=64)
    outcome: str = Field(default="success", max_length=20)
    request_id: str = Field(default="", max_length=40)


class SigninFailure(SQLModel, table=True):
    """Failed sign-ins, kept in the database so that every worker counts the same ones."""

    __tablename__ = "signin_failure"
    __table_args__ = (Index("ix_signin_failure_account", "account_key", "at"), Index("ix_signin_failure_address", "address", "at"))

    id: int | None = Field(default=None, primary_key=True)
    account_key: str = Field(max_length=64)
    address: str = Field(max_length=64)
    at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
