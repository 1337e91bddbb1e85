"""The tenant admin in a real browser: sign in, manage people, move a deal on the kanban board,
see the dashboard charts; a sales rep sees only what the API lets them see."""

import re

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from apps.tenants.models import Tenant
from tests.browser import screenshot
from tests.fixtures import ADMIN_PASSWORD, LIVE_TENANT, live_mail_to

REP_EMAIL = "rep.browser@livetest.test"


@pytest.fixture(scope="module")
def board_deals(django_db_setup, django_db_blocker) -> dict:
    """Committed deals in `livetest`: one of the admin's, one of a sales rep's."""
    from apps.deals.services import deal_create
    from apps.users.models import User
    from apps.users.services import user_create

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        with tenant_context(Tenant.objects.get(schema_name=LIVE_TENANT)):
            admin = User.objects.get(email=f"admin@{LIVE_TENANT}.test")
            rep = User.objects.filter(email=REP_EMAIL).first() or user_create(
                email=REP_EMAIL, password=ADMIN_PASSWORD, roles=["sales_rep"]
            )
            admins = deal_create(title="Board Deal Admin", value=12000, pipeline=None, owner=admin, actor=admin)
            reps = deal_create(title="Board Deal Rep", value=3000, pipeline=None, owner=rep, actor=rep)
        connection.set_schema_to_public()
    return {"admin": admins, "rep": reps}


def tenant_url(live_server_url: str) -> str:
    return live_server_url.replace("127.0.0.1", f"{LIVE_TENANT}.localhost")


def sign_in(page, base: str, email: str, password: str = ADMIN_PASSWORD) -> None:
    page.goto(f"{base}/admin/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


@pytest.mark.django_db(transaction=False)
def test_tenant_admin_creates_a_user_with_a_role(page, live_server_url, django_db_blocker):
    base = tenant_url(live_server_url)
    sign_in(page, base, f"admin@{LIVE_TENANT}.test")
    page.goto(f"{base}/admin/users/user/add/")
    page.fill("#id_email", "new.rep@livetest.test")
    page.fill("#id_first_name", "Nora")
    page.fill("#id_last_name", "Rep")
    page.fill("#id_new_password", "Browser-Pass-2025!")
    page.check("label:has-text('sales_rep') input")
    screenshot(page, "tenant-add-user")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        with tenant_context(Tenant.objects.get(schema_name=LIVE_TENANT)):
            from apps.users.models import User

            user = User.objects.get(email="new.rep@livetest.test")
            assert user.role_names() == ["sales_rep"]
            assert user.password.startswith("argon2")
        connection.set_schema_to_public()


INVITED_EMAIL = "invited.browser@livetest.test"
INVITED_PASSWORD = "Harbor-Lights-2025!"


@pytest.mark.django_db(transaction=False)
def test_invited_user_sets_a_password_through_the_emailed_link_then_signs_in(
    page, browser, live_server_url, live_mail_dir, django_db_blocker
):
    base = tenant_url(live_server_url)
    sign_in(page, base, f"admin@{LIVE_TENANT}.test")
    page.goto(f"{base}/admin/users/user/")
    page.click("#invite-user")
    page.fill("#id_email", INVITED_EMAIL)
    page.fill("#id_first_name", "Ines")
    page.fill("#id_last_name", "Vited")
    page.check("#invite-form label:has-text('sales_rep') input")
    screenshot(page, "tenant-invite-user")
    page.click("input[name=_invite]")
    page.wait_for_selector(f".messagelist:has-text('Invitation e-mailed to {INVITED_EMAIL}')")
    screenshot(page, "tenant-invite-sent")

    (invitation,) = live_mail_to(live_mail_dir, INVITED_EMAIL)
    assert invitation["Subject"] == "You are invited to Livetest CRM"
    link = re.search(r"http://\S+/accounts/password/\S+/", invitation.get_payload()).group(0)
    assert link.startswith(f"{base}/accounts/password/")  # the tenant's own host

    invitee = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    invitee.set_default_timeout(15_000)
    invitee.goto(link)
    invitee.wait_for_selector("#password-set-form")
    assert "/set-password/" in invitee.url  # the token left the address bar
    assert "at least 12 characters" in invitee.inner_text("#password-policy")
    screenshot(invitee, "invitation-set-password")
    invitee.fill("#id_new_password1", "harborlights2025")
    invitee.fill("#id_new_password2", "harborlights2025")
    invitee.click("input[type=submit]")
    invitee.wait_for_selector(".errorlist:has-text('The password must contain')")
    screenshot(invitee, "invitation-password-refused")
    invitee.fill("#id_new_password1", INVITED_PASSWORD)
    invitee.fill("#id_new_password2", INVITED_PASSWORD)
    invitee.click("input[type=submit]")
    invitee.wait_for_selector("#password-set-done")
    screenshot(invitee, "invitation-password-set")

    invitee.click("#sign-in")
    invitee.fill("#id_username", INVITED_EMAIL)
    invitee.fill("#id_password", INVITED_PASSWORD)
    invitee.click("button[type=submit]")
    invitee.wait_for_selector("#site-name")
    assert invitee.locator("#dashboard-unavailable").count() == 1  # a sales rep's home
    screenshot(invitee, "invited-user-home")

    invitee.goto(link)  # used once: no second time
    invitee.wait_for_selector("#password-link-invalid")
    screenshot(invitee, "invitation-link-used")
    invitee.context.close()
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        with tenant_context(Tenant.objects.get(schema_name=LIVE_TENANT)):
            from apps.users.models import User

            user = User.objects.get(email=INVITED_EMAIL)
            assert user.role_names() == ["sales_rep"] and user.check_password(INVITED_PASSWORD)
            assert user.last_login is not None
        connection.set_schema_to_public()


@pytest.mark.django_db(transaction=False)
def test_tenant_admin_creates_a_contact(page, live_server_url, django_db_blocker):
    base = tenant_url(live_server_url)
    sign_in(page, base, f"admin@{LIVE_TENANT}.test")
    page.goto(f"{base}/admin/contacts/contact/add/")
    page.fill("#id_first_name", "Browser")
    page.fill("#id_last_name", "Contact")
    page.fill("#id_email", "Browser.Contact@Example.com")
    page.fill("#id_phone", "+1 555 010 9999")
    screenshot(page, "tenant-add-contact")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    screenshot(page, "tenant-contacts")
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        with tenant_context(Tenant.objects.get(schema_name=LIVE_TENANT)):
            from apps.contacts.models import Contact

            contact = Contact.objects.get(email="browser.contact@example.com")
            assert contact.phone == "+15550109999"
            assert contact.owner.email == f"admin@{LIVE_TENANT}.test"
        connection.set_schema_to_public()


@pytest.mark.django_db(transaction=False)
def test_deal_moved_on_the_kanban_board_lands_in_its_stage_history(
    page, live_server_url, board_deals, django_db_blocker
):
    base = tenant_url(live_server_url)
    deal = board_deals["admin"]
    sign_in(page, base, f"admin@{LIVE_TENANT}.test")
    page.goto(f"{base}/admin/deals/board/")
    screenshot(page, "tenant-kanban-before")
    page.drag_and_drop(f"#{deal.pk}", "section[data-stage-name='Proposal']")
    page.wait_for_selector("#board-status:has-text('Moved to Proposal')")
    screenshot(page, "tenant-kanban-after")
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        with tenant_context(Tenant.objects.get(schema_name=LIVE_TENANT)):
            from apps.deals.models import Deal

            moved = Deal.objects.get(pk=deal.pk)
            assert moved.stage.name == "Proposal"
            last = moved.stage_changes.order_by("-created_at").first()
            assert last.to_stage.name == "Proposal" and last.reason == "Moved on the board"
        connection.set_schema_to_public()


@pytest.mark.django_db(transaction=False)
def test_dashboard_charts_render(page, live_server_url, board_deals):
    base = tenant_url(live_server_url)
    sign_in(page, base, f"admin@{LIVE_TENANT}.test")
    page.goto(f"{base}/admin/")
    page.wait_for_selector("#chart-funnel svg")
    for chart in ("funnel", "forecast", "trend", "activity"):
        assert page.locator(f"#chart-{chart} svg").count() == 1
    assert page.locator("#chart-funnel svg rect.bar").count() == 5
    screenshot(page, "tenant-dashboard")


@pytest.mark.django_db(transaction=False)
def test_sales_rep_sees_only_what_the_api_allows(page, live_server_url, board_deals):
    base = tenant_url(live_server_url)
    sign_in(page, base, REP_EMAIL)
    assert page.locator("#dashboard-unavailable").count() == 1  # no sales reports for reps
    assert page.locator("a[href$='/admin/users/user/']").count() == 0  # no people management
    page.goto(f"{base}/admin/deals/board/")
    screenshot(page, "tenant-kanban-rep")
    assert page.locator(f"#{board_deals['rep'].pk}[draggable=true]").count() == 1
    admin_card = page.locator(f"#{board_deals['admin'].pk}")
    assert admin_card.count() == 1 and admin_card.get_attribute("draggable") == "false"
    page.goto(f"{base}/admin/users/user/")
    assert "403" in page.title() or page.locator("text=permission").count() > 0 or "login" in page.url
