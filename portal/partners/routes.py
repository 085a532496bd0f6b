"""The partner's home page: their organisations, its listings, and problems people reported."""

from sqlmodel import select
from starlette.routing import Route

from portal.accounts.models import Role
from portal.directory import queries
from portal.directory.models import PROBLEM_KINDS, Organization, OrganizationMember
from portal.rendering import render
from portal.security.policies import allow, guarded


@guarded(allow(Role.partner))
def partner_home(request):
    """A partner's home: the organisations whose listings they keep, and reports on those listings."""
    with request.state.sessions() as db:
        organisations = db.exec(
            select(Organization).join(OrganizationMember).where(OrganizationMember.person_id == request.state.principal.id).order_by(Organization.name)
        ).all()
        ids = [organisation.id for organisation in organisations]
        services = queries.services_of(db, ids) if ids else []
        reports = queries.open_reports(db, ids) if ids else []
    by_organisation = {organisation.id: [s for s in services if s.organization_id == organisation.id] for organisation in organisations}
    return render(request, "partners/home.html", {"organisations": organisations, "services": by_organisation,
                                                  "reports": reports, "problem_kinds": PROBLEM_KINDS})


routes = [Route("/partner", partner_home, name="partner_home")]
