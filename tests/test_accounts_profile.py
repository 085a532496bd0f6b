"""A person's own profile (name, language, phone, contact preferences) and changing their password."""

import pytest

from portal.accounts.models import Person
from tests.conftest import csrf_from, sign_in
from tests.factories import PASSWORD
from tests.helpers import audit_events, field_error, field_value, is_signed_out, new_client, session_cookie

NEW_PASSWORD = "lanterns drift over calm water"
PROFILE = {"name": "James Carter", "preferred_language": "en", "phone": "", "contact_by_email": "on"}


@pytest.fixture
def james(sign_in_as):
    return sign_in_as("patient2")


def save_profile(client, **fields):
    data = {**PROFILE, **fields, "csrf_token": csrf_from(client, "/profile")}
    data = {name: value for name, value in data.items() if value is not None}
    return client.post("/profile", data=data, follow_redirects=False)


def change_password(client, current=PASSWORD, password=NEW_PASSWORD, confirm=None):
    data = {"current": current, "password": password, "confirm": password if confirm is None else confirm, "csrf_token": csrf_from(client, "/profile/password")}
    return client.post("/profile/password", data=data, follow_redirects=False)


def stored(db, person_id) -> Person:
    with db() as s:
        return s.get(Person, person_id)


def test_the_profile_shows_what_is_saved(james):
    page = james.get("/profile")
    assert page.status_code == 200
    assert field_value(page.text, "name") == "James Carter"
    assert "james@example.org" in page.text


def test_name_language_phone_and_contact_preferences_are_saved(james, db, people):
    response = save_profile(james, name="Jim Carter", preferred_language="es", phone="+1 (312) 555-0142", contact_by_email=None, contact_by_sms="on")
    assert response.status_code == 303
    assert response.headers["location"] == "/profile"
    saved = stored(db, people["patient2"].id)
    assert (saved.name, saved.preferred_language, saved.phone, saved.contact_by_email, saved.contact_by_sms) == ("Jim Carter", "es", "+1 (312) 555-0142", False, True)
    assert audit_events(db, "profile_updated", actor_id=people["patient2"].id)


def test_a_new_preferred_language_is_used_for_the_pages(james):
    save_profile(james, preferred_language="es")
    assert '<html lang="es">' in james.get("/profile").text


def test_a_phone_with_letters_is_refused_next_to_the_phone(james, db, people):
    response = save_profile(james, name="Jim Carter", phone="call me maybe")
    assert response.status_code == 400
    assert "Use only digits" in field_error(response.text, "phone")
    assert field_value(response.text, "name") == "Jim Carter"
    assert field_value(response.text, "phone") == "call me maybe"
    assert stored(db, people["patient2"].id).name == "James Carter"


def test_text_messages_without_a_phone_are_refused_next_to_the_phone(james, db, people):
    response = save_profile(james, phone="", contact_by_sms="on")
    assert response.status_code == 400
    assert "Add a mobile phone number" in field_error(response.text, "phone")
    assert stored(db, people["patient2"].id).contact_by_sms is False


def test_a_500_character_name_is_refused_next_to_the_name(james, db, people):
    response = save_profile(james, name="J" * 500)
    assert response.status_code == 400
    assert "120 characters or fewer" in field_error(response.text, "name")
    assert stored(db, people["patient2"].id).name == "James Carter"


def test_an_empty_name_is_refused(james):
    response = save_profile(james, name="   ")
    assert response.status_code == 400
    assert "Name is required" in field_error(response.text, "name")


def test_an_unknown_language_is_refused(james):
    response = save_profile(james, preferred_language="xx")
    assert response.status_code == 400
    assert field_error(response.text, "preferred_language")


@pytest.mark.parametrize(
    "fields",
    [
        {"name": None, "preferred_language": None, "contact_by_email": None},
        {"name": "x" * 20_000},
        {"phone": "9" * 10_000},
        {"name": "Jim\x00", "phone": "\x1b[31m"},
        {"name": ["Jim", "James"], "preferred_language": ["en", "es"]},
        {"contact_by_sms": "x" * 5000, "phone": "5"},
        {"name": "<script>alert(1)</script>"},
    ],
)
def test_malformed_profile_forms_get_an_answer_not_an_error(james, fields):
    response = save_profile(james, **fields)
    assert response.status_code in (303, 400)
    assert "<script>alert(1)</script>" not in james.get("/profile").text


def test_changing_the_password_needs_the_current_one(james, db, people):
    response = change_password(james, current="not my password at all")
    assert response.status_code == 400
    assert "not your current password" in field_error(response.text, "current")
    assert "not my password at all" not in response.text and NEW_PASSWORD not in response.text
    assert stored(db, people["patient2"].id).password_changed_at is None


@pytest.mark.parametrize(
    ("password", "message"),
    [("tiny", "Use at least 12 characters."), ("qwerty123456", "too common"), ("james carter rocks", "Do not use your name or email")],
)
def test_a_weak_new_password_is_refused(james, password, message):
    response = change_password(james, password=password)
    assert response.status_code == 400
    assert message in field_error(response.text, "password")
    assert password not in response.text


def test_a_mismatched_new_password_is_refused(james):
    response = change_password(james, confirm="lanterns drift over calm waters")
    assert response.status_code == 400
    assert field_error(response.text, "confirm")


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(app, james, sign_in_as, db, people):
    other_device = sign_in_as("patient2")
    before = session_cookie(james)
    response = change_password(james)
    assert response.status_code == 303
    assert response.headers["location"] == "/profile"
    assert james.get("/profile", follow_redirects=False).status_code == 200
    assert session_cookie(james) != before
    assert is_signed_out(other_device, "/my-care")
    assert audit_events(db, "password_changed", actor_id=people["patient2"].id)
    with new_client(app) as later:
        assert sign_in(later, "james@example.org", PASSWORD).status_code == 400
        assert sign_in(later, "james@example.org", NEW_PASSWORD).status_code == 303


def test_the_profile_needs_a_signed_in_person(client):
    assert is_signed_out(client, "/profile")
    assert is_signed_out(client, "/profile/password")
