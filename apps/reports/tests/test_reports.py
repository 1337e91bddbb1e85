"""Forecast, analytics, sales, performance and dashboard figures against the hand-computed
expectations of the fixed data set in conftest.py (USD tenant, EUR at 1.10)."""

import pytest
from django.db import connection

from apps.deals.models import DealStageChange, StageTransitionDay


def figures(item: dict, *keys: str) -> tuple:
    return tuple(item[key] for key in keys)


FORECAST_KEYS = (
    "pipelineValue",
    "weightedValue",
    "commit",
    "bestCase",
    "closedWon",
    "projected",
    "dealCount",
    "wonCount",
)


def test_forecast_by_quarter_matches_hand_computed_figures(admin_api, dataset):
    pipeline = dataset["pipeline"]
    response = admin_api.get(f"/v1/deals/forecast?pipelineId={pipeline.pk}&period=quarter&year=2025")
    assert response.status_code == 200, response.content
    body = response.json()["data"]
    assert body["currency"] == "USD"
    quarters = {p["period"]: p for p in body["periods"]}
    assert list(quarters) == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    # Q1: D1 10,000 @10 % + D2 20,000 @50 % open; D5 30,000 won
    assert figures(quarters["2025-Q1"], *FORECAST_KEYS) == (30000.0, 11000.0, 0.0, 20000.0, 30000.0, 41000.0, 2, 1)
    # Q2: D3 10,000 EUR = 11,000 @75 % open (commit); D6 5,000 EUR = 5,500 won; D7 lost counts nowhere
    assert figures(quarters["2025-Q2"], *FORECAST_KEYS) == (11000.0, 8250.0, 11000.0, 11000.0, 5500.0, 13750.0, 1, 1)
    assert figures(quarters["2025-Q3"], *FORECAST_KEYS) == (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0, 0)
    # Q4: D4 40,000 at its own 30 % in a 25 % stage; D8 closes in 2026
    assert figures(quarters["2025-Q4"], *FORECAST_KEYS) == (40000.0, 12000.0, 0.0, 0.0, 0.0, 12000.0, 1, 0)
    assert figures(body["totals"], *FORECAST_KEYS) == (81000.0, 31250.0, 11000.0, 31000.0, 35500.0, 66750.0, 4, 2)
    owners = {row["owner"]["name"]: row for row in body["totals"]["byOwner"]}
    assert figures(owners["Alice Ames"], "pipelineValue", "weightedValue", "closedWon") == (30000.0, 11000.0, 30000.0)
    assert figures(owners["Bob Burns"], "pipelineValue", "weightedValue", "closedWon") == (51000.0, 20250.0, 5500.0)
    assert [row["owner"]["name"] for row in quarters["2025-Q2"]["byOwner"]] == ["Bob Burns"]


def test_forecast_by_month_and_year(admin_api, dataset):
    pipeline = dataset["pipeline"]
    months = admin_api.get(f"/v1/deals/forecast?pipelineId={pipeline.pk}&period=month&year=2025").json()["data"]
    assert len(months["periods"]) == 12
    february = months["periods"][1]
    assert figures(february, "period", "pipelineValue", "closedWon") == ("2025-02", 10000.0, 30000.0)
    year = admin_api.get(f"/v1/deals/forecast?pipelineId={pipeline.pk}&period=year&year=2025").json()["data"]
    assert figures(year["periods"][0], "period", "pipelineValue", "closedWon") == ("2025", 81000.0, 35500.0)


def test_forecast_is_computed_in_a_constant_number_of_queries(admin_api, dataset, django_assert_max_num_queries):
    with django_assert_max_num_queries(11):  # routing 3, roles 2, rates, stages, open and won aggregates, owners
        admin_api.get(f"/v1/deals/forecast?pipelineId={dataset['pipeline'].pk}&period=month&year=2025")


def test_forecast_needs_the_permission_and_a_manager_role(api, make_user, dataset):
    from apps.users.services import role_create

    api.force_authenticate(make_user(roles=["sales_rep"]))
    refused = api.get("/v1/deals/forecast?period=quarter&year=2025")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["details"]["required_permissions"] == ["deals:forecast"]
    role_create(name="forecaster", permissions=["deals:forecast"])
    api.force_authenticate(make_user(roles=["forecaster"]))
    assert api.get("/v1/deals/forecast?period=quarter&year=2025").status_code == 403
    api.force_authenticate(dataset["alice"])  # sales_manager
    assert api.get("/v1/deals/forecast?period=quarter&year=2025").status_code == 200


@pytest.mark.parametrize(
    ("query", "field"), [("period=week", "period"), ("year=soon", "year"), ("pipelineId=pipe_x", "pipelineId")]
)
def test_forecast_bad_parameters_answer_400(admin_api, query, field):
    response = admin_api.get(f"/v1/deals/forecast?{query}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field


def test_pipeline_analytics_match_hand_computed_figures(admin_api, dataset):
    pipeline = dataset["pipeline"]
    response = admin_api.get(f"/v1/pipelines/{pipeline.pk}/analytics?period=month&year=2025")
    assert response.status_code == 200, response.content
    body = response.json()["data"]
    stages = {row["stage"]["slug"]: row for row in body["stages"]}
    keys = (
        "dealCount",
        "value",
        "entered",
        "exited",
        "averageTimeInStage",
        "conversionRate",
        "nextStageConversionRate",
    )
    assert figures(stages["lead"], *keys) == (2, 17000.0, 4, 4, 4.0, 100.0, 50.0)
    assert figures(stages["qualification"], *keys) == (1, 40000.0, 2, 2, 11.5, 50.0, 50.0)
    assert figures(stages["proposal"], *keys) == (1, 20000.0, 3, 2, 13.0, 100.0, 50.0)
    assert figures(stages["negotiation"], *keys) == (1, 11000.0, 1, 1, 28.0, 100.0, 100.0)
    assert figures(stages["closed_won"], *keys) == (2, 35500.0, 2, 0, None, None, None)
    assert figures(stages["closed_lost"], *keys) == (1, 8000.0, 1, 0, None, None, None)
    assert figures(body, "dealsWon", "dealsLost", "wonValue", "winRate", "averageDealSize", "averageSalesCycle") == (
        2,
        1,
        35500.0,
        66.67,
        17750.0,
        35.0,
    )
    trend = {row["period"]: row for row in body["trend"]}
    assert figures(trend["2025-01"], "dealsCreated", "dealsWon", "dealsLost") == (2, 0, 0)
    assert figures(trend["2025-02"], "dealsCreated", "dealsWon", "wonValue") == (2, 1, 30000.0)
    assert figures(trend["2025-04"], "dealsCreated", "dealsWon", "dealsLost", "wonValue", "winRate") == (
        1,
        1,
        1,
        5500.0,
        50.0,
    )
    assert figures(trend["2025-12"], "dealsCreated", "dealsWon") == (1, 0)


def test_analytics_of_another_year_are_empty(admin_api, dataset):
    body = admin_api.get(f"/v1/pipelines/{dataset['pipeline'].pk}/analytics?period=quarter&year=2024").json()["data"]
    assert all(row["entered"] == 0 for row in body["stages"])
    assert (body["dealsWon"], body["winRate"], len(body["trend"])) == (0, None, 4)


def test_stage_rollup_always_equals_the_history(dataset):
    """The triggers keep StageTransitionDay equal to DealStageChange summed, through inserts,
    updates (the fixture moves created_at) and deletes (a deal purged with its history)."""
    dataset["deals"]["D7"].delete()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (created_at AT TIME ZONE 'UTC')::date, COALESCE(from_stage_id, ''), COALESCE(to_stage_id, ''),
                   COUNT(*), COALESCE(SUM(seconds_in_previous_stage), 0), COUNT(seconds_in_previous_stage)
            FROM deals_dealstagechange GROUP BY 1, 2, 3
            """
        )
        expected = {row[:3]: row[3:] for row in cursor.fetchall()}
    rollup = {
        (r.day, r.from_stage_id, r.to_stage_id): (r.transitions, r.seconds_sum, r.seconds_count)
        for r in StageTransitionDay.objects.exclude(transitions=0)
    }
    assert rollup == expected
    assert DealStageChange.objects.count() == 10


def test_sales_report_matches_hand_computed_figures(admin_api, dataset):
    pipeline = dataset["pipeline"]
    response = admin_api.get(f"/v1/reports/sales?start=2025-01-01&end=2025-12-31&pipelineIds={pipeline.pk}")
    assert response.status_code == 200, response.content
    body = response.json()["data"]
    assert figures(body, "totalRevenue", "dealsClosed", "dealsLost", "averageDealSize", "conversionRate") == (
        35500.0,
        2,
        1,
        17750.0,
        66.67,
    )
    assert [(p["user"]["name"], p["revenue"], p["dealsWon"]) for p in body["topPerformers"]] == [
        ("Alice Ames", 30000.0, 1),
        ("Bob Burns", 5500.0, 1),
    ]
    [breakdown] = body["pipelineBreakdown"]
    assert breakdown["pipeline"] == {"id": pipeline.pk, "name": "Sales Pipeline"}
    metrics = [
        (m["stage"]["name"], m["stage"]["probability"], m["dealCount"], m["totalValue"], m["averageTimeInStage"])
        for m in breakdown["stageMetrics"]
    ]
    assert metrics == [
        ("Lead", 10, 2, 17000.0, 4.0),
        ("Qualification", 25, 1, 40000.0, 11.5),
        ("Proposal", 50, 1, 20000.0, 13.0),
        ("Negotiation", 75, 1, 11000.0, 28.0),
        ("Closed Won", 100, 2, 35500.0, None),
        ("Closed Lost", 0, 1, 8000.0, None),
    ]


def test_sales_report_for_one_user_and_period(admin_api, dataset):
    bob = dataset["bob"]
    query = f"start=2025-04-01&end=2025-04-30&userId={bob.pk}&pipelineIds={dataset['pipeline'].pk}"
    body = admin_api.get(f"/v1/reports/sales?{query}").json()["data"]
    assert figures(body, "totalRevenue", "dealsClosed", "dealsLost", "conversionRate") == (5500.0, 1, 1, 50.0)
    metrics = {m["stage"]["name"]: m for m in body["pipelineBreakdown"][0]["stageMetrics"]}
    # bob's deals in April: D6 left Negotiation (28 days); D7 left Lead (6) and Qualification (13)
    assert figures(metrics["Negotiation"], "dealCount", "totalValue", "averageTimeInStage") == (1, 11000.0, 28.0)
    assert metrics["Lead"]["averageTimeInStage"] == 6.0
    assert metrics["Qualification"]["averageTimeInStage"] == 13.0
    assert metrics["Proposal"]["averageTimeInStage"] is None


def test_performance_metrics_of_one_rep(admin_api, dataset):
    bob = dataset["bob"]
    body = admin_api.get(f"/v1/reports/performance?userId={bob.pk}&period=year&date=2025-06-01").json()["data"]
    assert figures(body, "start", "end", "dealsWon", "dealsLost", "wonValue", "winRate") == (
        "2025-01-01",
        "2025-12-31",
        1,
        1,
        5500.0,
        50.0,
    )
    assert figures(body, "averageDealSize", "averageSalesCycle", "dealsCreated") == (5500.0, 40.0, 4)
    assert figures(body, "openDeals", "openPipelineValue", "weightedPipelineValue") == (2, 51000.0, 20250.0)
    assert body["activities"] == {"tasksCompleted": 1, "eventsHeld": 0, "communicationsLogged": 0, "stageMoves": 5}
    quarter = admin_api.get(f"/v1/reports/performance?userId={bob.pk}&period=quarter&date=2025-02-14").json()["data"]
    assert figures(quarter, "start", "end", "dealsWon", "dealsCreated") == ("2025-01-01", "2025-03-31", 0, 2)  # D3, D6


def test_dashboard_data(admin_api, dataset):
    pipeline = dataset["pipeline"]
    body = admin_api.get(f"/v1/reports/dashboard?pipelineId={pipeline.pk}&year=2025").json()["data"]
    assert [(f["stage"]["name"], f["dealCount"], f["value"]) for f in body["funnel"]] == [
        ("Lead", 2, 17000.0),
        ("Qualification", 1, 40000.0),
        ("Proposal", 1, 20000.0),
        ("Negotiation", 1, 11000.0),
        ("Closed Won", 2, 35500.0),
        ("Closed Lost", 1, 8000.0),
    ]
    assert len(body["forecast"]) == 12
    assert body["forecast"][4]["pipelineValue"] == 11000.0  # May: D3
    trend = {row["period"]: row for row in body["wonLostTrend"]}
    assert figures(trend["2025-04"], "won", "lost", "wonValue", "lostValue") == (1, 1, 5500.0, 8000.0)
    reps = {row["user"]["name"]: row for row in body["activityByRep"]}
    assert figures(reps["Bob Burns"], "tasksCompleted", "stageMoves") == (1, 5)
    assert reps["Alice Ames"]["stageMoves"] == 4


def test_reports_need_a_reports_permission(api, make_user, dataset):
    from apps.users.services import role_create

    api.force_authenticate(make_user(roles=["sales_rep"]))
    refused = api.get("/v1/reports/sales")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["details"]["required_permissions"] == ["reports:sales:read"]
    role_create(name="analyst", permissions=["reports:read"])
    api.force_authenticate(make_user(roles=["analyst"]))
    assert api.get("/v1/reports/sales").status_code == 200
    api.force_authenticate(dataset["alice"])  # sales_manager: reports:sales:*
    assert api.get("/v1/reports/dashboard").status_code == 200


def test_currency_rates_convert_report_values(admin_api, dataset):
    pipeline = dataset["pipeline"]
    assert admin_api.get("/v1/currency-rates").json()["data"] == [
        {
            "currency": "EUR",
            "rate": 1.1,
            "updatedAt": admin_api.get("/v1/currency-rates/eur").json()["data"]["updatedAt"],
            "baseCurrency": "USD",
        }
    ]
    assert admin_api.post("/v1/currency-rates", {"currency": "EUR", "rate": 2}, format="json").status_code == 409
    assert admin_api.post("/v1/currency-rates", {"currency": "USD", "rate": 2}, format="json").status_code == 400
    assert admin_api.put("/v1/currency-rates/EUR", {"rate": 2}, format="json").json()["data"]["rate"] == 2.0
    body = admin_api.get(f"/v1/deals/forecast?pipelineId={pipeline.pk}&period=quarter&year=2025").json()["data"]
    assert body["periods"][1]["pipelineValue"] == 20000.0  # D3: 10,000 EUR at 2.0
    created = admin_api.post("/v1/currency-rates", {"currency": "gbp", "rate": 1.25}, format="json")
    assert (created.status_code, created.json()["data"]["currency"]) == (201, "GBP")
    assert admin_api.delete("/v1/currency-rates/GBP").json()["data"] == {"id": "GBP", "deleted": True}
