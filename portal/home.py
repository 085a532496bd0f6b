"""The front door: a welcome for visitors, and each signed-in person's own home page."""

from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from portal.rendering import render
from portal.security.policies import PUBLIC, guarded

# A person with several roles lands on the home of the first role they hold in this order.
HOMES = (("coordinator", "/caseload"), ("admin", "/admin/people"), ("partner", "/partner"), ("caregiver", "/caring-for"), ("patient", "/my-care"))


def home_of(principal) -> str:
    for role, path in HOMES:
        if role in principal.roles:
            return path
    return "/profile"


@guarded(PUBLIC)
def home(request):
    """Visitors get the welcome page; signed-in people go to their role's home."""
    principal = request.state.principal
    if principal is not None:
        return RedirectResponse(home_of(principal), status_code=303)
    return render(request, "home/welcome.html")


@guarded(PUBLIC)
def healthz(request):
    """200 when the database answers."""
    try:
        healthy = request.state.sessions.ping()
    except Exception:  # any database failure means unhealthy, never a 500 page
        healthy = False
    return JSONResponse({"status": "ok" if healthy else "unavailable"}, status_code=200 if healthy else 503)


routes = [
    Route("/", home, name="home"),
    Route("/healthz", healthz, name="healthz"),
]
