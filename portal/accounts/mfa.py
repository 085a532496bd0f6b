"""TOTP second factor (RFC 6238) and one-time recovery codes."""

from __future__ import annotations

import secrets
import time

import pyotp
import segno
from sqlalchemy import or_, update
from sqlmodel import Session, select

from portal.accounts.models import Person, RecoveryCode
from portal.clock import now
from portal.security.tokens import digest

ISSUER = "Community Health Portal"
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_secret() -> str:
    return pyotp.random_base32(length=32)


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code as inline SVG markup (no image request, no inline style)."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff", omitsize=False, title="")


def _normalise(code: str) -> str:
    # ASCII only: compare_digest refuses other text, and "１２３" is not a code an app shows.
    return "".join(ch for ch in code.lower() if ch.isascii() and ch.isalnum())


def code_step(secret: str, code: str, last_step: int | None, at: float | None = None) -> int | None:
    """The time step a TOTP code belongs to (one step of drift either way), or None if it is wrong or used."""
    code = _normalise(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    moment = at if at is not None else now().timestamp()
    current = int(moment // totp.interval)
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.at(step * totp.interval), code):
            return step if last_step is None or step > last_step else None
    return None


def check_totp(db: Session, person: Person, code: str) -> bool:
    """True for a fresh right code. The step is recorded with a conditional update, so two requests
    carrying the same code at the same moment cannot both pass (on PostgreSQL as on SQLite)."""
    if not person.totp_secret:
        return False
    step = code_step(person.totp_secret, code, person.totp_last_step)
    if step is None:
        return False
    claimed = db.execute(
        update(Person)
        .where(Person.id == person.id, or_(Person.totp_last_step.is_(None), Person.totp_last_step < step))
        .values(totp_last_step=step)
    )
    return claimed.rowcount == 1


def new_recovery_codes(db: Session, person: Person) -> list[str]:
    """Replace the person's recovery codes; the plain codes are shown once and never stored."""
    for old in db.exec(select(RecoveryCode).where(RecoveryCode.person_id == person.id)).all():
        db.delete(old)
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    for code in codes:
        db.add(RecoveryCode(person_id=person.id, code_hash=digest(code)))
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def use_recovery_code(db: Session, person: Person, code: str) -> bool:
    """True once per code: marking it used is conditional, so a code cannot be spent twice in parallel."""
    code = _normalise(code)
    if len(code) != 10:
        return False
    spent = db.execute(
        update(RecoveryCode)
        .where(RecoveryCode.person_id == person.id, RecoveryCode.code_hash == digest(code), RecoveryCode.used_at.is_(None))
        .values(used_at=now())
    )
    return spent.rowcount == 1


def clear_second_factor(db: Session, person: Person) -> None:
    person.totp_secret = None
    person.totp_last_step = None
    for old in db.exec(select(RecoveryCode).where(RecoveryCode.person_id == person.id)).all():
        db.delete(old)


def current_code(secret: str) -> str:
    """The code an authenticator shows now (tests and the demo use it)."""
    return pyotp.TOTP(secret).at(time.time())
