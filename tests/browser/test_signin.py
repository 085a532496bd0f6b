"""Signing in, languages, signing out, no JavaScript, the CSP and one htmx interaction, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import path_of

pytestmark = pytest.mark.browser

# What each demo person sees first: their home page, its heading and something of theirs on it.
LANDINGS = {
    # Maria and Rosa saved Spanish as their language, so their pages speak it from the first one.
    "patient": ("/my-care", "Hola, Maria Lopez", "es", "Grace Kim"),
    "caregiver": ("/caring-for", "Personas que cuido", "es", "Maria Lopez"),
    "partner": ("/partner", "My organisations", "en", "Riverside Community Food Bank"),
    "coordinator": ("/caseload", "Caseload", "en", "James Carter"),
    "admin": ("/admin/people", "People", "en", "coordinator@example.org"),
}


@pytest.mark.parametrize("role", list(LANDINGS))
def test_each_role_lands_on_its_home(page, sign_in, role):
    home, heading, language, content = LANDINGS[role]
    sign_in(page, role)
    assert path_of(page) == home
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("main")).to_contain_text(content)
    # The front door sends a signed-in person home too.
    page.goto("/")
    assert path_of(page) == home


def test_visitor_switches_language_with_a_link(page):
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Español").click()
    page.wait_for_function("document.documentElement.lang === 'es'")
    assert path_of(page) == "/login"
    expect(page.get_by_role("heading", level=1)).to_have_text("Iniciar sesión")
    expect(page.get_by_label("Correo electrónico", exact=True)).to_be_visible()
    expect(page.get_by_label("Contraseña", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Iniciar sesión", exact=True)).to_be_visible()
    # The choice is a cookie: the next page speaks Spanish too.
    page.goto("/password/forgot")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_role("link", name="English").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert path_of(page) == "/password/forgot"


def test_signed_in_choice_of_language_is_saved_to_the_profile(page, new_context, sign_in):
    sign_in(page, "patient2")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, James Carter")
    # Signed in, the switch is a small form (with its CSRF token), not a link.
    expect(page.get_by_role("link", name="Español")).to_have_count(0)
    page.get_by_role("button", name="Español").click()
    page.wait_for_function("document.documentElement.lang === 'es'")
    assert path_of(page) == "/my-care"
    expect(page.get_by_role("heading", level=1)).to_have_text("Hola, James Carter")
    page.get_by_role("button", name="Cerrar sesión").click()
    page.wait_for_url("**/login")

    # A new browser (no language cookie, English Accept-Language): the saved choice still wins.
    other = new_context().new_page()
    sign_in(other, "patient2")
    expect(other.locator("html")).to_have_attribute("lang", "es")
    expect(other.get_by_role("heading", level=1)).to_have_text("Hola, James Carter")
    other.get_by_role("button", name="English").click()
    other.wait_for_function("document.documentElement.lang === 'en'")
    expect(other.get_by_role("heading", level=1)).to_have_text("Hello, James Carter")


def test_sign_out_ends_the_session(page, new_context, sign_in):
    sign_in(page, "caregiver")
    cookies = page.context.cookies()
    assert any(cookie["name"] == "portal_session" for cookie in cookies)
    page.goto("/profile")
    page.get_by_role("button", name="Cerrar sesión").click()
    page.wait_for_url("**/login")
    expect(page.get_by_role("status")).to_contain_text("sesión")  # "You have signed out.", in her language
    for path in ("/caring-for", "/profile", "/caseload"):
        page.goto(path)
        assert path_of(page) == "/login", f"{path} after signing out"
    # The old session cookie is worthless now: the server forgot the session, not just the browser.
    replay = new_context()
    replay.add_cookies([cookie for cookie in cookies if cookie["name"] == "portal_session"])
    stale = replay.new_page()
    stale.goto("/caring-for")
    assert path_of(stale) == "/login"


def test_sign_out_in_english(page, sign_in):
    sign_in(page, "patient2")
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url("**/login")
    expect(page.get_by_role("status")).to_contain_text("You have signed out.")
    page.goto("/my-care")
    assert path_of(page) == "/login"


def test_without_javascript_sign_in_search_and_sign_out_work(new_context, sign_in):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, "coordinator2")
    assert path_of(page) == "/caseload"
    rows = page.locator("#caseload tbody tr")
    expect(rows).to_have_count(2)
    page.get_by_label("Find a patient by name or email").fill("Ana")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/caseload?q=Ana")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Ana Torres")
    expect(page.get_by_label("Find a patient by name or email")).to_have_value("Ana")
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url("**/login")
    page.goto("/caseload")
    assert path_of(page) == "/login"


def test_caseload_search_narrows_the_table_with_htmx(signed_in, console_errors):
    page = signed_in("coordinator")
    errors = console_errors(page)
    page.goto("/caseload")
    rows = page.locator("#caseload tbody tr")
    expect(rows.filter(has_text="Maria Lopez")).to_have_count(1)
    expect(rows.filter(has_text="James Carter")).to_have_count(1)
    page.evaluate("window.stillTheSamePage = true")
    fragments = []

    def on_request(request):
        if request.headers.get("hx-request") == "true":
            fragments.append(request)

    page.on("request", on_request)
    try:
        page.get_by_label("Find a patient by name or email").fill("James")
        page.wait_for_url("**/caseload?q=James")
    finally:
        page.remove_listener("request", on_request)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("James Carter")
    assert page.evaluate("window.stillTheSamePage") is True, "the search reloaded the whole page"
    assert fragments, "no htmx request was made"
    body = fragments[-1].response().text()
    assert 'id="caseload"' in body and "<html" not in body, "htmx got a whole page, not the fragment"
    # Going back to the empty search brings everyone back, still without reloading the page.
    page.get_by_label("Find a patient by name or email").fill("")
    expect(rows.filter(has_text="Maria Lopez")).to_have_count(1)
    assert page.evaluate("window.stillTheSamePage") is True
    assert errors == []


def test_no_console_errors_under_the_csp(page, signed_in, console_errors, base_url):
    """Any inline script or style would be refused by the CSP and show up as a console error."""
    visits = [(page, "/"), (page, "/login"), (page, "/password/forgot"), (page, "/no-such-page")]
    visits += [(signed_in(role), home) for role, home in (("patient", "/my-care"), ("coordinator", "/caseload"), ("admin", "/admin/people"))]
    visits += [(signed_in("coordinator"), "/patients/invite"), (signed_in("admin"), "/admin/audit")]
    # Chromium reports the 404 page's own status in the console; that one is expected.
    expected = {f"{base_url}/no-such-page: console error: Failed to load resource: the server responded with a status of 404 (Not Found)"}
    watched = {}
    for visited, path in visits:
        errors = watched.setdefault(id(visited), console_errors(visited))
        errors.clear()
        response = visited.goto(path)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
        # htmx loaded and started (it is deferred: wait for the document to finish loading).
        visited.wait_for_load_state("load")
        assert visited.evaluate("typeof window.htmx === 'object' && typeof window.htmx.version === 'string'"), f"htmx did not load on {path}"
        unexpected = [error for error in errors if error not in expected]
        assert unexpected == [], "\n".join(unexpected)


def test_every_request_stays_on_the_portal(page, base_url):
    """No third-party requests (DESIGN section 9)."""
    origins = set()
    page.on("request", lambda request: origins.add(re.match(r"^[a-z]+://[^/]+", request.url).group(0)))
    page.goto("/login")
    page.wait_for_load_state("load")
    assert origins == {base_url}


def test_an_inline_style_would_be_caught(page, console_errors):
    """The check above is not vacuous: an inline style is refused, and the refusal reaches the console."""
    errors = console_errors(page)
    page.goto("/login")
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate("document.head.insertAdjacentHTML('beforeend', '<style>body { color: red }</style>')")
    assert any("Content Security Policy" in error for error in errors), errors
