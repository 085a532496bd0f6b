"""Security headers on every response, the session cookie's attributes, request ids and error pages."""

import logging
import re

import pytest
from sqlmodel import select
from starlette.routing import Route

from portal.app import create_app
from portal.security.models import WebSession
from portal.security.policies import PUBLIC, guarded
from tests.conftest import csrf_from, sign_in
from tests.factories import PASSWORD
from tests.helpers import new_client

ERROR_ID = re.compile(r'<code class="error-id">([^<]+)</code>')
SIGNED_IN_PAGES = {
    "patient": ["/my-care", "/profile", "/profile/password", "/two-factor", "/patients/{patient}"],
    "caregiver": ["/caring-for", "/profile"],
    "partner": ["/partner", "/profile"],
    "coordinator": ["/caseload", "/patients/invite", "/patients/{patient}", "/profile"],
    "admin": ["/admin/people", "/admin/people/{patient}", "/admin/audit", "/profile"],
}


@pytest.fixture
def development_app(settings):
    return create_app(settings.but(env="development", secret_key="development-test-secret-0123456789abcdef"))


@pytest.fixture
def failing_app(app):
    """The app with a test-only route whose handler raises."""

    @guarded(PUBLIC)
    def explode(request):
        raise RuntimeError("secret internals: database password is hunter2")

    app.router.routes.append(Route("/test-only/explode", explode))
    return app


def csp_directives(response) -> dict[str, list[str]]:
    directives = {}
    for part in response.headers["content-security-policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("path", ["/", "/login", "/password/forgot", "/no-such-page", "/static/css/portal.css"])
def test_the_csp_allows_no_inline_code_and_no_framing(client, path):
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    directives = csp_directives(response)
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]


@pytest.mark.parametrize("path", ["/", "/login", "/no-such-page", "/static/css/portal.css", "/healthz"])
def test_every_response_has_nosniff_and_a_referrer_policy(client, path):
    response = client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin", "strict-origin")
    assert response.headers["x-frame-options"] == "DENY"


def test_hsts_is_sent_in_production(client):
    hsts = client.get("/").headers["strict-transport-security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31536000


def test_no_hsts_in_development(development_app):
    with new_client(development_app) as client:
        assert "strict-transport-security" not in client.get("/").headers


def test_a_handler_cannot_weaken_the_security_headers(client):
    """Redirects and error pages carry the same headers as pages."""
    for response in (client.get("/my-care", follow_redirects=False), client.get("/no-such-page"), client.post("/login")):
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("role", list(SIGNED_IN_PAGES))
def test_every_signed_in_page_is_no_store(sign_in_as, people, role):
    client = sign_in_as(role)
    for path in SIGNED_IN_PAGES[role]:
        response = client.get(path.format(patient=people["patient"].id), follow_redirects=False)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path


def test_pages_half_way_through_sign_in_are_no_store(client, people):
    client.post("/login", data={"email": people["coordinator"].email, "password": PASSWORD, "csrf_token": csrf_from(client, "/login")})
    assert client.get("/login/verify").headers["cache-control"] == "no-store"


def test_static_files_may_be_cached(client):
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]


def cookie_attributes(header: str) -> tuple[str, dict[str, str]]:
    name_value, *attributes = [part.strip() for part in header.split(";")]
    parsed = {}
    for attribute in attributes:
        key, _sep, value = attribute.partition("=")
        parsed[key.lower()] = value
    return name_value.split("=", 1)[0], parsed


def test_the_session_cookie_is_host_prefixed_secure_httponly_and_lax(client, people):
    response = client.post("/login", data={"email": "maria@example.org", "password": PASSWORD, "csrf_token": csrf_from(client, "/login")}, follow_redirects=False)
    name, attributes = cookie_attributes(response.headers["set-cookie"])
    assert name == "__Host-portal_session"
    assert "secure" in attributes and "httponly" in attributes
    assert attributes["samesite"].lower() == "lax"
    assert attributes["path"] == "/"
    assert "domain" not in attributes
    # A browser session cookie: the server decides when it ends.
    assert "expires" not in attributes and "max-age" not in attributes


def test_a_visitors_form_cookie_has_the_same_attributes_and_no_session_is_written(client, db):
    name, attributes = cookie_attributes(client.get("/login").headers["set-cookie"])
    assert name == "__Host-portal_visitor"
    assert {"secure", "httponly", "samesite", "path"} <= set(attributes)
    with db() as s:
        assert s.exec(select(WebSession)).all() == []


def test_in_development_the_cookies_are_plain(development_app, people):
    with new_client(development_app) as client:
        name, attributes = cookie_attributes(client.get("/login").headers["set-cookie"])
        assert name == "portal_visitor"
        assert "secure" not in attributes and "httponly" in attributes
        sign_in(client, "maria@example.org")
        assert client.cookies.get("portal_session")


@pytest.mark.parametrize("path", ["/", "/login", "/no-such-page", "/static/css/portal.css", "/healthz"])
def test_every_response_has_a_request_id(client, path):
    assert re.fullmatch(r"[A-Za-z0-9._-]{8,40}", client.get(path).headers["x-request-id"])


def test_a_sane_request_id_from_the_proxy_is_kept_and_an_odd_one_replaced(client):
    assert client.get("/", headers={"X-Request-ID": "proxy-id-12345678"}).headers["x-request-id"] == "proxy-id-12345678"
    odd = client.get("/", headers={"X-Request-ID": "<script>alert(1)</script>"}).headers["x-request-id"]
    assert "<" not in odd and re.fullmatch(r"[A-Za-z0-9._-]{8,40}", odd)


def test_the_not_found_page_shows_an_error_id(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert ERROR_ID.search(response.text).group(1) == response.headers["x-request-id"]
    assert 'href="/"' in response.text


def test_a_failing_handler_gives_the_friendly_error_page(failing_app):
    with new_client(failing_app) as client:
        response = client.get("/test-only/explode")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert ERROR_ID.search(response.text).group(1) == response.headers["x-request-id"]
    for leak in ("Traceback", "RuntimeError", "hunter2", "secret internals", ".py"):
        assert leak not in response.text


def test_the_error_page_has_the_security_headers(failing_app):
    with new_client(failing_app) as client:
        response = client.get("/test-only/explode")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "strict-transport-security" in response.headers
    assert response.headers["cache-control"] == "no-store"


def test_the_error_id_leads_to_the_logged_failure(failing_app, caplog):
    with new_client(failing_app) as client, caplog.at_level("ERROR"):
        portal_log = logging.getLogger("portal")  # it does not propagate to the root logger
        portal_log.addHandler(caplog.handler)
        try:
            response = client.get("/test-only/explode")
        finally:
            portal_log.removeHandler(caplog.handler)
    error_id = response.headers["x-request-id"]
    [record] = [r for r in caplog.records if error_id in r.getMessage()]
    logged = record.getMessage()
    # The type and where it was raised, to find the fault; never the message, which may hold what a person typed.
    assert "builtins.RuntimeError" in logged and "in explode" in logged
    assert "hunter2" not in logged
