"""What the public tells us about the directory: problem reports and searches that found nothing."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlmodel import select
from starlette.exceptions import HTTPException
from starlette.routing import Route

from portal.accounts.models import Role
from portal.clock import now
from portal.directory import queries
from portal.directory.models import PROBLEM_KINDS, OrganizationMember
from portal.htmx import redirect
from portal.i18n import _
from portal.rendering import flash, render
from portal.security.policies import allow, guarded

MISSES_DAYS = 30


@guarded(allow(Role.coordinator))
def directory_feedback(request):
    """For coordinators: open problem reports on listings, and what people searched for without finding."""
    settings = request.app.state.settings
    since = (now().astimezone(settings.zone) - timedelta(days=MISSES_DAYS)).date()
    with request.state.sessions() as db:
        reports = queries.open_reports(db)
        misses = queries.top_misses(db, since)
    return render(request, "directory/feedback.html", {"reports": reports, "misses": misses, "days": MISSES_DAYS, "problem_kinds": PROBLEM_KINDS})


def member_organizations(db, person_id: uuid.UUID) -> list[uuid.UUID]:
    return list(db.exec(select(OrganizationMember.organization_id).where(OrganizationMember.person_id == person_id)))


@guarded(allow(Role.partner, Role.coordinator))
def resolve_report(request):
    """Mark a problem report as dealt with: a coordinator any, a partner only their organisations'."""
    try:
        report_id = uuid.UUID(request.path_params["report_id"])
    except ValueError:
        raise HTTPException(404) from None
    principal = request.state.principal
    with request.state.sessions.begin() as db:
        found = queries.report_organization(db, report_id)
        if found is None:
            raise HTTPException(404)
        report, organization_id = found
        if Role.coordinator not in principal.roles and organization_id not in member_organizations(db, principal.id):
            raise HTTPException(404)  # another organisation's report: as if it did not exist
        if report.resolved_at is None:
            report.resolved_at = now()
    flash(request, _("Marked as dealt with."), "success")
    back = "directory_feedback" if Role.coordinator in principal.roles else "partner_home"
    return redirect(request, str(request.app.url_path_for(back)))


routes = [
    Route("/directory/feedback", directory_feedback, name="directory_feedback"),
    Route("/directory/reports/{report_id}/resolve", resolve_report, methods=["POST"], name="resolve_report"),
]
