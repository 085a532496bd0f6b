"""Browser fixtures: Debian's Chromium, one live server per session, and pages signed in as the demo people.

Every test module here sets `pytestmark = pytest.mark.browser` (the top-level conftest marks every
other test `postgres`).
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pyotp
import pytest

from portal.demo import PASSWORD, TOTP_SECRET
from tests.browser.liveserver import chromium_launch_args, chromium_path, live_server as serve

# The demo people, by the role the tests use them for (portal/demo.py).
ACCOUNTS = {
    "patient": "patient@example.org",  # Maria Lopez, prefers Spanish
    "patient2": "patient2@example.org",  # James Carter
    "caregiver": "caregiver@example.org",  # Rosa Lopez, prefers Spanish
    "partner": "partner@example.org",  # Dana Whitfield, TOTP
    "partner2": "partner2@example.org",  # Luis Ortega, TOTP
    "coordinator": "coordinator@example.org",  # Grace Kim, TOTP
    "coordinator2": "coordinator2@example.org",  # Samuel Okafor, TOTP
    "admin": "admin@example.org",  # Alex Morgan, TOTP
}
HOMES = {
    "patient": "/my-care", "patient2": "/my-care", "caregiver": "/caring-for", "partner": "/partner",
    "partner2": "/partner", "coordinator": "/caseload", "coordinator2": "/caseload", "admin": "/admin/people",
}
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium_path()
    if path is None:
        pytest.fail("Debian's chromium is not on the PATH: the browser tests need it (apt-get install chromium, or `make browser`)")
    return {**browser_type_launch_args, **chromium_launch_args(path)}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    with serve(tmp_path_factory.mktemp("live-server")) as server:
        yield server


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, base_url):
    # A fixed locale, so the Accept-Language header (and so the first language) never depends on the machine.
    return {**browser_context_args, "base_url": base_url, "locale": "en-US"}


@pytest.fixture
def context(context):
    context.set_default_timeout(TIMEOUT_MS)
    return context


def path_of(page) -> str:
    return urlsplit(page.url).path


class Authenticator:
    """Fresh TOTP codes: the portal refuses a code of a time step the account has used already.

    One step of clock drift is accepted either way, so a second sign-in within 30 seconds uses the
    next step's code; only a third one has to wait for the clock.
    """

    def __init__(self, secret: str = TOTP_SECRET):
        self.totp = pyotp.TOTP(secret)
        self.last_step: dict[str, int] = {}

    def code(self, email: str) -> str:
        interval = self.totp.interval
        current = int(time.time() // interval)
        step = max(current, self.last_step.get(email, current - 1) + 1)
        if step > current + 1:
            time.sleep((step - 1) * interval - time.time() + 0.1)
        self.last_step[email] = step
        return self.totp.at(step * interval)


@pytest.fixture(scope="session")
def authenticator() -> Authenticator:
    return Authenticator()


@pytest.fixture(scope="session")
def sign_in(authenticator):
    """sign_in(page, "coordinator") signs in through the real /login page (and the code step for staff)."""

    def signing_in(page, role: str, *, password: str = PASSWORD):
        email = ACCOUNTS.get(role, role)
        page.goto("/login")
        page.get_by_label("Email", exact=True).fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_url(lambda url: urlsplit(url).path != "/login")
        if path_of(page) == "/login/verify":
            page.get_by_label("Authentication code").fill(authenticator.code(email))
            page.get_by_role("button", name="Verify", exact=True).click()
            page.wait_for_url(lambda url: urlsplit(url).path != "/login/verify")
        return page

    return signing_in


@pytest.fixture(scope="session")
def signed_in(browser, browser_context_args, sign_in):
    """signed_in("admin") -> a page of its own context, signed in once per session and reused."""
    pages = {}
    contexts = []

    def page_for(role: str):
        if role not in pages:
            context = browser.new_context(**browser_context_args)
            context.set_default_timeout(TIMEOUT_MS)
            contexts.append(context)
            pages[role] = sign_in(context.new_page(), role)
            assert path_of(pages[role]) == HOMES[role], f"{role} landed on {pages[role].url}"
        return pages[role]

    yield page_for
    for context in contexts:
        context.close()


@pytest.fixture
def console_errors():
    """watch(page) -> a list that fills with the page's console errors and uncaught exceptions."""
    watched = []

    def watch(page) -> list[str]:
        errors: list[str] = []

        def on_console(message):
            if message.type == "error":
                errors.append(f"{page.url}: console error: {message.text}")

        def on_page_error(error):
            errors.append(f"{page.url}: uncaught: {error}")

        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        watched.append((page, on_console, on_page_error))
        return errors

    yield watch
    for page, on_console, on_page_error in watched:
        page.remove_listener("console", on_console)
        page.remove_listener("pageerror", on_page_error)
