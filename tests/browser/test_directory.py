"""The directory in a browser: filters update the results in place with JavaScript, and the same form works without it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS
from tests.browser.test_accessibility import check, visit

pytestmark = pytest.mark.browser

RESULT_LINKS = "#results ol.results h3 a"


def first_listing_path(page) -> str:
    visit(page, "/directory?q=pantry")
    return page.locator(RESULT_LINKS).first.get_attribute("href")


def test_typing_and_filtering_update_the_results_and_the_address_without_reloading(page):
    visit(page, "/directory")
    page.evaluate("window.stayedOnPage = true")  # gone if the browser loads a new page
    page.get_by_label("What do you need?").fill("comida")
    expect(page).to_have_url(re.compile(r"q=comida"), timeout=TIMEOUT_MS)
    expect(page.locator(RESULT_LINKS).first).to_be_visible()
    spanish = page.locator(RESULT_LINKS).all_inner_texts()
    page.get_by_label("Free only").check()
    expect(page).to_have_url(re.compile(r"cost=free"), timeout=TIMEOUT_MS)
    page.get_by_label("ZIP code").fill("60608")
    page.get_by_label("ZIP code").press("Tab")
    expect(page).to_have_url(re.compile(r"near=60608"), timeout=TIMEOUT_MS)
    expect(page.locator("#results .where strong").first).to_contain_text("mi away")
    assert page.evaluate("window.stayedOnPage") is True
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"near=60608"), timeout=TIMEOUT_MS)
    expect(page.get_by_label("ZIP code")).to_have_value("")
    assert spanish


def test_the_same_form_works_without_javascript(browser, browser_context_args):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    try:
        page = context.new_page()
        visit(page, "/directory")
        page.get_by_label("What do you need?").fill("food stamps")
        page.get_by_label("Language spoken").select_option("es")
        page.get_by_role("button", name="Search").click()
        expect(page).to_have_url(re.compile(r"q=food\+stamps.*language=es"))
        expect(page.locator(RESULT_LINKS).first).to_be_visible()
        page.get_by_label("ZIP code").fill("123")
        page.get_by_role("button", name="Search").click()
        expect(page.locator("#error-near")).to_contain_text("5-digit")
        expect(page.get_by_label("What do you need?")).to_have_value("food stamps")
    finally:
        context.close()


@pytest.mark.parametrize("path", [
    "/directory", "/directory?q=pantry&near=60608&within=10", "/directory?q=zzyzx+quux",
    "/directory?near=123&age=old", "/directory?q=clinica&language=es&open_now=1",
])
def test_search_pages_pass_axe(page, path):
    check(visit(page, path), path)


def test_listing_and_print_pages_pass_axe(page):
    listing = first_listing_path(page)
    check(visit(page, listing), "a listing")
    check(visit(page, listing + "/print"), "a listing's print view")


def test_a_bad_report_keeps_what_was_typed_and_passes_axe(page):
    visit(page, first_listing_path(page))
    page.get_by_label("Something else").check()
    page.get_by_label("Your email, if you want an answer (optional)").fill("name@localhost")
    page.get_by_role("button", name="Send report").click()
    expect(page.locator("#error-comment")).to_be_visible()
    expect(page.get_by_label("Your email, if you want an answer (optional)")).to_have_value("name@localhost")
    check(page, "a listing with report errors")


def test_directory_feedback_passes_axe(signed_in):
    check(visit(signed_in("coordinator"), "/directory/feedback"), "directory feedback")
