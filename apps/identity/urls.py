"""Routes outside /v1: OAuth2 endpoints (the JWKS is in crm/urls_common.py, served on every host)."""

from django.urls import re_path

from apps.identity import views

urlpatterns = [
    re_path(r"^oauth2/authorize/?$", views.AuthorizeView.as_view(), name="oauth2-authorize"),
    re_path(r"^oauth2/token/?$", views.TokenView.as_view(), name="oauth2-token"),
    re_path(r"^oauth2/revoke/?$", views.RevokeView.as_view(), name="oauth2-revoke"),
    re_path(r"^oauth2/logout/?$", views.LogoutView.as_view(), name="oauth2-logout"),
]
