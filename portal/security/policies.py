"""Every route declares who may use it; the guard checks that, and CSRF, before the handler runs.

Deny by default: a route whose endpoint was not wrapped by `guarded` fails a test.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from portal import htmx
from portal.requestlog import loggable_path
from portal.security.audit import audit_now
from portal.security.csrf import csrf_ok

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_FORM_BYTES = 64 * 1024


@dataclass(frozen=True)
class Policy:
    name: str
    roles: frozenset[str] = frozenset()
    signed_in: bool = True
    development_only: bool = False

    def admits(self, principal) -> bool:
        if not self.signed_in:
            return True
        if principal is None:
            return False
        return not self.roles or principal.has_any(self.roles)


PUBLIC = Policy("public", signed_in=False)
SIGNED_IN = Policy("any signed-in person")
DEVELOPMENT_ONLY = Policy("development only", signed_in=False, development_only=True)
# Half-way through sign-in (password given, second factor not yet): the guard lets the handler decide.
SIGNING_IN = Policy("signing in", signed_in=False)


def allow(*roles: str) -> Policy:
    return Policy("roles: " + ", ".join(sorted(roles)), roles=frozenset(roles))


class Refused(Exception):
    """Raised by the guard; the app renders it as the friendly 403 page."""


def guarded(policy: Policy):
    """Declare the route's policy and enforce it (and CSRF on unsafe methods)."""

    def decorate(handler):
        is_async = inspect.iscoroutinefunction(handler)

        @functools.wraps(handler)
        async def guard(request):
            settings = request.app.state.settings
            if policy.development_only and not settings.development:
                raise HTTPException(404)
            principal = request.state.principal
            if not policy.admits(principal):
                await run_in_threadpool(audit_now, request.state.sessions, request, "access_denied", outcome="denied", object_type="route", object_id=loggable_path(request.url.path))
                if principal is None and (request.method == "GET" or request.state.session.expired):
                    # Also after a timeout mid-form: better the sign-in page (and back) than an error page;
                    # htmx is told to load it as a whole page, not inside the fragment it asked for.
                    return htmx.redirect(request, f"/login?next={quote(request.url.path)}")
                raise HTTPException(403 if principal else 401)
            request.state.acting_role = _acting_role(policy, principal)
            request.state.form = None
            if request.method in UNSAFE:
                request.state.form = await _read_form(request)
                if not csrf_ok(request, request.state.form):
                    await run_in_threadpool(audit_now, request.state.sessions, request, "csrf_refused", outcome="denied", object_type="route", object_id=loggable_path(request.url.path))
                    raise Refused("csrf")
            if is_async:
                return await handler(request)
            return await run_in_threadpool(handler, request)

        guard.policy = policy
        return guard

    return decorate


def _acting_role(policy: Policy, principal) -> str:
    if principal is None:
        return "anonymous"
    roles = sorted(principal.roles & policy.roles) if policy.roles else sorted(principal.roles)
    return ",".join(roles)


async def _read_form(request):
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_FORM_BYTES:
        raise HTTPException(413)
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    # A chunked body has no length to check up front: count what arrives, and keep it for request.form().
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise HTTPException(413)
    request._body = bytes(body)
    try:
        return await request.form(max_files=0, max_fields=100)
    except Exception as error:  # malformed bodies are the sender's fault, never a 500
        raise HTTPException(400) from error


def policy_of(endpoint) -> Policy | None:
    return getattr(endpoint, "policy", None)
