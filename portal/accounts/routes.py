"""Sign-in, second step, sign-out, language, invitations and password reset."""

from __future__ import annotations

from starlette.responses import RedirectResponse
from starlette.routing import Route

from portal.accounts import mfa
from portal.accounts.links import LinkProblem, Purpose, find_link, issue_link, spend_link, too_many_links
from portal.accounts.mail import send_reset
from portal.accounts.models import Person
from portal.accounts.queries import person_by_email
from portal.accounts.signin import CODE_STEP, STEP, after_first_factor, complete_signin, safe_next
from portal.clock import now
from portal.forms import Form
from portal.i18n import COOKIE, LANGUAGES, N_, _
from portal.rendering import flash, render
from portal.security.audit import audit, client_address
from portal.security.passwords import password_problem
from portal.security.policies import PUBLIC, SIGNING_IN, guarded
from portal.security.sessions import EXPIRED_NOTICE, end_all_sessions
from portal.security.throttle import forget_failures, is_throttled, reserve_attempt

WRONG_CREDENTIALS = N_("Email or password is wrong.")


def password_message(problem: str) -> str:
    return {
        "too_short": _("Use at least 12 characters."),
        "too_long": _("Use 128 characters or fewer."),
        "too_common": _("This password is too common. Try three or four words you will remember."),
        "too_personal": _("Do not use your name or email in your password."),
    }[problem]


@guarded(PUBLIC)
def login(request):
    """The sign-in form, and signing in with email and password."""
    if request.state.principal is not None:
        return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    form = Form(request.state.form)
    next_path = safe_next(request.query_params.get("next") or form.raw("next"))
    expired = request.state.session.expired or bool(request.state.session.data.pop(EXPIRED_NOTICE, False))
    context = {"form": form, "next": next_path, "expired": expired}
    if request.method == "GET":
        return render(request, "accounts/login.html", context)
    email = form.email()
    password = form.secret("password", label=_("Password"))
    if not form.ok:
        return render(request, "accounts/login.html", context, status_code=400)
    sessions, address = request.state.sessions, client_address(request)
    with sessions.begin() as db:
        allowed = reserve_attempt(db, email, address)
        person = person_by_email(db, email)
        if not allowed:
            audit(db, request, "signin_throttled", outcome="denied", actor_id=person.id if person else None)
    if not allowed:
        context["problem"] = _("Too many attempts. Wait 15 minutes and try again, or reset your password.")
        return render(request, "accounts/login.html", context, status_code=429)
    usable = person is not None and person.active
    if not request.app.state.passwords.verify(person.password_hash if usable else None, password):
        with sessions.begin() as db:  # the attempt is already counted
            audit(db, request, "signin_failed", outcome="failure", actor_id=person.id if person else None, object_type="session", object_id="password")
        context["problem"] = _(WRONG_CREDENTIALS)
        return render(request, "accounts/login.html", context, status_code=400)
    with sessions.begin() as db:
        forget_failures(db, email)
        person = db.get(Person, person.id)
        destination = after_first_factor(db, request, person, next_path, "password")
    return RedirectResponse(destination, status_code=303)


@guarded(SIGNING_IN)
def verify_code(request):
    """The second sign-in step: a code from the authenticator app or a recovery code."""
    state = request.state.session
    if state.authenticated:
        return RedirectResponse("/", status_code=303)
    if not state.user_id or state.data.get(STEP) != CODE_STEP:
        return RedirectResponse("/login", status_code=303)
    form = Form(request.state.form)
    if request.method == "GET":
        return render(request, "accounts/verify.html", {"form": form})
    code = form.text("code", label=_("Authentication code"), max_length=20)
    if not form.ok:
        return render(request, "accounts/verify.html", {"form": form}, status_code=400)
    sessions, address = request.state.sessions, client_address(request)
    with sessions.begin() as db:
        person = db.get(Person, state.user_id)
        if person is None or not person.active:
            state.end(db)
            return RedirectResponse("/login", status_code=303)
        if not reserve_attempt(db, person.email, address):
            audit(db, request, "signin_throttled", outcome="denied", actor_id=person.id)
            form.error("code", _("Too many attempts. Wait 15 minutes and try again."))
            return render(request, "accounts/verify.html", {"form": form}, status_code=429)
        if mfa.check_totp(db, person, code) or mfa.use_recovery_code(db, person, code):
            forget_failures(db, person.email)
            return RedirectResponse(complete_signin(db, request, person), status_code=303)
        audit(db, request, "signin_failed", outcome="failure", actor_id=person.id, object_type="session", object_id="totp")
    form.error("code", _("That code is not right. Enter the 6-digit code your app shows now, or a recovery code."))
    return render(request, "accounts/verify.html", {"form": form}, status_code=400)


@guarded(SIGNING_IN)
def logout(request):
    """Sign out, or give up half-way through signing in: this session ends at once."""
    state = request.state.session
    with request.state.sessions.begin() as db:
        if state.user_id:
            audit(db, request, "signout", actor_id=state.user_id, object_type="session")
        state.end(db)
    flash(request, _("You have signed out."))
    return RedirectResponse("/login", status_code=303)


@guarded(PUBLIC)
def change_language(request):
    """Switch language: a cookie for everyone, and the saved preference of a signed-in person."""
    chosen = request.query_params.get("lang") if request.method == "GET" else (request.state.form or {}).get("lang")
    back = safe_next(request.query_params.get("next") if request.method == "GET" else (request.state.form or {}).get("next"))
    response = RedirectResponse(back, status_code=303)
    if chosen not in LANGUAGES:
        return response
    principal = request.state.principal
    if principal is not None and request.method == "POST":
        with request.state.sessions.begin() as db:
            db.get(Person, principal.id).preferred_language = chosen
    secure = not request.app.state.settings.development
    response.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600, httponly=True, samesite="lax", secure=secure)
    return response


def _link_problem_page(request, problem: LinkProblem, purpose: Purpose):
    return render(request, "accounts/link_problem.html", {"problem": problem.value, "purpose": purpose.value}, status_code=410 if problem != LinkProblem.unknown else 404)


def _choose_password(request, token: str, purpose: Purpose):
    """Shared by invitations and resets: the link's person chooses a password."""
    sessions = request.state.sessions
    with sessions() as db:
        link, problem = find_link(db, token, purpose)
        person = db.get(Person, link.person_id) if link else None
    if problem or person is None or not person.active:
        return _link_problem_page(request, problem or LinkProblem.unknown, purpose), None
    form = Form(request.state.form)
    template = "accounts/accept_invitation.html" if purpose == Purpose.invitation else "accounts/reset_password.html"
    context = {"form": form, "person": person, "token": token}
    if request.method == "GET":
        return render(request, template, context), None
    password = form.secret("password", label=_("New password"))
    confirm = form.secret("confirm", label=_("Type the password again"))
    if form.ok:
        problem_code = password_problem(password, email=person.email, name=person.name)
        if problem_code:
            form.error("password", password_message(problem_code))
        elif password != confirm:
            form.error("confirm", _("The two passwords are not the same."))
    if not form.ok:
        return render(request, template, context, status_code=400), None
    password_hash = request.app.state.passwords.hash(password)
    with sessions.begin() as db:
        link, problem = find_link(db, token, purpose)
        if not problem and not spend_link(db, link):
            problem = LinkProblem.used
        if problem:
            return _link_problem_page(request, problem, purpose), None
        person = db.get(Person, link.person_id)
        person.password_hash = password_hash
        person.password_changed_at = now()
        end_all_sessions(db, person.id)
        audit(db, request, "invitation_accepted" if purpose == Purpose.invitation else "password_reset", actor_id=person.id, object_type="person", object_id=str(person.id))
        if purpose == Purpose.invitation:
            return RedirectResponse(after_first_factor(db, request, person, "/", "invitation"), status_code=303), person
    flash(request, _("Your password is changed. Sign in with it now."), "success")
    return RedirectResponse("/login", status_code=303), person


@guarded(PUBLIC)
def accept_invitation(request):
    """The invitation link: the invited patient chooses a password and is signed in."""
    response, _person = _choose_password(request, request.path_params["token"], Purpose.invitation)
    return response


@guarded(PUBLIC)
def reset_password(request):
    """The reset link: choose a new password; every session of the account ends."""
    response, _person = _choose_password(request, request.path_params["token"], Purpose.reset)
    return response


@guarded(PUBLIC)
def forgot_password(request):
    """Ask for a reset link; the answer is the same whether or not the account exists."""
    form = Form(request.state.form)
    if request.method == "GET":
        return render(request, "accounts/forgot_password.html", {"form": form, "sent": False})
    email = form.email()
    if not form.ok:
        return render(request, "accounts/forgot_password.html", {"form": form, "sent": False}, status_code=400)
    settings = request.app.state.settings
    with request.state.sessions.begin() as db:
        throttled = is_throttled(db, email, client_address(request))
        person = person_by_email(db, email)
        if person is not None and person.active and not throttled and not too_many_links(db, person, Purpose.reset):
            token = issue_link(db, person, Purpose.reset)
            send_reset(db, person, f"{settings.base_url}/password/reset/{token}")
            audit(db, request, "password_reset_requested", actor_id=person.id, object_type="person", object_id=str(person.id))
    return render(request, "accounts/forgot_password.html", {"form": form, "sent": True})


routes = [
    Route("/login", login, methods=["GET", "POST"]),
    Route("/login/verify", verify_code, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/language", change_language, methods=["GET", "POST"]),
    Route("/invitations/{token}", accept_invitation, methods=["GET", "POST"]),
    Route("/password/forgot", forgot_password, methods=["GET", "POST"]),
    Route("/password/reset/{token}", reset_password, methods=["GET", "POST"]),
]
