"""QuickBooks Online Accounting API v3: OAuth 2.0 bearer access token and the company's
`realm_id` (paths under `/v3/company/<realm_id>`); `base_url` is the host
(https://quickbooks.api.intuit.com, or https://sandbox-quickbooks.api.intuit.com for a sandbox
company). Refresh at Intuit's token endpoint with HTTP Basic client credentials; Intuit rotates
refresh tokens, the new one is stored. Errors: `{"Fault": {"Error": [{"Message", "Detail",
"code"}], "type"}}` (authentication faults spell the keys in lower case)."""

import base64
from typing import Any

from apps.integrations.choices import Provider
from apps.integrations.providers.base import ProviderAdapter

MINOR_VERSION = "75"
DEFAULT_ITEM_ID = "1"  # the item every invoice line names, unless the connection sets `item_id`


def _get(mapping: Any, key: str) -> Any:
    """A key of a QBO fault, whatever its case (`Fault`/`fault`, `Message`/`message`)."""
    if not isinstance(mapping, dict):
        return None
    for name, value in mapping.items():
        if name.lower() == key.lower():
            return value
    return None


def query_literal(value: str) -> str:
    """A string literal of QBO's query language (quotes escaped with a backslash)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class QuickBooks(ProviderAdapter):
    provider = Provider.QUICKBOOKS
    required_credentials = ("access_token", "realm_id")
    optional_credentials = ("refresh_token", "client_id", "client_secret")
    known_settings = ("base_url", "token_url", "item_id", "minor_version")
    token_url = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"

    def default_base_url(self) -> str:
        return "https://quickbooks.api.intuit.com"

    def base_url(self) -> str:
        return f"{super().base_url().rstrip('/')}/v3/company/{self.credentials['realm_id']}"

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.credentials['access_token']}"}

    def token_request_headers(self) -> dict[str, str]:
        pair = f"{self.credentials['client_id']}:{self.credentials['client_secret']}"
        return {"Authorization": f"Basic {base64.b64encode(pair.encode()).decode()}"}

    def error_parse(self, status: int, body: Any) -> tuple[str, str]:
        errors = _get(_get(body, "Fault"), "Error")
        if not errors or not isinstance(errors, list):
            return f"HTTP_{status}", f"HTTP {status}"
        first = errors[0]
        message = str(_get(first, "Message") or f"HTTP {status}")
        detail = _get(first, "Detail")
        if detail and detail != message:
            message = f"{message}: {detail}"
        return str(_get(first, "code") or f"HTTP_{status}"), message

    def _params(self, **extra: str) -> dict[str, str]:
        return {**extra, "minorversion": str(self.settings.get("minor_version") or MINOR_VERSION)}

    def item_id(self) -> str:
        return str(self.settings.get("item_id") or DEFAULT_ITEM_ID)

    # -- the calls -----------------------------------------------------------------------------
    def query(self, entity: str, where: str) -> list[dict]:
        """`GET /query?query=select * from <entity> where ...` → the matching entities."""
        body = self.request("GET", "/query", params=self._params(query=f"select * from {entity} where {where}"))  # noqa: S608 (QBO query, not SQL)
        return list((_get(body, "QueryResponse") or {}).get(entity) or [])

    def customer_by_name(self, name: str) -> dict | None:
        found = self.query("Customer", f"DisplayName = {query_literal(name)}")
        return found[0] if found else None

    def customer_create(self, customer: dict) -> dict:
        return self.request("POST", "/customer", json=customer, params=self._params())["Customer"]

    def term_by_name(self, name: str) -> dict | None:
        found = self.query("Term", f"Name = {query_literal(name)}")
        return found[0] if found else None

    def invoice_create(self, invoice: dict) -> dict:
        return self.request("POST", "/invoice", json=invoice, params=self._params())["Invoice"]
