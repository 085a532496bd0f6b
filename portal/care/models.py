"""Who looks after whom. Care plans, screenings and referrals join later issues."""

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from portal.clock import now
from portal.database import UTCDateTime


class CaseloadEntry(SQLModel, table=True):
    """A patient on a coordinator's caseload: the coordinator may see and work on their record."""

    __tablename__ = "caseload_entry"

    coordinator_id: uuid.UUID = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    patient_id: uuid.UUID = Field(foreign_key="person.id", primary_key=True, index=True, ondelete="CASCADE")
    added_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
