import django_filters

from apps.security.choices import SecurityEventType
from apps.security.models import SecurityEvent


class SecurityEventFilterSet(django_filters.FilterSet):
    event_type = django_filters.MultipleChoiceFilter(choices=SecurityEventType.choices)
    actor_id = django_filters.CharFilter()
    since = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="lte")

    class Meta:
        model = SecurityEvent
        fields = ["event_type", "actor_id", "since", "until"]
