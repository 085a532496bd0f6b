"""CSRF tokens: derived from the session's secret (so they rotate with its id), or a visitor cookie's."""

from portal.security.tokens import keyed_digest, same

HEADER = "x-csrf-token"
FIELD = "csrf_token"


def csrf_token(request) -> str:
    state = request.state.session
    return keyed_digest(request.app.state.settings.secret_key, "csrf:" + state.csrf_key)


def csrf_ok(request, form) -> bool:
    state = request.state.session
    if not state.has_csrf_key:
        return False
    sent = request.headers.get(HEADER) or (form.get(FIELD) if form is not None else None) or ""
    return isinstance(sent, str) and same(sent, csrf_token(request))
