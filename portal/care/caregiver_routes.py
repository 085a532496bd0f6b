"""Adding and removing a patient's caregivers (by the patient or their coordinator)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse
from starlette.routing import Route

from portal.accounts.links import Purpose, issue_link
from portal.accounts.mail import send_caregiver_invitation
from portal.accounts.models import Person, Role
from portal.care.caregivers import SCOPE_NAMES, SCOPES, add_caregiver, grant_of, may_manage_caregivers
from portal.clock import now
from portal.forms import Form
from portal.i18n import LANGUAGES, _
from portal.rendering import flash, render
from portal.security.audit import audit, audit_now
from portal.security.policies import allow, guarded

MANAGERS = allow(Role.patient, Role.coordinator)
# Far-future days overflow when converted to UTC (9999-12-31 in Chicago is year 10000 in UTC).
LATEST_YEAR = 2100


def _patient_id(request) -> uuid.UUID:
    try:
        return uuid.UUID(request.path_params["patient_id"])
    except ValueError as error:
        raise HTTPException(404) from error


def _refuse(request, patient_id: uuid.UUID):
    audit_now(request.state.sessions, request, "caregivers_changed", outcome="denied", patient_id=patient_id, object_type="person", object_id=str(patient_id))
    raise HTTPException(404)


def _expiry(form: Form, zone) -> datetime | None:
    text = form.text("expires_on", label=_("Until"), required=False, max_length=10)
    if not text or "expires_on" in form.errors:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        form.error("expires_on", _("Enter the date as year-month-day, like 2027-06-30."))
        return None
    if day <= now().astimezone(zone).date():
        form.error("expires_on", _("Choose a day after today, or leave it empty."))
        return None
    if day.year > LATEST_YEAR:
        form.error("expires_on", _("Choose a day before %(year)d, or leave it empty for no end date.", year=LATEST_YEAR))
        return None
    # The grant ends as that day ends, in the program's time zone.
    return datetime.combine(day, time.max).replace(tzinfo=zone)


@guarded(MANAGERS)
def new_caregiver(request):
    """Give someone permission to help this patient, choosing what they may see and until when."""
    patient_id = _patient_id(request)
    sessions, settings = request.state.sessions, request.app.state.settings
    with sessions() as db:
        allowed = may_manage_caregivers(db, request.state.principal, patient_id)
        patient = db.get(Person, patient_id)
    if not allowed:
        _refuse(request, patient_id)
    form = Form(request.state.form)
    scope_options = [(scope, _(SCOPE_NAMES[scope])) for scope in SCOPES]
    context = {"form": form, "patient": patient, "scope_options": scope_options}
    if request.method == "GET":
        form.values = {"preferred_language": patient.preferred_language, "scopes": list(SCOPES)}
        return render(request, "care/new_caregiver.html", context)
    name = form.text("name", label=_("Name"), max_length=120)
    email = form.email()
    relationship = form.text("relationship", label=_("Relationship"), required=False, max_length=60)
    language = form.choice("preferred_language", LANGUAGES, label=_("Preferred language"))
    scopes = form.choices("scopes", SCOPES, label=_("What they may see"))
    expires_at = _expiry(form, settings.zone)
    if email and email == patient.email:
        form.error("email", _("A patient cannot be their own caregiver."))
    if not form.ok:
        return render(request, "care/new_caregiver.html", context, status_code=400)
    try:
        with sessions.begin() as db:
            grant, caregiver, created = add_caregiver(
                db, patient_id, email=email, name=name, language=language, relationship=relationship, scopes=scopes, expires_at=expires_at
            )
            link = None
            if created or not caregiver.password_hash:
                link = f"{settings.base_url}/invitations/{issue_link(db, caregiver, Purpose.invitation, created_by=request.state.principal.id)}"
            send_caregiver_invitation(db, caregiver, link)
            audit(db, request, "caregiver_granted", patient_id=patient_id, object_type="caregiver_grant", object_id=str(grant.id))
    except IntegrityError:
        # Sent twice at once (a double click): the other request made the account and the grant.
        return RedirectResponse(f"/patients/{patient_id}", status_code=303)
    flash(request, _("%(name)s can now help with this care.", name=caregiver.name), "success")
    return RedirectResponse(f"/patients/{patient_id}", status_code=303)


@guarded(MANAGERS)
def remove_caregiver(request):
    """End a caregiver's permission at once."""
    patient_id = _patient_id(request)
    grant_id = request.path_params["grant_id"]
    with request.state.sessions.begin() as db:
        grant = grant_of(db, patient_id, grant_id) if may_manage_caregivers(db, request.state.principal, patient_id) else None
        if grant is not None:
            db.delete(grant)
            audit(db, request, "caregiver_revoked", patient_id=patient_id, object_type="caregiver_grant", object_id=str(grant_id))
    if grant is None:
        _refuse(request, patient_id)
    flash(request, _("The permission has ended."), "success")
    return RedirectResponse(f"/patients/{patient_id}", status_code=303)


routes = [
    Route("/patients/{patient_id}/caregivers/new", new_caregiver, methods=["GET", "POST"], name="new_caregiver"),
    Route("/patients/{patient_id}/caregivers/{grant_id:int}/remove", remove_caregiver, methods=["POST"], name="remove_caregiver"),
]
