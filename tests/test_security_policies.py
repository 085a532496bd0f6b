"""Every route declares who may use it, and everyone else is refused."""

import re
import uuid
from datetime import timedelta

import pytest
from sqlmodel import select
from starlette.routing import Mount, Route

from portal.clock import now
from portal.security.models import AuditEvent
from portal.security.policies import policy_of
from tests.factories import make_grant, make_person

ROLES = ("patient", "caregiver", "partner", "coordinator", "admin")


def all_routes(routes, prefix=""):
    for route in routes:
        if isinstance(route, Mount) and getattr(route, "routes", None) and not hasattr(route, "policy"):
            yield from all_routes(route.routes, prefix + route.path)
        else:
            yield prefix, route


def policies(app):
    found = {}
    for prefix, route in all_routes(app.routes):
        policy = getattr(route, "policy", None) if isinstance(route, Mount) else policy_of(route.endpoint)
        found[prefix + route.path] = (route, policy)
    return found


def test_every_route_declares_a_policy(app):
    missing = [path for path, (_route, policy) in policies(app).items() if policy is None]
    assert missing == []


PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")


def concrete(path: str, people) -> str:
    values = {"person_id": people["patient"].id, "patient_id": people["patient"].id, "token": "not-a-token", "grant_id": 1, "service_id": "5d1f0a4e-0000-4000-8000-000000000001",
              "report_id": "5d1f0a4e-0000-4000-8000-000000000002", "id": "5d1f0a4e-0000-4000-8000-000000000003"}
    return PARAMETER.sub(lambda match: str(values[match.group(1)]), path)


@pytest.mark.parametrize("who", (None, *ROLES))
def test_everyone_else_is_refused(app, people, sign_in_as, client, who):
    caller = sign_in_as(who) if who else client
    principal_roles = {who} if who else set()
    checked = 0
    for path, (route, policy) in policies(app).items():
        if not isinstance(route, Route):
            continue
        url = concrete(path, people)
        if policy.development_only:
            for method in route.methods - {"HEAD"}:
                assert caller.request(method, url, follow_redirects=False).status_code == 404, (who, method, url)
            checked += 1
            continue
        if not policy.signed_in or (who and (not policy.roles or principal_roles & policy.roles)):
            continue
        for method in sorted(route.methods - {"HEAD"}):
            response = caller.request(method, url, follow_redirects=False)
            if who is None and method == "GET":
                assert response.status_code == 303 and response.headers["location"].startswith("/login?next="), (method, url)
            else:
                assert response.status_code == (403 if who else 401), (who, method, url, response.status_code)
            checked += 1
    assert checked > 0


def test_refusals_are_audited(app, people, sign_in_as, db):
    sign_in_as("patient").get("/caseload")
    with db() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "access_denied")).one()
    assert event.actor_id == people["patient"].id
    assert event.object_id == "/caseload"
    assert event.outcome == "denied"


def test_a_coordinator_sees_only_their_caseload(people, sign_in_as, db):
    coordinator, other = sign_in_as("coordinator"), sign_in_as("coordinator2")
    maria = people["patient"].id
    assert coordinator.get(f"/patients/{maria}").status_code == 200
    assert other.get(f"/patients/{maria}").status_code == 404
    with db() as s:
        outcomes = [e.outcome for e in s.exec(select(AuditEvent).where(AuditEvent.action == "patient_viewed", AuditEvent.patient_id == maria).order_by(AuditEvent.id))]
    assert outcomes == ["success", "denied"]


def test_a_patient_cannot_open_another_patients_record(people, sign_in_as):
    james = sign_in_as("patient2")
    assert james.get(f"/patients/{people['patient2'].id}").status_code == 200
    assert james.get(f"/patients/{people['patient'].id}").status_code == 404


def test_a_caregiver_sees_only_whom_a_live_grant_names(people, sign_in_as, db):
    with db.begin() as s:
        sister = make_person(s, roles=("patient",), name="Lucia Lopez")
        make_grant(s, people["caregiver"], sister, expires_at=now() - timedelta(days=1))
    rosa = sign_in_as("caregiver")
    assert rosa.get(f"/patients/{people['patient'].id}").status_code == 200
    assert rosa.get(f"/patients/{people['patient2'].id}").status_code == 404
    assert rosa.get(f"/patients/{sister.id}").status_code == 404


def test_unknown_and_malformed_ids_are_not_found(sign_in_as):
    coordinator = sign_in_as("coordinator")
    assert coordinator.get(f"/patients/{uuid.uuid4()}").status_code == 404
    assert coordinator.get("/patients/not-a-uuid").status_code == 404
    assert coordinator.get("/patients/' OR 1=1 --").status_code == 404


def test_patient_pages_are_never_cached(people, sign_in_as):
    response = sign_in_as("coordinator").get(f"/patients/{people['patient'].id}")
    assert response.headers["cache-control"] == "no-store"
