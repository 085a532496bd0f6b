"""The partner's home page."""

from sqlmodel import select
from starlette.routing import Route

from portal.accounts.models import Role
from portal.directory.models import Organization, OrganizationMember
from portal.rendering import render
from portal.security.policies import allow, guarded


@guarded(allow(Role.partner))
def partner_home(request):
    """A partner's home: the organisations whose listings they keep."""
    with request.state.sessions() as db:
        organisations = db.exec(
            select(Organization).join(OrganizationMember).where(OrganizationMember.person_id == request.state.principal.id).order_by(Organization.name)
        ).all()
    return render(request, "partners/home.html", {"organisations": organisations})


routes = [Route("/partner", partner_home, name="partner_home")]
