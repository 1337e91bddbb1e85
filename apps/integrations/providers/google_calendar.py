"""Google Calendar API v3: OAuth 2.0 bearer access token; with `refresh_token`, `client_id` and
`client_secret` an expired token is refreshed at Google's token endpoint once per 401. Errors are
`{"error": {"code", "message", "errors": [{"domain", "reason", "message"}], "status"}}`."""

from typing import Any
from urllib.parse import quote

from apps.integrations.choices import Provider
from apps.integrations.providers.base import ProviderAdapter


class GoogleCalendar(ProviderAdapter):
    provider = Provider.GOOGLE_CALENDAR
    required_credentials = ("access_token",)
    optional_credentials = ("refresh_token", "client_id", "client_secret")
    known_settings = ("base_url", "token_url", "send_updates")
    token_url = "https://oauth2.googleapis.com/token"

    def default_base_url(self) -> str:
        return "https://www.googleapis.com/calendar/v3"

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.credentials['access_token']}"}

    def token_request_fields(self) -> dict[str, str]:
        return {"client_id": self.credentials["client_id"], "client_secret": self.credentials["client_secret"]}

    def error_parse(self, status: int, body: Any) -> tuple[str, str]:
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return f"HTTP_{status}", f"HTTP {status}"
        reasons = [e for e in error.get("errors") or [] if isinstance(e, dict)]
        code = (reasons[0].get("reason") if reasons else None) or error.get("status") or f"HTTP_{status}"
        message = error.get("message") or (reasons[0].get("message") if reasons else None) or f"HTTP {status}"
        return str(code), str(message)

    def event_insert(self, calendar_id: str, event: dict) -> dict:
        """`POST /calendars/{calendarId}/events`; attendees get Google's invitations unless the
        connection's `send_updates` setting says otherwise (all, externalOnly, none)."""
        return self.request(
            "POST",
            f"/calendars/{quote(calendar_id, safe='')}/events",
            json=event,
            params={"sendUpdates": self.settings.get("send_updates") or "all"},
        )
