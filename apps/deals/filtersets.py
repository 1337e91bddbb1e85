"""The deal list's filters, shared by REST (and GraphQL): the design's pipelineId and stage, plus
owner, account, contact, value range, expected close date range and status."""

from datetime import timedelta

import django_filters
from django.db.models import Q

from apps.core.errors import ValidationFailed
from apps.deals.choices import DealStatus
from apps.deals.fields import parse_date_or_datetime
from apps.deals.models import Deal
from apps.pipelines.choices import StageType
from apps.pipelines.selectors import stages_matching

STATUS_STAGE_TYPES = {DealStatus.ACTIVE: StageType.OPEN, DealStatus.WON: StageType.WON, DealStatus.LOST: StageType.LOST}


class DealFilterSet(django_filters.FilterSet):
    pipelineId = django_filters.CharFilter(field_name="pipeline_id")
    stage = django_filters.CharFilter(method="filter_stage")
    ownerId = django_filters.CharFilter(field_name="owner_id")
    accountId = django_filters.CharFilter(field_name="account_id")
    contactId = django_filters.CharFilter(field_name="contact_id")
    valueMin = django_filters.NumberFilter(field_name="value", lookup_expr="gte")
    valueMax = django_filters.NumberFilter(field_name="value", lookup_expr="lte")
    closeDateFrom = django_filters.CharFilter(method="filter_close_from")
    closeDateTo = django_filters.CharFilter(method="filter_close_to")
    status = django_filters.ChoiceFilter(choices=DealStatus.choices, method="filter_status")

    class Meta:
        model = Deal
        fields: list[str] = []

    def filter_stage(self, queryset, name, value):
        """A stage id, name (case-insensitive) or slug, within `pipelineId` when given."""
        refs = [ref.strip() for ref in value.split(",") if ref.strip()]
        pipeline_id = self.data.get("pipelineId") or None
        query = Q()
        for ref in refs:
            query |= Q(stage__in=stages_matching(ref, pipeline_id=pipeline_id))
        if refs and not any(stages_matching(ref, pipeline_id=pipeline_id).exists() for ref in refs):
            raise ValidationFailed({"stage": f"No stage '{value}'" + (" in this pipeline." if pipeline_id else ".")})
        return queryset.filter(query)

    def _date(self, value, field):
        parsed = parse_date_or_datetime(value)
        if parsed is None:
            raise ValidationFailed({field: "A date (YYYY-MM-DD) or an ISO 8601 date-time."})
        return parsed

    def filter_close_from(self, queryset, name, value):
        return queryset.filter(expected_close_date__gte=self._date(value, "closeDateFrom"))

    def filter_close_to(self, queryset, name, value):
        bound = self._date(value, "closeDateTo")
        if len(value) == 10:  # a plain date includes that whole day
            return queryset.filter(expected_close_date__lt=bound + timedelta(days=1))
        return queryset.filter(expected_close_date__lte=bound)

    def filter_status(self, queryset, name, value):
        return queryset.filter(stage__stage_type=STATUS_STAGE_TYPES[value])
