"""Deleting what has served its purpose: dead sessions, old sign-in failures, spent links, sent mail, old search changes.

`portal prune` runs it once; `portal serve` runs it every few minutes. Running it twice, or in
several workers at once, does no harm.
"""

from datetime import timedelta

from sqlalchemy import delete, or_, update

from portal.accounts.models import EmailToken
from portal.clock import now
from portal.notifications.models import OutboxMessage
from portal.search import changes as search_changes
from portal.security import throttle
from portal.security.models import WebSession
from portal.security.sessions import ABSOLUTE, PATIENT_IDLE

# Spent links are kept a while so that a late click still gets the "expired" page, not "unknown".
KEEP_SPENT_LINKS = timedelta(days=30)
KEEP_SENT_BODIES = timedelta(hours=1)


def prune(sessions) -> dict[str, int]:
    """Delete expired rows; returns how many of each kind went."""
    at = now()
    with sessions.begin() as db:
        # No session outlives the longest idle limit or the absolute lifetime.
        dead = db.execute(delete(WebSession).where(or_(WebSession.last_seen_at < at - PATIENT_IDLE, WebSession.created_at < at - ABSOLUTE)))
        spent = db.execute(delete(EmailToken).where(EmailToken.expires_at < at - KEEP_SPENT_LINKS))
        failures = throttle.prune(db)
        # A delivered message's body holds a link that works like a password until used or expired.
        emptied = db.execute(
            update(OutboxMessage).where(OutboxMessage.sent_at < at - KEEP_SENT_BODIES, OutboxMessage.body_text != "").values(body_text="")
        )
        mail = db.execute(delete(OutboxMessage).where(OutboxMessage.sent_at < at - KEEP_SPENT_LINKS))
        search = search_changes.prune(db)
    return {"sessions": dead.rowcount, "links": spent.rowcount, "signin_failures": failures, "mail_bodies": emptied.rowcount,
            "mail": mail.rowcount, "search_changes": search}
