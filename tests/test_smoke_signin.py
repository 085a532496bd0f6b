from tests.conftest import sign_in


def test_each_role_lands_on_its_home(sign_in_as):
    homes = {"patient": "/my-care", "caregiver": "/caring-for", "partner": "/partner", "coordinator": "/caseload", "admin": "/admin/people"}
    for role, home in homes.items():
        client = sign_in_as(role)
        response = client.get("/", follow_redirects=False)
        assert response.headers["location"] == home
        assert client.get(home).status_code == 200
