"""One-time things stay one-time when several requests use them at the same moment (PostgreSQL too)."""

import re
from concurrent.futures import ThreadPoolExecutor

import pyotp
from starlette.testclient import TestClient

from tests.conftest import csrf_from
from tests.factories import PASSWORD, TOTP_SECRET
from tests.helpers import outbox

BROWSERS = 6


def half_signed_in(app, email):
    client = TestClient(app, base_url="https://testserver")
    client.__enter__()
    client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_from(client, "/login")})
    return client, csrf_from(client, "/login/verify")


def at_once(calls):
    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def test_one_authentication_code_signs_in_one_session(app, people):
    browsers = [half_signed_in(app, people["coordinator"].email) for _ in range(BROWSERS)]
    code = pyotp.TOTP(TOTP_SECRET).now()
    try:
        responses = at_once([lambda b=b: b[0].post("/login/verify", data={"code": code, "csrf_token": b[1]}, follow_redirects=False) for b in browsers])
    finally:
        for client, _token in browsers:
            client.__exit__(None, None, None)
    assert sorted(response.status_code for response in responses) == [303] + [400] * (BROWSERS - 1)


def test_one_invitation_link_sets_one_password(app, sign_in_as, db, people):
    coordinator = sign_in_as("coordinator")
    data = {"name": "Ana Torres", "email": "ana@example.org", "preferred_language": "en", "csrf_token": csrf_from(coordinator, "/patients/invite")}
    coordinator.post("/patients/invite", data=data)
    token = re.search(r"/invitations/(\S+)", outbox(db)[-1].body_text).group(1)
    browsers = []
    for _ in range(BROWSERS):
        client = TestClient(app, base_url="https://testserver")
        client.__enter__()
        browsers.append((client, csrf_from(client, f"/invitations/{token}")))
    form = {"password": "a long and unusual passphrase", "confirm": "a long and unusual passphrase"}
    try:
        responses = at_once([lambda b=b: b[0].post(f"/invitations/{token}", data={**form, "csrf_token": b[1]}, follow_redirects=False) for b in browsers])
    finally:
        for client, _token in browsers:
            client.__exit__(None, None, None)
    assert sorted(response.status_code for response in responses) == [303] + [410] * (BROWSERS - 1)


def test_parallel_guesses_cannot_exceed_the_sign_in_limit(app, people):
    from portal.security.throttle import PER_ACCOUNT

    browsers = []
    for _ in range(12):
        client = TestClient(app, base_url="https://testserver")
        client.__enter__()
        browsers.append((client, csrf_from(client, "/login")))
    data = {"email": people["patient"].email, "password": "wrong guess number one"}
    try:
        responses = at_once([lambda b=b: b[0].post("/login", data={**data, "csrf_token": b[1]}, follow_redirects=False) for b in browsers])
    finally:
        for client, _token in browsers:
            client.__exit__(None, None, None)
    statuses = [response.status_code for response in responses]
    assert statuses.count(400) == PER_ACCOUNT and statuses.count(429) == 12 - PER_ACCOUNT
