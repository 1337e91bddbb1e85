"""Marketplace writes: registration (operators), install and uninstall (tenant admins), operator
disable/enable, widgets.

How an app reaches a tenant's data. OAuth clients live in each tenant's schema (the token
endpoint of a tenant host only knows that tenant's clients, and its tokens carry `tenant_id`).
The registry keeps one client id and one hashed secret per app; installing the app creates, in
the tenant's schema, a confidential `client_credentials` client with that very id and hash, and
gives it exactly the permissions granted (`OAuthClientPermissions`, which the token issuer
reads). So the app uses one set of credentials everywhere, gets tokens only from tenants that
installed it, and each token holds only what that tenant granted. Uninstalling (or an operator
disabling the app) deletes the tenant's client, and with it every token it was issued.
"""

import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context
from oauth2_provider.models import get_application_model
from oauth2_provider.settings import oauth2_settings

from apps.core.errors import Conflict, Forbidden, ValidationFailed
from apps.core.permissions import grants_cover
from apps.events.services import event_emit
from apps.events.types import EventType
from apps.identity.services import oauth_client_permissions_set
from apps.marketplace import widgets
from apps.marketplace.choices import AppStatus, DataAccessLevel
from apps.marketplace.models import Installation, MarketplaceApp, Widget
from apps.marketplace.permissions import unknown_permissions, unreadable_events
from apps.webhooks import services as webhooks
from apps.webhooks.models import Webhook
from apps.webhooks.network import TargetRefused, url_check_at_registration

CLIENT_ID_PREFIX = "mkt_"
CLIENT_SECRET_PREFIX = "mks_"
WEBHOOK_SECRET_PREFIX = "whsec_"


@dataclass
class RegisteredApp:
    """A new app with the credentials shown once: at registration."""

    app: MarketplaceApp
    client_secret: str
    webhook_secret: str


# ------------------------------------------------------------------------------------------------
# registration (public host, operators)


def _check_webhook_endpoints(endpoints: list[dict], permissions: list[str]) -> None:
    errors = {}
    for index, endpoint in enumerate(endpoints):
        try:
            url_check_at_registration(endpoint["url"])
        except TargetRefused as exc:
            errors[f"webhook_endpoints[{index}].url"] = str(exc)
        unreadable = unreadable_events(endpoint["events"], permissions)
        if unreadable:
            errors[f"webhook_endpoints[{index}].events"] = (
                f"Events the app did not request permission to read: {', '.join(unreadable)}."
            )
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def app_register(
    *,
    name: str,
    version: str,
    developer: dict,
    permissions_requested: list[str],
    description: str = "",
    webhook_endpoints: list[dict] | None = None,
    oauth_config: dict | None = None,
    registered_by: str = "",
) -> RegisteredApp:
    """Registers an app platform-wide; its client secret and webhook secret are returned once."""
    unknown = unknown_permissions(permissions_requested)
    if unknown:
        raise ValidationFailed({"permissions_requested": f"Unknown permissions: {', '.join(unknown)}."})
    permissions = list(dict.fromkeys(permissions_requested))
    endpoints = webhook_endpoints or []
    _check_webhook_endpoints(endpoints, permissions)
    client_secret = CLIENT_SECRET_PREFIX + secrets.token_urlsafe(32)
    webhook_secret = WEBHOOK_SECRET_PREFIX + secrets.token_urlsafe(32)
    app = MarketplaceApp.objects.create(
        name=name,
        description=description,
        version=version,
        developer=developer,
        permissions_requested=permissions,
        webhook_endpoints=endpoints,
        oauth_config=oauth_config or {"redirect_uris": [], "scopes": []},
        client_id=CLIENT_ID_PREFIX + secrets.token_hex(16),
        client_secret_hash=make_password(client_secret, hasher=oauth2_settings.CLIENT_SECRET_HASHER),
        webhook_secret=webhook_secret,
        registered_by=registered_by,
    )
    return RegisteredApp(app=app, client_secret=client_secret, webhook_secret=webhook_secret)


@transaction.atomic
def app_disable(*, app: MarketplaceApp) -> MarketplaceApp:
    """Suspends the app everywhere: its clients (so its tokens) go, its webhooks stop."""
    if not app.is_active:
        return app
    for installation in app.installations.select_related("tenant"):
        with schema_context(installation.tenant.schema_name):
            _client_remove(app)
            _webhooks_set_active(installation, active=False)
    app.status, app.disabled_at = AppStatus.DISABLED, timezone.now()
    app.save(update_fields=["status", "disabled_at", "updated_at"])
    return app


@transaction.atomic
def app_enable(*, app: MarketplaceApp) -> MarketplaceApp:
    """Undoes `app_disable`: every installation gets its client (new tokens) and webhooks back."""
    if app.is_active:
        return app
    for installation in app.installations.select_related("tenant"):
        with schema_context(installation.tenant.schema_name):
            _client_create(app, installation.permissions_granted)
            _webhooks_set_active(installation, active=True)
    app.status, app.disabled_at = AppStatus.ACTIVE, None
    app.save(update_fields=["status", "disabled_at", "updated_at"])
    return app


# ------------------------------------------------------------------------------------------------
# installation (tenant host, tenant admins)


def _client_create(app: MarketplaceApp, permissions: list[str]) -> None:
    """The app's OAuth client in the active tenant, allowed exactly `permissions`."""
    Application = get_application_model()
    client = Application.objects.create(
        client_id=app.client_id,
        client_secret=app.client_secret_hash,  # already hashed: DOT keeps it as it is
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        name=f"{app.name} (marketplace)",
        skip_authorization=False,
    )
    oauth_client_permissions_set(application=client, permissions=permissions)


def _client_remove(app: MarketplaceApp) -> None:
    """Deletes the app's client in the active tenant: its tokens and permissions go with it."""
    get_application_model().objects.filter(client_id=app.client_id).delete()


def _webhooks_set_active(installation: Installation, *, active: bool) -> None:
    for webhook in Webhook.objects.filter(pk__in=installation.webhook_ids):
        webhooks.webhook_update(webhook=webhook, data={"active": active}, grants=installation.permissions_granted)


def _webhook_events(app: MarketplaceApp, webhook_config: dict, permissions: list[str]) -> list[str]:
    """The events the tenant enabled: offered by the app, readable with what was granted."""
    if not webhook_config.get("enabled"):
        return []
    events = list(dict.fromkeys(webhook_config.get("events") or []))
    offered = {event for endpoint in app.webhook_endpoints for event in endpoint["events"]}
    if not events:  # every event the app offers that the grant lets it read
        unreadable = set(unreadable_events(sorted(offered), permissions))
        return sorted(offered - unreadable)
    field = "installation_config.webhook_config.events"
    not_offered = [event for event in events if event not in offered]
    if not_offered:
        raise ValidationFailed({field: f"The app has no webhook endpoint for: {', '.join(not_offered)}."})
    unreadable = unreadable_events(events, permissions)
    if unreadable:
        raise ValidationFailed({field: f"These events need a read permission not granted: {', '.join(unreadable)}."})
    return events


def _webhooks_create(app: MarketplaceApp, events: list[str], permissions: list[str], installed_by) -> list[str]:
    """One subscription per endpoint of the app, for the enabled events it declared; signed with
    the app's webhook secret and checked (SSRF) like any other webhook of the tenant."""
    ids = []
    for endpoint in app.webhook_endpoints:
        wanted = [event for event in endpoint["events"] if event in events]
        if not wanted:
            continue
        webhook = webhooks.webhook_create(
            url=endpoint["url"],
            events=wanted,
            filters={},
            secret=app.webhook_secret,
            retry_config={},
            created_by=installed_by,
            grants=permissions,
        )
        ids.append(webhook.pk)
    return ids


def _event(event_type: EventType, installation: Installation, *, actor=None) -> None:
    event_emit(
        event_type,
        data={
            "installation_id": installation.pk,
            "app_id": installation.app_id,
            "app_name": installation.app.name,
            "permissions_granted": installation.permissions_granted,
        },
        record_id=installation.pk,
        actor=actor,
    )


@transaction.atomic
def app_install(
    *,
    app: MarketplaceApp,
    permissions_granted: list[str],
    installed_by,
    installer_grants: list[str],
    data_access_level: str = DataAccessLevel.TENANT,
    webhook_config: dict | None = None,
    custom_settings: dict | None = None,
) -> Installation:
    """Installs `app` in the active tenant, granting it at most what it requested (and at most
    what the installing admin holds)."""
    if not app.is_active:
        raise Conflict(f"The app '{app.pk}' is disabled by the platform's operators.")
    tenant = connection.tenant
    if Installation.objects.filter(tenant=tenant, app=app).exists():
        raise Conflict(f"The app '{app.pk}' is already installed.")
    permissions = list(dict.fromkeys(permissions_granted))
    extras = [permission for permission in permissions if permission not in app.permissions_requested]
    if extras:
        raise ValidationFailed(
            {"installation_config.permissions_granted": f"Not requested by the app: {', '.join(extras)}."}
        )
    beyond_installer = grants_cover(installer_grants, permissions)
    if beyond_installer:
        raise Forbidden(
            "You may not grant permissions you do not hold.", details={"required_permissions": beyond_installer}
        )
    config = dict(webhook_config or {"enabled": False, "events": []})
    events = _webhook_events(app, config, permissions)
    config["events"] = events
    _client_create(app, permissions)
    installation = Installation.objects.create(
        tenant=tenant,
        app=app,
        permissions_granted=permissions,
        data_access_level=data_access_level,
        webhook_config=config,
        custom_settings=custom_settings or {},
        webhook_ids=_webhooks_create(app, events, permissions, installed_by) if events else [],
        installed_by=getattr(installed_by, "pk", None) or "",
    )
    _event(EventType.APP_INSTALLED, installation, actor=installed_by)
    return installation


@transaction.atomic
def app_uninstall(*, installation: Installation, actor=None) -> None:
    """Removes the app from its tenant: its tokens stop working at once, its webhooks and
    widgets go."""
    with schema_context(installation.tenant.schema_name):
        _client_remove(installation.app)
        for webhook in Webhook.objects.filter(pk__in=installation.webhook_ids):
            webhooks.webhook_delete(webhook=webhook)
        _event(EventType.APP_UNINSTALLED, installation, actor=actor)
    installation.delete()


# ------------------------------------------------------------------------------------------------
# widgets


def widget_create(
    *, installation: Installation, widget_info: dict, data_source: dict, visualization: dict | None = None
) -> Widget:
    """A widget over data the app may read (its data source is checked against the grant)."""
    clean_source = widgets.data_source_clean(data_source, permissions=installation.permissions_granted)
    return Widget.objects.create(
        installation=installation,
        name=widget_info["name"],
        description=widget_info.get("description", ""),
        type=widget_info["type"],
        size=widget_info.get("size") or "medium",
        data_source=clean_source,
        visualization=visualization or {},
    )


def widget_delete(*, widget: Widget) -> None:
    widget.delete()
