"""Every HX-* header the portal reads or writes, in one place."""

from starlette.responses import RedirectResponse, Response


def is_fragment_request(request) -> bool:
    """htmx asked for part of a page (a history restore wants the whole page)."""
    headers = request.headers
    return headers.get("hx-request") == "true" and headers.get("hx-history-restore-request") != "true" and headers.get("hx-boosted") != "true"


def vary_on_htmx(response: Response) -> Response:
    existing = response.headers.get("vary")
    response.headers["vary"] = f"{existing}, HX-Request" if existing else "HX-Request"
    return response


def redirect(request, url: str) -> Response:
    """A redirect that htmx follows as a full navigation and a plain browser as a 303."""
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)
