"""Server-side sessions under a controlled clock, CSRF on every unsafe request, and odd requests."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from portal.accounts.models import Person
from tests.conftest import csrf_from
from tests.helpers import COOKIE, audit_events, field_value, is_signed_out, new_client, session_cookie, sessions_of

START = datetime(2030, 5, 6, 9, 0, 5, tzinfo=UTC)


@pytest.fixture
def clock():
    """Time stands still at START until the test moves it (clock.shift(timedelta(...)))."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_staff_stay_signed_in_after_fourteen_idle_minutes(clock, sign_in_as):
    coordinator = sign_in_as("coordinator")
    clock.shift(timedelta(minutes=14))
    assert coordinator.get("/caseload", follow_redirects=False).status_code == 200


def test_staff_are_signed_out_after_sixteen_idle_minutes(clock, sign_in_as):
    coordinator = sign_in_as("coordinator")
    clock.shift(timedelta(minutes=14))
    coordinator.get("/caseload")
    clock.shift(timedelta(minutes=16))
    response = coordinator.get("/caseload", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_the_sign_in_page_says_they_were_signed_out_for_being_away(clock, sign_in_as):
    coordinator = sign_in_as("coordinator")
    clock.shift(timedelta(minutes=16))
    page = coordinator.get("/caseload")
    assert page.url.path == "/login"
    assert "You were signed out because you were away for a while" in page.text
    # Said once: the next visit to the sign-in page is an ordinary one.
    assert "because you were away" not in coordinator.get("/login").text


def test_an_ordinary_visit_to_the_sign_in_page_does_not_say_so(client):
    assert "because you were away" not in client.get("/login").text
    assert "because you were away" not in client.get("/caseload").text


def test_patients_stay_signed_in_after_twenty_nine_idle_minutes(clock, sign_in_as):
    patient = sign_in_as("patient")
    clock.shift(timedelta(minutes=29))
    assert patient.get("/my-care", follow_redirects=False).status_code == 200


def test_patients_are_signed_out_after_thirty_one_idle_minutes(clock, sign_in_as):
    patient = sign_in_as("patient")
    clock.shift(timedelta(minutes=29))
    patient.get("/my-care")
    clock.shift(timedelta(minutes=31))
    assert is_signed_out(patient, "/my-care")


def test_a_session_ends_after_twelve_hours_however_active(clock, sign_in_as):
    coordinator = sign_in_as("coordinator")
    for _ in range(12 * 6):
        clock.shift(timedelta(minutes=10))
        assert coordinator.get("/caseload", follow_redirects=False).status_code == 200
    clock.shift(timedelta(minutes=10))
    assert is_signed_out(coordinator, "/caseload")


def test_an_expired_session_is_gone_from_the_database(clock, app, sign_in_as, db, people):
    patient = sign_in_as("patient")
    old = session_cookie(patient)
    clock.shift(timedelta(minutes=31))
    patient.get("/my-care")
    clock.shift(timedelta(minutes=-31))
    with new_client(app, cookies={COOKIE: old}) as replay:
        assert is_signed_out(replay, "/my-care")


def test_an_unknown_session_id_is_anonymous_and_its_cookie_cleared(app):
    with new_client(app, cookies={COOKIE: "made-up-session-id"}) as client:
        response = client.get("/my-care", follow_redirects=False)
        assert response.status_code == 303
        assert f"{COOKIE}=;" in response.headers["set-cookie"] and "Max-Age=0" in response.headers["set-cookie"]


def save_name(client, name, headers=None, **fields):
    data = {"name": name, "preferred_language": "en", "contact_by_email": "on", **fields}
    return client.post("/profile", data=data, headers=headers, follow_redirects=False)


def stored_name(db, person_id) -> str:
    with db() as s:
        return s.get(Person, person_id).name


def test_a_post_without_the_csrf_token_is_refused_and_audited(sign_in_as, db, people):
    patient = sign_in_as("patient2")
    response = save_name(patient, "Mallory")
    assert response.status_code == 403
    assert stored_name(db, people["patient2"].id) == "James Carter"
    [event] = audit_events(db, "csrf_refused")
    assert (event.outcome, event.actor_id, event.object_id) == ("denied", people["patient2"].id, "/profile")


def test_a_post_with_a_wrong_csrf_token_is_refused(sign_in_as, db, people):
    patient = sign_in_as("patient2")
    assert save_name(patient, "Mallory", csrf_token="0" * 64).status_code == 403
    assert save_name(patient, "Mallory", headers={"X-CSRF-Token": "0" * 64}).status_code == 403
    assert stored_name(db, people["patient2"].id) == "James Carter"
    assert len(audit_events(db, "csrf_refused")) == 2


def test_a_csrf_token_of_another_session_is_refused(sign_in_as, db, people):
    james, maria = sign_in_as("patient2"), sign_in_as("patient")
    assert save_name(james, "Mallory", csrf_token=csrf_from(maria, "/profile")).status_code == 403


def test_the_token_from_the_page_works(sign_in_as, db, people):
    patient = sign_in_as("patient2")
    assert save_name(patient, "Jim Carter", csrf_token=csrf_from(patient, "/profile")).status_code == 303
    assert stored_name(db, people["patient2"].id) == "Jim Carter"


def test_the_htmx_header_carries_the_token_too(sign_in_as, db, people):
    patient = sign_in_as("patient2")
    page = patient.get("/profile").text
    assert 'hx-headers=\'{"X-CSRF-Token": "' in page
    token = page.split('"X-CSRF-Token": "', 1)[1].split('"', 1)[0]
    assert save_name(patient, "Jim Carter", headers={"X-CSRF-Token": token}).status_code == 303
    assert stored_name(db, people["patient2"].id) == "Jim Carter"


def test_the_token_changes_with_the_session_at_sign_in(client, people):
    before = csrf_from(client, "/login")
    response = client.post("/login", data={"email": "james@example.org", "password": "correct horse battery staple", "csrf_token": before}, follow_redirects=False)
    assert response.status_code == 303
    assert csrf_from(client, "/profile") != before
    assert save_name(client, "Jim", csrf_token=before).status_code == 403


def test_anonymous_posts_need_the_token_too(client, db, people):
    response = client.post("/login", data={"email": "james@example.org", "password": "correct horse battery staple"}, follow_redirects=False)
    assert response.status_code == 403
    assert is_signed_out(client, "/my-care")
    assert audit_events(db, "csrf_refused", outcome="denied")


def test_a_100_kb_body_is_refused_as_too_large(client, sign_in_as, people):
    token = csrf_from(client, "/login")
    response = client.post("/login", data={"email": "a@example.org", "password": "x" * 100_000, "csrf_token": token})
    assert response.status_code == 413
    patient = sign_in_as("patient2")
    big = patient.post("/profile", data={"name": "n" * 100_000, "csrf_token": csrf_from(patient, "/profile")})
    assert big.status_code == 413
    assert "too large" in big.text


def test_a_100_kb_body_without_a_length_is_refused_too(client, people):
    token = csrf_from(client, "/login")
    body = f"csrf_token={token}&email=a%40example.org&password=".encode() + b"x" * 100_000

    def chunks():
        for start in range(0, len(body), 8192):
            yield body[start : start + 8192]

    response = client.post("/login", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413


def test_a_file_upload_is_refused_cleanly(client, db, people):
    token = csrf_from(client, "/login")
    response = client.post(
        "/login",
        data={"email": "james@example.org", "password": "correct horse battery staple", "csrf_token": token},
        files={"avatar": ("photo.jpg", b"\xff\xd8\xff" + b"0" * 2000, "image/jpeg")},
        follow_redirects=False,
    )
    assert response.status_code == 400
    assert is_signed_out(client, "/my-care")


def test_a_multipart_form_without_files_is_read_like_any_form(client, people):
    token = csrf_from(client, "/login")
    fields = {"email": (None, "james@example.org"), "password": (None, "correct horse battery staple"), "csrf_token": (None, token)}
    response = client.post("/login", files=fields, follow_redirects=False)
    assert response.status_code == 303


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data; boundary=xyz", b"--xyz\r\nContent-Disposition: form-data\r\n\r\nbroken"),
        ("multipart/form-data", b"no boundary at all"),
        ("application/x-www-form-urlencoded", b"%%%&&&===\xff\xfe"),
        ("application/json", b'{"email": "james@example.org"}'),
        ("text/plain", b"\x00" * 100),
    ],
)
def test_a_malformed_body_is_refused_not_an_error(client, people, content_type, body):
    csrf_from(client, "/login")
    response = client.post("/login", content=body, headers={"content-type": content_type})
    assert response.status_code in (400, 403)


@pytest.mark.parametrize(
    "cookie",
    [
        f'{COOKIE}="unterminated',
        f"{COOKIE}=a; {COOKIE}=b; ;;; ===",
        "\x7f\x00bad=\x01",
        f"{COOKIE}=" + "x" * 4000,
        'lang=es"; $Version=1; Path="/',
        "lang=xx-INVALID; " + ";" * 500,
    ],
)
def test_a_malformed_cookie_header_does_not_crash(app, people, cookie):
    with new_client(app) as client:
        for path in ("/", "/login", "/my-care"):
            response = client.get(path, headers={"cookie": cookie}, follow_redirects=False)
            assert response.status_code in (200, 303)


def test_a_signed_in_form_shows_again_after_a_refused_token(sign_in_as, people):
    """A refusal never loses the page the person was on: the next load has a fresh, working token."""
    patient = sign_in_as("patient2")
    save_name(patient, "Jim")
    page = patient.get("/profile")
    assert field_value(page.text, "name") == "James Carter"
    assert save_name(patient, "Jim", csrf_token=csrf_from(patient, "/profile")).status_code == 303


def test_after_a_timeout_htmx_is_sent_to_the_sign_in_page_as_a_whole_page(clock, sign_in_as):
    coordinator = sign_in_as("coordinator")
    clock.shift(timedelta(minutes=16))
    response = coordinator.get("/caseload?q=maria", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == "/login?next=/caseload"


def test_a_form_sent_after_a_timeout_leads_to_the_sign_in_page_not_an_error(clock, sign_in_as):
    patient = sign_in_as("patient2")
    token = csrf_from(patient, "/profile")
    clock.shift(timedelta(minutes=31))
    response = patient.post("/profile", data={"name": "James", "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/profile"
    assert "because you were away" in patient.get("/login").text


def test_someone_half_way_through_signing_in_can_cancel(client, db, people):
    from tests.factories import PASSWORD

    client.post("/login", data={"email": people["coordinator"].email, "password": PASSWORD, "csrf_token": csrf_from(client, "/login")})
    page = client.get("/login/verify")
    assert "Cancel and sign out" in page.text
    response = client.post("/logout", data={"csrf_token": csrf_from(client, "/login/verify")}, follow_redirects=False)
    assert response.headers["location"] == "/login"
    assert client.get("/login/verify", follow_redirects=False).headers["location"] == "/login"
    assert sessions_of(db, people["coordinator"].id) == []
