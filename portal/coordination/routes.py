"""The coordinator's caseload, inviting a patient, and a patient's summary."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse
from starlette.routing import Route

from portal.accounts.links import Purpose, issue_link
from portal.accounts.mail import send_invitation
from portal.accounts.models import Person, Role
from portal.accounts.queries import create_person, person_by_email
from portal.care.caregivers import SCOPE_NAMES, may_manage_caregivers
from portal.care.models import CaseloadEntry
from portal.care.queries import care_team, caregivers_of, caseload, live_grant, relation_to
from portal.clock import now
from portal.forms import Form, query_text
from portal.i18n import LANGUAGES, _
from portal.rendering import flash, render
from portal.security.audit import audit, audit_now
from portal.security.policies import allow, guarded

COORDINATOR = allow(Role.coordinator)


@guarded(COORDINATOR)
def caseload_page(request):
    """A coordinator's home: the patients on their caseload."""
    search = query_text(request.query_params, "q", 100)
    with request.state.sessions() as db:
        patients = caseload(db, request.state.principal.id, search)
    return render(request, "coordination/caseload.html", {"patients": patients, "search": search}, fragment="caseload")


@guarded(COORDINATOR)
def invite_patient(request):
    """Invite a patient by e-mail; they join this coordinator's caseload."""
    form = Form(request.state.form)
    if request.method == "GET":
        form.values = {"preferred_language": "en"}
        return render(request, "coordination/invite.html", {"form": form})
    name = form.text("name", label=_("Name"), max_length=120)
    email = form.email()
    language = form.choice("preferred_language", LANGUAGES, label=_("Preferred language"))
    birth_text = form.text("date_of_birth", label=_("Date of birth"), required=False, max_length=10)
    birth = None
    if birth_text:
        try:
            birth = date.fromisoformat(birth_text)
        except ValueError:
            form.error("date_of_birth", _("Enter the date as year-month-day, like 1980-04-27."))
        else:
            if not date(1900, 1, 1) <= birth <= date.today():
                form.error("date_of_birth", _("Enter a date of birth in the past."))
    principal = request.state.principal
    try:
        with request.state.sessions.begin() as db:
            existing = person_by_email(db, email) if form.ok else None
            # Only a patient already on this caseload who has not signed up yet may be invited again;
            # anyone else's account is not this coordinator's to take over.
            if existing is not None and (existing.password_hash or db.get(CaseloadEntry, (principal.id, existing.id)) is None):
                form.error("email", _("Someone already has an account with this email."))
            if not form.ok:
                return render(request, "coordination/invite.html", {"form": form}, status_code=400)
            person = existing or create_person(db, email=email, name=name, roles=[Role.patient], preferred_language=language, date_of_birth=birth)
            if existing is None:
                db.add(CaseloadEntry(coordinator_id=principal.id, patient_id=person.id))
            token = issue_link(db, person, Purpose.invitation, created_by=principal.id)
            send_invitation(db, person, f"{request.app.state.settings.base_url}/invitations/{token}", principal.name)
            audit(db, request, "patient_invited", patient_id=person.id, object_type="person", object_id=str(person.id))
    except IntegrityError:
        # The same e-mail sent twice at once (a double click): the other request created the account.
        form.error("email", _("Someone already has an account with this email."))
        return render(request, "coordination/invite.html", {"form": form}, status_code=400)
    flash(request, _("Invitation sent to %(email)s.", email=email), "success")
    return RedirectResponse(f"/patients/{person.id}", status_code=303)


@guarded(allow(Role.coordinator, Role.patient, Role.caregiver))
def patient_summary(request):
    """A patient's summary: contact, language, care team and caregivers. Audited."""
    try:
        patient_id = uuid.UUID(request.path_params["patient_id"])
    except ValueError as error:
        raise HTTPException(404) from error
    sessions = request.state.sessions
    viewer = request.state.principal
    with sessions.begin() as db:
        relation = relation_to(db, viewer, patient_id)
        patient = db.get(Person, patient_id) if relation else None
        if patient is not None:
            audit(db, request, "patient_viewed", patient_id=patient_id, object_type="person", object_id=str(patient_id))
            team, caregivers = care_team(db, patient_id), caregivers_of(db, patient_id)
            can_manage = may_manage_caregivers(db, viewer, patient_id)
            # A caregiver sees the patient's care team and their own grant, not contact details or other caregivers.
            own_grant = live_grant(db, viewer.id, patient_id) if relation == "caregiver" else None
            if own_grant is not None:
                caregivers = []
    if patient is None:
        audit_now(sessions, request, "patient_viewed", outcome="denied", patient_id=patient_id, object_type="person", object_id=str(patient_id))
        raise HTTPException(404)
    context = {
        "patient": patient, "team": team, "caregivers": caregivers, "can_manage": can_manage, "scope_names": SCOPE_NAMES,
        "now": now(), "relation": relation, "own_grant": own_grant,
    }
    return render(request, "coordination/patient.html", context)


routes = [
    Route("/caseload", caseload_page, name="caseload"),
    Route("/patients/invite", invite_patient, methods=["GET", "POST"], name="invite_patient"),
    Route("/patients/{patient_id}", patient_summary, name="patient_summary"),
]
