"""A real OAuth client (authlib) against the running server: PKCE, consent, JSON bodies, JWKS."""

import contextlib
import os
import re
import subprocess
import sys
import uuid
from html import unescape
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client
from authlib.jose import JsonWebKey, JsonWebToken

from tests.fixtures import ADMIN_PASSWORD, LIVE_TENANT, ROOT, TENANT

pytestmark = pytest.mark.django_db(transaction=False)

REDIRECT_URI = "http://localhost:3000/callback"
SCOPE = "contacts:read deals:write pipelines:manage"
ADMIN_EMAIL = f"admin@{LIVE_TENANT}.test"


def _register_client(client_id: str, *flags: str) -> str:
    """`create_oauth_client`, run as an operator would, against the live server's database."""
    from django.conf import settings

    env = dict(os.environ, CRM_DATABASE_NAME=settings.DATABASES["default"]["NAME"])
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "create_oauth_client",
            "--tenant",
            LIVE_TENANT,
            "--client-id",
            client_id,
            "--redirect-uri",
            REDIRECT_URI,
            *flags,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def _browser(url: str) -> httpx.Client:
    """Signs in through the server-rendered login form, as a person in a browser would."""
    browser = httpx.Client(base_url=url, headers={"X-Tenant-ID": LIVE_TENANT}, timeout=20)
    page = browser.get("/accounts/login/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = browser.post(
        "/accounts/login/",
        data={"csrfmiddlewaretoken": csrf, "username": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
        headers={"Referer": f"{url}/accounts/login/"},
    )
    assert answer.status_code == 302, answer.text
    return browser


def _authorize(browser: httpx.Client, url: str, authorization_url: str) -> httpx.Response:
    """Follows /oauth2/authorize; answers the consent page when one is shown. Returns the redirect."""
    answer = browser.get(authorization_url)
    if answer.status_code == 200:
        assert "Authorize" in answer.text
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', answer.text))
        fields = {name: unescape(value) for name, value in fields.items()}
        fields["allow"] = "Authorize"
        answer = browser.post(authorization_url, data=fields, headers={"Referer": f"{url}/oauth2/authorize"})
    assert answer.status_code == 302, answer.text
    return answer


def _oauth_client(url: str, client_id: str, scope: str = SCOPE) -> OAuth2Client:
    return OAuth2Client(
        client_id=client_id,
        redirect_uri=REDIRECT_URI,
        scope=scope,
        code_challenge_method="S256",
        token_endpoint_auth_method="none",
        headers={"X-Tenant-ID": LIVE_TENANT},
        base_url=url,
    )


def test_authlib_completes_pkce_flow_and_token_verifies_against_jwks(live_server_url):
    client_id = f"e2e_{uuid.uuid4().hex[:10]}"
    assert client_id in _register_client(client_id)  # public, consent shown
    verifier = generate_token(64)
    with (
        contextlib.closing(_oauth_client(live_server_url, client_id)) as oauth,
        contextlib.closing(_browser(live_server_url)) as browser,
    ):
        authorization_url, state = oauth.create_authorization_url(
            f"{live_server_url}/oauth2/authorize", code_verifier=verifier
        )
        consent = browser.get(authorization_url)
        assert consent.status_code == 200 and client_id in consent.text  # a third-party client asks first
        redirect = _authorize(browser, live_server_url, authorization_url)
        location = redirect.headers["Location"]
        assert location.startswith(REDIRECT_URI) and parse_qs(urlparse(location).query)["state"] == [state]

        token = oauth.fetch_token(
            f"{live_server_url}/oauth2/token", authorization_response=location, code_verifier=verifier
        )
        assert token["token_type"] == "Bearer"
        assert token["expires_in"] == 3600
        assert token["scope"] == SCOPE
        assert token["refresh_token"]

        jwks = httpx.get(f"{live_server_url}/.well-known/jwks.json").json()
        claims = JsonWebToken(["RS256"]).decode(token["access_token"], JsonWebKey.import_key_set(jwks))
        claims.validate()
        assert set(claims) == {
            "iss",
            "sub",
            "aud",
            "exp",
            "iat",
            "jti",
            "scope",
            "tenant_id",
            "user_roles",
            "permissions",
            "user_info",
        }
        assert claims["iss"] == "https://auth.crm-platform.com"
        assert claims["aud"] == "crm-api"
        assert claims["sub"].startswith("user_")
        assert claims["exp"] - claims["iat"] == 3600
        assert claims["scope"] == SCOPE
        assert claims["tenant_id"] == LIVE_TENANT
        assert claims["user_roles"] == ["tenant_admin"]
        assert sorted(claims["permissions"]) == sorted(SCOPE.split())
        assert claims["user_info"] == {"email": ADMIN_EMAIL, "name": "Tenant Admin", "department": None}

        bearer = {"Authorization": f"Bearer {token['access_token']}"}
        api = httpx.get(f"{live_server_url}/v1/users", headers={**bearer, "X-Tenant-ID": LIVE_TENANT})
        assert api.status_code == 403  # users:read was not among the scopes asked for
        assert api.json()["error"]["details"]["required_permissions"] == ["users:read"]
        assert api.headers["X-RateLimit-Limit"] == "1000"

        other_tenant = httpx.get(f"{live_server_url}/v1/users", headers={**bearer, "X-Tenant-ID": TENANT})
        assert other_tenant.status_code == 401
        assert other_tenant.json()["error"]["details"]["error_type"] == "tenant_mismatch"


def test_first_party_client_skips_consent_and_json_bodies_rotate_refresh_tokens(live_server_url):
    verifier = generate_token(64)
    with (
        contextlib.closing(_oauth_client(live_server_url, "crm_web_app", "users:read")) as oauth,
        contextlib.closing(_browser(live_server_url)) as browser,
    ):
        authorization_url, _ = oauth.create_authorization_url(
            f"{live_server_url}/oauth2/authorize", code_verifier=verifier
        )
        redirect = browser.get(authorization_url)  # no consent page for crm_web_app
        assert redirect.status_code == 302
        code = parse_qs(urlparse(redirect.headers["Location"]).query)["code"][0]

    token_url = f"{live_server_url}/oauth2/token"
    tenant = {"X-Tenant-ID": LIVE_TENANT}
    issued = httpx.post(
        token_url,
        headers=tenant,
        json={
            "grant_type": "authorization_code",
            "client_id": "crm_web_app",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
    )
    assert issued.status_code == 200, issued.text
    first = issued.json()
    assert (
        httpx.get(
            f"{live_server_url}/v1/users", headers={**tenant, "Authorization": f"Bearer {first['access_token']}"}
        ).status_code
        == 200
    )

    refresh_body = {"grant_type": "refresh_token", "client_id": "crm_web_app", "refresh_token": first["refresh_token"]}
    refreshed = httpx.post(token_url, headers=tenant, data=refresh_body)
    assert refreshed.status_code == 200, refreshed.text
    second = refreshed.json()
    assert second["refresh_token"] != first["refresh_token"]

    replayed = httpx.post(token_url, headers=tenant, data=refresh_body)
    assert replayed.status_code == 400
    assert replayed.json()["error"] == "invalid_grant"

    old_access = httpx.get(
        f"{live_server_url}/v1/users", headers={**tenant, "Authorization": f"Bearer {first['access_token']}"}
    )
    assert old_access.status_code == 401
    assert old_access.json()["error"]["details"]["error_type"] == "token_revoked"

    revoked = httpx.post(
        f"{live_server_url}/oauth2/revoke",
        headers=tenant,
        data={"token": second["access_token"], "client_id": "crm_web_app"},
    )
    assert revoked.status_code == 200
    after = httpx.get(
        f"{live_server_url}/v1/users", headers={**tenant, "Authorization": f"Bearer {second['access_token']}"}
    )
    assert after.status_code == 401
    assert after.json()["error"]["details"]["error_type"] == "token_revoked"
    assert after.headers["WWW-Authenticate"].startswith("Bearer")


def test_public_client_without_pkce_is_refused(live_server_url):
    with contextlib.closing(_browser(live_server_url)) as browser:
        answer = browser.get(
            "/oauth2/authorize",
            params={
                "response_type": "code",
                "client_id": "crm_web_app",
                "redirect_uri": REDIRECT_URI,
                "scope": "contacts:read",
                "state": "s1",
            },
        )
    assert answer.status_code == 302
    assert "error=invalid_request" in answer.headers["Location"]
