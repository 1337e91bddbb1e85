"""REST (DRF), OpenAPI, GraphQL and OAuth2."""

from crm.settings.env import BASE_DIR, VAR_DIR, env

API_VERSION = "1.0"

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["apps.core.api.renderers.EnvelopeRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.identity.authentication.JWTAuthentication",
        "apps.apikeys.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "apps.security.ratelimit.RateLimitGate",
        "apps.core.permissions.DeclaredPermission",
    ],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.PageLimitPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exceptions.envelope_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%SZ",
    "COERCE_DECIMAL_TO_STRING": False,
    "PAGE_SIZE": 25,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "CRM Platform API",
    "DESCRIPTION": "Contacts, accounts, leads, deals, pipelines and activities, per tenant.",
    "VERSION": API_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "OAS_VERSION": "3.1.0",
    "SCHEMA_PATH_PREFIX": "/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.api.openapi.strip_trailing_slashes",
    ],
}

# `python manage.py graphql_schema` writes the SDL to the committed schema.graphql (a test fails
# when the schema drifts from it).
GRAPHENE = {"SCHEMA": "crm.schema.schema", "SCHEMA_OUTPUT": str(BASE_DIR / "schema.graphql")}

OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "PKCE_REQUIRED": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 3600,
    "SCOPES_BACKEND_CLASS": "apps.users.oauth_scopes.PermissionScopes",
    "ACCESS_TOKEN_GENERATOR": "apps.identity.tokens.access_token_generator",
    "REFRESH_TOKEN_GENERATOR": "apps.identity.tokens.refresh_token_generator",
    "OAUTH2_VALIDATOR_CLASS": "apps.identity.oauth.CrmOAuth2Validator",
    "OAUTH2_BACKEND_CLASS": "apps.identity.oauth.FormOrJsonOAuthLibCore",
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https", "com.crm-platform.mobile"],
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,  # S256 only
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,  # only token checksums are stored
}
CRM_JWT_PRIVATE_KEY = env("CRM_JWT_PRIVATE_KEY")
CRM_JWT_PREVIOUS_PUBLIC_KEYS = env("CRM_JWT_PREVIOUS_PUBLIC_KEYS")
CRM_JWT_DEV_KEY_PATH = VAR_DIR / "jwt" / "private.pem"
CRM_JWT_ISSUER = env("CRM_JWT_ISSUER", "https://auth.crm-platform.com")
CRM_JWT_AUDIENCE = "crm-api"
