"""Forecast, pipeline analytics, sales, performance and dashboard figures: the reads behind
`/v1/deals/forecast`, `/v1/pipelines/{id}/analytics` and `/v1/reports/*`, for REST, GraphQL and
the admin dashboards alike.

Everything is computed by SQL aggregates (no loop over deals in Python); Python only shapes the
aggregated rows. Money is converted to the tenant's currency (apps.reports.currency). Stage time
and transitions come from StageTransitionDay, the per-day rollup of the stage history, unless a
report is narrowed to one owner (then from the history rows of that owner's deals).
"""

from apps.reports.selectors.analytics import dashboard_data, pipeline_analytics
from apps.reports.selectors.common import (
    PeriodParams,
    date_param,
    period_params,
    period_window,
    stage_transitions,
    year_window,
)
from apps.reports.selectors.forecast import deal_forecast
from apps.reports.selectors.sales import performance_metrics, sales_report

__all__ = [
    "PeriodParams",
    "dashboard_data",
    "date_param",
    "deal_forecast",
    "performance_metrics",
    "period_params",
    "period_window",
    "pipeline_analytics",
    "sales_report",
    "stage_transitions",
    "year_window",
]
