"""Links sent by e-mail: a coordinator's invitation, and the password reset link."""

import logging
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from babel.messages.pofile import read_po

from portal.accounts.models import Person, RoleGrant
from portal.care.models import CaseloadEntry
from portal.clock import now
from portal.notifications.models import OutboxMessage
from tests.conftest import csrf_from, sign_in
from tests.factories import PASSWORD
from tests.helpers import audit_events, count, field_error, field_value, is_signed_out, new_client, outbox, person

INVITE_SUBJECT = "You are invited to the Community Health Portal"
RESET_SUBJECT = "Reset your Community Health Portal password"
SPANISH_PO = Path(__file__).resolve().parent.parent / "portal" / "translations" / "es" / "LC_MESSAGES" / "messages.po"
NEW_PASSWORD = "sunlit orchard quietly hums"
NEWCOMER = {"name": "Ana Torres", "email": "ana.torres@example.org", "preferred_language": "en", "date_of_birth": "1984-06-02"}


def spanish_of(message: str) -> str:
    """The Spanish catalog's translation as it stands now ("" while untranslated)."""
    with SPANISH_PO.open("rb") as source:
        entry = read_po(source).get(message)
    return entry.string if entry is not None and isinstance(entry.string, str) else ""


def invite(coordinator, **fields):
    data = {**NEWCOMER, **fields, "csrf_token": csrf_from(coordinator, "/patients/invite")}
    return coordinator.post("/patients/invite", data=data, follow_redirects=False)


def link_in(message: OutboxMessage, kind: str) -> str:
    found = re.search(rf"https://testserver(/{kind}/[A-Za-z0-9_-]+)", message.body_text)
    assert found, message.body_text
    return found.group(1)


def choose_password(client, path, password=NEW_PASSWORD, confirm=None):
    data = {"password": password, "confirm": password if confirm is None else confirm, "csrf_token": csrf_from(client, path)}
    return client.post(path, data=data, follow_redirects=False)


def choose_password_blind(client, path):
    """POST without first opening the form (its CSRF token comes from the sign-in page)."""
    data = {"password": "another long passphrase", "confirm": "another long passphrase", "csrf_token": csrf_from(client, "/login")}
    return client.post(path, data=data, follow_redirects=False)


@pytest.fixture
def coordinator(sign_in_as):
    return sign_in_as("coordinator")


@pytest.fixture
def invitation(coordinator, db) -> str:
    """The path of a fresh invitation for NEWCOMER."""
    assert invite(coordinator).status_code == 303
    return link_in(outbox(db)[-1], "invitations")


def test_an_invitation_creates_the_patient_on_the_coordinators_caseload(coordinator, db, people):
    response = invite(coordinator)
    ana = person(db, "ana.torres@example.org")
    assert response.status_code == 303
    assert response.headers["location"] == f"/patients/{ana.id}"
    assert (ana.name, ana.preferred_language, ana.date_of_birth, ana.password_hash) == ("Ana Torres", "en", date(1984, 6, 2), None)
    with db() as s:
        assert s.get(RoleGrant, (ana.id, "patient")) is not None
        assert s.get(CaseloadEntry, (people["coordinator"].id, ana.id)) is not None
        assert s.get(CaseloadEntry, (people["coordinator2"].id, ana.id)) is None
    assert audit_events(db, "patient_invited", patient_id=ana.id, actor_id=people["coordinator"].id)


def test_an_invitation_queues_one_mail_with_the_link(coordinator, db):
    invite(coordinator)
    [message] = outbox(db)
    assert (message.to_address, message.kind, message.subject) == ("ana.torres@example.org", "invitation", INVITE_SUBJECT)
    assert "Ana Torres" in message.body_text and "Grace Kim" in message.body_text
    assert re.search(r"https://testserver/invitations/[A-Za-z0-9_-]{20,}", message.body_text)


def test_an_invitation_is_written_in_the_patients_language(coordinator, db):
    invite(coordinator, name="Lucía Ramos", email="lucia@example.org", preferred_language="es")
    [message] = outbox(db)
    translated = spanish_of(INVITE_SUBJECT)
    # Untranslated messages fall back to English; once the catalog has it, the mail must use it.
    assert message.subject == (translated or INVITE_SUBJECT)
    if translated:
        assert message.subject != INVITE_SUBJECT


def test_the_invitation_link_shows_the_choose_password_form(client, invitation):
    page = client.get(invitation)
    assert page.status_code == 200
    assert "Welcome, Ana Torres" in page.text
    assert 'name="password"' in page.text and 'name="confirm"' in page.text


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pw", "Use at least 12 characters."),
        ("password1234", "This password is too common."),
        ("my ana.torres secret", "Do not use your name or email in your password."),
        ("Ana Torres 2024!", "Do not use your name or email in your password."),
        ("x" * 129, "must be 128 characters or fewer."),
    ],
)
def test_a_weak_password_is_refused_next_to_the_field_and_not_shown_again(client, db, invitation, password, message):
    response = choose_password(client, invitation, password)
    assert response.status_code == 400
    assert message in field_error(response.text, "password")
    assert password not in response.text
    assert person(db, "ana.torres@example.org").password_hash is None


def test_a_mismatched_confirmation_is_refused(client, db, invitation):
    response = choose_password(client, invitation, confirm=NEW_PASSWORD + "s")
    assert response.status_code == 400
    assert "not the same" in field_error(response.text, "confirm")
    assert NEW_PASSWORD not in response.text
    assert person(db, "ana.torres@example.org").password_hash is None


def test_accepting_the_invitation_signs_the_patient_in_on_my_care(client, db, invitation):
    response = choose_password(client, invitation)
    assert response.status_code == 303
    assert client.get(response.headers["location"]).url.path == "/my-care"
    ana = person(db, "ana.torres@example.org")
    assert ana.password_hash and NEW_PASSWORD not in ana.password_hash
    assert audit_events(db, "invitation_accepted", actor_id=ana.id)
    assert audit_events(db, "signin", actor_id=ana.id)


def test_the_new_password_signs_in_later(app, client, invitation):
    choose_password(client, invitation)
    with new_client(app) as later:
        assert sign_in(later, "ana.torres@example.org", NEW_PASSWORD).status_code == 303
        assert later.get("/my-care", follow_redirects=False).status_code == 200


def test_a_used_invitation_shows_the_already_used_page(client, invitation):
    choose_password(client, invitation)
    with new_client(client.app) as other:
        page = other.get(invitation)
        assert page.status_code == 410
        assert "This link was already used" in page.text
        assert choose_password_blind(other, invitation).status_code == 410


def test_an_invitation_expires_after_seven_days(client, invitation):
    with time_machine.travel(now() + timedelta(days=8), tick=False):
        page = client.get(invitation)
        assert page.status_code == 410
        assert "This link has expired" in page.text
        assert "Ask your care coordinator to send you a new invitation" in page.text
        assert choose_password_blind(client, invitation).status_code == 410


def test_an_invitation_still_works_on_the_sixth_day(client, invitation):
    with time_machine.travel(now() + timedelta(days=6), tick=False):
        assert client.get(invitation).status_code == 200


def test_an_unknown_invitation_says_what_to_do_next(client):
    page = client.get("/invitations/no-such-token")
    assert page.status_code == 404
    assert "This link does not work" in page.text
    assert "Ask your care coordinator to send you a new invitation" in page.text


def test_an_overlong_token_is_simply_unknown(client):
    assert client.get("/invitations/" + "a" * 5000).status_code == 404


def test_inviting_an_email_that_already_has_an_account_is_refused_at_the_email(coordinator, db, people):
    response = invite(coordinator, name="Maria L", email="Maria@Example.org")
    assert response.status_code == 400
    assert "already has an account" in field_error(response.text, "email")
    assert field_value(response.text, "name") == "Maria L"
    assert outbox(db) == []


def test_inviting_again_before_acceptance_replaces_the_first_link(coordinator, client, db, invitation):
    assert invite(coordinator).status_code == 303
    second = link_in(outbox(db)[-1], "invitations")
    assert client.get(invitation).status_code == 410
    assert client.get(second).status_code == 200
    assert count(db, Person) == 8  # the seven people and Ana, once


BAD_INVITES = [
    ({"name": ""}, "name", "Name is required."),
    ({"name": "N" * 10_000}, "name", "Name must be 120 characters or fewer."),
    ({"name": "Ana\x00Torres"}, "name", "Name contains characters we cannot store."),
    ({"email": "ana.torres@"}, "email", "Enter an email address like name@example.org."),
    ({"email": "ana torres@example.org"}, "email", "Enter an email address like name@example.org."),
    ({"email": ""}, "email", "Email is required."),
    ({"date_of_birth": "31/02/1999"}, "date_of_birth", "Enter the date as year-month-day"),
    ({"date_of_birth": "1999-02-31"}, "date_of_birth", "Enter the date as year-month-day"),
    ({"date_of_birth": (date.today() + timedelta(days=30)).isoformat()}, "date_of_birth", "Enter a date of birth in the past."),
    ({"date_of_birth": "1850-01-01"}, "date_of_birth", "Enter a date of birth in the past."),
    ({"preferred_language": "fr"}, "preferred_language", "Choose one of the options"),
]


@pytest.mark.parametrize(("fields", "field", "message"), BAD_INVITES)
def test_bad_invitation_input_is_refused_next_to_the_field_and_nothing_is_written(coordinator, db, people, fields, field, message):
    before = count(db, Person)
    typed = {**NEWCOMER, "preferred_language": "es", **fields}
    response = invite(coordinator, **typed)
    assert response.status_code == 400
    assert message in field_error(response.text, field)
    for other in ("name", "email", "date_of_birth"):
        if other != field:
            assert field_value(response.text, other) == typed[other]
    if field != "preferred_language":
        assert '<option value="es" selected>' in response.text
    assert count(db, Person) == before
    assert count(db, OutboxMessage) == 0


def test_only_coordinators_may_invite(sign_in_as, db, people):
    patient = sign_in_as("patient")
    response = patient.post("/patients/invite", data={**NEWCOMER, "csrf_token": csrf_from(patient, "/my-care")}, follow_redirects=False)
    assert response.status_code == 403
    assert person(db, "ana.torres@example.org") is None


def forgot(client, email):
    return client.post("/password/forgot", data={"email": email, "csrf_token": csrf_from(client, "/password/forgot")}, follow_redirects=False)


def without_tokens(page: str) -> str:
    return re.sub(r'value="[^"]{40,}"', 'value=""', page)


def reset_link(client, db, email="james@example.org") -> str:
    forgot(client, email)
    return link_in(outbox(db)[-1], "password/reset")


def test_forgot_password_answers_the_same_for_known_and_unknown_emails(client, db, people):
    known = forgot(client, "james@example.org")
    unknown = forgot(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert without_tokens(known.text) == without_tokens(unknown.text)
    assert "If an account uses that email" in known.text
    [message] = outbox(db)
    assert (message.to_address, message.kind, message.subject) == ("james@example.org", "password_reset", RESET_SUBJECT)
    assert audit_events(db, "password_reset_requested", actor_id=people["patient2"].id)


def test_no_reset_mail_for_a_deactivated_account(client, db, people):
    with db.begin() as s:
        s.get(Person, people["patient2"].id).active = False
    assert forgot(client, "james@example.org").status_code == 200
    assert outbox(db) == []


def test_a_bad_email_on_the_forgot_form_is_refused_next_to_the_field(client, db):
    response = forgot(client, "james@")
    assert response.status_code == 400
    assert "Enter an email address" in field_error(response.text, "email")
    assert field_value(response.text, "email") == "james@"
    for malformed in ("j" * 10_000 + "@example.org", "james\x00@example.org", "", ["james@example.org", "x"]):
        assert forgot(client, malformed).status_code in (200, 400)
    assert outbox(db) == []


def test_the_reset_link_sets_the_password_once(app, client, db, people):
    path = reset_link(client, db)
    assert client.get(path).status_code == 200
    response = choose_password(client, path)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert client.get(path).status_code == 410
    assert "This link was already used" in client.get(path).text
    with new_client(app) as later:
        assert sign_in(later, "james@example.org", PASSWORD).status_code == 400
        assert sign_in(later, "james@example.org", NEW_PASSWORD).status_code == 303
    assert audit_events(db, "password_reset", actor_id=people["patient2"].id)


def test_the_reset_link_expires_after_an_hour(client, db, people):
    path = reset_link(client, db)
    with time_machine.travel(now() + timedelta(minutes=61), tick=False):
        page = client.get(path)
        assert page.status_code == 410
        assert "This link has expired" in page.text
        assert choose_password_blind(client, path).status_code == 410
    with db() as s:
        assert s.get(Person, people["patient2"].id).password_changed_at is None


def test_the_reset_link_works_within_the_hour(client, db, people):
    path = reset_link(client, db)
    with time_machine.travel(now() + timedelta(minutes=55), tick=False):
        assert choose_password(client, path).status_code == 303


def test_a_password_reset_ends_every_session_of_the_account(app, client, db, sign_in_as, people):
    signed_in = sign_in_as("patient2")
    assert signed_in.get("/my-care", follow_redirects=False).status_code == 200
    path = reset_link(client, db)
    choose_password(client, path)
    assert is_signed_out(signed_in, "/my-care")


def test_a_newer_reset_link_replaces_the_older(client, db, people):
    first = reset_link(client, db)
    second = reset_link(client, db)
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_a_reset_link_is_not_an_invitation(client, db, people):
    path = reset_link(client, db)
    assert client.get(path.replace("/password/reset/", "/invitations/")).status_code == 404


def test_the_reset_mail_is_in_the_persons_language(client, db, people):
    forgot(client, "maria@example.org")
    [message] = outbox(db)
    assert message.subject == (spanish_of(RESET_SUBJECT) or RESET_SUBJECT)


@pytest.mark.parametrize("fields", [{}, {"password": "p" * 10_000, "confirm": "p" * 10_000}, {"password": ["a", "b"]}, {"password": "\x00" * 20, "confirm": "\x00" * 20}])
def test_malformed_reset_forms_get_an_answer_not_an_error(client, db, people, fields):
    path = reset_link(client, db)
    response = client.post(path, data={**fields, "csrf_token": csrf_from(client, path)}, follow_redirects=False)
    assert response.status_code in (303, 400)


def test_an_invited_patient_is_on_the_caseload_as_invited(coordinator, invitation):
    for headers in ({}, {"HX-Request": "true"}):
        page = coordinator.get("/caseload?q=torres", headers=headers)
        assert page.status_code == 200
        assert "Ana Torres" in page.text and "Invited" in page.text
    assert coordinator.get("/caseload?q=%00").status_code == 200
    nothing = coordinator.get("/caseload?q=nobody-like-this", headers={"HX-Request": "true"})
    assert nothing.status_code == 200
    assert "<html" not in nothing.text and "No patient matches" in nothing.text


def test_the_secret_of_a_link_never_reaches_the_log(client, db, invitation, caplog):
    portal_log = logging.getLogger("portal")  # it does not propagate to the root logger
    portal_log.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.DEBUG, logger="portal"):
            client.get(invitation)
            choose_password(client, invitation)
            reset = reset_link(client, db, "maria@example.org")
            client.get(reset)
    finally:
        portal_log.removeHandler(caplog.handler)
    logged = caplog.text
    assert "/invitations/" in logged  # the requests were logged...
    for path in (invitation, reset):
        assert path.rsplit("/", 1)[1] not in logged  # ...without the token that works like a password
