"""Mailchimp Marketing API v3: HTTP Basic auth with the API key, whose `-<dc>` suffix names the
data center (`…-us21` → https://us21.api.mailchimp.com/3.0). Errors are problem+json documents
(`title`, `detail`, and `errors[]` per field on 400s)."""

import base64
import re
from typing import Any
from urllib.parse import quote

from apps.core.errors import ValidationFailed
from apps.integrations.choices import Provider
from apps.integrations.providers.base import ProviderAdapter

API_KEY = re.compile(r"^[A-Za-z0-9]+-(?P<dc>[a-z]+[0-9]+)$")
BATCH_MAX = 500  # members per batch subscribe call, Mailchimp's limit
MEMBER_STATUSES = ("subscribed", "pending")


def _code(title: str) -> str:
    """`Resource Not Found` → `RESOURCE_NOT_FOUND`."""
    return re.sub(r"[^A-Za-z0-9]+", "_", title).strip("_").upper() or "ERROR"


class Mailchimp(ProviderAdapter):
    provider = Provider.MAILCHIMP
    required_credentials = ("api_key",)
    known_settings = ("base_url", "member_status")

    @classmethod
    def credentials_check(cls, credentials: dict[str, str]) -> None:
        if not API_KEY.match(credentials["api_key"]):
            raise ValidationFailed(
                {"credentials.api_key": "A Mailchimp API key ends with its data center, e.g. '…-us21'."}
            )

    @classmethod
    def settings_clean(cls, settings: Any) -> dict[str, Any]:
        cleaned = super().settings_clean(settings)
        status = cleaned.get("member_status")
        if status is not None and status not in MEMBER_STATUSES:
            raise ValidationFailed(
                {"settings.member_status": f"New members are added as one of: {', '.join(MEMBER_STATUSES)}."}
            )
        return cleaned

    def default_base_url(self) -> str:
        datacenter = API_KEY.match(self.credentials["api_key"]).group("dc")
        return f"https://{datacenter}.api.mailchimp.com/3.0"

    def auth_headers(self) -> dict[str, str]:
        token = base64.b64encode(f"crm:{self.credentials['api_key']}".encode()).decode()
        return {"Authorization": f"Basic {token}"}

    def error_parse(self, status: int, body: Any) -> tuple[str, str]:
        if not isinstance(body, dict):
            return f"HTTP_{status}", f"HTTP {status}"
        message = str(body.get("detail") or body.get("title") or f"HTTP {status}")
        fields = [f"{e.get('field')}: {e.get('message')}" for e in body.get("errors") or [] if isinstance(e, dict)]
        if fields:
            message = f"{message} ({'; '.join(fields)})"
        return _code(str(body.get("title") or f"HTTP {status}")), message

    # -- the calls -----------------------------------------------------------------------------
    def list_get(self, list_id: str) -> dict:
        """The audience (list), or INTEGRATION_ERROR `RESOURCE_NOT_FOUND` when it does not exist."""
        return self.request("GET", f"/lists/{quote(list_id, safe='')}", params={"fields": "id,name,stats.member_count"})

    def members_batch(self, list_id: str, members: list[dict], *, update_existing: bool) -> dict:
        """Batch subscribe (`POST /lists/{list_id}`): adds or updates up to 500 members. Answers
        `new_members`, `updated_members` and per-member `errors` (`email_address`, `error`,
        `error_code`) with HTTP 200 even when some members were refused."""
        return self.request(
            "POST",
            f"/lists/{quote(list_id, safe='')}",
            json={"members": members, "update_existing": update_existing},
        )

    def member_status(self) -> str:
        return self.settings.get("member_status") or "subscribed"
