"""`/oauth2/authorize`, `/oauth2/token`, `/oauth2/revoke`, `/oauth2/logout`, `/.well-known/jwks.json`."""

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from oauth2_provider import views as oauth_views
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.permissions import AUTHENTICATED
from apps.identity.keys import jwks
from apps.identity.oauth import FormOrJsonOAuthLibCore
from apps.identity.services import access_token_revoke
from apps.identity.tokens import TokenPrincipal
from apps.security.choices import SecurityEventType
from apps.security.services import security_event_record


class AuthorizeView(oauth_views.AuthorizationView):
    """Consent page for third-party clients; skipped for first-party ones (`skip_authorization`)."""

    template_name = "identity/authorize.html"


class TokenView(oauth_views.TokenView):
    oauthlib_backend_class = FormOrJsonOAuthLibCore

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        grant_type = _body_param(request, "grant_type")
        if response.status_code == 200 and grant_type == "refresh_token":
            body = json.loads(response.content)
            security_event_record(
                event_type=SecurityEventType.TOKEN_REFRESH,
                request=request,
                actor_id=_subject(body.get("access_token", "")),
                details={"client_id": _body_param(request, "client_id")},
            )
        response["Cache-Control"] = "no-store"
        return response


class RevokeView(oauth_views.RevokeTokenView):
    oauthlib_backend_class = FormOrJsonOAuthLibCore


class LogoutView(APIView):
    """Ends the bearer token's session: the access token and its refresh token are revoked."""

    required_permissions = {"post": AUTHENTICATED}

    def post(self, request):
        principal = request.auth
        if isinstance(principal, TokenPrincipal):
            raw = request.META["HTTP_AUTHORIZATION"].split()[1]
            access_token_revoke(raw=raw)
            security_event_record(
                event_type=SecurityEventType.LOGOUT,
                request=request,
                details={"kind": "token", "jti": principal.jti},
            )
        elif request.user.is_authenticated and hasattr(request, "session"):
            from django.contrib.auth import logout

            logout(request._request)
        return Response({"logged_out": True})


@require_GET
def jwks_view(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response


def _body_param(request: HttpRequest, name: str) -> str:
    if request.content_type == "application/json":
        try:
            return str(json.loads(request.body or b"{}").get(name, ""))
        except (ValueError, AttributeError):
            return ""
    return request.POST.get(name, "")


def _subject(raw: str) -> str:
    import jwt

    try:
        return str(jwt.decode(raw, options={"verify_signature": False}).get("sub", ""))
    except jwt.InvalidTokenError:
        return ""
