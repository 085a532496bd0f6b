"""Links sent by e-mail: invitations and password resets, usable once before they expire."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import Session, func, select

from portal.accounts.models import EmailToken, Person
from portal.clock import now
from portal.security.tokens import digest, new_token


class Purpose(StrEnum):
    invitation = "invitation"
    reset = "reset"


LIFETIME = {Purpose.invitation: timedelta(days=7), Purpose.reset: timedelta(hours=1)}


LINKS_PER_HOUR = 3


class LinkProblem(StrEnum):
    unknown = "unknown"
    expired = "expired"
    used = "used"


def issue_link(db: Session, person: Person, purpose: Purpose, created_by=None) -> str:
    """A new link token; older unused links of the same purpose stop working."""
    moment = now()
    for older in db.exec(select(EmailToken).where(EmailToken.person_id == person.id, EmailToken.purpose == purpose, EmailToken.used_at.is_(None))).all():
        # Replaced, not used: it reads as expired ("ask for a new link"), never as "you already did this".
        older.expires_at = min(older.expires_at, moment)
    token = new_token()
    db.add(EmailToken(purpose=purpose, token_hash=digest(token), person_id=person.id, created_by=created_by, expires_at=now() + LIFETIME[purpose]))
    return token


def too_many_links(db: Session, person: Person, purpose: Purpose) -> bool:
    """At most a few links an hour, so a form cannot be used to flood someone's mailbox."""
    since = now() - timedelta(hours=1)
    recent = db.exec(select(func.count()).where(EmailToken.person_id == person.id, EmailToken.purpose == purpose, EmailToken.created_at > since)).one()
    return recent >= LINKS_PER_HOUR


def find_link(db: Session, token: str, purpose: Purpose) -> tuple[EmailToken | None, LinkProblem | None]:
    if not token or len(token) > 100:
        return None, LinkProblem.unknown
    found = db.exec(select(EmailToken).where(EmailToken.token_hash == digest(token), EmailToken.purpose == purpose)).first()
    if found is None:
        return None, LinkProblem.unknown
    if found.used_at is not None:
        return found, LinkProblem.used
    if found.expires_at <= now():
        return found, LinkProblem.expired
    return found, None


def spend_link(db: Session, link: EmailToken) -> bool:
    """Mark the link used; False if another request used it first (a conditional update, not a read)."""
    moment = now()
    spent = db.execute(
        update(EmailToken).where(EmailToken.id == link.id, EmailToken.used_at.is_(None), EmailToken.expires_at > moment).values(used_at=moment)
    )
    return spent.rowcount == 1
