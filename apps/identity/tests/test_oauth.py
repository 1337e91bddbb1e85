"""OAuth2 endpoints in-process: client_credentials, PKCE S256 only, concurrent sessions, events."""

import base64
import hashlib

import jwt
from django.test import Client
from oauth2_provider.models import Grant, RefreshToken

from apps.identity.services import oauth_client_permissions_set, oauth_sessions_trim
from apps.security.models import SecurityEvent
from apps.tenants.services import oauth_client_register
from tests.fixtures import TENANT


def _client() -> Client:
    return Client(HTTP_X_TENANT_ID=TENANT)


def test_confidential_client_gets_a_client_credentials_token_limited_to_its_grant(tenant, api):
    application, secret = oauth_client_register(
        client_id="partner_app", redirect_uris=["https://partner.example/cb"], confidential=True
    )
    oauth_client_permissions_set(application=application, permissions=["contacts:read", "users:read"])
    response = _client().post(
        "/oauth2/token",
        {
            "grant_type": "client_credentials",
            "client_id": "partner_app",
            "client_secret": secret,
            "scope": "users:read deals:read",
        },
    )
    assert response.status_code == 200, response.content
    token = response.json()
    assert "refresh_token" not in token
    claims = jwt.decode(token["access_token"], options={"verify_signature": False})
    assert claims["sub"] == "client:partner_app"
    assert claims["permissions"] == ["users:read"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")
    assert api.get("/v1/users").status_code == 200
    assert api.get("/v1/roles").status_code == 403


def test_client_credentials_is_refused_to_public_clients(tenant):
    response = _client().post("/oauth2/token", {"grant_type": "client_credentials", "client_id": "crm_web_app"})
    assert response.status_code in (400, 401)


def test_client_credentials_accepts_a_json_body(tenant):
    application, secret = oauth_client_register(
        client_id="json_app", redirect_uris=["https://json.example/cb"], confidential=True
    )
    oauth_client_permissions_set(application=application, permissions=["contacts:read"])
    response = _client().post(
        "/oauth2/token",
        {"grant_type": "client_credentials", "client_id": "json_app", "client_secret": secret},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"


def _authorize(browser: Client, challenge: str, method: str):
    return browser.get(
        "/oauth2/authorize",
        {
            "response_type": "code",
            "client_id": "crm_web_app",
            "redirect_uri": "http://localhost:3000/callback",
            "scope": "contacts:read",
            "state": "xyz",
            "code_challenge": challenge,
            "code_challenge_method": method,
        },
    )


def test_plain_pkce_is_refused_and_s256_accepted(tenant, admin):
    browser = _client()
    browser.force_login(admin)
    plain = _authorize(browser, "a" * 50, "plain")
    assert plain.status_code == 302 and "error=" in plain["Location"]
    verifier = "v" * 64
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    s256 = _authorize(browser, challenge, "S256")
    assert s256.status_code == 302 and "code=" in s256["Location"]
    assert Grant.objects.filter(user=admin).count() == 1

    code = s256["Location"].split("code=")[1].split("&")[0]
    wrong = _client().post(
        "/oauth2/token",
        {
            "grant_type": "authorization_code",
            "client_id": "crm_web_app",
            "code": code,
            "redirect_uri": "http://localhost:3000/callback",
            "code_verifier": "w" * 64,
        },
    )
    assert wrong.status_code == 400


def test_unauthenticated_authorize_goes_to_the_login_form(tenant):
    response = _client().get("/oauth2/authorize", {"client_id": "crm_web_app", "response_type": "code"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_oldest_oauth_sessions_beyond_the_limit_are_revoked(tenant, admin):
    application = oauth_client_register(client_id="crm_web_app", redirect_uris=[])[0]
    from oauth2_provider.models import AccessToken

    from apps.identity.tokens import access_token_issue, token_checksum

    chains = []
    for index in range(4):
        raw = access_token_issue(user=admin, application=application)
        access = AccessToken.objects.get(token_checksum=token_checksum(raw))
        chains.append(
            RefreshToken.objects.create(user=admin, application=application, token=f"rt{index}", access_token=access)
        )
    assert oauth_sessions_trim(user=admin, keep=3) == 1
    assert RefreshToken.objects.filter(user=admin, revoked__isnull=True).count() == 3
    chains[0].refresh_from_db()
    assert chains[0].revoked is not None


def test_token_refresh_is_recorded(tenant, admin):
    browser = _client()
    browser.force_login(admin)
    verifier = "r" * 64
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    code = _authorize(browser, challenge, "S256")["Location"].split("code=")[1].split("&")[0]
    token = (
        _client()
        .post(
            "/oauth2/token",
            {
                "grant_type": "authorization_code",
                "client_id": "crm_web_app",
                "code": code,
                "redirect_uri": "http://localhost:3000/callback",
                "code_verifier": verifier,
            },
        )
        .json()
    )
    refreshed = _client().post(
        "/oauth2/token",
        {"grant_type": "refresh_token", "client_id": "crm_web_app", "refresh_token": token["refresh_token"]},
        content_type="application/json",
    )
    assert refreshed.status_code == 200, refreshed.content
    event = SecurityEvent.objects.get(event_type="token_refresh")
    assert event.actor_id == admin.pk
    assert "refresh_token" not in event.details
