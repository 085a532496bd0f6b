"""No input makes a 500: every route, every role, odd values in every field the forms use."""

from urllib.parse import quote

import pytest
from starlette.routing import Route

from tests.conftest import csrf_from
from tests.test_security_policies import all_routes, concrete

FIELDS = (
    "name", "email", "password", "confirm", "current", "code", "subject", "roles", "scopes", "lang", "next", "date_of_birth",
    "expires_on", "phone", "relationship", "preferred_language", "organization_id", "contact_by_email", "contact_by_sms",
)
ODD = ("", " ", "\x00", "x" * 10_000, "😀" * 300, "<script>alert(1)</script>", "' OR 1=1 --", "%(name)s {{ 7*7 }}", "９９９９９９", "-1", "1e309", "../../etc/passwd")
QUERY = "?q={v}&page={v}&role={v}&status={v}&action={v}&outcome={v}&actor={v}&patient={v}&from={v}&to={v}&next={v}&lang={v}"


@pytest.mark.parametrize("who", [None, "patient", "coordinator", "admin"])
def test_odd_values_never_make_a_500(app, client, sign_in_as, people, who):
    caller = sign_in_as(who) if who else client
    token = csrf_from(caller, "/profile" if who else "/login")
    refused_by_a_form = 0
    for _prefix, route in all_routes(app.routes):
        if not isinstance(route, Route) or route.path == "/logout":  # signing out would end the run early
            continue
        path = concrete(route.path, people)
        for value in ODD:
            for method in sorted(route.methods - {"HEAD"}):
                if method == "GET":
                    response = caller.get(path + QUERY.format(v=quote(value)[:4000]), follow_redirects=False)
                else:
                    response = caller.post(path, data={**{field: value for field in FIELDS}, "csrf_token": token}, follow_redirects=False)
                assert response.status_code < 500, (who, method, path, value[:20], response.status_code)
                if method == "POST" and response.status_code == 400:
                    refused_by_a_form += 1
    # The odd values reached the forms' own checks (not only the CSRF or role checks) ...
    assert refused_by_a_form > 0
    # ... and the person is still signed in at the end (no value signed them out or broke the session).
    if who:
        assert caller.get("/profile").status_code == 200
