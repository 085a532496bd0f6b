"""The one place the portal asks for the time, so tests can move it (time-machine)."""

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
