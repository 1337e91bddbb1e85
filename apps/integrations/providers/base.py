"""What every adapter shares: credentials and settings checks, HTTP with timeouts to an address
checked against SSRF, OAuth refresh, and provider failures as the design's INTEGRATION_ERROR.

Outgoing URLs follow the webhooks module's rule (apps.webhooks.network): the host is resolved at
each call and the request pinned to the address checked (Host header and TLS SNI carry the name);
private and loopback addresses are refused unless CRM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS is on. A
`base_url` override is checked when the connection is saved, and again at every call.
"""

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar
from urllib.parse import urlencode

import httpx

from apps.core.errors import IntegrationError, ValidationFailed
from apps.integrations.choices import PROVIDER_TYPE, Provider
from apps.webhooks.network import TargetRefused, target_for_delivery, url_check_at_registration

logger = logging.getLogger("crm.integrations")

USER_AGENT = "CRM-Integrations/1.0"
TIMEOUT_SECONDS = 15.0
TIMEOUT = httpx.Timeout(TIMEOUT_SECONDS, connect=5.0)
RETRYABLE_STATUSES = (408, 425, 429, 500, 502, 503, 504)
DEFAULT_RETRY_AFTER = 60  # seconds suggested after a timeout or 5xx that named no Retry-After


def retry_after_seconds(value: str | None) -> int | None:
    """A Retry-After header (seconds, or an HTTP date) in seconds from now."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, int((when - datetime.now(UTC)).total_seconds()))


class ProviderError(IntegrationError):
    """A provider's failure, in the design's INTEGRATION_ERROR body."""

    def __init__(
        self,
        *,
        provider: str,
        code: str,
        message: str,
        retry_possible: bool,
        retry_after: int | None = None,
        http_status: int | None = None,
    ):
        self.provider = provider
        self.retry_possible = retry_possible
        self.retry_after = retry_after if retry_possible else None
        self.http_status = http_status
        provider_error: dict[str, Any] = {"code": code, "message": message}
        if http_status is not None:
            provider_error["http_status"] = http_status
        details = {
            "integration_type": PROVIDER_TYPE[provider].value,
            "provider": provider,
            "provider_error": provider_error,
            "retry_possible": retry_possible,
            "retry_after": self.retry_after,
        }
        label = Provider(provider).label
        super().__init__(f"{label} could not complete the request: {message}", details=details)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


class ProviderAdapter(ABC):
    """Base of the adapters. Subclasses name their credentials, base URL, auth and error format."""

    provider: ClassVar[str]
    required_credentials: ClassVar[tuple[str, ...]] = ()
    optional_credentials: ClassVar[tuple[str, ...]] = ()
    known_settings: ClassVar[tuple[str, ...]] = ("base_url",)
    token_url: ClassVar[str] = ""  # OAuth refresh endpoint, for providers that have one

    def __init__(
        self,
        *,
        credentials: dict[str, Any],
        settings: dict[str, Any],
        on_credentials: Callable[[dict[str, Any]], None] | None = None,
    ):
        self.credentials = dict(credentials)
        self.settings = dict(settings)
        self.on_credentials = on_credentials

    # -- what a connection may hold ------------------------------------------------------------
    @classmethod
    def credentials_clean(cls, credentials: Any) -> dict[str, str]:
        if not isinstance(credentials, dict):
            raise ValidationFailed({"credentials": "credentials must be an object."})
        errors: dict[str, str] = {}
        allowed = cls.required_credentials + cls.optional_credentials
        for name in sorted(set(credentials) - set(allowed)):
            errors[f"credentials.{name}"] = f"Unknown credential for {cls.provider}; known: {', '.join(allowed)}."
        for name in cls.required_credentials:
            if not credentials.get(name):
                errors[f"credentials.{name}"] = f"Required for {cls.provider}."
        for name, value in credentials.items():
            if name in allowed and not isinstance(value, str):
                errors[f"credentials.{name}"] = "Must be a string."
        if errors:
            raise ValidationFailed(errors)
        cleaned = {name: value.strip() for name, value in credentials.items() if value}
        cls.credentials_check(cleaned)
        return cleaned

    @classmethod
    def credentials_check(cls, credentials: dict[str, str]) -> None:
        """Provider-specific checks of the credentials' shape (ValidationFailed); none by default."""
        return None

    @classmethod
    def settings_clean(cls, settings: Any) -> dict[str, Any]:
        if settings is None:
            return {}
        if not isinstance(settings, dict):
            raise ValidationFailed({"settings": "settings must be an object."})
        unknown = sorted(set(settings) - set(cls.known_settings))
        if unknown:
            known = ", ".join(cls.known_settings)
            raise ValidationFailed({f"settings.{name}": f"Unknown setting; known: {known}." for name in unknown})
        cleaned = {name: value for name, value in settings.items() if value not in (None, "")}
        for name in ("base_url", "token_url"):
            if name in cleaned:
                cleaned[name] = _url_clean(cleaned[name], f"settings.{name}")
        return cleaned

    # -- talking to the provider ---------------------------------------------------------------
    def base_url(self) -> str:
        return self.settings.get("base_url") or self.default_base_url()

    @abstractmethod
    def default_base_url(self) -> str:
        """The provider's own API address."""

    @abstractmethod
    def auth_headers(self) -> dict[str, str]:
        """The headers that authenticate a call with the connection's credentials."""

    @abstractmethod
    def error_parse(self, status: int, body: Any) -> tuple[str, str]:
        """(code, message) from the provider's error body."""

    def failure(self, *, code: str, message: str, retry_possible: bool, retry_after=None, status=None):
        return ProviderError(
            provider=self.provider,
            code=code,
            message=message,
            retry_possible=retry_possible,
            retry_after=retry_after,
            http_status=status,
        )

    def send(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        json: Any = None,
        data: dict | None = None,
    ) -> httpx.Response:
        """One request to `url`, pinned to the address checked; transport failures raised as
        INTEGRATION_ERROR (timeouts and connection failures may be retried)."""
        try:
            target = target_for_delivery(url)
        except TargetRefused as exc:
            raise self.failure(code="TARGET_REFUSED", message=str(exc), retry_possible=False) from None
        extensions = {"sni_hostname": target.sni_hostname} if target.sni_hostname else {}
        headers = {"Host": target.host_header, "User-Agent": USER_AGENT, "Accept": "application/json", **headers}
        try:
            with httpx.Client(follow_redirects=False, trust_env=False, timeout=TIMEOUT) as client:
                return client.request(method, target.url, json=json, data=data, headers=headers, extensions=extensions)
        except httpx.TimeoutException:
            raise self.failure(
                code="TIMEOUT",
                message=f"No answer within {TIMEOUT_SECONDS:g} seconds.",
                retry_possible=True,
                retry_after=DEFAULT_RETRY_AFTER,
            ) from None
        except httpx.HTTPError as exc:
            raise self.failure(
                code="CONNECTION_FAILED",
                message=f"{type(exc).__name__}: {exc}"[:300],
                retry_possible=True,
                retry_after=DEFAULT_RETRY_AFTER,
            ) from None

    def request(self, method: str, path: str, *, json: Any = None, params: dict | None = None) -> Any:
        """Calls the API at `path` under the base URL; answers the decoded JSON (None if empty)."""
        url = self.base_url().rstrip("/") + path
        if params:
            url = f"{url}?{urlencode(params)}"
        response = self.send(method, url, headers=self.auth_headers(), json=json)
        if response.status_code == 401 and self.refresh():
            response = self.send(method, url, headers=self.auth_headers(), json=json)
        if response.status_code >= 400:
            raise self.error_from(response)
        return _json(response) if response.content else None

    def error_from(self, response: httpx.Response) -> ProviderError:
        code, message = self.error_parse(response.status_code, _json(response))
        retryable = response.status_code in RETRYABLE_STATUSES
        retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        if retryable and retry_after is None:
            retry_after = DEFAULT_RETRY_AFTER
        logger.info("%s answered %s: %s %s", self.provider, response.status_code, code, message)
        return self.failure(
            code=code, message=message, retry_possible=retryable, retry_after=retry_after, status=response.status_code
        )

    # -- OAuth refresh -------------------------------------------------------------------------
    def can_refresh(self) -> bool:
        return bool(
            self.token_url
            and self.credentials.get("refresh_token")
            and self.credentials.get("client_id")
            and self.credentials.get("client_secret")
        )

    def refresh(self) -> bool:
        """Exchanges the refresh token for a new access token (RFC 6749 §6) after a 401; the new
        tokens are handed to `on_credentials` to be stored. False when it cannot refresh."""
        if not self.can_refresh():
            return False
        response = self.send(
            "POST",
            self.settings.get("token_url") or self.token_url,
            headers=self.token_request_headers(),
            data={"grant_type": "refresh_token", "refresh_token": self.credentials["refresh_token"]}
            | self.token_request_fields(),
        )
        body = _json(response)
        if response.status_code >= 400 or not isinstance(body, dict) or not body.get("access_token"):
            body = body if isinstance(body, dict) else {}
            raise self.failure(
                code=str(body.get("error") or "TOKEN_REFRESH_FAILED"),
                message=str(body.get("error_description") or "The refresh token was refused; connect again."),
                retry_possible=False,
                status=response.status_code,
            )
        self.credentials["access_token"] = body["access_token"]
        if body.get("refresh_token"):  # rotated (QuickBooks rotates, Google keeps the old one)
            self.credentials["refresh_token"] = body["refresh_token"]
        if self.on_credentials:
            self.on_credentials(dict(self.credentials))
        return True

    def token_request_headers(self) -> dict[str, str]:
        return {}

    def token_request_fields(self) -> dict[str, str]:
        return {}


def _url_clean(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise ValidationFailed({field: "Must be an http(s) URL."})
    try:
        url_check_at_registration(value)
    except TargetRefused as exc:
        raise ValidationFailed({field: str(exc)}) from None
    return value.rstrip("/")
