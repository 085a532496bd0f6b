"""Sign-in throttling per account and per address, counted in the database so every worker agrees."""

from datetime import timedelta

from sqlalchemy import text
from sqlmodel import Session, delete, func, select

from portal.clock import now
from portal.security.models import SigninFailure
from portal.security.tokens import digest

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5
PER_ADDRESS = 20


def account_key(email: str) -> str:
    # A digest, so an address typed by mistake into the email field is not stored as typed.
    return digest("account:" + email.strip().lower())


def is_throttled(db: Session, email: str, address: str) -> bool:
    since = now() - WINDOW
    by_account = db.exec(select(func.count()).where(SigninFailure.account_key == account_key(email), SigninFailure.at > since)).one()
    if by_account >= PER_ACCOUNT:
        return True
    by_address = db.exec(select(func.count()).where(SigninFailure.address == address, SigninFailure.at > since)).one()
    return by_address >= PER_ADDRESS


def reserve_attempt(db: Session, email: str, address: str) -> bool:
    """Count this attempt as a failure before it is checked; False if the limit is already reached.

    Counting first means parallel attempts cannot all pass the check before any is recorded: SQLite's
    BEGIN IMMEDIATE serialises the callers, and on PostgreSQL a transaction lock on the account does.
    A successful sign-in removes the account's rows (`forget_failures`), this one included.
    """
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": int(account_key(email)[:15], 16)})
    if is_throttled(db, email, address):
        return False
    record_failure(db, email, address)
    return True


def record_failure(db: Session, email: str, address: str) -> None:
    db.add(SigninFailure(account_key=account_key(email), address=address))


def forget_failures(db: Session, email: str) -> None:
    """A successful sign-in clears the account's count (not the address's)."""
    db.execute(delete(SigninFailure).where(SigninFailure.account_key == account_key(email)))


def prune(db: Session) -> int:
    return db.execute(delete(SigninFailure).where(SigninFailure.at < now() - WINDOW)).rowcount
