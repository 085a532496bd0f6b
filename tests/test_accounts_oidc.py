"""Staff single sign-on against a real OpenID provider (panva's oidc-provider) with PKCE enforced."""

import copy
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from portal.accounts.models import OidcIdentity
from portal.app import create_app
from portal.security.models import AuditEvent, WebSession
from tests.factories import make_person


@pytest.fixture
def sso_app(settings, oidc_provider, people):
    return create_app(settings.but(oidc_issuer=oidc_provider.issuer, oidc_client_id=oidc_provider.client_id, oidc_client_secret=oidc_provider.client_secret, oidc_trusted=True))


@pytest.fixture
def sso_client(sso_app):
    with TestClient(sso_app, base_url="https://testserver") as client:
        yield client


def start(client) -> str:
    """Begin single sign-on; returns the provider's authorization URL our app redirected to."""
    response = client.get("/auth/oidc/login", follow_redirects=False)
    assert response.status_code == 302
    return response.headers["location"]


def callback_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_the_authorization_request_uses_pkce_state_and_nonce(sso_client):
    query = parse_qs(urlsplit(start(sso_client)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["code_challenge"][0] and query["state"][0] and query["nonce"][0]
    assert query["scope"] == ["openid email profile"]


def test_a_verified_staff_email_links_on_first_sign_in_then_asks_for_the_code(sso_client, oidc_provider, people, db):
    callback = oidc_provider.login_url(start(sso_client), "staff-1")
    response = sso_client.get(callback_path(callback), follow_redirects=False)
    # The coordinator has TOTP enrolled: single sign-on is the first factor only.
    assert response.headers["location"] == "/login/verify"
    assert sso_client.get("/caseload", follow_redirects=False).status_code == 303
    with db() as s:
        identity = s.exec(select(OidcIdentity)).one()
        assert identity.person_id == people["coordinator"].id and identity.subject == "staff-1"
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "oidc_linked")).one().actor_id == people["coordinator"].id


def test_a_linked_identity_without_second_factor_signs_in(sso_client, oidc_provider, sso_app, db):
    with db.begin() as s:
        partner = make_person(s, roles=("partner",), email="stranger@example.org", name="Sam Stranger")
    callback = oidc_provider.login_url(start(sso_client), "staff-2")
    response = sso_client.get(callback_path(callback), follow_redirects=False)
    assert response.headers["location"] == "/"
    assert sso_client.get("/partner").status_code == 200
    with db() as s:
        assert s.exec(select(WebSession).where(WebSession.user_id == partner.id, WebSession.authenticated)).one()


def test_an_unverified_email_is_not_linked(sso_client, oidc_provider, db):
    callback = oidc_provider.login_url(start(sso_client), "staff-3")  # admin@example.org, email_verified false
    response = sso_client.get(callback_path(callback))
    assert response.status_code == 403
    assert "not linked" in response.text
    with db() as s:
        assert s.exec(select(OidcIdentity)).all() == []
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "signin_failed", AuditEvent.object_id == "oidc")).one()


def test_a_patient_account_is_never_reached_by_single_sign_on(sso_app, oidc_provider, db):
    with db.begin() as s:
        make_person(s, roles=("patient",), email="stranger@example.org")
    with TestClient(sso_app, base_url="https://testserver") as client:
        callback = oidc_provider.login_url(start(client), "staff-2")
        assert client.get(callback_path(callback)).status_code == 403


def test_a_wrong_state_is_refused(sso_client, oidc_provider):
    callback = oidc_provider.login_url(start(sso_client), "staff-1")
    forged = callback_path(callback).replace("state=", "state=forged")
    response = sso_client.get(forged)
    assert response.status_code == 400
    assert sso_client.get("/caseload", follow_redirects=False).status_code == 303


def test_a_wrong_nonce_is_refused(sso_client, oidc_provider, db):
    callback = oidc_provider.login_url(start(sso_client), "staff-1")
    # Change the nonce the app remembered for this sign-in: the ID token's nonce no longer matches.
    changed = 0
    with db.begin() as s:
        for row in s.exec(select(WebSession)).all():
            data = copy.deepcopy(row.data)
            for key, value in data.items():
                if key.startswith("_state_"):
                    value["data"]["nonce"] = "not-the-nonce"
                    changed += 1
            row.data = data
    assert changed == 1
    response = sso_client.get(callback_path(callback))
    assert response.status_code == 400
    assert sso_client.get("/caseload", follow_redirects=False).status_code == 303


def test_a_callback_replayed_in_another_browser_is_refused(sso_app, sso_client, oidc_provider):
    callback = oidc_provider.login_url(start(sso_client), "staff-1")
    with TestClient(sso_app, base_url="https://testserver") as attacker:
        assert attacker.get(callback_path(callback)).status_code == 400


def test_the_provider_refusing_is_a_clear_page(sso_client, oidc_provider):
    callback = oidc_provider.login_url(start(sso_client), None, deny=True)
    response = sso_client.get(callback_path(callback))
    assert response.status_code == 400
    assert "Single sign-on did not work" in response.text


def test_an_untrusted_provider_links_nothing_by_email(settings, oidc_provider, people, db):
    app = create_app(settings.but(oidc_issuer=oidc_provider.issuer, oidc_client_id=oidc_provider.client_id, oidc_client_secret=oidc_provider.client_secret))
    with TestClient(app, base_url="https://testserver") as client:
        callback = oidc_provider.login_url(start(client), "staff-1")
        assert client.get(callback_path(callback)).status_code == 403
    with db() as s:
        assert s.exec(select(OidcIdentity)).all() == []


def test_a_linked_identity_stops_working_when_the_staff_role_is_taken_away(sso_client, oidc_provider, db):
    from portal.accounts.models import RoleGrant

    with db.begin() as s:
        partner = make_person(s, roles=("partner",), email="stranger@example.org", name="Sam Stranger")
        s.add(OidcIdentity(issuer=oidc_provider.issuer, subject="staff-2", person_id=partner.id))
    with db.begin() as s:
        s.delete(s.get(RoleGrant, (partner.id, "partner")))
        s.add(RoleGrant(person_id=partner.id, role="patient"))
    callback = oidc_provider.login_url(start(sso_client), "staff-2")
    assert sso_client.get(callback_path(callback)).status_code == 403


def test_an_admin_links_identities_to_staff_accounts_only(sso_app, people, db):
    from tests.conftest import csrf_from, sign_in
    from tests.helpers import field_error

    with TestClient(sso_app, base_url="https://testserver") as admin:
        assert sign_in(admin, people["admin"].email).status_code == 303
        for who, status in (("patient", 400), ("coordinator", 303)):
            path = f"/admin/people/{people[who].id}"
            response = admin.post(f"{path}/identities", data={"subject": f"sub-{who}", "csrf_token": csrf_from(admin, path)}, follow_redirects=False)
            assert response.status_code == status
        assert "Only staff accounts" in field_error(admin.post(
            f"/admin/people/{people['patient'].id}/identities", data={"subject": "sub-x", "csrf_token": csrf_from(admin, "/admin/people")}
        ).text, "subject")
    with db() as s:
        assert [identity.person_id for identity in s.exec(select(OidcIdentity))] == [people["coordinator"].id]
