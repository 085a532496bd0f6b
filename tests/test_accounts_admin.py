"""The admin's desk: deactivating accounts, resetting second factors, the people list and the audit log."""

import re
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from portal.accounts import mfa
from portal.accounts.models import Person, RecoveryCode
from portal.security.models import AuditEvent
from tests.conftest import csrf_from, sign_in
from tests.helpers import audit_events, field_error, is_signed_out, new_client, sessions_of

FRAGMENT = {"HX-Request": "true"}


@pytest.fixture
def admin(sign_in_as):
    return sign_in_as("admin")


def admin_post(admin, person_id, action, **data):
    token = csrf_from(admin, f"/admin/people/{person_id}")
    return admin.post(f"/admin/people/{person_id}/{action}", data={**data, "csrf_token": token}, follow_redirects=False)


def listed_names(page: str) -> set[str]:
    return set(re.findall(r'<td><a href="/admin/people/[0-9a-f-]+">([^<]+)</a></td>', page))


def audit_rows(page: str) -> list[list[str]]:
    """Each row of the audit table as its cell texts: when, who, role, action, patient, object, address, outcome."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return [[cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_deactivating_an_account_signs_it_out_at_once(admin, sign_in_as, db, people):
    maria = sign_in_as("patient")
    assert maria.get("/my-care", follow_redirects=False).status_code == 200
    response = admin_post(admin, people["patient"].id, "deactivate")
    assert response.status_code == 303
    assert response.headers["location"] == f"/admin/people/{people['patient'].id}"
    assert is_signed_out(maria, "/my-care")
    assert sessions_of(db, people["patient"].id) == []
    with db() as s:
        assert s.get(Person, people["patient"].id).active is False
    [event] = audit_events(db, "person_deactivated")
    assert (event.actor_id, event.object_id, event.outcome) == (people["admin"].id, str(people["patient"].id), "success")
    assert "deactivated and signed out everywhere" in admin.get(response.headers["location"]).text


def test_a_deactivated_account_can_be_reactivated(admin, app, db, people):
    admin_post(admin, people["patient"].id, "deactivate")
    admin_post(admin, people["patient"].id, "reactivate")
    assert audit_events(db, "person_reactivated", actor_id=people["admin"].id)
    with new_client(app) as maria:
        assert sign_in(maria, "maria@example.org").status_code == 303


def test_the_admin_cannot_deactivate_themself(admin, db, people):
    response = admin_post(admin, people["admin"].id, "deactivate")
    assert response.status_code == 303
    assert "You cannot deactivate your own account." in admin.get(response.headers["location"]).text
    with db() as s:
        assert s.get(Person, people["admin"].id).active is True
    assert audit_events(db, "person_deactivated") == []
    assert admin.get("/admin/people", follow_redirects=False).status_code == 200


def test_resetting_a_second_factor_clears_totp_and_recovery_codes(admin, app, db, people):
    coordinator = people["coordinator"]
    with db.begin() as s:
        mfa.new_recovery_codes(s, s.get(Person, coordinator.id))
    response = admin_post(admin, coordinator.id, "reset-two-factor")
    assert response.status_code == 303
    with db() as s:
        person = s.get(Person, coordinator.id)
        assert (person.totp_secret, person.totp_last_step) == (None, None)
        assert s.exec(select(RecoveryCode).where(RecoveryCode.person_id == coordinator.id)).all() == []
    [event] = audit_events(db, "totp_reset")
    assert (event.actor_id, event.object_id) == (people["admin"].id, str(coordinator.id))
    with new_client(app) as later:
        first = later.post("/login", data={"email": coordinator.email, "password": "correct horse battery staple", "csrf_token": csrf_from(later, "/login")}, follow_redirects=False)
        assert first.headers["location"] == "/two-factor/setup"


def test_resetting_a_second_factor_ends_that_persons_sessions(admin, sign_in_as, people):
    coordinator = sign_in_as("coordinator")
    admin_post(admin, people["coordinator"].id, "reset-two-factor")
    assert is_signed_out(coordinator, "/caseload")


def test_admin_actions_on_an_unknown_person_are_not_found(admin, people):
    token = csrf_from(admin, "/admin/people")
    assert admin.post(f"/admin/people/{uuid.uuid4()}/deactivate", data={"csrf_token": token}).status_code == 404
    assert admin.post("/admin/people/not-a-uuid/deactivate", data={"csrf_token": token}).status_code == 404
    assert admin.get("/admin/people/not-a-uuid").status_code == 404


def test_only_admins_may_use_the_admin_pages(sign_in_as, people):
    coordinator = sign_in_as("coordinator")
    assert coordinator.get("/admin/people").status_code == 403
    assert coordinator.get("/admin/audit").status_code == 403
    token = csrf_from(coordinator, "/caseload")
    response = coordinator.post(f"/admin/people/{people['patient'].id}/deactivate", data={"csrf_token": token})
    assert response.status_code == 403


def test_the_people_list_filters_by_role(admin, people):
    names = listed_names(admin.get("/admin/people?role=coordinator").text)
    assert names == {"Grace Kim", "Samuel Okafor"}


def test_the_people_list_filters_by_status(admin, db, people):
    with db.begin() as s:
        s.get(Person, people["patient2"].id).active = False
    assert listed_names(admin.get("/admin/people?status=inactive").text) == {"James Carter"}
    assert "James Carter" not in listed_names(admin.get("/admin/people?status=active").text)


def test_the_people_list_filters_by_name_or_email(admin, people):
    assert listed_names(admin.get("/admin/people?q=lopez").text) == {"Maria Lopez", "Rosa Lopez"}
    assert listed_names(admin.get("/admin/people?q=JAMES@example").text) == {"James Carter"}
    assert listed_names(admin.get("/admin/people?q=lopez&role=caregiver").text) == {"Rosa Lopez"}


def test_the_people_list_survives_odd_filters(admin, people):
    for query in ("?q=%25", "?q=_", "?q=%00", "?q=a%00b", "?role=superuser", "?status=maybe", "?q=" + "x" * 5000, "?page=-1", "?page=abc"):
        assert admin.get("/admin/people" + query).status_code == 200


@pytest.mark.parametrize("path", ["/admin/people", "/admin/audit"])
def test_admin_lists_answer_a_fragment_to_htmx_and_a_page_otherwise(admin, people, path):
    fragment = admin.get(path, headers=FRAGMENT)
    page = admin.get(path)
    assert fragment.status_code == page.status_code == 200
    assert "<html" not in fragment.text and 'id="results"' in fragment.text
    assert "<html" in page.text and 'id="results"' in page.text
    for response in (fragment, page):
        assert "HX-Request" in response.headers["vary"]


def test_the_people_fragment_is_filtered_too(admin, people):
    fragment = admin.get("/admin/people?role=admin", headers=FRAGMENT)
    assert listed_names(fragment.text) == {"Alex Morgan"}


def test_the_audit_log_filters_by_action(admin, people):
    rows = audit_rows(admin.get("/admin/audit?action=signin").text)
    assert rows and {row[3] for row in rows} == {"signin"}


def test_the_audit_log_filters_by_outcome(admin, app, people):
    with new_client(app) as stranger:
        stranger.post("/login", data={"email": "maria@example.org", "password": "wrong password here", "csrf_token": csrf_from(stranger, "/login")})
    rows = audit_rows(admin.get("/admin/audit?outcome=failure").text)
    assert [(row[3], row[1], row[7]) for row in rows] == [("signin_failed", "maria@example.org", "failure")]


def test_the_audit_log_filters_by_actor_email(admin, sign_in_as, people):
    sign_in_as("patient")
    rows = audit_rows(admin.get("/admin/audit?actor=Maria@Example.org").text)
    assert rows and {row[1] for row in rows} == {"maria@example.org"}
    assert audit_rows(admin.get("/admin/audit?actor=nobody@example.org").text) == []


def test_the_audit_log_filters_by_dates(admin, db, people):
    with db.begin() as s:
        s.add(AuditEvent(action="test_january", at=datetime(2024, 1, 10, 18, 0, tzinfo=UTC)))
        s.add(AuditEvent(action="test_march", at=datetime(2024, 3, 10, 18, 0, tzinfo=UTC)))
    march = audit_rows(admin.get("/admin/audit?from=2024-03-01&to=2024-03-31").text)
    assert [row[3] for row in march] == ["test_march"]
    january = audit_rows(admin.get("/admin/audit?from=2024-01-10&to=2024-01-10").text)
    assert [row[3] for row in january] == ["test_january"]
    until_february = audit_rows(admin.get("/admin/audit?to=2024-02-01").text)
    assert [row[3] for row in until_february] == ["test_january"]


def test_the_audit_log_survives_odd_filters(admin, people):
    for query in ("?from=31/02/1999", "?to=9999-99-99", "?from=" + "9" * 5000, "?actor=%00", "?patient=x%00", "?action=%00", "?outcome=%00", "?action=" + "a" * 5000, "?page=999999"):
        assert admin.get("/admin/audit" + query).status_code == 200


@pytest.mark.parametrize(
    "fields",
    [{}, {"subject": ""}, {"subject": "s" * 10_000}, {"subject": "sub\x00ject"}, {"subject": ["a", "b"]}, {"subject": "ordinary-subject-123"}],
)
def test_linking_an_identity_with_bad_input_is_refused_next_to_the_field(admin, db, people, fields):
    path = f"/admin/people/{people['coordinator'].id}"
    response = admin.post(f"{path}/identities", data={**fields, "csrf_token": csrf_from(admin, path)}, follow_redirects=False)
    assert response.status_code == 400
    # Without an identity provider configured, even a well-formed subject is refused, with a reason.
    assert field_error(response.text, "subject")
    assert audit_events(db, "oidc_linked") == []


def test_audit_events_cannot_be_changed(db, people):
    with db.begin() as s:
        s.add(AuditEvent(action="test_event"))
    with pytest.raises(DBAPIError, match="append-only"):
        with db.begin() as s:
            s.execute(text("UPDATE audit_event SET outcome = 'failure' WHERE action = 'test_event'"))
    assert audit_events(db, "test_event")[0].outcome == "success"


def test_audit_events_cannot_be_deleted(db, people):
    with db.begin() as s:
        s.add(AuditEvent(action="test_event"))
    with pytest.raises(DBAPIError, match="append-only"):
        with db.begin() as s:
            s.execute(text("DELETE FROM audit_event"))
    assert len(audit_events(db, "test_event")) == 1



@pytest.mark.parametrize("path", ["/admin/people?q=no-such-person", "/admin/audit?action=no_such_action"])
def test_an_empty_fragment_says_nothing_matches(admin, people, path):
    fragment = admin.get(path, headers=FRAGMENT)
    assert fragment.status_code == 200
    assert "empty-title" in fragment.text and "these filters" in fragment.text
