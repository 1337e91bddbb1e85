"""The design's marketplace bodies (snake_case), and the answers."""

import json

from rest_framework import serializers

from apps.core.api.serializers import StrictSerializer
from apps.events.types import EventType
from apps.marketplace.choices import (
    AggregationOperation,
    AppStatus,
    ChartType,
    DataAccessLevel,
    WidgetSize,
    WidgetType,
)
from apps.marketplace.models import Installation, MarketplaceApp, Widget

MAX_SETTINGS_BYTES = 16_384
EVENT_TYPES = sorted(EventType.values)


def _iso(value):
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


# ------------------------------------------------------------------------------------------------
# registration


class DeveloperSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField()
    website = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")


class AppInfoSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.RegexField(r"^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$", max_length=40)
    developer = DeveloperSerializer()


class WebhookEndpointSerializer(StrictSerializer):
    url = serializers.URLField(max_length=2000)
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_TYPES), min_length=1, max_length=50)


class OAuthConfigSerializer(StrictSerializer):
    redirect_uris = serializers.ListField(child=serializers.URLField(max_length=2000), default=list, max_length=20)
    scopes = serializers.ListField(child=serializers.CharField(max_length=100), default=list, max_length=50)


class AppRegisterSerializer(StrictSerializer):
    """`POST /v1/marketplace/apps/register` (public host, operators)."""

    app_info = AppInfoSerializer()
    permissions_requested = serializers.ListField(
        child=serializers.CharField(max_length=100), min_length=1, max_length=100
    )
    webhook_endpoints = WebhookEndpointSerializer(many=True, required=False, default=list, max_length=10)
    oauth_config = OAuthConfigSerializer(required=False)


class AppSerializer(serializers.Serializer):
    """A registered app, as operators and tenants see it (never its secrets)."""

    def to_representation(self, app: MarketplaceApp) -> dict:
        body = {
            "id": app.pk,
            "app_info": {
                "name": app.name,
                "description": app.description,
                "version": app.version,
                "developer": app.developer,
            },
            "permissions_requested": app.permissions_requested,
            "webhook_endpoints": app.webhook_endpoints,
            "oauth_config": {**app.oauth_config, "client_id": app.client_id},
            "status": app.status,
            "disabled_at": _iso(app.disabled_at),
            "created_at": _iso(app.created_at),
            "updated_at": _iso(app.updated_at),
        }
        if hasattr(app, "installation_count"):
            body["installation_count"] = app.installation_count
        return body


def registered_app_data(registered) -> dict:
    """The registration answer: the only time the client secret and webhook secret are shown."""
    app = registered.app
    return {
        **AppSerializer(app).data,
        "credentials": {
            "client_id": app.client_id,
            "client_secret": registered.client_secret,
            "webhook_secret": registered.webhook_secret,
            "grant_type": "client_credentials",
            "token_endpoint": "/oauth2/token",
        },
    }


# ------------------------------------------------------------------------------------------------
# installation


class WebhookConfigSerializer(StrictSerializer):
    enabled = serializers.BooleanField(default=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPES), required=False, default=list, max_length=50
    )


class InstallationConfigSerializer(StrictSerializer):
    permissions_granted = serializers.ListField(
        child=serializers.CharField(max_length=100), min_length=1, max_length=100
    )
    data_access_level = serializers.ChoiceField(choices=DataAccessLevel.choices, default=DataAccessLevel.TENANT)
    webhook_config = WebhookConfigSerializer(required=False)
    custom_settings = serializers.DictField(required=False, default=dict)

    def validate_custom_settings(self, value: dict) -> dict:
        if len(json.dumps(value)) > MAX_SETTINGS_BYTES:
            raise serializers.ValidationError(f"At most {MAX_SETTINGS_BYTES} bytes of JSON.")
        return value


class InstallSerializer(StrictSerializer):
    """`POST /v1/marketplace/apps/install` (tenant admins)."""

    app_id = serializers.CharField(max_length=40)
    installation_config = InstallationConfigSerializer()


class InstallationSerializer(serializers.Serializer):
    def to_representation(self, installation: Installation) -> dict:
        app = installation.app
        return {
            "id": installation.pk,
            "app_id": app.pk,
            "app": {"name": app.name, "version": app.version, "developer": app.developer},
            "tenant_id": installation.tenant.schema_name,
            "status": "active" if app.status == AppStatus.ACTIVE else "suspended",
            "installation_config": {
                "permissions_granted": installation.permissions_granted,
                "data_access_level": installation.data_access_level,
                "webhook_config": installation.webhook_config,
                "custom_settings": installation.custom_settings,
            },
            "client_id": app.client_id,
            "webhook_ids": installation.webhook_ids,
            "installed_by": installation.installed_by or None,
            "installed_at": _iso(installation.created_at),
            "updated_at": _iso(installation.updated_at),
        }


# ------------------------------------------------------------------------------------------------
# widgets


class WidgetInfoSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    type = serializers.ChoiceField(choices=WidgetType.choices)
    size = serializers.ChoiceField(choices=WidgetSize.choices, default=WidgetSize.MEDIUM)


class AggregationSerializer(StrictSerializer):
    field = serializers.CharField(max_length=64, required=False)
    operation = serializers.ChoiceField(choices=AggregationOperation.choices)
    group_by = serializers.CharField(max_length=64, required=False)


class DataSourceSerializer(StrictSerializer):
    query = serializers.CharField(max_length=40)
    filters = serializers.DictField(child=serializers.CharField(max_length=200), required=False, default=dict)
    aggregations = AggregationSerializer(many=True, required=False, default=list)


class VisualizationSerializer(StrictSerializer):
    chart_type = serializers.ChoiceField(choices=ChartType.choices, required=False)
    x_axis = serializers.CharField(max_length=64, required=False)
    y_axis = serializers.CharField(max_length=64, required=False)
    color_scheme = serializers.CharField(max_length=64, required=False)


class WidgetSerializer(StrictSerializer):
    """`POST /v1/marketplace/widgets` (the app's token), and a stored widget."""

    widget_info = WidgetInfoSerializer()
    data_source = DataSourceSerializer()
    visualization = VisualizationSerializer(required=False, default=dict)

    def to_representation(self, widget: Widget) -> dict:
        return {
            "id": widget.pk,
            "app_id": widget.installation.app_id,
            "installation_id": widget.installation_id,
            "widget_info": {
                "name": widget.name,
                "description": widget.description,
                "type": widget.type,
                "size": widget.size,
            },
            "data_source": widget.data_source,
            "visualization": widget.visualization,
            "created_at": _iso(widget.created_at),
            "updated_at": _iso(widget.updated_at),
        }
