"""Language: saved preference, then cookie, then Accept-Language; dates in the locale and program time zone."""

import subprocess
import sys
from pathlib import Path

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.messages.pofile import read_po

from portal import i18n
from portal.accounts.models import Person
from tests.conftest import csrf_from


def test_the_saved_preference_wins_then_the_cookie_then_the_browser():
    assert i18n.choose_language("es", "en", "en-US") == "es"
    assert i18n.choose_language(None, "es", "en-US,en;q=0.9") == "es"
    assert i18n.choose_language(None, None, "es-MX,es;q=0.9,en;q=0.8") == "es"
    assert i18n.choose_language(None, None, "fr-FR,de") == "en"
    assert i18n.choose_language(None, "xx", "") == "en"
    assert i18n.choose_language(None, None, "*;q=0.1, garbage;;;, " + "x" * 5000) == "en"


def test_a_visitor_gets_spanish_from_the_browser(client):
    page = client.get("/login", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert '<html lang="es">' in page.text
    assert "Iniciar sesión" in page.text


def test_the_language_link_sets_a_cookie_for_visitors(client):
    response = client.get("/language?lang=es&next=/login", follow_redirects=False)
    assert response.headers["location"] == "/login"
    assert "lang=es" in response.headers["set-cookie"]
    assert '<html lang="es">' in client.get("/login").text


def test_the_language_switch_never_redirects_off_site(client):
    assert client.get("/language?lang=es&next=https://evil.example", follow_redirects=False).headers["location"] == "/"
    assert client.get("/language?lang=zz&next=//evil.example", follow_redirects=False).headers["location"] == "/"


def test_a_signed_in_person_saves_their_choice(sign_in_as, people, db):
    client = sign_in_as("patient2")
    response = client.post("/language", data={"lang": "es", "next": "/my-care", "csrf_token": csrf_from(client, "/my-care")}, follow_redirects=False)
    assert response.headers["location"] == "/my-care"
    with db() as s:
        assert s.get(Person, people["patient2"].id).preferred_language == "es"
    # The saved preference beats a cookie and the browser's language.
    client.cookies.set("lang", "en", domain="testserver.local")
    assert '<html lang="es">' in client.get("/my-care", headers={"Accept-Language": "en"}).text


def test_dates_are_shown_in_the_locale_and_the_program_time_zone():
    moment = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)  # 6:30 pm the day before in Chicago
    i18n.use_language("en", ZoneInfo("America/Chicago"))
    assert i18n.format_when(moment, "medium") == "Nov 30, 2026, 6:30:00\u202fPM"
    i18n.use_language("es", ZoneInfo("America/Chicago"))
    assert i18n.format_when(moment, "medium") == "30 nov 2026, 18:30:00"
    assert i18n.format_day(moment) == "30 de noviembre de 2026"
    i18n.use_language("en")


def _read(path):
    with path.open("rb") as source:
        return read_po(source)


def test_every_interface_string_has_a_spanish_translation(tmp_path):
    """Extract the strings the code uses now, and find each translated (not fuzzy) in Spanish."""
    pybabel = Path(sys.executable).parent / "pybabel"
    root = Path(__file__).resolve().parent.parent
    extracted = tmp_path / "messages.pot"
    subprocess.run(
        [pybabel, "extract", "-F", "babel.cfg", "-k", "_", "-k", "N_", "-k", "gettext", "-k", "ngettext:1,2", "-o", extracted, "portal"],
        cwd=root, check=True,
    )
    catalog = _read(i18n.TRANSLATIONS_DIR / "es" / "LC_MESSAGES" / "messages.po")

    def translated(message) -> bool:
        found = catalog.get(message.id)
        strings = found.string if found and isinstance(found.string, tuple) else [found.string if found else ""]
        return bool(found) and not found.fuzzy and all(strings)

    missing = [message.id for message in _read(extracted) if message.id and not translated(message)]
    assert missing == []
