"""Bearer JWTs: the design's claims, and every refusal the design names (401 with `error_type`)."""

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import connection
from oauth2_provider.models import AccessToken

from apps.identity.keys import jwks, keys_reload, signing_key
from apps.identity.tokens import access_claims, access_token_issue
from tests.fixtures import OTHER_TENANT, in_tenant


def _call(api, token: str):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api.get("/v1/users")


def _refusal(response) -> str:
    assert response.status_code == 401, response.content
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == "UNAUTHORIZED"
    assert response["WWW-Authenticate"].startswith("Bearer")
    return body["error"]["details"]["error_type"]


def _resign(claims: dict, **header) -> str:
    kid, key = signing_key()
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid, **header})


def test_token_carries_the_designs_claims(admin, bearer):
    claims = jwt.decode(bearer(admin, scopes=["contacts:read"]), options={"verify_signature": False})
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
    assert claims["sub"] == admin.pk
    assert claims["tenant_id"] == "acme"
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["permissions"] == ["contacts:read"]
    assert claims["user_info"] == {"email": admin.email, "name": "Tenant Admin", "department": None}


def test_a_valid_token_authenticates(api, admin, bearer):
    assert _call(api, bearer(admin)).status_code == 200


def test_effective_permissions_are_roles_within_scopes(make_user, bearer):
    rep = make_user(roles=["sales_rep"])
    claims = jwt.decode(bearer(rep, scopes=["contacts:write", "users:write"]), options={"verify_signature": False})
    assert claims["permissions"] == ["contacts:write:own"]
    assert claims["user_roles"] == ["sales_rep"]


def test_tampered_token_is_refused(api, admin, bearer):
    header, payload, signature = bearer(admin).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["permissions"] = ["*"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert _refusal(_call(api, f"{header}.{forged}.{signature}")) == "token_invalid"


def test_token_signed_by_another_key_is_refused(api, admin):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = access_claims(user=admin, application=None, scopes=["contacts:read"])
    token = jwt.encode(claims, stranger, algorithm="RS256", headers={"kid": signing_key()[0]})
    assert _refusal(_call(api, token)) == "token_invalid"


def test_alg_none_is_refused(api, admin):
    claims = access_claims(user=admin, application=None, scopes=["contacts:read"])
    token = jwt.encode(claims, None, algorithm="none")
    assert _refusal(_call(api, token)) == "token_invalid"


def test_hs256_signed_with_the_public_key_is_refused(api, admin):
    """The classic RS256→HS256 confusion: the public key used as an HMAC secret."""
    claims = access_claims(user=admin, application=None, scopes=["contacts:read"])
    public_pem = (
        signing_key()[1]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    header = base64.urlsafe_b64encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()).rstrip(b"=")
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
    import hashlib
    import hmac

    signature = base64.urlsafe_b64encode(hmac.new(public_pem, header + b"." + body, hashlib.sha256).digest())
    token = (header + b"." + body + b"." + signature.rstrip(b"=")).decode()
    assert _refusal(_call(api, token)) == "token_invalid"


def test_expired_token_is_refused_with_its_expiry(api, admin):
    claims = access_claims(user=admin, application=None, scopes=["contacts:read"])
    claims["iat"], claims["exp"] = int(time.time()) - 7200, int(time.time()) - 3600
    response = _call(api, _resign(claims))
    assert _refusal(response) == "token_expired"
    assert response.json()["error"]["details"]["expires_at"].endswith("Z")
    assert response.json()["error"]["message"] == "Invalid or expired token"


def test_wrong_audience_is_refused(api, admin):
    claims = access_claims(user=admin, application=None, scopes=["contacts:read"])
    claims["aud"] = "another-api"
    assert _refusal(_call(api, _resign(claims))) == "token_invalid"


def test_revoked_token_is_refused(api, admin, bearer):
    token = bearer(admin)
    AccessToken.objects.filter(user=admin).delete()
    assert _refusal(_call(api, token)) == "token_revoked"


def test_logout_revokes_the_bearer_token(api, admin, bearer):
    token = bearer(admin)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.post("/oauth2/logout").status_code == 200
    assert _refusal(_call(api, token)) == "token_revoked"


def test_token_of_another_tenant_is_refused(api, bearer):
    in_tenant(OTHER_TENANT)
    from apps.users.models import User

    globex_admin = User.objects.get(email=f"admin@{OTHER_TENANT}.test")
    token = bearer(globex_admin)
    in_tenant("acme")
    assert connection.schema_name == "acme"
    assert _refusal(_call(api, token)) == "tenant_mismatch"


def test_refresh_token_cannot_authorise_a_request(api, admin):
    claims = access_claims(user=admin, application=None, scopes=["contacts:read"])
    claims["token_type"] = "refresh"
    assert _refusal(_call(api, _resign(claims))) == "token_invalid"


def test_deactivated_users_token_is_refused(api, make_user, bearer):
    user = make_user(roles=["sales_rep"])
    token = bearer(user)
    user.is_active = False
    user.save()
    assert _refusal(_call(api, token)) == "token_invalid"


def test_no_credentials_answers_401(api):
    response = api.get("/v1/users")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHORIZED"


def test_forged_token_is_recorded_as_suspicious(api, admin):
    from apps.security.models import SecurityEvent

    claims = access_claims(user=admin, application=None, scopes=["contacts:read"])
    _call(api, jwt.encode(claims, None, algorithm="none"))
    event = SecurityEvent.objects.get(event_type="suspicious_request_pattern")
    assert event.details["error_type"] == "token_invalid"


def test_jwks_publishes_current_and_previous_keys_and_both_verify(api, admin, settings):
    previous = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    old_claims = access_claims(user=admin, application=None, scopes=["users:read"])
    old_pem = (
        previous.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    settings.CRM_JWT_PREVIOUS_PUBLIC_KEYS = old_pem
    keys_reload()
    try:
        published = api.get("/.well-known/jwks.json").json()["keys"]
        assert len(published) == 2
        assert {key["alg"] for key in published} == {"RS256"}
        assert published == jwks()["keys"]
        old_kid = published[1]["kid"]
        old_token = jwt.encode(old_claims, previous, algorithm="RS256", headers={"kid": old_kid})
        stored = AccessToken(
            user=admin,
            scope="users:read",
            expires=AccessToken._meta.get_field("expires").to_python("2999-01-01T00:00:00Z"),
        )
        from oauth2_provider.models import set_token_value

        set_token_value(stored, old_token)
        stored.save()
        assert _call(api, old_token).status_code == 200
        assert _call(api, access_token_issue(user=admin)).status_code == 200
    finally:
        settings.CRM_JWT_PREVIOUS_PUBLIC_KEYS = ""
        keys_reload()


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer not-a-jwt"])
def test_malformed_bearer_headers_answer_401_not_500(api, header):
    api.credentials(HTTP_AUTHORIZATION=header)
    assert api.get("/v1/users").status_code == 401
