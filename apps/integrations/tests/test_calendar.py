"""`POST /v1/integrations/calendar/create-event` against a local Google Calendar API."""

import copy

import pytest

from apps.activities.models import Event
from apps.contacts.models import Contact
from apps.deals.services import deal_create
from apps.events.models import OutboxEvent
from apps.integrations.crypto import credentials_decrypt
from apps.integrations.models import Connection, ExternalLink
from apps.integrations.tests.conftest import google_body
from apps.users.models import Role

pytestmark = pytest.mark.django_db

DESIGN_BODY = {
    "provider": "google_calendar",
    "calendar_id": "primary",
    "event": {
        "title": "Product Demo - Enterprise Corp",
        "description": "Demo of CRM features for potential $75k deal",
        "start_time": "2025-01-26T10:00:00Z",
        "end_time": "2025-01-26T11:00:00Z",
        "location": "Conference Room A",
        "attendees": [{"email": "john.doe@enterprise-corp.com", "name": "John Doe", "contact_id": "contact_456"}],
    },
    "crm_context": {"deal_id": "deal_789", "activity_type": "demo", "create_crm_activity": True},
}
URL = "/v1/integrations/calendar/create-event"


def design_body(admin) -> tuple[dict, Contact, object]:
    """The design's body with the ids of a real contact and deal of the tenant."""
    contact = Contact.objects.create(
        first_name="John", last_name="Doe", email="john.doe@enterprise-corp.com", owner=admin
    )
    deal = deal_create(title="Enterprise Corp - CRM", value=75000, pipeline=None, owner=admin, actor=admin)
    body = copy.deepcopy(DESIGN_BODY)
    body["event"]["attendees"][0]["contact_id"] = contact.pk
    body["crm_context"]["deal_id"] = deal.pk
    return body, contact, deal


def test_design_body_creates_the_google_event_and_the_crm_activity(admin_api, admin, connect, google):
    connect(google_body(google))
    body, contact, deal = design_body(admin)
    response = admin_api.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    (sent,) = google.on("POST", "/calendars/primary/events$")
    assert sent.query["sendUpdates"] == ["all"]
    assert sent.headers["Authorization"] == "Bearer ya29.valid-token"
    assert sent.json["summary"] == "Product Demo - Enterprise Corp"
    assert sent.json["start"] == {"dateTime": "2025-01-26T10:00:00Z"}
    assert sent.json["end"] == {"dateTime": "2025-01-26T11:00:00Z"}
    assert sent.json["location"] == "Conference Room A"
    assert sent.json["attendees"] == [{"email": "john.doe@enterprise-corp.com", "displayName": "John Doe"}]
    google_event = google.calendars["primary"][0]
    assert data["event"]["id"] == google_event["id"] and data["event"]["html_link"] == google_event["htmlLink"]

    crm = Event.objects.get(pk=data["crm_activity"]["id"])
    assert (crm.related_type, crm.related_id, crm.title) == ("deal", deal.pk, "Product Demo - Enterprise Corp")
    assert list(crm.attendee_contacts.all()) == [contact]
    assert data["crm_activity"] == {
        "id": crm.pk,
        "type": "event",
        "activity_type": "demo",
        "deal_id": deal.pk,
        "attendee_contact_ids": [contact.pk],
    }
    assert sent.json["extendedProperties"]["private"] == {"crm_deal_id": deal.pk, "crm_event_id": crm.pk}
    assert ExternalLink.objects.get(record_id=crm.pk).external_id == google_event["id"]
    assert OutboxEvent.objects.filter(event_type="event.created", record_id=crm.pk).exists()


def test_google_error_is_an_integration_error_and_no_crm_activity_is_left(admin_api, admin, connect, google):
    connect(google_body(google))
    body, _contact, _deal = design_body(admin)
    body["calendar_id"] = "team@group.calendar.google.com"
    response = admin_api.post(URL, body, format="json")
    assert response.status_code == 502
    details = response.json()["error"]["details"]
    assert details["integration_type"] == "calendar" and details["provider"] == "google_calendar"
    assert details["provider_error"]["code"] == "notFound" and details["provider_error"]["message"] == "Not Found"
    assert details["retry_possible"] is False
    assert not Event.objects.exists()
    assert not OutboxEvent.objects.filter(event_type="event.created").exists()


def test_unknown_deal_is_refused_before_google_is_called(admin_api, admin, connect, google):
    connect(google_body(google))
    body, _contact, _deal = design_body(admin)
    body["crm_context"]["deal_id"] = "deal_789"
    response = admin_api.post(URL, body, format="json")
    assert response.status_code == 400
    assert google.requests == []


def test_expired_access_token_is_refreshed_once_and_stored_encrypted(admin_api, admin, connect, google):
    connect(
        google_body(
            google,
            access_token="ya29.expired",
            refresh_token="1//refresh-token",
            client_id="client-123.apps.googleusercontent.com",
            client_secret="client-secret",
        )
    )
    body = copy.deepcopy(DESIGN_BODY)
    body["crm_context"] = {"create_crm_activity": False}
    response = admin_api.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["data"]["crm_activity"] is None
    (refresh,) = google.on("POST", "/token$")
    assert refresh.form["grant_type"] == "refresh_token"
    stored = credentials_decrypt(Connection.objects.get(provider="google_calendar").credentials)
    assert stored["access_token"].startswith("ya29.refreshed-")
    assert len(google.on("POST", "/events$")) == 2  # refused once (401), then sent again


def test_rate_limited_google_answers_its_retry_after(admin_api, connect, google):
    connect(google_body(google))
    google.fail_next(
        "/events$",
        429,
        {"error": {"code": 429, "message": "Rate Limit Exceeded", "errors": [{"reason": "rateLimitExceeded"}]}},
        {"Retry-After": "120"},
    )
    body = copy.deepcopy(DESIGN_BODY)
    body["crm_context"] = {}
    details = admin_api.post(URL, body, format="json").json()["error"]["details"]
    assert details["provider_error"]["code"] == "rateLimitExceeded"
    assert (details["retry_possible"], details["retry_after"]) == (True, 120)


def test_creating_the_crm_activity_needs_activities_write(api, make_user, connect, google):
    connect(google_body(google))
    Role.objects.create(name="integrator", permissions=["integrations:*", "contacts:read"])
    integrator = make_user(roles=["integrator"])
    api.force_authenticate(integrator)
    response = api.post(URL, DESIGN_BODY, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["details"]["required_permissions"] == ["activities:write"]
    assert google.requests == []
