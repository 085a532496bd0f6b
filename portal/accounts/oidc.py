"""Staff sign-in through an OpenID Connect provider (Authlib: code flow with PKCE, state and nonce)."""

from __future__ import annotations

import logging

import httpx
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.starlette_client import OAuth
from joserfc.errors import JoseError
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse
from starlette.routing import Route

from portal.accounts.models import STAFF_ROLES, OidcIdentity, Person
from portal.accounts.queries import person_by_email, roles_of
from portal.accounts.signin import after_first_factor, safe_next
from portal.i18n import _
from portal.rendering import render
from portal.security.audit import audit, audit_now
from portal.security.policies import PUBLIC, guarded

log = logging.getLogger(__name__)
CLIENT = "staff"


def create_oidc_client(settings):
    if not settings.oidc_enabled:
        return None
    oauth = OAuth()
    oauth.register(
        CLIENT,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
    )
    return oauth.create_client(CLIENT)


def person_for_identity(db: Session, issuer: str, claims: dict, trusted: bool) -> tuple[Person | None, bool]:
    """The account this identity belongs to, and whether it was linked just now."""
    subject = str(claims.get("sub", ""))
    identity = db.exec(select(OidcIdentity).where(OidcIdentity.issuer == issuer, OidcIdentity.subject == subject)).first()
    if identity is not None:
        # Single sign-on is for staff only: someone whose staff roles were taken away no longer gets in this way.
        return (db.get(Person, identity.person_id), False) if roles_of(db, identity.person_id) & STAFF_ROLES else (None, False)
    email = claims.get("email")
    if not (trusted and subject and isinstance(email, str) and claims.get("email_verified") is True):
        return None, False
    person = person_by_email(db, email)
    # Only staff accounts link themselves; a patient's account is never reached through single sign-on.
    if person is None or not (roles_of(db, person.id) & STAFF_ROLES):
        return None, False
    db.add(OidcIdentity(issuer=issuer, subject=subject, person_id=person.id))
    return person, True


@guarded(PUBLIC)
async def oidc_login(request):
    """Go to the organisation's identity provider to sign in."""
    client = request.app.state.oidc
    if client is None:
        raise HTTPException(404)
    request.state.session.data["oidc_next"] = safe_next(request.query_params.get("next"))
    redirect_uri = request.app.state.settings.base_url.rstrip("/") + "/auth/oidc/callback"
    try:
        return await client.authorize_redirect(request, redirect_uri)
    except (OAuthError, httpx.HTTPError, OSError, ValueError) as error:
        log.warning("identity provider unavailable: %s", type(error).__name__)
        return render(request, "accounts/oidc_problem.html", {"reason": "unavailable"}, status_code=502)


@guarded(PUBLIC)
async def oidc_callback(request):
    """Back from the identity provider: check state, nonce and code, then sign in."""
    client = request.app.state.oidc
    if client is None:
        raise HTTPException(404)
    sessions = request.state.sessions
    try:
        token = await client.authorize_access_token(request)
    except (OAuthError, JoseError, httpx.HTTPError, OSError, ValueError, KeyError) as error:
        log.info("single sign-on refused: %s", type(error).__name__)
        await run_in_threadpool(audit_now, sessions, request, "signin_failed", outcome="failure", object_type="session", object_id="oidc")
        return render(request, "accounts/oidc_problem.html", {"reason": "refused"}, status_code=400)
    claims = dict(token.get("userinfo") or {})
    issuer = request.app.state.settings.oidc_issuer.rstrip("/")
    trusted = request.app.state.settings.oidc_trusted
    next_path = request.state.session.data.get("oidc_next", "/")

    def finish():
        with sessions.begin() as db:
            person, linked = person_for_identity(db, issuer, claims, trusted)
            if person is None or not person.active:
                audit(db, request, "signin_failed", outcome="failure", actor_id=person.id if person else None, object_type="session", object_id="oidc")
                return None
            if linked:
                audit(db, request, "oidc_linked", actor_id=person.id, object_type="person", object_id=str(person.id))
            return after_first_factor(db, request, person, next_path, "oidc")

    destination = await run_in_threadpool(finish)
    if destination is None:
        return render(request, "accounts/oidc_problem.html", {"reason": "not_linked"}, status_code=403)
    return RedirectResponse(destination, status_code=303)


routes = [
    Route("/auth/oidc/login", oidc_login),
    Route("/auth/oidc/callback", oidc_callback),
]
