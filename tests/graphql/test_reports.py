"""Reporting queries answer REST's figures; the design's SalesPerformanceReport runs as written."""

import datetime as dt
from decimal import Decimal

import pytest

from apps.deals.models import Deal
from apps.pipelines.models import Pipeline, Stage
from tests.graphql import data
from tests.graphql.queries import SALES_PERFORMANCE_REPORT


def _ok(body):
    assert "errors" not in body, body
    return body["data"]


def _rest(api, path, **params):
    response = api.get(path, params)
    assert response.status_code == 200, response.content
    return response.json()["data"]


@pytest.fixture
def january(tenant):
    """The ids the design's example names: user_123 and the pipelines pipe_1 and pipe_2."""
    from apps.users.models import User

    seller = User.objects.create_user("sam@acme.test", None, id="user_123", first_name="Sam", last_name="Seller")
    for pipeline_id, name in (("pipe_1", "Enterprise"), ("pipe_2", "SMB")):
        pipeline = Pipeline.objects.create(id=pipeline_id, name=name)
        for order, (stage_name, probability, kind) in enumerate(
            [("Qualification", 25, "open"), ("Proposal", 50, "open"), ("Won", 100, "won"), ("Lost", 0, "lost")],
            start=1,
        ):
            Stage.objects.create(
                pipeline=pipeline,
                name=stage_name,
                slug=stage_name.lower(),
                order=order,
                probability=probability,
                stage_type=kind,
            )

    def deal(pipeline_id, stage_slug, value, closed=None):
        target = Stage.objects.get(pipeline_id=pipeline_id, slug=stage_slug)
        return Deal.objects.create(
            title=f"{pipeline_id} {stage_slug} {value}",
            value=Decimal(value),
            pipeline_id=pipeline_id,
            stage=target,
            owner=seller,
            probability=target.probability,
            actual_close_date=closed,
            created_at=dt.datetime(2024, 12, 1, tzinfo=dt.UTC),
        )

    deal("pipe_1", "won", 40000, dt.datetime(2025, 1, 10, tzinfo=dt.UTC))
    deal("pipe_2", "won", 20000, dt.datetime(2025, 1, 20, tzinfo=dt.UTC))
    deal("pipe_1", "lost", 5000, dt.datetime(2025, 1, 15, tzinfo=dt.UTC))
    deal("pipe_1", "won", 99000, dt.datetime(2025, 2, 2, tzinfo=dt.UTC))  # outside the period
    deal("pipe_1", "proposal", 12000)
    return seller


def test_sales_performance_report_runs_as_written_with_rests_figures(gql, admin_api, january):
    report = _ok(gql(SALES_PERFORMANCE_REPORT))["salesReport"]
    rest = _rest(
        admin_api,
        "/v1/reports/sales",
        start="2025-01-01",
        end="2025-01-31",
        userId="user_123",
        pipelineIds="pipe_1,pipe_2",
    )
    assert report["totalRevenue"] == rest["totalRevenue"] == 60000.0
    assert report["dealsClosed"] == rest["dealsClosed"] == 2
    assert report["averageDealSize"] == rest["averageDealSize"]
    assert report["conversionRate"] == rest["conversionRate"]
    assert report["topPerformers"] == [
        {"user": {"id": "user_123", "name": "Sam Seller"}, "revenue": 60000.0, "dealsWon": 2}
    ]
    breakdown = {row["pipeline"]["id"]: row for row in report["pipelineBreakdown"]}
    assert set(breakdown) == {"pipe_1", "pipe_2"}
    assert breakdown["pipe_1"]["pipeline"]["name"] == "Enterprise"
    proposal = next(m for m in breakdown["pipe_1"]["stageMetrics"] if m["stage"]["name"] == "Proposal")
    assert proposal == {
        "stage": {"name": "Proposal", "probability": 50},
        "dealCount": 1,
        "totalValue": 12000.0,
        "averageTimeInStage": None,
    }
    rest_stages = [m for row in rest["pipelineBreakdown"] for m in row["stageMetrics"]]
    graphql_stages = [m for row in report["pipelineBreakdown"] for m in row["stageMetrics"]]
    assert [(m["dealCount"], m["totalValue"]) for m in graphql_stages] == [
        (m["dealCount"], m["totalValue"]) for m in rest_stages
    ]


def test_sales_report_refusals_are_rests(gql, api, make_user):
    api.force_authenticate(make_user(roles=["sales_rep"]))  # no reports permission
    body = gql(SALES_PERFORMANCE_REPORT)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_unknown_ids_in_a_report_filter_are_validation_errors(gql):
    body = gql(SALES_PERFORMANCE_REPORT)  # no user_123 nor pipe_1 here
    assert body["data"] == {"salesReport": None}
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION_ERROR"


def test_deal_forecast_pipeline_analytics_performance_and_dashboard(gql, admin_api, admin):
    pipeline = data.default_pipeline()
    data.make_deal(owner=admin, value=10000, expected_close_date=dt.datetime.now(dt.UTC) + dt.timedelta(days=5))
    won = data.make_deal(owner=admin, value=30000, stage_slug="closed_won")
    Deal.objects.filter(pk=won.pk).update(actual_close_date=dt.datetime.now(dt.UTC))
    query = """query($pipeline: ID!, $user: ID!) {
      dealForecast(pipelineId: $pipeline, period: QUARTER) {
        pipeline { id } period periods { period pipelineValue weightedValue closedWon } totals { projected } }
      pipelineAnalytics(pipelineId: $pipeline, period: MONTH) {
        pipeline { name } stages { stage { slug } dealCount value averageTimeInStage } dealsWon winRate trend }
      performanceMetrics(userId: $user, period: YEAR) { user { id } dealsWon wonValue openDeals activities }
      dashboardData(dashboardId: "default") { pipeline { id } funnel forecast wonLostTrend }
    }"""
    result = _ok(gql(query, {"pipeline": pipeline.pk, "user": admin.pk}))
    forecast = _rest(admin_api, "/v1/deals/forecast", pipelineId=pipeline.pk, period="quarter")
    assert result["dealForecast"]["pipeline"] == {"id": pipeline.pk}
    assert [p["pipelineValue"] for p in result["dealForecast"]["periods"]] == [
        p["pipelineValue"] for p in forecast["periods"]
    ]
    assert result["dealForecast"]["totals"]["projected"] == forecast["totals"]["projected"]
    analytics = _rest(admin_api, f"/v1/pipelines/{pipeline.pk}/analytics", period="month")
    assert result["pipelineAnalytics"]["dealsWon"] == analytics["dealsWon"] == 1
    assert [s["dealCount"] for s in result["pipelineAnalytics"]["stages"]] == [
        s["dealCount"] for s in analytics["stages"]
    ]
    performance = _rest(admin_api, "/v1/reports/performance", userId=admin.pk, period="year")
    assert result["performanceMetrics"]["wonValue"] == performance["wonValue"] == 30000.0
    assert result["performanceMetrics"]["activities"] == performance["activities"]
    dashboard = _rest(admin_api, "/v1/reports/dashboard")
    assert result["dashboardData"]["funnel"] == dashboard["funnel"]


def test_pipeline_and_stage_metrics_are_rests(gql, admin_api):
    pipeline = data.default_pipeline()
    data.make_deal(value=1000, stage_slug="proposal")
    data.make_deal(value=3000, stage_slug="proposal")
    query = """query($id: ID!) { pipeline(id: $id) {
      totalValue averageDealSize conversionRate averageSalesCycle
      stages { slug dealCount stageValue averageTimeInStage } } }"""
    result = _ok(gql(query, {"id": pipeline.pk}))["pipeline"]
    proposal = next(stage for stage in result["stages"] if stage["slug"] == "proposal")
    assert proposal["dealCount"] == 2 and proposal["stageValue"] == 4000.0
    assert result["totalValue"] == 4000.0
    rest = _rest(admin_api, f"/v1/pipelines/{pipeline.pk}")
    rest_proposal = next(stage for stage in rest["stages"] if stage["name"] == "Proposal")
    assert (rest_proposal["dealCount"], rest_proposal["stageValue"]) == (2, 4000.0)
    analytics = _rest(admin_api, f"/v1/pipelines/{pipeline.pk}/analytics", period="year")
    assert result["conversionRate"] == analytics["winRate"]


def test_sales_dashboard_and_pipeline_report(gql, admin):
    pipeline = data.default_pipeline()
    data.make_deal(owner=admin, value=2500)
    query = """query($user: ID!, $pipeline: ID!) {
      salesDashboard(userId: $user) { user { id } performance { openDeals } forecast { period } dashboard { year } }
      pipelineReport(pipelineId: $pipeline) {
        pipeline { name } metrics { totalValue dealCount stages { stage { name } dealCount totalValue } }
        analytics { period } forecast { period } }
    }"""
    result = _ok(gql(query, {"user": admin.pk, "pipeline": pipeline.pk}))
    assert result["salesDashboard"]["user"] == {"id": admin.pk}
    assert result["salesDashboard"]["performance"]["openDeals"] == 1
    assert result["salesDashboard"]["forecast"]["period"] == "quarter"
    report = result["pipelineReport"]
    assert report["metrics"]["totalValue"] == 2500.0 and report["metrics"]["dealCount"] == 1
    assert report["analytics"]["period"] == "month"
    assert report["forecast"]["period"] == "quarter"
