"""Friendly error pages: what happened, what to do, and an id to quote."""

from starlette.requests import Request
from starlette.responses import JSONResponse

from portal.rendering import render
from portal.security.policies import Refused

TITLES = {400: "bad_request", 401: "signin", 403: "forbidden", 404: "not_found", 405: "not_allowed", 410: "gone", 413: "too_large", 429: "too_many", 500: "error"}


# Machines read the API: its errors are JSON wherever they come from (an unknown path, a wrong method).
API_PREFIX = "/api/"
API_MESSAGES = {404: "not found", 405: "method not allowed", 500: "server error"}


def error_page(request, status: int):
    error_id = getattr(request.state, "request_id", "-")
    if request.url.path.startswith(API_PREFIX):
        message = API_MESSAGES.get(status, TITLES.get(status, "error").replace("_", " "))
        return JSONResponse({"error": message, "error_id": error_id}, status_code=status)
    return render(request, "errors/error.html", {"status": status, "kind": TITLES.get(status, "error"), "error_id": error_id}, status_code=status)


async def http_exception(request, exc):
    return error_page(request, getattr(exc, "status_code", 500))


async def refused(request, exc: Refused):
    return error_page(request, 403)


def render_server_error(scope, error_id: str):
    request = Request(scope)
    scope.setdefault("state", {})["request_id"] = error_id
    return error_page(request, 500)
