"""Every table, imported once so that SQLModel.metadata is complete for Alembic and tests."""

from portal.accounts.models import CaregiverGrant, EmailToken, OidcIdentity, Person, RecoveryCode, RoleGrant
from portal.care.models import CaseloadEntry
from portal.directory import models as directory_models  # noqa: F401  (the 24 HSDS tables)
from portal.directory.models import Organization, OrganizationMember
from portal.notifications.models import OutboxMessage
from portal.search.models import SearchChange
from portal.security.models import AuditEvent, SigninFailure, WebSession

__all__ = [
    "AuditEvent", "CaregiverGrant", "CaseloadEntry", "EmailToken", "OidcIdentity", "Organization",
    "OrganizationMember", "OutboxMessage", "Person", "RecoveryCode", "RoleGrant", "SearchChange", "SigninFailure", "WebSession",
]
