"""Security headers and CORS, as the design lists them."""

from crm.settings.env import env_bool, env_list

CORS_ALLOWED_ORIGINS = env_list("CRM_CORS_ORIGINS", "https://app.crm-platform.com,https://localhost:3000")
CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://[a-z0-9-]+\.crm-platform\.com$"]
CORS_ALLOW_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
CORS_ALLOW_HEADERS = [
    "authorization",
    "content-type",
    "x-api-key",
    "x-api-secret",
    "x-tenant-id",
    "x-app-id",
    "x-request-id",
    "idempotency-key",
]
CORS_EXPOSE_HEADERS = ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-Request-ID"]
CORS_PREFLIGHT_MAX_AGE = 86400
CORS_ALLOW_CREDENTIALS = True

SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self' 'unsafe-inline'"
SESSION_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "http://localhost:8000,http://127.0.0.1:8000")

CRM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS = env_bool("CRM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS", False)
# Secrets that encrypt integration credentials (first encrypts, all decrypt); empty: SECRET_KEY.
CRM_INTEGRATIONS_KEY = env_list("CRM_INTEGRATIONS_KEY", "")
CSRF_FAILURE_VIEW = "apps.core.views.csrf_failure"

# Proxies whose X-Forwarded-For is believed (CIDRs); any other peer's header is ignored.
CRM_TRUSTED_PROXIES = env_list("CRM_TRUSTED_PROXIES", "")
