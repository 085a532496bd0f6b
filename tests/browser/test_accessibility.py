"""axe finds nothing on any page people see, and every page fits a phone without sideways scrolling."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import HOMES, path_of

pytestmark = pytest.mark.browser

AXE = Axe()
PHONE = {"width": 375, "height": 667}
# Elements wider than the viewport, to name the culprit when a page scrolls sideways.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(-5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).replace(/ /g, '.') : ''))"""


def fits_a_phone(page, what: str) -> None:
    before = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll_width <= inner_width, f"{what} scrolls sideways on a phone ({scroll_width} > {inner_width}px): {page.evaluate(WIDEST)}"
    finally:
        page.set_viewport_size(before)


def check(page, what: str) -> None:
    """axe on the page as it is, then the phone-width check."""
    results = AXE.run(page)
    assert results.violations_count == 0, f"{what} ({page.url}):\n{results.generate_report()}"
    fits_a_phone(page, what)


def visit(page, path: str, status: int = 200):
    response = page.goto(path)
    assert response.status == status, f"{path}: {response.status}"
    return page


def mail_link(page, kind: str) -> str:
    """The newest link of a kind (invitations, password/reset) in the development mailbox."""
    visit(page, "/dev/mailbox")
    found = re.search(rf"http://127\.0\.0\.1:\d+(/{kind}/[\w-]+)", page.locator("main").inner_text())
    assert found, f"no {kind} link in the development mailbox"
    return found.group(1)


@pytest.mark.parametrize(("path", "status"), [
    ("/", 200), ("/login", 200), ("/password/forgot", 200), ("/no-such-page", 404), ("/invitations/not-a-real-token", 404),
])
def test_pages_for_visitors(page, path, status):
    check(visit(page, path, status), path)


SIGNED_IN_PAGES = [
    (role, path)
    for role in ("patient", "patient2", "caregiver", "partner", "coordinator", "admin")
    for path in (HOMES[role], "/profile", "/profile/password", "/two-factor")
] + [("coordinator", "/patients/invite"), ("admin", "/admin/audit"), ("admin", "/admin/people/new"), ("patient2", "/two-factor/setup")]


@pytest.mark.parametrize(("role", "path"), SIGNED_IN_PAGES, ids=[f"{role}:{path}" for role, path in SIGNED_IN_PAGES])
def test_pages_for_signed_in_people(signed_in, role, path):
    check(visit(signed_in(role), path), f"{role} on {path}")


def test_patient_home_speaks_spanish(signed_in):
    page = visit(signed_in("patient"), "/my-care")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hola, Maria Lopez")
    check(page, "the patient home in Spanish")


def test_login_page_in_spanish(page):
    visit(page, "/language?lang=es&next=/login")
    assert path_of(page) == "/login"
    expect(page.locator("html")).to_have_attribute("lang", "es")
    check(page, "the login page in Spanish")
    page.get_by_role("button", name="Iniciar sesión", exact=True).click()
    expect(page.locator(".field-error").first).to_be_visible()
    check(page, "the login page in Spanish with errors")


def test_add_staff_with_errors(signed_in):
    page = visit(signed_in("admin"), "/admin/people/new")
    page.get_by_role("button", name="Send invitation", exact=True).click()
    expect(page.locator(".field-error")).to_have_count(3)
    check(page, "the add staff form with errors")


def test_login_page_with_errors(page):
    visit(page, "/login")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator(".field-error")).to_have_count(2)
    check(page, "the login page with empty fields")
    page.get_by_label("Email", exact=True).fill("nobody@example.org")
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Email or password is wrong.")
    check(page, "the login page with a wrong password")


def test_code_step_of_sign_in(page):
    visit(page, "/login")
    page.get_by_label("Email", exact=True).fill("partner2@example.org")
    page.get_by_label("Password", exact=True).fill("demo-portal-pass")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/login/verify")
    check(page, "the code step")
    page.get_by_label("Authentication code").fill("12345")  # never right: codes have 6 digits
    page.get_by_role("button", name="Verify", exact=True).click()
    expect(page.locator(".field-error")).to_have_count(1)
    check(page, "the code step with a wrong code")


def test_password_reset_pages(page):
    visit(page, "/password/forgot")
    page.get_by_label("Email", exact=True).fill("patient2@example.org")
    page.get_by_role("button", name="Send me a link").click()
    page.wait_for_load_state()
    check(page, "the reset link is sent")
    visit(page, mail_link(page, "password/reset"))
    check(page, "choosing a new password")
    page.locator("main").get_by_role("button").click()
    expect(page.locator(".field-error").first).to_be_visible()
    check(page, "choosing a new password, with errors")


def test_invitation_pages(signed_in, page):
    coordinator = visit(signed_in("coordinator"), "/patients/invite")
    coordinator.get_by_role("button", name="Send invitation").click()
    expect(coordinator.locator(".error-summary")).to_be_visible()
    check(coordinator, "the invitation form with errors")
    coordinator.get_by_label("Name", exact=True).fill("Tomás Rivera")
    coordinator.get_by_label("Email", exact=True).fill("tomas.rivera@example.org")
    coordinator.get_by_label("Preferred language").select_option("es")
    coordinator.get_by_role("button", name="Send invitation").click()
    coordinator.wait_for_url(re.compile(r"/patients/[0-9a-f-]{36}$"))
    expect(coordinator.get_by_role("status")).to_contain_text("tomas.rivera@example.org")
    check(coordinator, "the new patient's summary with the invitation notice")
    # The patient opens the link from the e-mail.
    visit(page, mail_link(page, "invitations"))
    check(page, "accepting an invitation")
    page.locator("main").get_by_role("button").click()
    expect(page.locator(".field-error").first).to_be_visible()
    check(page, "accepting an invitation, with errors")


def test_patient_summaries(signed_in):
    coordinator = visit(signed_in("coordinator"), "/caseload")
    coordinator.get_by_role("link", name="Maria Lopez").click()
    coordinator.wait_for_url(re.compile(r"/patients/[0-9a-f-]{36}$"))
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Maria Lopez")
    check(coordinator, "a patient summary for the coordinator")
    caregiver = visit(signed_in("caregiver"), "/caring-for")
    caregiver.get_by_role("link", name="Maria Lopez").click()
    caregiver.wait_for_url(re.compile(r"/patients/[0-9a-f-]{36}$"))
    check(caregiver, "a patient summary for the caregiver")
    patient = visit(signed_in("patient"), "/my-care")
    patient.locator("main a[href^='/patients/']").click()
    patient.wait_for_url(re.compile(r"/patients/[0-9a-f-]{36}$"))
    check(patient, "the patient's own record")


def test_adding_a_caregiver(signed_in):
    coordinator = visit(signed_in("coordinator"), "/caseload")
    coordinator.get_by_role("link", name="James Carter").click()
    coordinator.get_by_role("link", name="Add a caregiver").click()
    coordinator.wait_for_url(re.compile(r"/caregivers/new$"))
    check(coordinator, "the add caregiver form")
    coordinator.get_by_label("Care plan").uncheck()
    coordinator.get_by_label("Appointments").uncheck()
    coordinator.get_by_label("Messages").uncheck()
    coordinator.get_by_role("button", name="Give permission").click()
    expect(coordinator.locator(".field-error")).to_have_count(3)
    check(coordinator, "the add caregiver form with errors")
    coordinator.get_by_label("Name", exact=True).fill("Ellen Carter")
    coordinator.get_by_label("Email", exact=True).fill("ellen.carter@example.org")
    coordinator.get_by_label("Appointments").check()
    coordinator.get_by_role("button", name="Give permission").click()
    coordinator.wait_for_url(re.compile(r"/patients/[0-9a-f-]{36}$"))
    expect(coordinator.get_by_role("button", name="End permission for Ellen Carter")).to_be_visible()
    check(coordinator, "a patient summary with a caregiver to manage")


def test_admin_person_page(signed_in):
    admin = visit(signed_in("admin"), "/admin/people")
    admin.get_by_role("link", name="Grace Kim").click()
    admin.wait_for_url(re.compile(r"/admin/people/[0-9a-f-]{36}$"))
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Grace Kim")
    check(admin, "an admin's person page")


def test_recovery_codes_page(signed_in):
    admin = visit(signed_in("admin"), "/two-factor")
    admin.get_by_role("button", name="Make new recovery codes").click()
    expect(admin.locator(".field-error")).to_have_count(1)
    check(admin, "new recovery codes refused without the password")
    admin.get_by_label("Your password").fill("demo-portal-pass")
    admin.get_by_role("button", name="Make new recovery codes").click()
    expect(admin.locator("main li code")).to_have_count(10)
    check(admin, "new recovery codes")


def test_refused_page(signed_in):
    check(visit(signed_in("patient2"), "/caseload", status=403), "a page the person may not open")


def test_phone_viewport(page, signed_in):
    page.set_viewport_size(PHONE)
    check(visit(page, "/login"), "the login page on a phone")
    coordinator = signed_in("coordinator")
    before = coordinator.viewport_size
    coordinator.set_viewport_size(PHONE)
    try:
        check(visit(coordinator, "/caseload"), "the caseload on a phone")
    finally:
        coordinator.set_viewport_size(before)


def test_the_checks_would_catch_a_problem(page):
    """Neither check is vacuous: a field without its label, and a too-wide element, are both found."""
    visit(page, "/login")
    page.evaluate("document.querySelector('label[for=field-email]').remove()")
    results = AXE.run(page)
    assert "label" in {violation["id"] for violation in results.response["violations"]}, results.generate_report()
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<pre>' + 'x'.repeat(200) + '</pre>')")
    with pytest.raises(AssertionError, match="scrolls sideways"):
        fits_a_phone(page, "a page with a very wide line")
