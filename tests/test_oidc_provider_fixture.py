"""The test OIDC provider works end to end on its own, before the portal relies on it."""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.jwk import KeySet



def discover(issuer: str) -> dict:
    metadata = httpx.get(f"{issuer}/.well-known/openid-configuration").raise_for_status().json()
    assert metadata["issuer"] == issuer
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    return metadata


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


@pytest.mark.parametrize("auth_method", ["client_secret_basic", "client_secret_post"])
def test_code_flow_with_pkce_signs_in_without_a_browser(oidc_provider, auth_method):
    metadata = discover(oidc_provider.issuer)
    assert auth_method in metadata["token_endpoint_auth_methods_supported"]
    client = OAuth2Client(
        oidc_provider.client_id,
        oidc_provider.client_secret,
        scope="openid email profile",
        redirect_uri=oidc_provider.redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method=auth_method,
    )
    code_verifier, nonce = generate_token(48), generate_token(20)
    authorize_url, state = client.create_authorization_url(
        metadata["authorization_endpoint"], code_verifier=code_verifier, nonce=nonce
    )

    callback_url = oidc_provider.login_url(authorize_url, "staff-1")

    assert urlsplit(callback_url)._replace(query="").geturl() == oidc_provider.redirect_uri
    assert query(callback_url)["state"] == state
    with client:
        token = client.fetch_token(
            metadata["token_endpoint"], authorization_response=callback_url, state=state, code_verifier=code_verifier
        )
    keys = KeySet.import_key_set(httpx.get(metadata["jwks_uri"]).raise_for_status().json())
    id_token = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": oidc_provider.issuer},
        aud={"essential": True, "value": oidc_provider.client_id},
        nonce={"essential": True, "value": nonce},
        sub={"essential": True, "value": "staff-1"},
    ).validate(id_token.claims)
    assert id_token.claims["email"] == "coordinator@example.org"
    assert id_token.claims["email_verified"] is True
    assert id_token.claims["name"] == "Casey Coordinator"


def test_unverified_email_is_reported_as_such(oidc_provider):
    metadata = discover(oidc_provider.issuer)
    client = OAuth2Client(oidc_provider.client_id, oidc_provider.client_secret, scope="openid email",
                          redirect_uri=oidc_provider.redirect_uri, code_challenge_method="S256")
    code_verifier = generate_token(48)
    authorize_url, state = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=code_verifier)
    with client:
        token = client.fetch_token(metadata["token_endpoint"], state=state, code_verifier=code_verifier,
                                   authorization_response=oidc_provider.login_url(authorize_url, "staff-3"))
    claims = jwt.decode(token["id_token"], KeySet.import_key_set(httpx.get(metadata["jwks_uri"]).json())).claims
    assert (claims["email"], claims["email_verified"]) == ("admin@example.org", False)
    assert "name" not in claims  # the profile scope was not requested


def test_authorization_request_without_code_challenge_is_refused(oidc_provider):
    metadata = discover(oidc_provider.issuer)
    client = OAuth2Client(oidc_provider.client_id, oidc_provider.client_secret,
                          scope="openid email", redirect_uri=oidc_provider.redirect_uri)
    authorize_url, state = client.create_authorization_url(metadata["authorization_endpoint"], nonce="n-1")
    assert "code_challenge" not in authorize_url

    callback = query(oidc_provider.login_url(authorize_url, "staff-1"))

    assert callback["error"] == "invalid_request"
    assert "PKCE" in callback["error_description"]
    assert callback["state"] == state
    assert "code" not in callback


def test_user_can_deny(oidc_provider):
    metadata = discover(oidc_provider.issuer)
    client = OAuth2Client(oidc_provider.client_id, oidc_provider.client_secret, scope="openid",
                          redirect_uri=oidc_provider.redirect_uri, code_challenge_method="S256")
    authorize_url, _ = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=generate_token(48))

    assert query(oidc_provider.login_url(authorize_url, None, deny=True))["error"] == "access_denied"
