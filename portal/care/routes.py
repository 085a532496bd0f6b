"""The patient's and the caregiver's home pages."""

from starlette.routing import Route

from portal.accounts.models import Role
from portal.care.queries import care_team, cared_for
from portal.clock import now
from portal.rendering import render
from portal.security.audit import audit
from portal.security.policies import allow, guarded


@guarded(allow(Role.patient))
def my_care(request):
    """A patient's home: their care team, and where to find help."""
    principal = request.state.principal
    with request.state.sessions.begin() as db:
        team = care_team(db, principal.id)
        audit(db, request, "patient_home_viewed", patient_id=principal.id, object_type="person", object_id=str(principal.id))
    return render(request, "care/my_care.html", {"team": team})


@guarded(allow(Role.caregiver))
def caring_for(request):
    """A caregiver's home: the people they help, and what each grant lets them see."""
    principal = request.state.principal
    with request.state.sessions() as db:
        grants = cared_for(db, principal.id)
    return render(request, "care/caring_for.html", {"grants": grants, "now": now()})


routes = [
    Route("/my-care", my_care, name="my_care"),
    Route("/caring-for", caring_for, name="caring_for"),
]
