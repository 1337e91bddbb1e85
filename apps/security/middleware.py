"""Sends a signed-in person whose password has passed the tenant's `max_age_days` to change it
before anything else on the tenant's pages. The API is not redirected: its tokens come from a
sign-in (login page or password grant), which this and `CrmOAuth2Validator` already hold back."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from apps.security.passwords import password_expired

# Reachable with an expired password: changing it, leaving, and what the pages load.
ALLOWED_PREFIXES = ("/static/", "/accounts/logout", "/accounts/password/", "/v1/", "/graphql", "/oauth2/token")


class PasswordExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or request.path.startswith(ALLOWED_PREFIXES)
            or not password_expired(user, request)
        ):
            return self.get_response(request)
        change_url = reverse("tenant_admin:password_change")
        if request.path in (change_url, reverse("tenant_admin:password_change_done"), reverse("tenant_admin:logout")):
            return self.get_response(request)
        messages.warning(request, "Your password has expired under your organisation's policy: choose a new one.")
        return redirect(change_url)
