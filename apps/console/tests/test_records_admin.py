"""Record pages of the tenant admin write through the services: validation, ownership, history."""

import pytest
from django.test import Client

from apps.contacts.models import Contact
from apps.history.models import RecordHistory
from tests.fixtures import TENANT


@pytest.fixture
def admin_client(admin) -> Client:
    client = Client(HTTP_X_TENANT_ID=TENANT)
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "model",
    [
        "contacts/contact",
        "accounts/account",
        "leads/lead",
        "deals/deal",
        "activities/task",
        "activities/event",
        "activities/communication",
        "pipelines/pipeline",
    ],
)
def test_record_pages_render(admin_client, model):
    assert admin_client.get(f"/admin/{model}/").status_code == 200
    if model != "pipelines/pipeline":
        assert admin_client.get(f"/admin/{model}/add/").status_code == 200


def test_contact_created_in_the_admin_goes_through_the_service(admin_client, admin):
    response = admin_client.post(
        "/admin/contacts/contact/add/",
        {"first_name": "Ada", "last_name": "Admin", "email": "ADA@Example.COM", "phone": "+1 555 010 2030"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    contact = Contact.objects.get(last_name="Admin")
    assert contact.email == "ada@example.com"  # normalised by the service
    assert contact.phone == "+15550102030"
    assert contact.owner_id == admin.pk  # ownerId defaults to the caller
    assert RecordHistory.objects.filter(record_id=contact.pk, action="created").exists()


def test_service_refusals_become_form_errors(admin_client):
    admin_client.post("/admin/contacts/contact/add/", {"first_name": "A", "last_name": "One", "email": "dup@x.com"})
    response = admin_client.post(
        "/admin/contacts/contact/add/", {"first_name": "B", "last_name": "Two", "email": "dup@x.com"}
    )
    assert response.status_code == 200  # the form again, with the conflict shown
    assert Contact.objects.filter(email="dup@x.com").count() == 1


def test_trash_and_restore_from_the_admin(admin_client):
    admin_client.post("/admin/contacts/contact/add/", {"first_name": "T", "last_name": "Trash", "email": "t@x.com"})
    contact = Contact.objects.get(last_name="Trash")
    admin_client.post(f"/admin/contacts/contact/{contact.pk}/delete/", {"post": "yes"})
    assert not Contact.objects.filter(pk=contact.pk).exists()
    listing = admin_client.get("/admin/contacts/contact/?trash=yes")
    assert contact.pk in listing.content.decode()
    admin_client.post(
        "/admin/contacts/contact/?trash=yes", {"action": "restore_selected", "_selected_action": [contact.pk]}
    )
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_sales_rep_sees_only_own_contacts(make_user):
    rep = make_user(roles=["sales_rep"])
    other = make_user(roles=["sales_rep"])
    Contact.objects.create(first_name="Mine", last_name="Rep", owner=rep)
    theirs = Contact.objects.create(first_name="Theirs", last_name="Rep", owner=other)
    client = Client(HTTP_X_TENANT_ID=TENANT)
    client.force_login(rep)
    # sales reps read every contact (contacts:read) but may change only their own
    assert client.get("/admin/contacts/contact/").status_code == 200
    page = client.get(f"/admin/contacts/contact/{theirs.pk}/change/")
    assert page.status_code == 200 and b'name="first_name"' not in page.content  # view-only
