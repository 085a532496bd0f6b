"""What happens once a first factor (password or identity provider) has said who someone is."""

from __future__ import annotations

from sqlmodel import Session

from portal.accounts.models import MFA_REQUIRED_ROLES, Person
from portal.accounts.queries import roles_of
from portal.security.audit import audit

# Session data keys of a sign-in that is half-way.
STEP = "signin_step"
NEXT = "next"
CODE_STEP = "code"
ENROL_STEP = "enrol"


def safe_next(value: str | None) -> str:
    """Only paths on this site: never another host, never a scheme."""
    if not value or not isinstance(value, str) or len(value) > 500:
        return "/"
    if not value.startswith("/") or value.startswith(("//", "/\\")) or "\\" in value:
        return "/"
    # Browsers drop tabs and newlines from URLs, so "/\t/evil.example" would become "//evil.example".
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        return "/"
    return value


def second_step(person: Person, roles: frozenset[str], development: bool) -> str | None:
    """Which extra step this person must take, if any."""
    if person.totp_secret:
        return CODE_STEP
    if roles & MFA_REQUIRED_ROLES and not development:
        return ENROL_STEP
    return None


def after_first_factor(db: Session, request, person: Person, next_path: str, method: str) -> str:
    """Start the (maybe half-way) session under a new id; returns where the browser goes next."""
    state = request.state.session
    roles = roles_of(db, person.id)
    step = second_step(person, roles, request.app.state.settings.development)
    if step is None:
        state.start(db, person.id, authenticated=True)
        audit(db, request, "signin", actor_id=person.id, actor_role=",".join(sorted(roles)), object_type="session", object_id=method)
        return safe_next(next_path)
    state.start(db, person.id, authenticated=False, data={STEP: step, NEXT: safe_next(next_path), "method": method})
    return "/login/verify" if step == CODE_STEP else "/two-factor/setup"


def complete_signin(db: Session, request, person: Person) -> str:
    """The second factor is done: a fully signed-in session, under yet another new id."""
    state = request.state.session
    next_path = state.data.get(NEXT, "/")
    method = state.data.get("method", "password")
    state.start(db, person.id, authenticated=True)
    roles = ",".join(sorted(roles_of(db, person.id)))
    audit(db, request, "signin", actor_id=person.id, actor_role=roles, object_type="session", object_id=f"{method}+totp")
    return safe_next(next_path)
