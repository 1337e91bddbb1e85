from django.db import models


class SecurityEventType(models.TextChoices):
    LOGIN_SUCCESS = "login_success"
    LOGIN_FAILURE = "login_failure"
    LOGIN_LOCKOUT = "login_lockout"
    TOKEN_REFRESH = "token_refresh"
    LOGOUT = "logout"
    PERMISSION_DENIED = "permission_denied"
    ROLE_ESCALATION_ATTEMPT = "role_escalation_attempt"
    RESOURCE_ACCESS_DENIED = "resource_access_denied"
    RATE_LIMIT_EXCEEDED = "rate_limit_exceeded"
    INVALID_API_KEY = "invalid_api_key"
    API_KEY_ROTATION_DUE = "api_key_rotation_due"
    SUSPICIOUS_REQUEST_PATTERN = "suspicious_request_pattern"
    DATA_EXPORT_REQUEST = "data_export_request"


class RateLimitTier(models.TextChoices):
    AUTHENTICATED_USER = "authenticated_user"
    API_INTEGRATION = "api_integration"
    PREMIUM_INTEGRATION = "premium_integration"
