"""The admin adds staff accounts (by invitation) and changes what people may do."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import delete, select
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse
from starlette.routing import Route

from portal.accounts.admin_routes import ADMIN, person_page, person_id_of
from portal.accounts.links import Purpose, issue_link
from portal.accounts.mail import send_staff_invitation
from portal.accounts.models import Person, Role, RoleGrant, RoleNames
from portal.accounts.queries import create_person, person_by_email, roles_of
from portal.directory.models import Organization, OrganizationMember
from portal.forms import Form
from portal.i18n import LANGUAGES, _
from portal.rendering import flash, render
from portal.security.audit import audit
from portal.security.policies import guarded
from portal.security.sessions import end_all_sessions

STAFF_CHOICES = (Role.partner.value, Role.coordinator.value, Role.admin.value)
ALL_ROLES = tuple(role.value for role in Role)


def _organisations(db) -> list[Organization]:
    return list(db.exec(select(Organization).order_by(Organization.name)).all())


@guarded(ADMIN)
def add_staff(request):
    """Create a staff account and e-mail its owner a link to choose a password."""
    form = Form(request.state.form)
    with request.state.sessions() as db:
        organisations = _organisations(db)
    options = [("", _("None"))] + [(str(organisation.id), organisation.name) for organisation in organisations]
    role_names = RoleNames()
    context = {"form": form, "organisation_options": options, "staff_role_options": [(role, role_names[role]) for role in STAFF_CHOICES]}
    if request.method == "GET":
        form.values = {"preferred_language": "en", "roles": []}
        return render(request, "admin/add_staff.html", context)
    name = form.text("name", label=_("Name"), max_length=120)
    email = form.email()
    language = form.choice("preferred_language", LANGUAGES, label=_("Preferred language"))
    roles = form.choices("roles", STAFF_CHOICES, label=_("Roles"))
    organisation_ids = {str(organisation.id) for organisation in organisations}
    organisation = form.raw("organization_id")
    form.values["organization_id"] = organisation if organisation in organisation_ids else ""
    if Role.partner in roles and organisation not in organisation_ids:
        form.error("organization_id", _("Choose the organisation this partner works for."))
    principal = request.state.principal
    try:
        with request.state.sessions.begin() as db:
            if form.ok and person_by_email(db, email) is not None:
                form.error("email", _("Someone already has an account with this email."))
            if not form.ok:
                return render(request, "admin/add_staff.html", context, status_code=400)
            person = create_person(db, email=email, name=name, roles=roles, preferred_language=language)
            if Role.partner in roles:
                db.add(OrganizationMember(organization_id=next(o.id for o in organisations if str(o.id) == organisation), person_id=person.id))
            token = issue_link(db, person, Purpose.invitation, created_by=principal.id)
            send_staff_invitation(db, person, f"{request.app.state.settings.base_url}/invitations/{token}", principal.name)
            audit(db, request, "staff_invited", object_type="person", object_id=str(person.id))
    except IntegrityError:
        # The same e-mail sent twice at once (a double click): the other request created the account.
        form.error("email", _("Someone already has an account with this email."))
        return render(request, "admin/add_staff.html", context, status_code=400)
    flash(request, _("Invitation sent to %(email)s.", email=email), "success")
    return RedirectResponse(f"/admin/people/{person.id}", status_code=303)


@guarded(ADMIN)
def change_roles(request):
    """Set what a person may do; their sessions end so that the change applies at once everywhere."""
    person_id = person_id_of(request)
    form = Form(request.state.form)
    roles = form.choices("roles", ALL_ROLES, label=_("Roles"))
    if person_id == request.state.principal.id and Role.admin not in roles:
        form.error("roles", _("You cannot remove your own admin role."))
    with request.state.sessions.begin() as db:
        person = db.get(Person, person_id)
        if person is None:
            raise HTTPException(404)
        if not form.ok:
            return person_page(request, db, person, roles_form=form, status_code=400)
        before = roles_of(db, person_id)
        db.execute(delete(RoleGrant).where(RoleGrant.person_id == person_id))
        for role in roles:
            db.add(RoleGrant(person_id=person_id, role=role))
        if set(roles) != before and person_id != request.state.principal.id:
            end_all_sessions(db, person_id)
        audit(db, request, "roles_changed", object_type="person", object_id=f"{person_id}:{','.join(roles)}"[:80])
    flash(request, _("The roles of %(name)s are saved.", name=person.name), "success")
    return RedirectResponse(f"/admin/people/{person_id}", status_code=303)


routes = [
    Route("/admin/people/new", add_staff, methods=["GET", "POST"], name="add_staff"),
    Route("/admin/people/{person_id}/roles", change_roles, methods=["POST"], name="change_roles"),
]
