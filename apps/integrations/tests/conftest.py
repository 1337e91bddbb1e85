import pytest

from apps.integrations.tests.providers import FakeGoogleCalendar, FakeMailchimp, FakeQuickBooks

MAILCHIMP_KEY = "0123456789abcdef0123456789abcdef-us21"


@pytest.fixture
def mailchimp():
    server = FakeMailchimp(MAILCHIMP_KEY)
    yield server
    server.close()


@pytest.fixture
def google():
    server = FakeGoogleCalendar()
    yield server
    server.close()


@pytest.fixture
def quickbooks():
    server = FakeQuickBooks()
    yield server
    server.close()


def mailchimp_body(server: FakeMailchimp) -> dict:
    return {
        "provider": "mailchimp",
        "credentials": {"api_key": MAILCHIMP_KEY},
        "settings": {"base_url": f"{server.url}/3.0"},
    }


def google_body(server: FakeGoogleCalendar, *, access_token: str = "ya29.valid-token", **credentials) -> dict:
    return {
        "provider": "google_calendar",
        "credentials": {"access_token": access_token, **credentials},
        "settings": {"base_url": f"{server.url}/calendar/v3", "token_url": f"{server.url}/token"},
    }


def quickbooks_body(server: FakeQuickBooks) -> dict:
    return {
        "provider": "quickbooks",
        "credentials": {"access_token": server.access_token, "realm_id": server.realm_id},
        "settings": {"base_url": server.url},
    }


@pytest.fixture
def connect(admin_api):
    """Connects a provider over the API; answers the connection."""

    def make(body: dict) -> dict:
        response = admin_api.post("/v1/integrations/connections", body, format="json")
        assert response.status_code == 201, response.json()
        return response.json()["data"]

    return make
