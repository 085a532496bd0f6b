"""Patients and their coordinators add and remove caregivers; caregivers see only what a live grant allows."""

import re
from datetime import timedelta

import pytest
import time_machine
from sqlmodel import select

from portal.accounts.models import CaregiverGrant
from portal.clock import now
from tests.conftest import csrf_from
from tests.helpers import audit_events, field_error, new_client, outbox, person


def add(client, patient, **fields):
    path = f"/patients/{patient.id}/caregivers/new"
    data = {"name": "Tomas Lopez", "email": "tomas@example.org", "relationship": "son", "preferred_language": "es",
            "scopes": ["care_plan", "appointments"], "expires_on": "", "csrf_token": csrf_from(client, path), **fields}
    return client.post(path, data=data, follow_redirects=False)


def grants(db, patient):
    with db() as s:
        return list(s.exec(select(CaregiverGrant).where(CaregiverGrant.patient_id == patient.id).order_by(CaregiverGrant.id)))


@pytest.mark.parametrize("who", ["coordinator", "patient"])
def test_the_patient_or_their_coordinator_adds_a_caregiver_who_is_invited(sign_in_as, app, db, people, who):
    maria = people["patient"]
    response = add(sign_in_as(who), maria)
    assert response.headers["location"] == f"/patients/{maria.id}"
    tomas = person(db, "tomas@example.org")
    grant = [g for g in grants(db, maria) if g.caregiver_id == tomas.id][0]
    assert grant.scope_list == ["care_plan", "appointments"] and grant.relationship == "son" and grant.expires_at is None
    mail = outbox(db)[-1]
    assert mail.to_address == "tomas@example.org" and "Maria" not in mail.body_text  # e-mail never names the patient
    token = re.search(r"/invitations/(\S+)", mail.body_text).group(1)
    with new_client(app) as browser:
        data = {"password": "a long and unusual passphrase", "confirm": "a long and unusual passphrase", "csrf_token": csrf_from(browser, f"/invitations/{token}")}
        assert browser.post(f"/invitations/{token}", data=data, follow_redirects=False).headers["location"] == "/"
        assert "Maria Lopez" in browser.get("/caring-for").text
        assert browser.get(f"/patients/{maria.id}").status_code == 200
    assert audit_events(db, "caregiver_granted", patient_id=maria.id)


def test_an_existing_account_gets_the_caregiver_role_and_a_notice_without_a_link(sign_in_as, db, people):
    add(sign_in_as("coordinator"), people["patient"], email="james@example.org", name="James Carter")
    james = person(db, "james@example.org")
    assert any(g.caregiver_id == james.id for g in grants(db, people["patient"]))
    assert "/invitations/" not in outbox(db)[-1].body_text


def test_a_grant_ends_after_its_last_day(sign_in_as, app, db, people):
    maria = people["patient"]
    tomorrow = (now() + timedelta(days=1)).date().isoformat()
    add(sign_in_as("coordinator"), maria, email="rosa@example.org", name="Rosa Lopez", expires_on=tomorrow)
    rosa = sign_in_as("caregiver")
    assert rosa.get(f"/patients/{maria.id}").status_code == 200
    with time_machine.travel(now() + timedelta(days=3), tick=False):
        rosa = sign_in_as("caregiver")  # the old session has passed its 12 hours
        assert rosa.get(f"/patients/{maria.id}").status_code == 404
        assert "This permission ended" in rosa.get("/caring-for").text


def test_removing_a_caregiver_ends_their_access_at_once(sign_in_as, db, people):
    maria = people["patient"]
    rosa, coordinator = sign_in_as("caregiver"), sign_in_as("coordinator")
    grant = grants(db, maria)[0]
    path = f"/patients/{maria.id}"
    response = coordinator.post(f"{path}/caregivers/{grant.id}/remove", data={"csrf_token": csrf_from(coordinator, path)}, follow_redirects=False)
    assert response.status_code == 303
    assert rosa.get(path).status_code == 404
    assert grants(db, maria) == []
    assert audit_events(db, "caregiver_revoked", patient_id=maria.id)


@pytest.mark.parametrize("who", ["coordinator2", "patient2", "caregiver", "partner", "admin"])
def test_nobody_else_may_change_a_patients_caregivers(sign_in_as, db, people, who):
    maria, client = people["patient"], sign_in_as(who)
    grant = grants(db, maria)[0]
    token = csrf_from(client, "/profile")
    assert client.get(f"/patients/{maria.id}/caregivers/new").status_code in (403, 404)
    assert client.post(f"/patients/{maria.id}/caregivers/{grant.id}/remove", data={"csrf_token": token}).status_code in (403, 404)
    assert len(grants(db, maria)) == 1


def test_a_grant_of_another_patient_cannot_be_removed_through_this_one(sign_in_as, db, people):
    james = sign_in_as("patient2")
    grant = grants(db, people["patient"])[0]
    path = f"/patients/{people['patient2'].id}"
    assert james.post(f"{path}/caregivers/{grant.id}/remove", data={"csrf_token": csrf_from(james, path)}).status_code == 404
    assert len(grants(db, people["patient"])) == 1


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"scopes": []}, "scopes", "Choose at least one option"),
        ({"scopes": ["everything"]}, "scopes", "Choose only from the options"),
        ({"expires_on": "2020-01-01"}, "expires_on", "after today"),
        ({"expires_on": "next week"}, "expires_on", "year-month-day"),
        ({"email": "maria@example.org"}, "email", "own caregiver"),
        ({"relationship": "x" * 61}, "relationship", "60 characters"),
        ({"email": "not-an-email"}, "email", "email address like"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_written(sign_in_as, db, people, fields, field, message):
    maria = people["patient"]
    response = add(sign_in_as("coordinator"), maria, **fields)
    assert response.status_code == 400
    assert message in field_error(response.text, field)
    assert 'value="Tomas Lopez"' in response.text
    assert len(grants(db, maria)) == 1 and person(db, "tomas@example.org") is None


def test_a_caregiver_sees_their_own_grant_not_the_patients_contact_details_or_other_caregivers(sign_in_as, db, people):
    maria = people["patient"]
    add(sign_in_as("coordinator"), maria)  # Tomas, a second caregiver
    page = sign_in_as("caregiver").get(f"/patients/{maria.id}").text
    assert "Maria Lopez" in page and "Grace Kim" in page and "You may see" in page
    assert "maria@example.org" not in page and "Tomas Lopez" not in page
