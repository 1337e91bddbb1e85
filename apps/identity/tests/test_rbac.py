"""RBAC through real bearer tokens: every endpoint declares a permission, each design role may do
what the design says and nothing more, ownership scopes guard writes, escalation is refused."""

import pytest
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from apps.contacts.models import Contact
from apps.core.permissions import required_permission_for
from apps.security.models import SecurityEvent


def _endpoints(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _endpoints(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_every_v1_endpoint_declares_a_permission():
    factory = RequestFactory()
    checked = 0
    for route, callback in _endpoints(get_resolver("crm.urls_tenant").url_patterns):
        if not route.startswith("^v1/"):
            continue
        view_class = getattr(callback, "cls", None)
        assert view_class is not None, f"{route} is not a DRF view, so nothing guards it"
        actions = getattr(callback, "actions", None) or {
            method: method for method in view_class.http_method_names if hasattr(view_class, method)
        }
        for method, action in actions.items():
            if method in ("options", "head"):
                continue
            view = view_class(**getattr(callback, "initkwargs", {}))
            view.action = action if getattr(callback, "actions", None) else None
            request = getattr(factory, method)("/")
            view.request = request  # declarations may depend on the request (alternatives held)
            assert required_permission_for(view, request), f"{method.upper()} {route} declares no permission"
            checked += 1
    assert checked > 10


@pytest.fixture
def as_role(api, make_user, bearer):
    def login(*roles: str, **fields):
        user = make_user(roles=list(roles), **fields)
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(user)}")
        return user

    return login


@pytest.fixture
def probe(settings):
    settings.ROOT_URLCONF = "apps.identity.tests.urls_scope_probe"
    from django.urls import clear_url_caches

    clear_url_caches()
    yield
    clear_url_caches()


def test_tenant_admin_manages_people_roles_and_fields(api, as_role):
    as_role("tenant_admin")
    assert api.post("/v1/teams", {"name": "North"}, format="json").status_code == 201
    assert (
        api.post("/v1/roles", {"name": "auditor", "permissions": ["contacts:read"]}, format="json").status_code == 201
    )
    assert api.get("/v1/custom-fields").status_code == 200
    assert api.get("/v1/security-events").status_code == 200


def test_sales_manager_reads_team_users_but_cannot_manage_roles(api, as_role):
    as_role("sales_manager")
    assert api.get("/v1/users").status_code == 200  # users:team:read
    assert api.post("/v1/roles", {"name": "x_role", "permissions": []}, format="json").status_code == 403
    assert (
        api.post("/v1/users", {"email": "a@acme.test", "password": "Strong-Pass-2025!"}, format="json").status_code
        == 403
    )


def test_sales_manager_sees_only_their_teams_users(api, as_role, make_user):
    from apps.users.services import team_create

    east, west = team_create(name="East"), team_create(name="West")
    colleague = make_user(team_id=east.pk)
    stranger = make_user(team_id=west.pk)
    me = as_role("sales_manager", team_id=east.pk)
    ids = {user["id"] for user in api.get("/v1/users", {"limit": 200}).json()["data"]}
    assert {me.pk, colleague.pk} <= ids
    assert stranger.pk not in ids


@pytest.mark.parametrize("role", ["sales_rep", "marketing_manager", "support_agent"])
def test_business_roles_cannot_manage_people(api, as_role, role):
    as_role(role)
    for method, path in [("get", "/v1/users"), ("get", "/v1/roles"), ("post", "/v1/teams"), ("get", "/v1/api-keys")]:
        response = getattr(api, method)(path, {"name": "t"}, format="json") if method == "post" else api.get(path)
        assert response.status_code == 403, (role, path)
        assert response.json()["error"]["details"]["required_permissions"]


def test_marketing_manager_and_support_agent_read_contacts(api, as_role, probe):
    for role in ("marketing_manager", "support_agent"):
        as_role(role)
        assert api.get("/v1/probe-contacts").status_code == 200
        assert api.post("/v1/probe-contacts", {"firstName": "A", "lastName": "B"}, format="json").status_code == 403


def test_sales_rep_creates_and_updates_own_contact(api, as_role, probe):
    rep = as_role("sales_rep")
    created = api.post("/v1/probe-contacts", {"firstName": "Ann", "lastName": "Own"}, format="json")
    assert created.status_code == 201
    assert created.json()["data"]["ownerId"] == rep.pk
    contact_id = created.json()["data"]["id"]
    assert api.patch(f"/v1/probe-contacts/{contact_id}", {"lastName": "Mine"}, format="json").status_code == 200


def test_sales_rep_cannot_update_another_owners_contact(api, as_role, probe, make_user):
    other = make_user(roles=["sales_rep"])
    theirs = Contact.objects.create(first_name="Bob", last_name="Theirs", owner=other)
    rep = as_role("sales_rep")
    assert api.get(f"/v1/probe-contacts/{theirs.pk}").status_code == 200  # contacts:read is tenant-wide
    response = api.patch(f"/v1/probe-contacts/{theirs.pk}", {"lastName": "Hacked"}, format="json")
    assert response.status_code == 403
    details = response.json()["error"]["details"]
    assert details["required_permissions"] == ["contacts:write"]
    assert "contacts:write:own" in details["user_permissions"]
    assert SecurityEvent.objects.filter(event_type="resource_access_denied", actor_id=rep.pk).exists()
    assert api.delete(f"/v1/probe-contacts/{theirs.pk}").status_code == 403  # no contacts:delete at all


def test_token_scopes_narrow_what_a_role_allows(api, make_user, bearer, probe):
    manager = make_user(roles=["sales_manager"])
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(manager, scopes=['contacts:read'])}")
    assert api.get("/v1/probe-contacts").status_code == 200
    assert api.post("/v1/probe-contacts", {"firstName": "A", "lastName": "B"}, format="json").status_code == 403


def test_demoted_user_loses_permissions_their_token_carried(api, as_role):
    user = as_role("tenant_admin")
    assert api.get("/v1/roles").status_code == 200
    user.roles.clear()
    assert api.get("/v1/roles").status_code == 403


def test_assigning_a_role_above_ones_own_is_refused_and_recorded(api, as_role, make_user):
    from apps.users.models import Role

    Role.objects.create(name="people_admin", permissions=["users:*", "roles:read"])
    me = as_role("people_admin")
    target = make_user()
    escalation = api.patch(f"/v1/users/{target.pk}", {"roles": ["tenant_admin"]}, format="json")
    assert escalation.status_code == 403
    assert escalation.json()["error"]["details"]["required_permissions"] == ["tenant:*"]
    create = api.post(
        "/v1/users",
        {"email": "boss@acme.test", "password": "Strong-Pass-2025!", "roles": ["tenant_admin"]},
        format="json",
    )
    assert create.status_code == 403
    assert SecurityEvent.objects.filter(event_type="role_escalation_attempt", actor_id=me.pk).count() == 2
    target.refresh_from_db()
    assert target.roles.count() == 0


def test_creating_a_role_with_permissions_above_ones_own_is_refused(api, as_role):
    from apps.users.models import Role

    Role.objects.create(name="role_editor", permissions=["roles:*", "contacts:read"])
    as_role("role_editor")
    refused = api.post("/v1/roles", {"name": "super", "permissions": ["deals:delete"]}, format="json")
    assert refused.status_code == 403
    allowed = api.post("/v1/roles", {"name": "reader", "permissions": ["contacts:read"]}, format="json")
    assert allowed.status_code == 201


def test_tenant_admin_cannot_mint_a_system_admin(api, as_role, make_user):
    as_role("tenant_admin")
    target = make_user()
    response = api.patch(f"/v1/users/{target.pk}", {"roles": ["system_admin"]}, format="json")
    assert response.status_code == 403
