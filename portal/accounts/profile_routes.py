"""A person's own settings: profile, password, and the second factor."""

from __future__ import annotations

from datetime import timedelta

from markupsafe import Markup
from starlette.responses import RedirectResponse
from starlette.routing import Route

from portal.accounts import mfa
from portal.accounts.models import MFA_REQUIRED_ROLES, Person
from portal.accounts.queries import roles_of
from portal.accounts.routes import password_message
from portal.accounts.signin import ENROL_STEP, STEP, complete_signin
from portal.clock import now
from portal.forms import Form
from portal.i18n import LANGUAGES, _
from portal.rendering import flash, render
from portal.security.audit import audit
from portal.security.passwords import password_problem
from portal.security.policies import SIGNED_IN, SIGNING_IN, guarded
from portal.security.sessions import end_all_sessions

PENDING_SECRET = "totp_pending_secret"
RECENT_SIGNIN = timedelta(minutes=10)


@guarded(SIGNED_IN)
def profile(request):
    """Name, preferred language and how the portal may contact you."""
    sessions, principal = request.state.sessions, request.state.principal
    with sessions() as db:
        person = db.get(Person, principal.id)
    form = Form(request.state.form)
    if request.method == "GET":
        form.values = {
            "name": person.name, "preferred_language": person.preferred_language, "phone": person.phone,
            "contact_by_email": "on" if person.contact_by_email else "", "contact_by_sms": "on" if person.contact_by_sms else "",
        }
        return render(request, "accounts/profile.html", {"form": form, "person": person})
    name = form.text("name", label=_("Name"), max_length=120)
    language = form.choice("preferred_language", LANGUAGES, label=_("Preferred language"))
    phone = form.text("phone", label=_("Mobile phone"), required=False, max_length=32)
    if phone and not all(ch.isdigit() or ch in " +-()." for ch in phone):
        form.error("phone", _("Use only digits, spaces and + - ( ) in a phone number."))
    by_email, by_sms = form.checkbox("contact_by_email"), form.checkbox("contact_by_sms")
    if by_sms and not phone:
        form.error("phone", _("Add a mobile phone number to get text messages."))
    if not form.ok:
        return render(request, "accounts/profile.html", {"form": form, "person": person}, status_code=400)
    with sessions.begin() as db:
        person = db.get(Person, principal.id)
        person.name, person.preferred_language, person.phone = name, language, phone
        person.contact_by_email, person.contact_by_sms = by_email, by_sms
        audit(db, request, "profile_updated", object_type="person", object_id=str(person.id))
    flash(request, _("Your profile is saved."), "success")
    return RedirectResponse("/profile", status_code=303)


@guarded(SIGNED_IN)
def change_password(request):
    """Change your password; every other session of yours ends."""
    sessions, principal = request.state.sessions, request.state.principal
    form = Form(request.state.form)
    if request.method == "GET":
        return render(request, "accounts/change_password.html", {"form": form})
    current = form.secret("current", label=_("Current password"))
    password = form.secret("password", label=_("New password"))
    confirm = form.secret("confirm", label=_("Type the new password again"))
    with sessions() as db:
        person = db.get(Person, principal.id)
    if form.ok:
        if not request.app.state.passwords.verify(person.password_hash, current):
            form.error("current", _("That is not your current password."))
        elif problem := password_problem(password, email=person.email, name=person.name):
            form.error("password", password_message(problem))
        elif password != confirm:
            form.error("confirm", _("The two passwords are not the same."))
    if not form.ok:
        return render(request, "accounts/change_password.html", {"form": form}, status_code=400)
    password_hash = request.app.state.passwords.hash(password)
    with sessions.begin() as db:
        person = db.get(Person, principal.id)
        person.password_hash, person.password_changed_at = password_hash, now()
        end_all_sessions(db, person.id)
        request.state.session.row = None  # already deleted above; start() need not delete it again
        request.state.session.start(db, person.id, authenticated=True)
        audit(db, request, "password_changed", object_type="person", object_id=str(person.id))
    flash(request, _("Your password is changed. Other devices were signed out."), "success")
    return RedirectResponse("/profile", status_code=303)


def confirm_it_is_them(request, person: Person, form: Form) -> None:
    """Before changing the second factor: the password, or for an account without one (single sign-on
    only) a sign-in within the last few minutes. A borrowed, open session is not enough either way."""
    if person.password_hash:
        password = form.secret("password", label=_("Your password"))
        if "password" not in form.errors and not request.app.state.passwords.verify(person.password_hash, password):
            form.error("password", _("That is not your password."))
    elif now() - request.state.session.row.created_at > RECENT_SIGNIN:
        form.error("password", _("For your safety, sign out and sign in again, then do this within 10 minutes."))


@guarded(SIGNED_IN)
def two_factor(request):
    """Whether a second factor protects your account, and new recovery codes."""
    sessions, principal = request.state.sessions, request.state.principal
    codes, form, status = None, Form(request.state.form), 200
    with sessions() as db:
        person = db.get(Person, principal.id)
    if request.method == "POST" and person.totp_secret:
        confirm_it_is_them(request, person, form)
        if form.ok:
            with sessions.begin() as db:
                codes = mfa.new_recovery_codes(db, db.get(Person, principal.id))
                audit(db, request, "recovery_codes_renewed", object_type="person", object_id=str(person.id))
        else:
            status = 400
    return render(request, "accounts/two_factor.html", {"person": person, "codes": codes, "form": form}, status_code=status)


def _enrolling_person(request, db) -> tuple[Person | None, bool]:
    """Who is enrolling, and whether it is the forced step of a sign-in."""
    state = request.state.session
    if request.state.principal is not None:
        return db.get(Person, request.state.principal.id), False
    if state.user_id and state.data.get(STEP) == ENROL_STEP:
        return db.get(Person, state.user_id), True
    return None, False


@guarded(SIGNING_IN)
def setup_two_factor(request):
    """Scan a QR code with an authenticator app, then prove it works with a code."""
    sessions, state = request.state.sessions, request.state.session
    with sessions() as db:
        person, forced = _enrolling_person(request, db)
        required = bool(person and roles_of(db, person.id) & MFA_REQUIRED_ROLES)
    if person is None:
        return RedirectResponse("/login", status_code=303)
    secret = state.data.get(PENDING_SECRET) or mfa.new_secret()
    state.data[PENDING_SECRET] = secret
    uri = mfa.provisioning_uri(secret, person.email)
    form = Form(request.state.form)
    context = {"form": form, "secret": secret, "qr": Markup(mfa.qr_svg(uri)), "forced": forced, "required": required, "codes": None, "has_password": bool(person.password_hash)}
    if request.method == "GET":
        return render(request, "accounts/setup_two_factor.html", context)
    # Someone who is already signed in proves it is them, so a borrowed session cannot change the factor.
    code = form.text("code", label=_("Authentication code"), max_length=20)
    step = mfa.code_step(secret, code, None) if "code" not in form.errors else None
    if "code" not in form.errors and step is None:
        form.error("code", _("That code is not right. Enter the 6-digit code your app shows now."))
    if not forced:
        confirm_it_is_them(request, person, form)
    if not form.ok:
        return render(request, "accounts/setup_two_factor.html", context, status_code=400)
    with sessions.begin() as db:
        person = db.get(Person, person.id)
        person.totp_secret, person.totp_last_step = secret, step
        codes = mfa.new_recovery_codes(db, person)
        audit(db, request, "totp_enrolled", actor_id=person.id, object_type="person", object_id=str(person.id))
        state.data.pop(PENDING_SECRET, None)
        next_path = complete_signin(db, request, person) if forced else "/two-factor"
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_path})


routes = [
    Route("/profile", profile, methods=["GET", "POST"]),
    Route("/profile/password", change_password, methods=["GET", "POST"]),
    Route("/two-factor", two_factor, methods=["GET", "POST"]),
    Route("/two-factor/setup", setup_two_factor, methods=["GET", "POST"]),
]
