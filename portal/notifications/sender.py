"""Deliver queued mail over SMTP. Several senders may run: each message is claimed before it is sent."""

from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from sqlmodel import select, update

from portal.clock import now
from portal.notifications.models import OutboxMessage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
# A claim older than this belongs to a sender that died mid-send; the message is tried again.
STALE_CLAIM = timedelta(minutes=10)


def _connect(smtp_url: str) -> smtplib.SMTP:
    parts = urlsplit(smtp_url)
    if parts.scheme not in ("smtp", "smtps", "smtp+starttls"):
        raise ValueError("PORTAL_SMTP_URL must start with smtp://, smtp+starttls:// or smtps://")
    host = parts.hostname or "127.0.0.1"
    if parts.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, parts.port or 465, timeout=20, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, parts.port or 25, timeout=20)
        if parts.scheme == "smtp+starttls":
            client.starttls(context=ssl.create_default_context())
    if parts.username:
        client.login(unquote(parts.username), unquote(parts.password or ""))
    return client


def _claim(sessions, limit: int) -> list[OutboxMessage]:
    claimed = []
    with sessions.begin() as db:
        stale = now() - STALE_CLAIM
        candidates = db.exec(
            select(OutboxMessage.id)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
            .where((OutboxMessage.claimed_at.is_(None)) | (OutboxMessage.claimed_at < stale))
            .order_by(OutboxMessage.id)
            .limit(limit)
        ).all()
        for message_id in candidates:
            moment = now()
            # The conditional update is the claim: only one sender sees rowcount 1.
            result = db.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None))
                .where((OutboxMessage.claimed_at.is_(None)) | (OutboxMessage.claimed_at < stale))
                .values(claimed_at=moment, attempts=OutboxMessage.attempts + 1)
            )
            if result.rowcount == 1:
                claimed.append(db.get(OutboxMessage, message_id))
    return claimed


def send_pending(sessions, smtp_url: str, mail_from: str, limit: int = 50) -> int:
    """Send what is waiting; returns how many were delivered. Bodies are never logged."""
    messages = _claim(sessions, limit)
    if not messages:
        return 0
    sent = 0
    try:
        client = _connect(smtp_url)
    except (OSError, smtplib.SMTPException, ValueError) as error:
        log.warning("mail server unavailable: %s", type(error).__name__)
        _release(sessions, messages, type(error).__name__)
        return 0
    with client:
        for message in messages:
            email = EmailMessage()
            email["From"] = mail_from
            email["To"] = message.to_address
            email["Subject"] = message.subject
            email.set_content(message.body_text)
            try:
                client.send_message(email)
            except smtplib.SMTPException as error:
                log.warning("mail %s not delivered: %s", message.id, type(error).__name__)
                _release(sessions, [message], type(error).__name__)
                continue
            with sessions.begin() as db:
                db.execute(update(OutboxMessage).where(OutboxMessage.id == message.id).values(sent_at=now(), last_error=""))
            sent += 1
    log.info("sent %d message(s)", sent)
    return sent


def _release(sessions, messages, reason: str) -> None:
    with sessions.begin() as db:
        for message in messages:
            db.execute(update(OutboxMessage).where(OutboxMessage.id == message.id).values(claimed_at=None, last_error=reason[:500]))
