"""Every table, imported once so that SQLModel.metadata is complete for Alembic and tests."""

from portal.accounts.models import CaregiverGrant, EmailToken, OidcIdentity, Person, RecoveryCode, RoleGrant
from portal.care.models import CaseloadEntry
from portal.directory.models import Organization, OrganizationMember
from portal.notifications.models import OutboxMessage
from portal.security.models import AuditEvent, SigninFailure, WebSession

__all__ = [
    "AuditEvent", "CaregiverGrant", "CaseloadEntry", "EmailToken", "OidcIdentity", "Organization",
    "OrganizationMember", "OutboxMessage", "Person", "RecoveryCode", "RoleGrant", "SigninFailure", "WebSession",
]
