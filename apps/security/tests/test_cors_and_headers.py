"""CORS and security headers exactly as the design lists them."""


def test_preflight_from_a_wildcard_subdomain_is_allowed_with_the_designs_settings(api):
    response = api.options(
        "/v1/users",
        HTTP_ORIGIN="https://acme.crm-platform.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, x-api-key, x-api-secret, x-tenant-id",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "https://acme.crm-platform.com"
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert response["Access-Control-Max-Age"] == "86400"
    allowed_headers = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {
        "authorization",
        "content-type",
        "x-api-key",
        "x-api-secret",
        "x-tenant-id",
        "x-request-id",
    } <= allowed_headers
    assert {"GET", "POST", "PUT", "DELETE", "OPTIONS"} <= set(response["Access-Control-Allow-Methods"].split(", "))


def test_responses_expose_the_rate_limit_headers_to_browsers(admin_api):
    response = admin_api.get("/v1/users", HTTP_ORIGIN="https://app.crm-platform.com")
    exposed = {h.strip() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= exposed
    assert "X-RateLimit-Limit" in response


def test_other_origins_get_no_cors_grant(api):
    for origin in ("https://evil.example", "http://acme.crm-platform.com", "https://crm-platform.com.evil.example"):
        response = api.options("/v1/users", HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
        assert "Access-Control-Allow-Origin" not in response


def test_security_headers_are_on_api_and_oauth_answers(api):
    for path in ("/v1/users", "/oauth2/token", "/.well-known/jwks.json"):
        response = api.get(path)
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-XSS-Protection"] == "1; mode=block"
        assert response["Content-Security-Policy"] == "default-src 'self'; script-src 'self' 'unsafe-inline'"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
