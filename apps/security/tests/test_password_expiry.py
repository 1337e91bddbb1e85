"""The password policy's `max_age_days`: an older password must be changed before the person
signs in to anything else; setting a password in any way restarts its age."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import get_application_model

from apps.security.services import security_config_update
from tests.fixtures import TENANT

PASSWORD = "Old-Pass-2025!x"
NEW_PASSWORD = "New-Pass-2026!y"


@pytest.fixture
def aged_user(make_user):
    user = make_user(roles=["sales_rep"], email="aged@acme.test")
    user.set_password(PASSWORD)
    user.save()
    type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    user.refresh_from_db()
    return user


def _signed_in(user) -> Client:
    client = Client(HTTP_X_TENANT_ID=TENANT)
    client.force_login(user)
    return client


def test_setting_a_password_restarts_its_age(make_user):
    user = make_user(roles=["sales_rep"])
    before = timezone.now()
    user.set_password(NEW_PASSWORD)
    assert user.password_changed_at >= before


def test_expired_password_sends_the_person_to_change_it_before_any_page(aged_user):
    client = _signed_in(aged_user)
    for path in ("/admin/", "/admin/contacts/contact/", "/oauth2/authorize?client_id=x"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/admin/password_change/", path
    page = client.get("/admin/password_change/")
    assert page.status_code == 200
    assert "expired" in page.content.decode()
    weak = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert weak.status_code == 200  # refused by the tenant's policy: still expired
    assert client.get("/admin/")["Location"] == "/admin/password_change/"
    changed = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_max_age_zero_means_passwords_never_expire(aged_user):
    security_config_update(sections={"password_policy": {"max_age_days": 0}})
    assert _signed_in(aged_user).get("/admin/").status_code == 200


def test_password_grant_refuses_an_expired_password(aged_user):
    Application = get_application_model()
    application = Application.objects.create(
        name="Legacy script",
        client_id="legacy_script",
        client_secret="legacy-secret-0123456789",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_PASSWORD,
    )
    body = {
        "grant_type": "password",
        "username": aged_user.email,
        "password": PASSWORD,
        "client_id": application.client_id,
        "client_secret": "legacy-secret-0123456789",
    }
    refused = Client(HTTP_X_TENANT_ID=TENANT).post("/oauth2/token", body)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    aged_user.set_password(PASSWORD)
    aged_user.save()
    assert Client(HTTP_X_TENANT_ID=TENANT).post("/oauth2/token", body).status_code == 200
