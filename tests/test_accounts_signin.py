"""Signing in with a password and a second factor, signing out, throttling, and where sign-in leads."""

import re
from datetime import UTC, datetime

import pyotp
import pytest
import time_machine

from portal.accounts import mfa
from portal.accounts.models import Person
from portal.security.tokens import digest
from portal.security.models import WebSession
from tests.conftest import csrf_from, sign_in
from tests.factories import PASSWORD, TOTP_SECRET, make_person
from tests.helpers import ADDRESS, COOKIE, audit_events, field_error, is_signed_out, new_client, session_cookie

MOMENT = datetime(2030, 3, 4, 15, 0, 10, tzinfo=UTC)


def post_password(client, email, password=PASSWORD, path="/login", **fields):
    data = {"email": email, "password": password, "csrf_token": csrf_from(client, "/login"), **fields}
    return client.post(path, data=data, follow_redirects=False)


def post_code(client, code):
    return client.post("/login/verify", data={"code": code, "csrf_token": csrf_from(client, "/login/verify")}, follow_redirects=False)


def problem(page: str) -> str:
    found = re.search(r'<div class="error-summary" role="alert"><p>(.*?)</p>', page, re.S)
    assert found, page
    return found.group(1)


def test_unknown_email_and_wrong_password_get_the_same_answer(client, people):
    unknown = post_password(client, "nobody@example.org")
    wrong = post_password(client, people["patient"].email, password="not the right password")
    assert unknown.status_code == wrong.status_code == 400
    assert problem(unknown.text) == problem(wrong.text) == "Email or password is wrong."


def test_a_patient_with_the_right_password_lands_on_my_care(client, people):
    response = post_password(client, "maria@example.org")
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert client.get("/").url.path == "/my-care"
    assert client.get("/my-care").status_code == 200


def test_email_is_matched_whatever_its_case_and_spaces(client, people):
    response = post_password(client, "  Maria@Example.ORG ")
    assert response.status_code == 303
    assert client.get("/my-care", follow_redirects=False).status_code == 200


def test_staff_with_totp_is_asked_for_the_code_and_not_signed_in_before(client, people):
    response = post_password(client, people["coordinator"].email)
    assert response.status_code == 303
    assert response.headers["location"] == "/login/verify"
    assert is_signed_out(client, "/caseload")
    page = client.get("/login/verify")
    assert page.status_code == 200
    assert "Authentication code" in page.text


def test_staff_are_signed_in_once_the_code_is_right(client, people):
    post_password(client, people["coordinator"].email)
    response = post_code(client, pyotp.TOTP(TOTP_SECRET).now())
    assert response.status_code == 303
    assert client.get("/caseload", follow_redirects=False).status_code == 200


def test_a_wrong_code_is_refused_next_to_the_code_field(client, people):
    post_password(client, people["coordinator"].email)
    response = post_code(client, "000000" if pyotp.TOTP(TOTP_SECRET).now() != "000000" else "111111")
    assert response.status_code == 400
    assert "That code is not right" in field_error(response.text, "code")
    assert is_signed_out(client, "/caseload")


def test_the_verify_page_without_a_password_first_goes_back_to_sign_in(client, people):
    response = client.get("/login/verify", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


def test_a_code_cannot_be_used_twice(app, people):
    with time_machine.travel(MOMENT, tick=False):
        code = pyotp.TOTP(TOTP_SECRET).now()
        with new_client(app) as first:
            post_password(first, people["coordinator"].email)
            assert post_code(first, code).status_code == 303
        with new_client(app) as second:
            post_password(second, people["coordinator"].email)
            replayed = post_code(second, code)
            assert replayed.status_code == 400
            assert "That code is not right" in field_error(replayed.text, "code")
            assert is_signed_out(second, "/caseload")


def test_a_recovery_code_works_once(app, db, people):
    with db.begin() as s:
        codes = mfa.new_recovery_codes(s, s.get(Person, people["coordinator"].id))
    with new_client(app) as first:
        post_password(first, people["coordinator"].email)
        assert post_code(first, codes[0]).status_code == 303
        assert first.get("/caseload", follow_redirects=False).status_code == 200
    with new_client(app) as second:
        post_password(second, people["coordinator"].email)
        assert post_code(second, codes[0]).status_code == 400
        assert is_signed_out(second, "/caseload")
        # Another of the codes still works (typed without the dash, in capitals).
        assert post_code(second, codes[1].replace("-", "").upper()).status_code == 303


def test_the_session_id_changes_at_sign_in_and_the_old_one_is_not_signed_in(app, db, client, people):
    # A visitor's session (say, from a message shown after signing out) exists before signing in.
    before = "planted-session-token-0123456789abcdef"
    with db.begin() as s:
        s.add(WebSession(id_hash=digest(before), data={"_flash": [{"message": "You have signed out.", "kind": "info"}]}))
    client.cookies.set(COOKIE, before, domain="testserver.local")
    sign_in(client, "maria@example.org")
    after = session_cookie(client)
    assert after and after != before
    with db() as s:
        assert s.get(WebSession, digest(before)) is None
    # Someone who planted the first id (session fixation) does not share the signed-in session.
    with new_client(app, cookies={COOKIE: before}) as planted:
        assert is_signed_out(planted, "/my-care")
    with new_client(app, cookies={COOKIE: after}) as same_browser:
        assert same_browser.get("/my-care", follow_redirects=False).status_code == 200


def test_the_half_way_session_id_changes_again_when_the_code_is_given(app, client, people):
    post_password(client, people["coordinator"].email)
    half_way = session_cookie(client)
    post_code(client, pyotp.TOTP(TOTP_SECRET).now())
    assert session_cookie(client) != half_way
    with new_client(app, cookies={COOKIE: half_way}) as planted:
        assert is_signed_out(planted, "/caseload")


def test_sign_out_ends_the_session_for_good(app, client, people):
    sign_in(client, "maria@example.org")
    old = session_cookie(client)
    response = client.post("/logout", data={"csrf_token": csrf_from(client, "/my-care")}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert is_signed_out(client, "/my-care")
    with new_client(app, cookies={COOKIE: old}) as reused:
        assert is_signed_out(reused, "/my-care")


def test_five_failures_lock_the_account_even_for_the_right_password(client, db, people):
    for _ in range(5):
        assert post_password(client, "maria@example.org", password="wrong password again").status_code == 400
    response = post_password(client, "maria@example.org")
    assert response.status_code == 429
    assert "Too many attempts" in problem(response.text)
    assert is_signed_out(client, "/my-care")
    assert audit_events(db, "signin_throttled", actor_id=people["patient"].id, outcome="denied")


def test_the_account_lock_is_per_account(app, client, people):
    for _ in range(5):
        post_password(client, "maria@example.org", password="wrong password again")
    assert post_password(client, "james@example.org").status_code == 303
    # ... and it follows the account to another address.
    with new_client(app, client=("198.51.100.7", 40000)) as elsewhere:
        assert post_password(elsewhere, "maria@example.org").status_code == 429


def test_twenty_failures_from_one_address_lock_that_address(app, client, db, people):
    with db.begin() as s:
        for number in range(5):
            make_person(s, email=f"neighbour{number}@example.org")
    for number in range(5):
        for _ in range(4):  # below the per-account limit
            assert post_password(client, f"neighbour{number}@example.org", password="wrong password again").status_code == 400
    response = post_password(client, "james@example.org")
    assert response.status_code == 429
    assert "Too many attempts" in problem(response.text)
    with new_client(app, client=("198.51.100.7", 40000)) as elsewhere:
        assert post_password(elsewhere, "james@example.org").status_code == 303


def test_failed_sign_ins_are_audited_with_outcome_address_and_actor(client, db, people):
    post_password(client, "maria@example.org", password="wrong password again")
    post_password(client, "nobody@example.org")
    failed = audit_events(db, "signin_failed")
    assert [(e.outcome, e.address, e.actor_id) for e in failed] == [("failure", ADDRESS, people["patient"].id), ("failure", ADDRESS, None)]


def test_sign_in_and_sign_out_are_audited(client, db, people):
    sign_in(client, "maria@example.org")
    client.post("/logout", data={"csrf_token": csrf_from(client, "/my-care")})
    maria = people["patient"].id
    [signin] = audit_events(db, "signin")
    [signout] = audit_events(db, "signout")
    assert (signin.outcome, signin.address, signin.actor_id) == ("success", ADDRESS, maria)
    assert (signout.outcome, signout.address, signout.actor_id) == ("success", ADDRESS, maria)


def test_a_wrong_code_is_audited_as_a_failed_sign_in(client, db, people):
    post_password(client, people["coordinator"].email)
    post_code(client, "12345x")
    [event] = audit_events(db, "signin_failed")
    assert (event.outcome, event.actor_id, event.object_id) == ("failure", people["coordinator"].id, "totp")


@pytest.mark.parametrize("next_value", ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", "evil.example/path"])
def test_next_leading_off_the_site_lands_on_the_home_page(client, people, next_value):
    response = post_password(client, "maria@example.org", path=f"/login?next={next_value}")
    assert response.headers["location"] == "/"


def test_next_in_the_form_leading_off_the_site_is_ignored(client, people):
    response = post_password(client, "maria@example.org", next="https://evil.example/")
    assert response.headers["location"] == "/"


def test_next_on_the_site_is_followed(client, people):
    response = post_password(client, "maria@example.org", path="/login?next=/profile")
    assert response.headers["location"] == "/profile"


def test_next_is_kept_through_the_code_step(client, people):
    post_password(client, people["coordinator"].email, path="/login?next=/patients/invite")
    response = post_code(client, pyotp.TOTP(TOTP_SECRET).now())
    assert response.headers["location"] == "/patients/invite"


def test_a_deactivated_account_cannot_sign_in(client, db, people):
    with db.begin() as s:
        s.get(Person, people["patient"].id).active = False
    response = post_password(client, "maria@example.org")
    assert response.status_code == 400
    assert problem(response.text) == "Email or password is wrong."
    assert is_signed_out(client, "/my-care")


def test_a_signed_in_person_opening_the_sign_in_page_goes_home(client, people):
    sign_in(client, "maria@example.org")
    response = client.get("/login", follow_redirects=False)
    assert response.status_code == 303


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"email": "maria@example.org"},
        {"email": "x" * 10_000 + "@example.org", "password": PASSWORD},
        {"email": "maria@example.org", "password": "p" * 10_000},
        {"email": "maria@example.org\x00", "password": PASSWORD},
        {"email": "not an email", "password": PASSWORD},
        {"email": "маша@пример.рф", "password": "пароль" * 3},
        {"email": ["maria@example.org", "james@example.org"], "password": [PASSWORD, PASSWORD]},
        {"email": "maria@example.org", "password": PASSWORD, "next": "\r\nSet-Cookie: x=y"},
    ],
)
def test_malformed_sign_in_forms_get_a_clear_answer_not_an_error(client, people, fields):
    response = client.post("/login", data={**fields, "csrf_token": csrf_from(client, "/login")}, follow_redirects=False)
    assert response.status_code in (303, 400)
    if response.status_code == 303:
        assert response.headers["location"] == "/"


def test_a_malformed_code_gets_an_answer_not_an_error(client, people):
    post_password(client, people["coordinator"].email)
    for code in ("", "1" * 5000, "\x00\x01", "１２３４５６"):
        assert post_code(client, code).status_code == 400


def test_a_sign_in_is_audited_with_the_persons_roles_not_as_anonymous(sign_in_as, db, people):
    sign_in_as("coordinator")
    sign_in_as("patient")
    events = {event.actor_id: event.actor_role for event in audit_events(db, "signin")}
    assert events == {people["coordinator"].id: "coordinator", people["patient"].id: "patient"}
