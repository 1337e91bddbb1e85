"""The tenant's home page: charts from the same report selectors as `/v1/reports/dashboard`."""

from django.http import HttpRequest
from django.utils import timezone

from apps.console.sites import grants_of
from apps.core.permissions import grant_scope
from apps.pipelines.models import Pipeline


def dashboard_context(request: HttpRequest) -> dict:
    """Chart data when the caller may read sales reports (as the API requires), else a reason."""
    from apps.reports.selectors import dashboard_data

    grants = grants_of(request)
    if grant_scope(grants, "reports:sales:read") is None and grant_scope(grants, "reports:read") is None:
        return {"dashboard": None, "dashboard_reason": "Your roles do not include sales reports."}
    pipelines = list(Pipeline.objects.order_by("-is_default", "name"))
    if not pipelines:
        return {"dashboard": None, "dashboard_reason": "No pipeline yet."}
    wanted = request.GET.get("pipeline")
    pipeline = next((p for p in pipelines if p.pk == wanted), pipelines[0])
    year = timezone.now().year
    return {"dashboard": dashboard_data(pipeline=pipeline, year=year), "pipelines": pipelines, "pipeline": pipeline}
