"""Directory tables. The HSDS 3.1 model grows here; organisations and their partner staff come first."""

import uuid

from sqlmodel import Field, SQLModel


class Organization(SQLModel, table=True):
    """HSDS `organization`: the fields the foundation needs; the directory issue adds the rest."""

    __tablename__ = "organization"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=255)
    description: str = ""
    email: str | None = Field(default=None, max_length=254)
    website: str | None = Field(default=None, max_length=2048)


class OrganizationMember(SQLModel, table=True):
    """A partner staff member keeps this organisation's listings."""

    __tablename__ = "organization_member"

    organization_id: uuid.UUID = Field(foreign_key="organization.id", primary_key=True, ondelete="CASCADE")
    person_id: uuid.UUID = Field(foreign_key="person.id", primary_key=True, index=True, ondelete="CASCADE")
