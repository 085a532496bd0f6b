"""The front door, health check, static files and htmx fragments."""

from starlette.testclient import TestClient

from portal.app import create_app


def test_visitors_get_the_welcome_page(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "Sign in" in page.text and 'href="#main"' in page.text


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_healthz_answers_503_when_the_database_does_not(settings, tmp_path):
    broken = settings.but(database_url=f"sqlite:///{tmp_path}")  # a directory is no database
    with TestClient(create_app(broken), base_url="https://testserver") as client:
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json() == {"status": "unavailable"}


def test_static_files_are_cached_for_a_year_and_linked_by_content_hash(client):
    page = client.get("/login").text
    assert "/static/css/portal.css?v=" in page
    response = client.get("/static/css/portal.css")
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_the_caseload_search_answers_a_fragment_to_htmx_and_a_page_otherwise(sign_in_as):
    coordinator = sign_in_as("coordinator")
    page = coordinator.get("/caseload?q=maria")
    assert "<html" in page.text and "Maria Lopez" in page.text and "James Carter" not in page.text
    fragment = coordinator.get("/caseload?q=maria", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and 'id="caseload"' in fragment.text and "Maria Lopez" in fragment.text
    assert "HX-Request" in fragment.headers["vary"] and "HX-Request" in page.headers["vary"]


def test_a_search_that_finds_nobody_says_so(sign_in_as):
    page = sign_in_as("coordinator").get("/caseload?q=nobody-has-this-name")
    assert "No patient matches" in page.text


def test_unknown_pages_get_the_friendly_404_with_an_error_id(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.text and response.headers["x-request-id"] in response.text


def test_the_development_mailbox_shows_queued_mail_only_in_development(settings, client):
    assert client.get("/dev/mailbox").status_code == 404
    development = settings.but(env="development")
    with TestClient(create_app(development), base_url="http://testserver") as dev:
        assert dev.get("/dev/mailbox").status_code == 200


def test_messages_queued_by_two_requests_are_both_shown_once(sign_in_as):
    from tests.conftest import csrf_from

    client = sign_in_as("patient2")
    token = csrf_from(client, "/profile")
    for name in ("James A. Carter", "James B. Carter"):
        data = {"name": name, "preferred_language": "en", "phone": "", "contact_by_email": "on", "csrf_token": token}
        assert client.post("/profile", data=data, follow_redirects=False).status_code == 303
    page = client.get("/profile").text
    assert page.count("Your profile is saved.") == 2
    assert "Your profile is saved." not in client.get("/profile").text


def test_search_values_from_the_address_bar_are_trimmed_cut_and_cleaned():
    from portal.forms import query_text

    assert query_text({"q": "  maria\x00 lopez\x07 "}, "q", 100) == "maria lopez"
    assert query_text({"q": "x" * 500}, "q", 100) == "x" * 100
    assert query_text({}, "q", 100) == ""
