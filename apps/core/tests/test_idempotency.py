"""`Idempotency-Key` on writes: replayed, refused when reused with another body, per caller."""

from apps.users.models import Role


def post_role(client, key: str, name: str):
    return client.post(
        "/v1/roles",
        {"name": name, "permissions": ["contacts:read"]},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
        HTTP_AUTHORIZATION="Bearer test-caller",
    )


def test_a_retry_replays_the_first_response(admin_api):
    first = post_role(admin_api, "key-1", "replayed")
    second = post_role(admin_api, "key-1", "replayed")
    assert first.status_code == second.status_code == 201
    assert first.json()["data"] == second.json()["data"]
    assert second["Idempotent-Replayed"] == "true"
    assert Role.objects.filter(name="replayed").count() == 1


def test_same_key_with_another_body_is_refused(admin_api):
    post_role(admin_api, "key-2", "first")
    response = post_role(admin_api, "key-2", "second")
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert not Role.objects.filter(name="second").exists()


def test_keys_are_per_caller(admin_api):
    post_role(admin_api, "key-3", "mine")
    other = admin_api.post(
        "/v1/roles",
        {"name": "mine", "permissions": []},
        format="json",
        HTTP_IDEMPOTENCY_KEY="key-3",
        HTTP_AUTHORIZATION="Bearer another-caller",
    )
    assert other.status_code == 409  # not a replay: the other caller's request really ran


def test_errors_are_replayed_too(admin_api):
    first = post_role(admin_api, "key-4", "BAD NAME")
    assert first.status_code == 400
    assert post_role(admin_api, "key-4", "BAD NAME").status_code == 400
