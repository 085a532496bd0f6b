"""The admin's desk: people, their access, and the audit log."""

from __future__ import annotations

import uuid
from datetime import datetime, time

from sqlalchemy import or_
from sqlmodel import select
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse
from starlette.routing import Route

from portal.accounts import mfa
from portal.accounts.models import STAFF_ROLES, OidcIdentity, Person, Role, RoleGrant, RoleNames
from portal.accounts.queries import roles_of
from portal.directory.models import Organization, OrganizationMember
from portal.forms import Form, query_text
from portal.i18n import _
from portal.pagination import fetch_page, page_from
from portal.rendering import flash, render
from portal.security.audit import audit
from portal.security.models import AuditEvent
from portal.security.policies import allow, guarded
from portal.security.sessions import end_all_sessions

ADMIN = allow(Role.admin)


def person_id_of(request) -> uuid.UUID:
    try:
        return uuid.UUID(request.path_params["person_id"])
    except ValueError as error:
        raise HTTPException(404) from error


@guarded(ADMIN)
def people(request):
    """Everyone with an account, filtered by name or email, role and status."""
    params = request.query_params
    search, role, status = query_text(params, "q", 100), params.get("role", ""), params.get("status", "")
    statement = select(Person).order_by(Person.name, Person.id)
    if search:
        like = f"%{search.lower()}%"
        statement = statement.where(or_(Person.email.like(like), Person.name.ilike(like)))
    if role in Role.__members__:
        statement = statement.where(Person.id.in_(select(RoleGrant.person_id).where(RoleGrant.role == role)))
    if status in ("active", "inactive"):
        statement = statement.where(Person.active == (status == "active"))
    with request.state.sessions() as db:
        rows, page = fetch_page(db, statement, page_from(params))
        roles = {person.id: sorted(roles_of(db, person.id)) for person in rows}
    filters = {"q": search, "role": role if role in Role.__members__ else "", "status": status}
    return render(request, "admin/people.html", {"people": rows, "roles": roles, "page": page, "filters": filters, "all_roles": list(Role)}, fragment="results")


def person_page(request, db, person: Person, *, form: Form | None = None, roles_form: Form | None = None, status_code: int = 200):
    """The person page, with the forms' errors when one of them was refused."""
    roles = sorted(roles_of(db, person.id))
    roles_form = roles_form or Form()
    if roles_form.ok:
        roles_form.values["roles"] = roles
    context = {
        "person": person,
        "roles": roles,
        "identities": db.exec(select(OidcIdentity).where(OidcIdentity.person_id == person.id)).all(),
        "organisations": db.exec(select(Organization).join(OrganizationMember).where(OrganizationMember.person_id == person.id)).all(),
        "form": form or Form(),
        "roles_form": roles_form,
        "role_options": [(role.value, RoleNames()[role.value]) for role in Role],
    }
    return render(request, "admin/person.html", context, status_code=status_code)


@guarded(ADMIN)
def person_detail(request):
    """One account: roles, second factor, linked identities, and the admin's actions."""
    person_id = person_id_of(request)
    with request.state.sessions.begin() as db:
        person = db.get(Person, person_id)
        if person is None:
            raise HTTPException(404)
        if Role.patient in roles_of(db, person_id):
            # An admin opening a patient's account is a read of that patient's record.
            audit(db, request, "person_viewed", patient_id=person_id, object_type="person", object_id=str(person_id))
        return person_page(request, db, person)


def _admin_action(request, action: str, change) -> RedirectResponse:
    person_id = person_id_of(request)
    with request.state.sessions.begin() as db:
        person = db.get(Person, person_id)
        if person is None:
            raise HTTPException(404)
        message = change(db, person)
        audit(db, request, action, object_type="person", object_id=str(person_id))
    flash(request, message, "success")
    return RedirectResponse(f"/admin/people/{person_id}", status_code=303)


@guarded(ADMIN)
def deactivate_person(request):
    """Deactivate an account: it cannot sign in and its sessions end at once."""
    if person_id_of(request) == request.state.principal.id:
        flash(request, _("You cannot deactivate your own account."), "error")
        return RedirectResponse(f"/admin/people/{person_id_of(request)}", status_code=303)

    def change(db, person):
        person.active = False
        end_all_sessions(db, person.id)
        return _("%(name)s is deactivated and signed out everywhere.", name=person.name)

    return _admin_action(request, "person_deactivated", change)


@guarded(ADMIN)
def reactivate_person(request):
    """Let a deactivated account sign in again."""

    def change(db, person):
        person.active = True
        return _("%(name)s can sign in again.", name=person.name)

    return _admin_action(request, "person_reactivated", change)


@guarded(ADMIN)
def reset_second_factor(request):
    """Remove someone's second factor; they enrol again at their next sign-in."""

    def change(db, person):
        mfa.clear_second_factor(db, person)
        end_all_sessions(db, person.id)
        return _("The second factor of %(name)s is reset.", name=person.name)

    return _admin_action(request, "totp_reset", change)


@guarded(ADMIN)
def link_identity(request):
    """Link an identity of the organisation's provider (its subject) to this account."""
    person_id = person_id_of(request)
    form = Form(request.state.form)
    subject = form.text("subject", label=_("Subject"), max_length=255)
    settings = request.app.state.settings
    with request.state.sessions() as db:
        person = db.get(Person, person_id)
        if person is None:
            raise HTTPException(404)
        # Only a subject that passed the field checks reaches the database (PostgreSQL refuses NUL).
        taken = form.ok and db.exec(select(OidcIdentity).where(OidcIdentity.issuer == settings.oidc_issuer.rstrip("/"), OidcIdentity.subject == subject)).first()
        if not settings.oidc_enabled:
            form.error("subject", _("Single sign-on is not configured (PORTAL_OIDC_ISSUER)."))
        elif not roles_of(db, person_id) & STAFF_ROLES:
            form.error("subject", _("Only staff accounts sign in through single sign-on."))
        elif taken:
            form.error("subject", _("This identity is already linked to an account."))
        if not form.ok:
            return person_page(request, db, person, form=form, status_code=400)

    def change(db, person):
        db.add(OidcIdentity(issuer=settings.oidc_issuer.rstrip("/"), subject=subject, person_id=person.id))
        return _("The identity is linked.")

    return _admin_action(request, "oidc_linked", change)


def _day(value: str, end: bool = False) -> datetime | None:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    if not 1900 <= day.year <= 2100:  # beyond these, converting to UTC can overflow; no event is there anyway
        return None
    return datetime.combine(day, time.max if end else time.min)


@guarded(ADMIN)
def audit_log(request):
    """Audit events, newest first, filtered by action, outcome, person, patient and dates."""
    params = request.query_params
    zone = request.app.state.settings.zone
    action, outcome = query_text(params, "action", 60), query_text(params, "outcome", 20)
    actor, patient = query_text(params, "actor", 254), query_text(params, "patient", 254)
    since, until = _day(params.get("from", "")), _day(params.get("to", ""), end=True)
    statement = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if action:
        statement = statement.where(AuditEvent.action == action)
    if outcome:
        statement = statement.where(AuditEvent.outcome == outcome)
    if actor:
        statement = statement.where(AuditEvent.actor_id.in_(select(Person.id).where(Person.email == actor.lower())))
    if patient:
        statement = statement.where(AuditEvent.patient_id.in_(select(Person.id).where(Person.email == patient.lower())))
    if since:
        statement = statement.where(AuditEvent.at >= since.replace(tzinfo=zone))
    if until:
        statement = statement.where(AuditEvent.at <= until.replace(tzinfo=zone))
    with request.state.sessions() as db:
        events, page = fetch_page(db, statement, page_from(params, per_page=50))
        ids = {e.actor_id for e in events if e.actor_id} | {e.patient_id for e in events if e.patient_id}
        names = {p.id: p.email for p in db.exec(select(Person).where(Person.id.in_(ids))).all()} if ids else {}
        actions = sorted(db.exec(select(AuditEvent.action).distinct()).all())
    filters = {"action": action, "outcome": outcome, "actor": actor, "patient": patient, "from": params.get("from", "")[:10], "to": params.get("to", "")[:10]}
    return render(request, "admin/audit.html", {"events": events, "names": names, "page": page, "filters": filters, "actions": actions}, fragment="results")


routes = [
    Route("/admin/people", people, name="people"),
    Route("/admin/people/{person_id}", person_detail, name="person_detail"),
    Route("/admin/people/{person_id}/deactivate", deactivate_person, methods=["POST"], name="deactivate_person"),
    Route("/admin/people/{person_id}/reactivate", reactivate_person, methods=["POST"], name="reactivate_person"),
    Route("/admin/people/{person_id}/reset-two-factor", reset_second_factor, methods=["POST"], name="reset_second_factor"),
    Route("/admin/people/{person_id}/identities", link_identity, methods=["POST"], name="link_identity"),
    Route("/admin/audit", audit_log, name="audit_log"),
]
