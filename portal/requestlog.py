"""A request id on every request and every log line; friendly error pages for unexpected failures."""

import contextvars
import logging
import re
import secrets
import sys
import traceback
import time

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,40}$")
log = logging.getLogger("portal")
access = logging.getLogger("portal.access")
# Invitation and reset links carry their secret in the path; until used it works like a password.
_LINK_SECRET = re.compile(r"^(/invitations/|/password/reset/)[^/]+")


def loggable_path(path: str) -> str:
    return _LINK_SECRET.sub(r"\1[token]", path)


def describe_error() -> str:
    """The exception being handled, for the log: its type, database error code and where it was
    raised, but never its message, which can hold what a person typed or a database row's values."""
    _type, error, trace = sys.exc_info()
    if error is None:
        return "-"
    code = getattr(getattr(error, "orig", None), "sqlstate", None) or getattr(error, "code", None)
    frames = " < ".join(f"{frame.filename}:{frame.lineno} in {frame.name}" for frame in reversed(traceback.extract_tb(trace)[-8:]))
    return f"{type(error).__module__}.{type(error).__qualname__}{f' (code {code})' if code else ''} at {frames}"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    root = logging.getLogger("portal")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


class RequestIdMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        given = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _SANE_ID.match(given) else secrets.token_hex(8)
        request_id_var.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id

        started = time.perf_counter()
        status = 500

        async def send_with_id(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = list(message.get("headers", [])) + [(b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            # The query string is left out: searches can hold a patient's name.
            access.info("%s %s %s %.1fms", scope.get("method"), loggable_path(scope.get("path", "")), status, (time.perf_counter() - started) * 1000)


class ErrorPageMiddleware:
    """Turns an unexpected exception into the friendly 500 page with an id to quote.

    It sits inside the security middleware so the error page carries the same headers as any page;
    Starlette's own ServerErrorMiddleware sits outside all of them.
    """

    def __init__(self, app, *, render_error):
        self.app = app
        self.render_error = render_error

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def watch(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            error_id = scope.get("state", {}).get("request_id", "-")
            log.error("unhandled error (error id %s) on %s %s: %s", error_id, scope.get("method"), loggable_path(scope.get("path", "")), describe_error())
            if started:
                raise
            response = self.render_error(scope, error_id)
            await response(scope, receive, send)
