"""Tenant admin: invite a user by e-mail, send a password link to an existing user; the same
service and role rules as everywhere."""

import pytest
from django.contrib import messages
from django.test import Client

from apps.security.models import SecurityEvent
from apps.users.admin import delivery_message
from apps.users.mail import PasswordLinkDelivery
from apps.users.models import Role, User
from apps.users.services import role_create
from tests.fixtures import TENANT

INVITE = "/admin/users/user/invite/"


@pytest.fixture
def admin_client(admin) -> Client:
    client = Client(HTTP_X_TENANT_ID=TENANT)
    client.force_login(admin)
    return client


def test_user_list_offers_the_invitation(admin_client):
    page = admin_client.get("/admin/users/user/")
    assert b'id="invite-user"' in page.content
    assert admin_client.get(INVITE).status_code == 200


def test_admin_invites_a_user_with_roles_by_email(admin_client, mailoutbox, django_capture_on_commit_callbacks):
    role = Role.objects.get(name="sales_rep")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            INVITE, {"email": "Invited.Rep@Acme.test", "first_name": "Ivy", "last_name": "Rep", "roles": [role.pk]}
        )
    user = User.objects.get(email="invited.rep@acme.test")
    assert response.status_code == 302 and response["Location"] == f"/admin/users/user/{user.pk}/change/"
    assert user.role_names() == ["sales_rep"] and not user.has_usable_password()
    assert mailoutbox[-1].to == ["invited.rep@acme.test"]
    # routed by header here, so the link names the tenant's primary host, never the request's
    assert "http://acme.localhost/accounts/password/" in mailoutbox[-1].body


def test_a_link_never_names_a_host_the_tenant_does_not_own(admin, mailoutbox, django_capture_on_commit_callbacks):
    client = Client(HTTP_X_TENANT_ID=TENANT, HTTP_HOST="evil.example")
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(INVITE, {"email": "victim@acme.test"})
    assert "evil.example" not in mailoutbox[-1].body and "acme.localhost" in mailoutbox[-1].body


def test_invite_refuses_an_email_already_taken(admin_client, admin):
    response = admin_client.post(INVITE, {"email": admin.email})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_invite_cannot_hand_out_roles_beyond_the_inviters_own(make_user, mailoutbox):
    role_create(name="people_clerk", permissions=["users:read", "users:write"])
    clerk = make_user(roles=["people_clerk"])
    client = Client(HTTP_X_TENANT_ID=TENANT)
    client.force_login(clerk)
    tenant_admin = Role.objects.get(name="tenant_admin")
    response = client.post(INVITE, {"email": "boss@acme.test", "roles": [tenant_admin.pk]})
    assert response.status_code == 200
    assert "cannot grant permissions" in response.content.decode()
    assert not User.objects.filter(email="boss@acme.test").exists() and mailoutbox == []
    assert SecurityEvent.objects.filter(event_type="role_escalation_attempt", actor_id=clerk.pk).exists()


def test_user_form_cannot_hand_out_roles_beyond_the_editors_own(make_user):
    role_create(name="people_clerk", permissions=["users:read", "users:write"])
    clerk = make_user(roles=["people_clerk"])
    target = make_user(roles=["sales_rep"])
    client = Client(HTTP_X_TENANT_ID=TENANT)
    client.force_login(clerk)
    tenant_admin = Role.objects.get(name="tenant_admin")
    response = client.post(
        f"/admin/users/user/{target.pk}/change/",
        {"email": target.email, "roles": [tenant_admin.pk], "is_active": "on"},
    )
    assert response.status_code == 200 and "cannot grant permissions" in response.content.decode()
    assert User.objects.get(pk=target.pk).role_names() == ["sales_rep"]


def test_sales_rep_cannot_invite(make_user):
    client = Client(HTTP_X_TENANT_ID=TENANT)
    client.force_login(make_user(roles=["sales_rep"]))
    assert client.get(INVITE).status_code == 403
    assert client.post(INVITE, {"email": "sneaky@acme.test"}).status_code == 403
    assert not User.objects.filter(email="sneaky@acme.test").exists()


def test_admin_sends_a_password_link_to_an_existing_user(
    admin_client, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    user = make_user(roles=["sales_rep"])
    change = admin_client.get(f"/admin/users/user/{user.pk}/change/")
    assert b'id="send-password-link"' in change.content
    url = f"/admin/users/user/{user.pk}/password-link/"
    assert b"confirm-password-link" in admin_client.get(url).content
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url)
    assert response.status_code == 302
    assert mailoutbox[-1].to == [user.email] and "/accounts/password/" in mailoutbox[-1].body


def test_password_link_action_skips_deactivated_users(admin_client, make_user, mailoutbox):
    user = make_user(is_staff=False)
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = admin_client.post(
        "/admin/users/user/",
        {"action": "send_password_link", "_selected_action": [user.pk]},
        follow=True,
    )
    assert "is deactivated" in response.content.decode() and mailoutbox == []


def test_a_failed_email_is_reported_to_the_admin_as_an_error(admin):
    level, text = delivery_message(PasswordLinkDelivery(user=admin, kind="invitation", sent=False, error="SMTP down"))
    assert level == messages.ERROR
    assert "is saved, but the e-mail could not be sent (SMTP down)" in text
    assert delivery_message(PasswordLinkDelivery(user=admin, kind="invitation", sent=True))[0] == messages.SUCCESS
