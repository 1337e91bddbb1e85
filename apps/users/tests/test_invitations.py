"""Invitations and password links: a user created without a password chooses one through a
one-time, expiring link on their tenant's host, under the tenant's password policy."""

import re
import socket
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.test import Client

from apps.core.errors import Conflict, ValidationFailed
from apps.security.services import security_config_update
from apps.users import services
from apps.users.models import User
from tests.fixtures import ADMIN_PASSWORD, OTHER_TENANT, TENANT, in_tenant

SITE = "https://acme.crm.example"
NEW_PASSWORD = "Chosen-Pass-2025!"


@pytest.fixture
def invite(tenant, admin, mailoutbox, django_capture_on_commit_callbacks):
    """Invites someone (the e-mail leaves at commit) and returns (delivery, link)."""

    def run(email: str = "new.hire@acme.test", **fields):
        with django_capture_on_commit_callbacks(execute=True):
            delivery = services.user_invite(email=email, site_url=SITE, invited_by=admin, **fields)
        return delivery, link_in(mailoutbox[-1].body)

    return run


def link_in(body: str) -> str:
    return re.search(r"https?://\S+/accounts/password/\S+/", body).group(0)


def tenant_client(slug: str = TENANT) -> Client:
    return Client(HTTP_X_TENANT_ID=slug)


def set_password(link: str, password: str, *, slug: str = TENANT):
    """Follows the link as a browser does, then submits the form if there is one.
    Returns (form page, answer to the form or None)."""
    client = tenant_client(slug)
    form_page = client.get(link.replace(SITE, ""), follow=True)
    if not form_page.redirect_chain:  # an invalid link shows no form
        return form_page, None
    answer = client.post(form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})
    return form_page, answer


def test_invited_user_has_no_usable_password_and_gets_the_link_by_email(invite, admin, mailoutbox):
    delivery, link = invite(first_name="Nina", last_name="Hire", roles=["sales_rep"])
    user = User.objects.get(email="new.hire@acme.test")
    assert delivery.sent is True and delivery.user == user
    assert not user.has_usable_password()
    assert user.role_names() == ["sales_rep"] and user.first_name == "Nina"
    mail = mailoutbox[-1]
    assert mail.to == ["new.hire@acme.test"]
    assert mail.subject == "You are invited to Acme CRM"
    assert link.startswith(f"{SITE}/accounts/password/")
    assert admin.full_name in mail.body and "expires in 3 days" in mail.body
    assert tenant_client().login(username="new.hire@acme.test", password="") is False


def test_mail_leaves_only_when_the_user_is_committed(tenant, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delivery = services.user_invite(email="later@acme.test", site_url=SITE)
    assert delivery.sent is None and mailoutbox == [] and len(callbacks) == 1


def test_invitation_link_sets_a_password_once(invite):
    _, link = invite()
    form_page, answer = set_password(link, NEW_PASSWORD)
    assert form_page.status_code == 200 and b"password-set-form" in form_page.content
    assert form_page.redirect_chain[-1][0].endswith("/set-password/")  # the token left the address bar
    assert answer.status_code == 302 and answer["Location"] == "/accounts/password/done/"
    user = User.objects.get(email="new.hire@acme.test")
    assert user.check_password(NEW_PASSWORD) and user.password_changed_at is not None
    assert tenant_client().login(username=user.email, password=NEW_PASSWORD)

    again, _ = set_password(link, "Another-Pass-2025!")
    assert b"password-link-invalid" in again.content
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)


def test_invitation_link_enforces_the_tenants_password_policy(invite):
    security_config_update(sections={"password_policy": {"min_length": 16}})
    _, link = invite()
    form_page, refused = set_password(link, "Short-Pass-25!")
    assert "at least 16 characters" in form_page.content.decode()  # the policy is shown up front
    assert refused.status_code == 200
    assert "The password must contain at least 16 characters." in refused.content.decode()
    assert not User.objects.get(email="new.hire@acme.test").has_usable_password()

    _, accepted = set_password(link, "Long-Enough-Pass-2025!")
    assert accepted.status_code == 302


def test_invitation_link_expires(invite, monkeypatch, settings):
    _, link = invite()
    later = PasswordResetTokenGenerator._now(None) + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 5)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    form_page, _ = set_password(link, NEW_PASSWORD)
    assert b"password-link-invalid" in form_page.content
    assert not User.objects.get(email="new.hire@acme.test").has_usable_password()


def test_invitation_link_of_one_tenant_does_not_work_on_another(invite):
    _, link = invite()
    form_page, answer = set_password(link, NEW_PASSWORD, slug=OTHER_TENANT)
    assert form_page.status_code == 200 and b"password-link-invalid" in form_page.content
    assert answer is None
    in_tenant(TENANT)  # the request left the connection in the other tenant
    assert not User.objects.get(email="new.hire@acme.test").has_usable_password()


def test_a_taken_email_cannot_be_invited(invite, admin):
    with pytest.raises(Conflict):
        invite(email=admin.email.upper())


def test_mail_server_failure_keeps_the_user_and_reports_it(tenant, settings, django_capture_on_commit_callbacks):
    with socket.socket() as sock:  # a port where nothing listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.user_invite(email="unlucky@acme.test", site_url=SITE)
    assert delivery.sent is False and "ConnectionRefusedError" in delivery.error
    assert User.objects.filter(email="unlucky@acme.test").exists()


def test_password_link_for_a_user_keeps_the_old_password_until_used(
    tenant, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    user = make_user(roles=["sales_rep"], first_name="Pat")
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.user_password_link_send(user=user, site_url=SITE)
    assert delivery.sent is True and delivery.kind == "password_reset"
    assert mailoutbox[-1].subject == "Set a new password for Acme CRM"
    assert User.objects.get(pk=user.pk).check_password(ADMIN_PASSWORD)
    _, answer = set_password(link_in(mailoutbox[-1].body), NEW_PASSWORD)
    assert answer.status_code == 302
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)


def test_an_invited_user_who_lost_the_email_gets_the_invitation_again(invite, mailoutbox):
    delivery, _ = invite()
    again = services.user_password_link_send(user=delivery.user, site_url=SITE)
    assert again.kind == "invitation"


def test_deactivated_users_get_no_password_link(tenant, make_user):
    user = services.user_deactivate(user=make_user())
    with pytest.raises(ValidationFailed):
        services.user_password_link_send(user=user, site_url=SITE)
