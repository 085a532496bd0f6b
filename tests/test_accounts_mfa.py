"""The second factor: forced enrolment for staff in production, optional for patients, recovery codes."""

import re
from datetime import timedelta

import pyotp
import pytest
from sqlmodel import select

from portal.accounts.models import Person, RecoveryCode
from portal.app import create_app
from tests.conftest import csrf_from, sign_in
from tests.factories import PASSWORD, TOTP_SECRET, make_person
from tests.helpers import audit_events, field_error, is_signed_out, new_client

SECRET = re.compile(r'<code class="secret">([A-Z2-7]+)</code>')
RECOVERY = re.compile(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>")


@pytest.fixture
def newcomer(db):
    """A coordinator who has never set up a second factor."""
    with db.begin() as s:
        return make_person(s, roles=("coordinator",), email="newcoordinator@example.org", name="Noor Haddad")


@pytest.fixture
def development_app(settings):
    return create_app(settings.but(env="development", secret_key="development-test-secret-0123456789abcdef"))


def post_password(client, email, password=PASSWORD):
    data = {"email": email, "password": password, "csrf_token": csrf_from(client, "/login")}
    return client.post("/login", data=data, follow_redirects=False)


def shown_secret(client) -> str:
    page = client.get("/two-factor/setup")
    assert page.status_code == 200
    found = SECRET.search(page.text)
    assert found, page.text
    return found.group(1)


def post_setup_code(client, code, password=PASSWORD):
    """The forced step of a sign-in ignores the password; a signed-in person must give it."""
    data = {"code": code, "password": password, "csrf_token": csrf_from(client, "/two-factor/setup")}
    return client.post("/two-factor/setup", data=data, follow_redirects=False)


def stored(db, person_id) -> tuple[Person, list[RecoveryCode]]:
    with db() as s:
        return s.get(Person, person_id), list(s.exec(select(RecoveryCode).where(RecoveryCode.person_id == person_id)).all())


def test_a_coordinator_without_a_second_factor_is_sent_to_set_one_up(client, newcomer):
    response = post_password(client, newcomer.email)
    assert response.status_code == 303
    assert response.headers["location"] == "/two-factor/setup"
    page = client.get("/two-factor/setup")
    assert "Staff accounts must use two-step sign-in" in page.text


def test_the_coordinator_cannot_reach_the_caseload_before_finishing(client, newcomer):
    post_password(client, newcomer.email)
    assert is_signed_out(client, "/caseload")
    assert is_signed_out(client, "/profile")
    assert is_signed_out(client, "/two-factor")


def test_the_same_key_is_shown_until_enrolment_is_finished(client, newcomer):
    post_password(client, newcomer.email)
    assert shown_secret(client) == shown_secret(client)


def test_a_valid_code_finishes_enrolment_shows_recovery_codes_and_signs_in(client, db, newcomer):
    post_password(client, newcomer.email)
    secret = shown_secret(client)
    response = post_setup_code(client, pyotp.TOTP(secret).now())
    assert response.status_code == 200
    codes = RECOVERY.findall(response.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/caseload", follow_redirects=False).status_code == 200
    person, recovery = stored(db, newcomer.id)
    assert person.totp_secret == secret
    assert len(recovery) == 10
    # Only digests are stored, never the codes themselves.
    assert not {code.replace("-", "") for code in codes} & {row.code_hash for row in recovery}
    assert audit_events(db, "totp_enrolled", actor_id=newcomer.id)


def test_a_wrong_code_at_enrolment_is_refused_next_to_the_field(client, db, newcomer):
    post_password(client, newcomer.email)
    secret = shown_secret(client)
    wrong = "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    response = post_setup_code(client, wrong)
    assert response.status_code == 400
    assert "That code is not right" in field_error(response.text, "code")
    assert is_signed_out(client, "/caseload")
    assert stored(db, newcomer.id)[0].totp_secret is None


@pytest.mark.parametrize("code", ["", "x" * 5000, "１２３４５６", "\x00"])
def test_a_malformed_enrolment_code_gets_an_answer_not_an_error(client, newcomer, code):
    post_password(client, newcomer.email)
    shown_secret(client)
    assert post_setup_code(client, code).status_code == 400


def test_after_enrolment_the_next_sign_in_asks_for_the_code(app, client, newcomer):
    post_password(client, newcomer.email)
    secret = shown_secret(client)
    post_setup_code(client, pyotp.TOTP(secret).now())
    with new_client(app) as later:
        assert post_password(later, newcomer.email).headers["location"] == "/login/verify"


def test_the_enrolment_page_without_signing_in_goes_to_sign_in(client):
    response = client.get("/two-factor/setup", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


def test_in_development_a_coordinator_without_totp_signs_in_with_the_password(development_app, newcomer):
    with new_client(development_app) as client:
        response = post_password(client, newcomer.email)
        assert response.status_code == 303
        assert response.headers["location"] == "/"
        assert client.get("/caseload", follow_redirects=False).status_code == 200


def test_in_development_an_account_with_totp_is_still_asked_for_the_code(development_app, people):
    with new_client(development_app) as client:
        response = post_password(client, people["coordinator"].email)
        assert response.headers["location"] == "/login/verify"
        assert is_signed_out(client, "/caseload")


def test_a_patient_may_turn_on_two_step_sign_in(app, client, db, people):
    sign_in(client, "james@example.org")
    page = client.get("/two-factor")
    assert 'href="/two-factor/setup"' in page.text
    secret = shown_secret(client)
    response = post_setup_code(client, pyotp.TOTP(secret).now())
    assert response.status_code == 200
    assert len(RECOVERY.findall(response.text)) == 10
    assert 'href="/two-factor"' in response.text
    assert stored(db, people["patient2"].id)[0].totp_secret == secret
    assert "Two-step sign-in is on" in client.get("/two-factor").text
    with new_client(app) as later:
        assert post_password(later, "james@example.org").headers["location"] == "/login/verify"


def test_changing_the_second_factor_while_signed_in_needs_the_password(client, db, people):
    sign_in(client, "james@example.org")
    secret = shown_secret(client)
    response = post_setup_code(client, pyotp.TOTP(secret).now(), password="not my password at all")
    assert response.status_code == 400
    assert field_error(response.text, "password") == "Error: That is not your password."
    assert stored(db, people["patient2"].id)[0].totp_secret is None


def test_a_patient_without_a_second_factor_is_not_asked_for_one(client, people):
    assert post_password(client, "james@example.org").headers["location"] == "/"


def test_new_recovery_codes_replace_the_old_ones(app, client, db, people):
    sign_in(client, people["coordinator"].email)
    renew = {"password": PASSWORD}
    first = RECOVERY.findall(client.post("/two-factor", data={**renew, "csrf_token": csrf_from(client, "/two-factor")}).text)
    second = RECOVERY.findall(client.post("/two-factor", data={**renew, "csrf_token": csrf_from(client, "/two-factor")}).text)
    assert len(first) == len(second) == 10 and not set(first) & set(second)
    assert len(stored(db, people["coordinator"].id)[1]) == 10
    assert len(audit_events(db, "recovery_codes_renewed")) == 2
    with new_client(app) as later:
        post_password(later, people["coordinator"].email)
        old = later.post("/login/verify", data={"code": first[0], "csrf_token": csrf_from(later, "/login/verify")}, follow_redirects=False)
        assert old.status_code == 400
        new = later.post("/login/verify", data={"code": second[0], "csrf_token": csrf_from(later, "/login/verify")}, follow_redirects=False)
        assert new.status_code == 303


def test_the_totp_secret_is_never_shown_once_enrolled(client, people):
    sign_in(client, people["coordinator"].email)
    assert TOTP_SECRET not in client.get("/two-factor").text
    assert TOTP_SECRET not in client.get("/profile").text


def test_new_recovery_codes_need_the_password(client, db, people):
    sign_in(client, people["coordinator"].email)
    before = stored(db, people["coordinator"].id)[1]
    response = client.post("/two-factor", data={"password": "not it at all", "csrf_token": csrf_from(client, "/two-factor")})
    assert response.status_code == 400 and "That is not your password." in field_error(response.text, "password")
    assert [code.code_hash for code in stored(db, people["coordinator"].id)[1]] == [code.code_hash for code in before]


def test_an_account_without_a_password_changes_its_second_factor_only_soon_after_signing_in(app, client, db, people):
    import time_machine

    from portal.clock import now

    with db.begin() as s:
        s.get(Person, people["patient2"].id).password_hash = None
    with db.begin() as s:
        # Signed in some other way (single sign-on): a fully signed-in session of their own.
        from portal.security.models import WebSession
        from portal.security.tokens import digest

        s.add(WebSession(id_hash=digest("sso-session-token-0123456789abcdef"), user_id=people["patient2"].id, authenticated=True))
    client.cookies.set("__Host-portal_session", "sso-session-token-0123456789abcdef", domain="testserver.local")
    secret = shown_secret(client)
    with time_machine.travel(now() + timedelta(minutes=11), tick=False):
        client.get("/profile")  # still within the idle limit, but the sign-in was 11 minutes ago
        response = post_setup_code(client, pyotp.TOTP(secret).now(), password="")
        assert response.status_code == 400 and "sign in again" in response.text
    assert stored(db, people["patient2"].id)[0].totp_secret is None
