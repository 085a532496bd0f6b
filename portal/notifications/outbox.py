"""Queue e-mail in the caller's transaction; a sender delivers it later."""

from sqlmodel import Session, select

from portal.notifications.models import OutboxMessage


def queue_mail(db: Session, *, to: str, subject: str, body: str, kind: str) -> OutboxMessage:
    message = OutboxMessage(to_address=to, subject=subject[:200], body_text=body, kind=kind)
    db.add(message)
    return message


def recent_mail(db: Session, limit: int = 50) -> list[OutboxMessage]:
    return list(db.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)).all())
