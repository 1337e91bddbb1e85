"""`/v1/users`, `/v1/roles`, `/v1/teams` for tenant admins."""

from apps.users.models import User


def test_admin_creates_a_user_with_roles_and_team(admin_api):
    team = admin_api.post("/v1/teams", {"name": "East"}, format="json").json()["data"]
    response = admin_api.post(
        "/v1/users",
        {
            "email": "Rep@Acme.test",
            "password": "Strong-Pass-2025!",
            "firstName": "Rita",
            "lastName": "Rep",
            "roles": ["sales_rep"],
            "teamId": team["id"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    user = response.json()["data"]
    assert user["id"].startswith("user_")
    assert user["email"] == "rep@acme.test"
    assert user["roles"] == ["sales_rep"]
    assert user["teamId"] == team["id"]
    assert "password" not in user
    assert User.objects.get(pk=user["id"]).check_password("Strong-Pass-2025!")


def test_duplicate_email_conflicts(admin_api, admin):
    response = admin_api.post("/v1/users", {"email": admin.email, "password": "Strong-Pass-2025!"}, format="json")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "CONFLICT"


def test_weak_password_is_refused(admin_api):
    response = admin_api.post("/v1/users", {"email": "weak@acme.test", "password": "123"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "password"


def test_unknown_role_is_refused(admin_api):
    response = admin_api.post(
        "/v1/users", {"email": "x@acme.test", "password": "Strong-Pass-2025!", "roles": ["wizard"]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "roles"


def test_delete_deactivates(admin_api, make_user):
    user = make_user()
    assert admin_api.delete(f"/v1/users/{user.pk}").json()["data"] == {"id": user.pk, "deleted": True}
    user.refresh_from_db()
    assert user.is_active is False


def test_roles_list_holds_the_design_table(admin_api):
    roles = {role["name"]: role for role in admin_api.get("/v1/roles?limit=100").json()["data"]}
    assert roles["sales_rep"]["permissions"] == [
        "contacts:read",
        "contacts:write:own",
        "deals:read",
        "deals:write:own",
        "leads:read",
        "leads:write:own",
        "activities:*:own",
    ]
    assert roles["tenant_admin"]["isSystem"] is True


def test_admin_creates_a_custom_role(admin_api):
    response = admin_api.post(
        "/v1/roles", {"name": "auditor", "permissions": ["contacts:read", "deals:read"]}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["data"]["permissions"] == ["contacts:read", "deals:read"]


def test_system_roles_cannot_be_changed(admin_api):
    role = next(r for r in admin_api.get("/v1/roles").json()["data"] if r["name"] == "tenant_admin")
    response = admin_api.patch(f"/v1/roles/{role['id']}", {"permissions": []}, format="json")
    assert response.status_code == 403


def test_unknown_permission_strings_are_refused(admin_api):
    response = admin_api.post("/v1/roles", {"name": "odd", "permissions": ["spaceships:fly"]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "permissions"


def test_sales_rep_cannot_manage_users(api, make_user):
    rep = make_user(roles=["sales_rep"])
    api.force_authenticate(rep)
    response = api.post("/v1/users", {"email": "z@acme.test", "password": "Strong-Pass-2025!"}, format="json")
    assert response.status_code == 403
    details = response.json()["errors"][0]["details"]
    assert details["required_permissions"] == ["users:write"]
    assert "contacts:read" in details["user_permissions"]


def test_login_page_renders(api):
    response = api.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content
