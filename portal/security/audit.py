"""The append-only audit log: who did what to whose record, from where, and how it ended."""

import logging
import uuid

from sqlmodel import Session

from portal.security.models import AuditEvent

log = logging.getLogger(__name__)


def request_facts(request) -> dict:
    """Who is asking and from where, as the audit log records it."""
    principal = getattr(request.state, "principal", None)
    return {
        "actor_id": principal.id if principal else None,
        "actor_role": getattr(request.state, "acting_role", "") or (",".join(sorted(principal.roles)) if principal else "anonymous"),
        "address": client_address(request),
        "request_id": getattr(request.state, "request_id", ""),
    }


def client_address(request) -> str:
    return request.client.host if request.client else ""


def audit(
    session: Session,
    request,
    action: str,
    *,
    outcome: str = "success",
    patient_id: uuid.UUID | None = None,
    object_type: str = "",
    object_id: str = "",
    actor_id: uuid.UUID | None = None,
    actor_role: str | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction.

    `actor_id`/`actor_role` name the person when the request does not yet (signing in).
    """
    facts = request_facts(request)
    if actor_id is not None:
        facts["actor_id"] = actor_id
    if actor_role is not None:
        facts["actor_role"] = actor_role
    event = AuditEvent(
        action=action, outcome=outcome, patient_id=patient_id, object_type=object_type, object_id=str(object_id)[:80], **facts
    )
    session.add(event)
    return event


def audit_now(sessions, request, action: str, **fields) -> None:
    """Append one event in a transaction of its own (refusals, failures: nothing else is written)."""
    with sessions.begin() as session:
        audit(session, request, action, **fields)
