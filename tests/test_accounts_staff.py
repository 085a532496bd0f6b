"""The admin adds staff by invitation and changes roles."""

import re

import pyotp
import pytest
from sqlmodel import select

from portal.accounts.models import Person
from portal.accounts.queries import roles_of
from portal.directory.models import OrganizationMember
from tests.conftest import csrf_from
from tests.helpers import audit_events, field_error, is_signed_out, new_client, outbox


@pytest.fixture
def admin(sign_in_as):
    return sign_in_as("admin")


def add(admin, **fields):
    data = {"name": "Priya Shah", "email": "priya@example.org", "preferred_language": "en", "csrf_token": csrf_from(admin, "/admin/people/new"), **fields}
    return admin.post("/admin/people/new", data=data, follow_redirects=False)


def stored(db, email):
    with db() as s:
        person = s.exec(select(Person).where(Person.email == email)).first()
        return person, (roles_of(s, person.id) if person else set())


def test_an_admin_adds_a_coordinator_who_is_invited_and_must_enrol_a_second_factor(admin, app, db, people):
    response = add(admin, roles=["coordinator"])
    person, roles = stored(db, "priya@example.org")
    assert response.headers["location"] == f"/admin/people/{person.id}"
    assert roles == {"coordinator"} and person.password_hash is None
    mail = outbox(db)[-1]
    assert mail.to_address == "priya@example.org" and mail.kind == "staff_invitation"
    token = re.search(r"/invitations/(\S+)", mail.body_text).group(1)
    assert audit_events(db, "staff_invited")
    with new_client(app) as priya:
        page = priya.get(f"/invitations/{token}")
        data = {"password": "a long and unusual passphrase", "confirm": "a long and unusual passphrase", "csrf_token": csrf_from(priya, f"/invitations/{token}")}
        response = priya.post(f"/invitations/{token}", data=data, follow_redirects=False)
        assert page.status_code == 200 and response.headers["location"] == "/two-factor/setup"
        assert is_signed_out(priya, "/caseload")
        secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', priya.get("/two-factor/setup").text).group(1)
        done = priya.post("/two-factor/setup", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_from(priya, "/two-factor/setup")})
        assert done.status_code == 200 and priya.get("/caseload").status_code == 200


def test_a_partner_is_added_to_their_organisation(admin, db, people):
    page = admin.get("/admin/people/new").text
    organisation = re.search(r'<option value="([0-9a-f-]{36})"[^>]*>Riverside Community Food Bank</option>', page).group(1)
    assert add(admin, roles=["partner"], organization_id=organisation).status_code == 303
    person, roles = stored(db, "priya@example.org")
    with db() as s:
        assert [str(m.organization_id) for m in s.exec(select(OrganizationMember).where(OrganizationMember.person_id == person.id))] == [organisation]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"roles": []}, "roles", "Choose at least one option"),
        ({"roles": ["patient"]}, "roles", "Choose only from the options"),
        ({"roles": ["partner"]}, "organization_id", "Choose the organisation"),
        ({"roles": ["partner"], "organization_id": "not-an-id"}, "organization_id", "Choose the organisation"),
        ({"roles": ["admin"], "email": "coordinator@example.org"}, "email", "already has an account"),
        ({"roles": ["admin"], "name": "x" * 500}, "name", "120 characters"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_written(admin, db, people, fields, field, message):
    before = len(outbox(db))
    response = add(admin, **fields)
    assert response.status_code == 400
    assert message in field_error(response.text, field)
    assert 'value="Priya Shah"' in response.text or field == "name"
    assert len(outbox(db)) == before
    assert stored(db, "priya@example.org")[0] is None


def change_roles(admin, person, roles):
    path = f"/admin/people/{person.id}"
    return admin.post(f"{path}/roles", data={"roles": roles, "csrf_token": csrf_from(admin, path)}, follow_redirects=False)


def test_changing_roles_applies_at_once_and_signs_the_person_out(admin, sign_in_as, db, people):
    rosa = sign_in_as("caregiver")
    assert change_roles(admin, people["caregiver"], ["caregiver", "patient"]).status_code == 303
    assert stored(db, "rosa@example.org")[1] == {"caregiver", "patient"}
    assert is_signed_out(rosa, "/caring-for")
    assert audit_events(db, "roles_changed")


def test_an_admin_cannot_remove_their_own_admin_role_or_leave_none(admin, db, people):
    response = change_roles(admin, people["admin"], ["coordinator"])
    assert response.status_code == 400 and "your own admin role" in field_error(response.text, "roles")
    assert change_roles(admin, people["patient"], []).status_code == 400
    assert stored(db, "admin@example.org")[1] == {"admin"}
    assert stored(db, "maria@example.org")[1] == {"patient"}


def test_only_admins_may_add_staff_or_change_roles(sign_in_as, people):
    coordinator = sign_in_as("coordinator")
    assert coordinator.get("/admin/people/new").status_code == 403
    assert coordinator.post(f"/admin/people/{people['patient'].id}/roles", data={"roles": ["admin"]}).status_code == 403
