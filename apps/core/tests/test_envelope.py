"""Every answer wears the envelope: success, 400, 401, 404, 405, 500 and body-parse errors."""

import json

import pytest

from apps.users.api.views import UserViewSet


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is False
    assert body["data"] is None
    assert body["errors"][0]["code"] == code
    assert body["error"] == body["errors"][0]
    assert set(body["meta"]) >= {"timestamp", "version", "requestId"}
    return body


def test_success_is_enveloped_with_meta(admin_api):
    response = admin_api.get("/v1/roles")
    body = response.json()
    assert response.status_code == 200
    assert body["success"] is True
    assert body["errors"] == []
    assert body["meta"]["version"] == "1.0"
    assert body["meta"]["requestId"].startswith("req_")
    assert body["meta"]["timestamp"].endswith("Z")
    assert {"page", "limit", "total", "totalPages", "hasNext"} <= set(body["meta"]["pagination"])


def test_request_id_is_echoed(admin_api):
    response = admin_api.get("/v1/roles", HTTP_X_REQUEST_ID="client-42")
    assert response["X-Request-ID"] == "client-42"
    assert response.json()["meta"]["requestId"] == "client-42"


def test_validation_error_names_each_bad_field(admin_api):
    response = admin_api.post("/v1/users", {"email": "not-an-email", "password": "x", "roles": "nope"}, format="json")
    body = assert_error(response, 400, "VALIDATION_ERROR")
    fields = {error["field"] for error in body["errors"]}
    assert {"email", "roles"} <= fields


def test_unknown_fields_are_refused(admin_api):
    response = admin_api.post("/v1/teams", {"name": "Blue", "colour": "blue"}, format="json")
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert body["errors"][0]["field"] == "colour"


def test_malformed_json_answers_validation_error(admin_api):
    response = admin_api.generic("POST", "/v1/teams", "{bad json", content_type="application/json")
    assert_error(response, 400, "VALIDATION_ERROR")


def test_unauthenticated_answers_401(api):
    assert_error(api.get("/v1/users"), 401, "UNAUTHORIZED")


def test_unknown_route_answers_404(admin_api):
    assert_error(admin_api.get("/v1/no-such-thing"), 404, "NOT_FOUND")
    assert_error(admin_api.get("/not-api-either"), 404, "NOT_FOUND")


def test_unknown_id_and_wrong_prefix_answer_404(admin_api):
    assert_error(admin_api.get("/v1/users/user_01JUNKNOWN0000000000000000"), 404, "NOT_FOUND")
    assert_error(admin_api.get("/v1/users/contact_01J0000000000000000000000"), 404, "NOT_FOUND")
    assert_error(admin_api.get("/v1/teams/%27;drop%20table"), 404, "NOT_FOUND")


def test_wrong_method_answers_405(admin_api):
    assert_error(admin_api.delete("/v1/users"), 405, "METHOD_NOT_ALLOWED")
    assert_error(admin_api.post("/healthz"), 405, "METHOD_NOT_ALLOWED")


def test_unhandled_error_in_api_answers_500_without_trace(admin_api, monkeypatch):
    def boom(self, request, *args, **kwargs):
        raise RuntimeError("secret internals at /srv/app.py line 3")

    monkeypatch.setattr(UserViewSet, "list", boom)
    response = admin_api.get("/v1/users")
    body = assert_error(response, 500, "INTERNAL_ERROR")
    assert "secret" not in json.dumps(body)
    assert "Traceback" not in response.content.decode()


def test_unhandled_error_outside_drf_answers_500_envelope(api, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("secret")

    monkeypatch.setattr("apps.core.views.envelope", boom)
    api.raise_request_exception = False
    response = api.get("/healthz")
    body = assert_error(response, 500, "INTERNAL_ERROR")
    assert "secret" not in json.dumps(body)


def test_trailing_slash_is_accepted(admin_api):
    assert admin_api.get("/v1/roles/").status_code == 200
    assert admin_api.get("/v1/roles").status_code == 200


def test_design_security_headers_are_sent(api):
    response = api.get("/healthz")
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-XSS-Protection"] == "1; mode=block"
    assert response["Content-Security-Policy"] == "default-src 'self'; script-src 'self' 'unsafe-inline'"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_probes(api, path):
    response = api.get(path)
    assert response.status_code == 200
    assert response.json()["success"] is True
