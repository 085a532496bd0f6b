"""The e-mails accounts send, written in the recipient's language."""

from portal.accounts.models import Person
from portal.i18n import _, speaking
from portal.notifications.outbox import queue_mail


def send_invitation(db, person: Person, link: str, invited_by: str) -> None:
    with speaking(person.preferred_language):
        subject = _("You are invited to the Community Health Portal")
        body = _(
            "Hello %(name)s,\n\n%(inviter)s invited you to the Community Health Portal, where you can see your care plan, "
            "appointments and messages.\n\nTo choose your password, open this link within 7 days:\n%(link)s\n\n"
            "If you did not expect this e-mail, you can ignore it.",
            name=person.name, inviter=invited_by, link=link,
        )
    queue_mail(db, to=person.email, subject=subject, body=body, kind="invitation")


def send_reset(db, person: Person, link: str) -> None:
    with speaking(person.preferred_language):
        subject = _("Reset your Community Health Portal password")
        body = _(
            "Hello %(name)s,\n\nSomeone asked to reset the password of your account. To choose a new password, open this "
            "link within 1 hour:\n%(link)s\n\nIf it was not you, ignore this e-mail: your password stays the same.",
            name=person.name, link=link,
        )
    queue_mail(db, to=person.email, subject=subject, body=body, kind="password_reset")


def send_staff_invitation(db, person: Person, link: str, invited_by: str) -> None:
    with speaking(person.preferred_language):
        subject = _("Your Community Health Portal staff account")
        body = _(
            "Hello %(name)s,\n\n%(inviter)s created a staff account for you on the Community Health Portal.\n\n"
            "To choose your password, open this link within 7 days:\n%(link)s\n\n"
            "Coordinators and admins also set up two-step sign-in with an authenticator app the first time they sign in.",
            name=person.name, inviter=invited_by, link=link,
        )
    queue_mail(db, to=person.email, subject=subject, body=body, kind="staff_invitation")


def send_caregiver_invitation(db, person: Person, link: str | None) -> None:
    """The patient is not named: e-mail is not a private channel."""
    with speaking(person.preferred_language):
        subject = _("You can help with a family member's care")
        if link:
            body = _(
                "Hello %(name)s,\n\nYou were given permission to help a family member with their care on the Community "
                "Health Portal.\n\nTo choose your password, open this link within 7 days:\n%(link)s\n\n"
                "If you did not expect this e-mail, you can ignore it.",
                name=person.name, link=link,
            )
        else:
            body = _(
                "Hello %(name)s,\n\nYou were given permission to help one more family member with their care on the "
                "Community Health Portal. Sign in to see them under \"People I care for\".",
                name=person.name,
            )
    queue_mail(db, to=person.email, subject=subject, body=body, kind="caregiver_invitation")
