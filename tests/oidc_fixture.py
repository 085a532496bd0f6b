"""A real OpenID Connect provider for tests: panva's oidc-provider (tests/oidc_provider/) on 127.0.0.1.

Load with ``pytest_plugins = ["tests.oidc_fixture"]``. The ``oidc_provider`` fixture is one provider per
session with the default accounts; ``start_oidc_provider`` starts another with other accounts or redirect URI
(the caller stops it). Signing in needs no browser: ``provider.login_url(authorize_url, sub)``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import httpx
import pytest

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
CLIENT_ID = "portal-test"
DEFAULT_REDIRECT_URI = "https://testserver/auth/oidc/callback"
DEFAULT_ACCOUNTS = [
    {"sub": "staff-1", "email": "coordinator@example.org", "email_verified": True, "name": "Casey Coordinator"},
    {"sub": "staff-2", "email": "stranger@example.org", "email_verified": True, "name": "Sam Stranger"},
    {"sub": "staff-3", "email": "admin@example.org", "email_verified": False, "name": "Alex Admin"},
]
READY_TIMEOUT = 20.0


class OidcProvider:
    """A running provider: its issuer, the one registered client, and a browser-less login helper."""

    def __init__(self, process: subprocess.Popen, issuer: str, client_secret: str, redirect_uri: str,
                 accounts: list[dict], logs: Path) -> None:
        self.issuer = issuer
        self.client_id = CLIENT_ID
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.accounts = accounts
        self._process = process
        self._logs = logs

    def login_url(self, authorize_url: str, sub: str | None, *, deny: bool = False) -> str:
        """Play the browser from ``authorize_url`` until the provider redirects to the client.

        Signs in as ``sub`` (consent is granted automatically), or refuses when ``deny`` is true.
        Returns that final redirect URL, ``<redirect_uri>?code=...&state=...&iss=...`` on success or
        ``<redirect_uri>?error=...&state=...`` when the provider refuses the request.
        Each call uses a fresh cookie jar, so there is no single sign-on between calls.
        """
        answer = {"deny": "1"} if deny else {"login": sub or ""}
        url = authorize_url
        with httpx.Client(follow_redirects=False, timeout=10) as browser:
            for _ in range(10):
                response = browser.get(url)
                if not response.is_redirect:
                    raise AssertionError(
                        f"OIDC provider answered {response.status_code} at {url}, expected a redirect:\n{response.text}"
                    )
                url = urljoin(url, response.headers["location"])
                if _same_endpoint(url, self.redirect_uri):
                    return url
                if urlsplit(url).path.startswith("/interaction/"):
                    # The provider's interaction page: answer it the way a user submitting the form would.
                    url = _with_query(url, answer)
        raise AssertionError(f"OIDC login did not reach {self.redirect_uri} within 10 redirects (last: {url})")

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self._logs, ignore_errors=True)

    def __enter__(self) -> OidcProvider:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _same_endpoint(url: str, endpoint: str) -> bool:
    a, b = urlsplit(url), urlsplit(endpoint)
    return (a.scheme, a.netloc, a.path) == (b.scheme, b.netloc, b.path)


def _with_query(url: str, extra: dict[str, str]) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=urlencode([*parse_qsl(parts.query), *extra.items()])))


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        hint = "CI must install Node.js" if os.environ.get("CI") == "true" else "install Node.js (e.g. apt-get install nodejs npm)"
        pytest.fail(f"the OIDC tests need Node.js to run tests/oidc_provider, and `node` is not on PATH: {hint}", pytrace=False)
    return node


def _ensure_installed() -> None:
    # A lock-file install, so the provider is exactly the pinned, reviewed version.
    if (PROVIDER_DIR / "node_modules" / "oidc-provider" / "package.json").is_file():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail(f"{PROVIDER_DIR}/node_modules is missing and `npm` is not on PATH to run `npm ci`", pytrace=False)
    done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PROVIDER_DIR,
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.fail(f"`npm ci` in {PROVIDER_DIR} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}", pytrace=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_oidc_provider(redirect_uri: str = DEFAULT_REDIRECT_URI, accounts: list[dict] | None = None) -> OidcProvider:
    """Start a provider with one client (``portal-test``, random secret) and wait until it listens.

    The caller must ``stop()`` it (or use it as a context manager).
    """
    node = _node()
    _ensure_installed()
    accounts = DEFAULT_ACCOUNTS if accounts is None else accounts
    port = _free_port()
    secret = secrets.token_urlsafe(24)
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": secret,
        "OIDC_REDIRECT_URI": redirect_uri,
        "OIDC_ACCOUNTS": json.dumps(accounts),
    }
    # Output goes to files, not pipes: nobody reads the pipes after start-up, and a full pipe would block node.
    logs = Path(tempfile.mkdtemp(prefix="oidc-provider-"))
    with open(logs / "stdout", "wb") as out, open(logs / "stderr", "wb") as err:
        process = subprocess.Popen([node, "provider.mjs"], cwd=PROVIDER_DIR, env=env,
                                   stdin=subprocess.DEVNULL, stdout=out, stderr=err)
    provider = OidcProvider(process, f"http://127.0.0.1:{port}", secret, redirect_uri, accounts, logs)

    expected = f"READY {provider.issuer}"
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        if expected in (logs / "stdout").read_text().splitlines():
            return provider
        exited = process.poll()
        if exited is not None or time.monotonic() > deadline:
            stderr = (logs / "stderr").read_text()
            provider.stop()
            why = f"exited with {exited}" if exited is not None else f"was not ready within {READY_TIMEOUT:.0f} s"
            pytest.fail(f"the test OIDC provider (node provider.mjs) {why}; its stderr:\n{stderr}", pytrace=False)
        time.sleep(0.05)


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    with start_oidc_provider() as provider:
        yield provider
