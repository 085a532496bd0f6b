"""Small helpers shared by the accounts and security tests: cookies, field errors, audit rows, mail."""

from __future__ import annotations

import html
import re
from contextlib import contextmanager

from sqlmodel import select
from starlette.testclient import TestClient

from portal.accounts.models import Person
from portal.notifications.models import OutboxMessage
from portal.security.models import AuditEvent, WebSession
from tests.conftest import csrf_from

COOKIE = "__Host-portal_session"
# TestClient's default client address, as the audit log and the throttle see it.
ADDRESS = "testclient"


@contextmanager
def new_client(app, **kwargs):
    """Another browser: its own cookie jar (cookies={COOKIE: id} presents someone's session id;
    client=(host, port) gives it another address)."""
    with TestClient(app, base_url="https://testserver", **kwargs) as client:
        yield client


def session_cookie(client, name: str = COOKIE) -> str | None:
    return client.cookies.get(name)


def field_error(page: str, name: str) -> str | None:
    """The message shown next to a field (the `error-<name>` element of the field macro), or None."""
    found = re.search(rf'<p class="error-message" id="error-{re.escape(name)}">(.*?)</p>', page, re.S)
    if not found:
        return None
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def field_value(page: str, name: str) -> str | None:
    """What an input shows again after a refused form."""
    found = re.search(rf'<input id="field-{re.escape(name)}"[^>]*?value="([^"]*)"', page, re.S)
    return html.unescape(found.group(1)) if found else None


def post_form(client, path: str, data: dict, *, form_path: str | None = None, **kwargs):
    """POST a form with the CSRF token taken from the page that shows it."""
    token = csrf_from(client, form_path or path)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False, **kwargs)


def is_signed_out(client, path: str) -> bool:
    """The page sends this client to sign in."""
    response = client.get(path, follow_redirects=False)
    return response.status_code == 303 and response.headers["location"].startswith("/login")


def audit_events(db, action: str | None = None, **where) -> list[AuditEvent]:
    with db() as s:
        statement = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            statement = statement.where(AuditEvent.action == action)
        for column, value in where.items():
            statement = statement.where(getattr(AuditEvent, column) == value)
        return list(s.exec(statement).all())


def outbox(db) -> list[OutboxMessage]:
    with db() as s:
        return list(s.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def person(db, email: str) -> Person | None:
    with db() as s:
        return s.exec(select(Person).where(Person.email == email)).first()


def count(db, table) -> int:
    with db() as s:
        return len(s.exec(select(table)).all())


def sessions_of(db, person_id) -> list[WebSession]:
    with db() as s:
        return list(s.exec(select(WebSession).where(WebSession.user_id == person_id)).all())
