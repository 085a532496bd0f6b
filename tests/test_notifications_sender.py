"""Delivering the outbox to a real SMTP server (aiosmtpd on 127.0.0.1), and what happens when it is down."""

import email
import email.policy
import logging
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import update

from portal.clock import now
from portal.notifications.models import OutboxMessage
from portal.notifications.outbox import queue_mail
from portal.notifications.sender import MAX_ATTEMPTS, send_pending
from tests.conftest import csrf_from
from tests.helpers import outbox

MAIL_FROM = "Portal <no-reply@example.org>"
FIRST = {"to": "maria@example.org", "subject": "Restablezca su contraseña", "body": "Hola María,\n\nAbra este enlace: https://testserver/password/reset/secret-token-1\n", "kind": "password_reset"}
SECOND = {"to": "james@example.org", "subject": "You are invited", "body": "Hello James,\n\nOpen https://testserver/invitations/secret-token-2 within 7 days.\n", "kind": "invitation"}


class Collector:
    """An SMTP handler keeping every message; refuses recipients listed in `refuse`."""

    def __init__(self, refuse=()):
        self.envelopes = []
        self.refuse = set(refuse)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self):
        return [(envelope, email.message_from_bytes(envelope.content, policy=email.policy.default)) for envelope in self.envelopes]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailServer:
    def __init__(self, port: int, handler: Collector):
        self.url = f"smtp://127.0.0.1:{port}"
        self.handler = handler
        self.controller = Controller(handler, hostname="127.0.0.1", port=port)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()


@pytest.fixture
def mail_server():
    servers = []

    def start(port=None, refuse=()):
        server = MailServer(port or free_port(), Collector(refuse)).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def queued(db):
    with db.begin() as s:
        for message in (FIRST, SECOND):
            queue_mail(s, **message)


@pytest.fixture
def portal_log(caplog):
    """Everything the portal logs, at every level (the portal logger does not propagate to root)."""
    logger = logging.getLogger("portal")
    logger.addHandler(caplog.handler)
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    caplog.handler.setLevel(logging.DEBUG)
    yield caplog
    logger.setLevel(previous)
    logger.removeHandler(caplog.handler)


def test_queued_mail_is_delivered_with_its_recipient_subject_and_body(db, queued, mail_server):
    server = mail_server()
    assert send_pending(db, server.url, MAIL_FROM) == 2
    received = server.handler.messages()
    assert [envelope.rcpt_tos for envelope, _ in received] == [["maria@example.org"], ["james@example.org"]]
    for (envelope, message), sent in zip(received, (FIRST, SECOND), strict=True):
        assert envelope.mail_from == "no-reply@example.org"
        assert message["From"] == MAIL_FROM
        assert message["To"] == sent["to"]
        assert message["Subject"] == sent["subject"]
        assert message.get_content().replace("\r\n", "\n") == sent["body"]


def test_delivered_mail_is_marked_sent_and_not_sent_again(app, db, queued, mail_server):
    server = mail_server()
    send_pending(db, server.url, MAIL_FROM)
    rows = outbox(db)
    assert all(row.sent_at is not None and row.attempts == 1 and row.last_error == "" for row in rows)
    assert send_pending(db, server.url, MAIL_FROM) == 0
    assert len(server.handler.envelopes) == 2


def test_with_the_server_down_mail_waits_with_the_error_recorded(app, db, queued):
    down = f"smtp://127.0.0.1:{free_port()}"
    assert send_pending(db, down, MAIL_FROM) == 0
    rows = outbox(db)
    assert [(row.sent_at, row.claimed_at, row.attempts) for row in rows] == [(None, None, 1), (None, None, 1)]
    assert all(row.last_error == "ConnectionRefusedError" for row in rows)
    send_pending(db, down, MAIL_FROM)
    assert [row.attempts for row in outbox(db)] == [2, 2]


def test_waiting_mail_is_sent_once_the_server_is_back(app, db, queued, mail_server):
    port = free_port()
    send_pending(db, f"smtp://127.0.0.1:{port}", MAIL_FROM)
    server = mail_server(port)
    assert send_pending(db, server.url, MAIL_FROM) == 2
    assert len(server.handler.envelopes) == 2
    rows = outbox(db)
    assert all(row.sent_at is not None and row.last_error == "" and row.attempts == 2 for row in rows)


def test_a_refused_recipient_does_not_hold_up_the_others(app, db, queued, mail_server):
    server = mail_server(refuse={"maria@example.org"})
    assert send_pending(db, server.url, MAIL_FROM) == 1
    maria, james = outbox(db)
    assert (maria.sent_at, maria.last_error) == (None, "SMTPRecipientsRefused")
    assert james.sent_at is not None


def test_mail_is_given_up_after_the_last_attempt(app, db, queued):
    down = f"smtp://127.0.0.1:{free_port()}"
    for _ in range(MAX_ATTEMPTS + 2):
        send_pending(db, down, MAIL_FROM)
    assert [row.attempts for row in outbox(db)] == [MAX_ATTEMPTS, MAX_ATTEMPTS]


def test_a_message_claimed_by_a_live_sender_is_left_alone(app, db, queued, mail_server):
    with db.begin() as s:
        s.execute(update(OutboxMessage).where(OutboxMessage.to_address == "maria@example.org").values(claimed_at=now() - timedelta(minutes=2)))
    server = mail_server()
    assert send_pending(db, server.url, MAIL_FROM) == 1
    assert [envelope.rcpt_tos for envelope in server.handler.envelopes] == [["james@example.org"]]


def test_a_message_claimed_by_a_sender_that_died_is_tried_again(app, db, queued, mail_server):
    with db.begin() as s:
        s.execute(update(OutboxMessage).values(claimed_at=now() - timedelta(minutes=11)))
    server = mail_server()
    assert send_pending(db, server.url, MAIL_FROM) == 2


def test_a_bad_smtp_url_leaves_the_mail_waiting(app, db, queued):
    assert send_pending(db, "http://127.0.0.1:25", MAIL_FROM) == 0
    assert all(row.sent_at is None and row.last_error == "ValueError" for row in outbox(db))


def test_mail_bodies_never_reach_the_log(app, db, queued, mail_server, portal_log):
    send_pending(db, f"smtp://127.0.0.1:{free_port()}", MAIL_FROM)
    server = mail_server(refuse={"maria@example.org"})
    send_pending(db, server.url, MAIL_FROM)
    assert portal_log.records, "the sender logged nothing at all"
    logged = portal_log.text + "".join(str(record.args) for record in portal_log.records)
    for message in (FIRST, SECOND):
        assert message["body"] not in logged
        assert "secret-token" not in logged


def test_an_invitation_sent_through_the_portal_arrives_with_its_link(app, db, sign_in_as, mail_server, people):
    coordinator = sign_in_as("coordinator")
    data = {"name": "Ana Torres", "email": "ana.torres@example.org", "preferred_language": "en", "date_of_birth": "", "csrf_token": csrf_from(coordinator, "/patients/invite")}
    assert coordinator.post("/patients/invite", data=data, follow_redirects=False).status_code == 303
    server = mail_server()
    assert send_pending(db, server.url, MAIL_FROM) == 1
    [(envelope, message)] = server.handler.messages()
    assert envelope.rcpt_tos == ["ana.torres@example.org"]
    assert "https://testserver/invitations/" in message.get_content()
