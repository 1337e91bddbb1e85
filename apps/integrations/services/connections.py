"""Connections: credentials checked per provider and stored encrypted, settings checked (a
`base_url` override through the webhooks module's SSRF rule)."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.core.errors import Conflict, ValidationFailed
from apps.integrations.choices import Provider
from apps.integrations.crypto import credentials_decrypt, credentials_encrypt
from apps.integrations.models import Connection
from apps.integrations.providers import ADAPTERS, ProviderAdapter


def _adapter_class(provider: str) -> type[ProviderAdapter]:
    if provider not in ADAPTERS:
        raise ValidationFailed({"provider": f"Unknown provider; one of: {', '.join(Provider.values)}."})
    return ADAPTERS[provider]


def _credentials_store(connection: Connection, credentials: dict[str, str]) -> None:
    connection.credentials = credentials_encrypt(credentials)
    connection.credential_fields = sorted(credentials)


@transaction.atomic
def connection_create(*, actor, provider: str, credentials: Any, settings: Any) -> Connection:
    adapter = _adapter_class(provider)
    cleaned = adapter.credentials_clean(credentials)
    cleaned_settings = adapter.settings_clean(settings)
    if Connection.objects.select_for_update().filter(provider=provider).exists():
        raise Conflict(
            f"{Provider(provider).label} is already connected; change it with PATCH or delete it first.",
            field="provider",
        )
    connection = Connection(provider=provider, settings=cleaned_settings, created_by=actor)
    _credentials_store(connection, cleaned)
    connection.save(force_insert=True)
    return connection


@transaction.atomic
def connection_update(*, connection: Connection, credentials: Any = None, settings: Any = None) -> Connection:
    """`credentials` sent replace the stored ones as a whole; `settings` merge (null removes)."""
    adapter = _adapter_class(connection.provider)
    if credentials is not None:
        _credentials_store(connection, adapter.credentials_clean(credentials))
    if settings is not None:
        if not isinstance(settings, dict):
            raise ValidationFailed({"settings": "settings must be an object."})
        merged = {**connection.settings, **settings}
        connection.settings = adapter.settings_clean({k: v for k, v in merged.items() if v is not None})
    connection.save()
    return connection


def connection_delete(*, connection: Connection) -> None:
    connection.delete()


def connection_require(provider: str, *, expected: str) -> Connection:
    """The tenant's connection to `provider`, which must be the kind of provider the call needs."""
    if provider != expected:
        raise ValidationFailed({"provider": f"This call speaks to '{expected}'."})
    connection = Connection.objects.filter(provider=provider).first()
    if connection is None:
        raise ValidationFailed(
            {"provider": f"{Provider(provider).label} is not connected: POST /v1/integrations/connections first."}
        )
    return connection


def connection_adapter(connection: Connection) -> ProviderAdapter:
    """The provider's adapter with the decrypted credentials; refreshed OAuth tokens are stored
    back encrypted."""

    def store(credentials: dict[str, str]) -> None:
        _credentials_store(connection, credentials)
        Connection.objects.filter(pk=connection.pk).update(
            credentials=connection.credentials, credential_fields=connection.credential_fields
        )

    Connection.objects.filter(pk=connection.pk).update(last_used_at=timezone.now())
    return ADAPTERS[connection.provider](
        credentials=credentials_decrypt(connection.credentials), settings=connection.settings, on_credentials=store
    )
