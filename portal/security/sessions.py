"""Server-side sessions: a random token in the cookie, the session's row in the database.

Handlers change the session through `SessionState` (sign in, sign out, data); the middleware loads
it before the handler and saves what changed before the response starts.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.cookies import SimpleCookie

from anyio import to_thread
from sqlmodel import Session, delete, update

from portal.clock import now
from portal.security.models import WebSession
from portal.security.principal import Principal
from portal.security.tokens import digest, new_token

STAFF_IDLE = timedelta(minutes=15)
PATIENT_IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
# Writing last_seen on every request would turn every page view into a write.
TOUCH_EVERY = timedelta(seconds=60)
STAFF = frozenset({"partner", "coordinator", "admin"})
# Set in the fresh session that follows a timed-out one, so the sign-in page (usually the next
# request, after a redirect) can say why the person was signed out.
EXPIRED_NOTICE = "signed_out_idle"


def idle_limit(roles: frozenset[str]) -> timedelta:
    return STAFF_IDLE if roles & STAFF else PATIENT_IDLE


@dataclass
class SessionState:
    """The request's session. `data` is a plain dict (also `request.session`, for Authlib)."""

    token: str | None = None
    row: WebSession | None = None
    data: dict = field(default_factory=dict)
    expired: bool = False
    new_token: str | None = None
    clear_cookie: bool = False
    saved_data: dict = field(default_factory=dict)
    # A visitor's forms are protected by a random value in a cookie of its own, so that showing a
    # form (the sign-in page) never writes to the database.
    visitor_key: str | None = None
    new_visitor_key: bool = False

    @property
    def user_id(self) -> uuid.UUID | None:
        return self.row.user_id if self.row else None

    @property
    def authenticated(self) -> bool:
        return bool(self.row and self.row.authenticated and self.row.user_id)

    @property
    def csrf_key(self) -> str:
        """The secret CSRF tokens derive from: the session's for a person, the visitor cookie's otherwise."""
        if self.user_id:
            return "session:" + (self.new_token or self.token or "")
        if not self.visitor_key:
            self.visitor_key, self.new_visitor_key = new_token(), True
        return "visitor:" + self.visitor_key

    @property
    def has_csrf_key(self) -> bool:
        return bool(self.user_id or self.visitor_key)

    def start(self, db: Session, person_id: uuid.UUID, *, authenticated: bool, data: dict | None = None) -> None:
        """Begin a signed-in (or half signed-in) session under a new id: the old id dies here.

        Nothing of the old session's data is carried over, except what `data` names.
        """
        self._drop(db)
        self.new_token = new_token()
        self.row = WebSession(id_hash=digest(self.new_token), user_id=person_id, authenticated=authenticated, data=copy.deepcopy(data or {}))
        self.data = copy.deepcopy(data or {})
        self.saved_data = copy.deepcopy(self.data)
        db.add(self.row)

    def end(self, db: Session) -> None:
        self._drop(db)
        self.row = None
        self.data = {}
        self.saved_data = {}
        self.new_token = None
        self.clear_cookie = True

    def _drop(self, db: Session) -> None:
        if self.row is not None:
            db.execute(delete(WebSession).where(WebSession.id_hash == self.row.id_hash))


def end_all_sessions(db: Session, person_id: uuid.UUID, *, except_hash: str | None = None) -> None:
    """Sign a person out everywhere (password change, deactivation)."""
    statement = delete(WebSession).where(WebSession.user_id == person_id)
    if except_hash:
        statement = statement.where(WebSession.id_hash != except_hash)
    db.execute(statement)


def is_expired(row: WebSession, roles: frozenset[str], at: datetime) -> bool:
    return at - row.last_seen_at > idle_limit(roles) or at - row.created_at > ABSOLUTE


class SessionMiddleware:
    """Loads the session and the signed-in person; saves the session before the response starts."""

    def __init__(self, app, *, identify, cookie_name: str, visitor_cookie_name: str, secure: bool):
        self.app = app
        self.identify = identify
        self.cookie_name = cookie_name
        self.visitor_cookie_name = visitor_cookie_name
        self.secure = secure

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            return await self.app(scope, receive, send)
        cookies = self._cookies(scope)
        sessions = scope["state"]["sessions"]  # the lifespan made it
        state, principal = await to_thread.run_sync(self._load, sessions, cookies.get(self.cookie_name))
        state.visitor_key = cookies.get(self.visitor_cookie_name)
        scope["session"] = state.data
        scope.setdefault("state", {})
        scope["state"]["session"] = state
        scope["state"]["principal"] = principal

        async def send_with_cookie(message):
            if message["type"] == "http.response.start":
                await to_thread.run_sync(self._save, sessions, state)
                cookies = [(b"set-cookie", header.encode("latin-1")) for header in self._cookie_headers(state)]
                if cookies:
                    message["headers"] = list(message.get("headers", [])) + cookies
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _cookies(self, scope) -> dict[str, str]:
        """Our two cookies from the request (a malformed Cookie header counts as none)."""
        found = {}
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                cookie = SimpleCookie()
                try:
                    cookie.load(value.decode("latin-1"))
                except Exception:  # a malformed cookie header is treated as no cookie
                    return {}
                for wanted in (self.cookie_name, self.visitor_cookie_name):
                    if wanted in cookie and len(cookie[wanted].value) <= 100:
                        found[wanted] = cookie[wanted].value
        return found

    def _load(self, sessions, token: str | None) -> tuple[SessionState, Principal | None]:
        state = SessionState(token=token)
        if not token:
            return state, None
        at, id_hash = now(), digest(token)
        # A read transaction: most requests change nothing, and SQLite writers queue behind one lock.
        with sessions() as db:
            row = db.get(WebSession, id_hash)
            principal = self.identify(db, row.user_id) if row is not None and row.user_id else None
        if row is None:
            state.clear_cookie = True
            return state, None
        roles = principal.roles if principal else frozenset()
        if (row.user_id and principal is None) or is_expired(row, roles, at):
            with sessions.begin() as db:
                db.execute(delete(WebSession).where(WebSession.id_hash == id_hash))
            state.expired = bool(row.user_id)
            state.clear_cookie = True
            if state.expired:
                state.data[EXPIRED_NOTICE] = True
            return state, None
        if at - row.last_seen_at > TOUCH_EVERY:
            with sessions.begin() as db:
                db.execute(update(WebSession).where(WebSession.id_hash == id_hash).values(last_seen_at=at))
            row.last_seen_at = at
        state.row = row
        state.data = dict(row.data or {})
        state.saved_data = copy.deepcopy(state.data)
        return state, principal if row.authenticated else None

    def _save(self, sessions, state: SessionState) -> None:
        if state.data == state.saved_data:
            return
        with sessions.begin() as db:
            if state.row is None:
                state.new_token = new_token()
                state.row = WebSession(id_hash=digest(state.new_token), data=dict(state.data))
                db.add(state.row)
            else:
                row = db.get(WebSession, state.row.id_hash)
                if row is None:
                    return
                row.data = dict(state.data)
        state.saved_data = copy.deepcopy(state.data)

    def _cookie_headers(self, state: SessionState) -> list[str]:
        flags = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if self.secure else "")
        headers = []
        if state.new_token:
            headers.append(f"{self.cookie_name}={state.new_token}{flags}")
        elif state.clear_cookie:
            headers.append(f"{self.cookie_name}={flags}; Max-Age=0")
        if state.new_visitor_key:
            headers.append(f"{self.visitor_cookie_name}={state.visitor_key}{flags}")
        return headers
