"""Every root query field answers (the reporting ones live in test_reports.py)."""

import datetime as dt

from django.utils import timezone

from tests.graphql import data


def _ok(body):
    assert "errors" not in body, body
    return body["data"]


def test_contact_contacts_and_search_contacts(gql):
    account = data.make_account(name="Initech")
    john = data.make_contact(first_name="John", last_name="Doe", account=account, address={"city": "Austin"})
    data.make_contact(first_name="Jane", last_name="Roe", email="jane@roe.io", company="Roe LLC")
    deal = data.make_deal(contact=john, value=1000)
    data.make_communication(john, subject="Hello")
    query = """query($id: ID!) {
      contact(id: $id) {
        id fullName address { city } account { name } dealValue
        lastActivity { ... on Communication { subject isRecent } }
        deals { totalCount edges { node { id } } } activities { totalCount } owner { id } leadSource { id }
      }
      contacts(sort: {field: LAST_NAME, direction: DESC}) { totalCount edges { node { lastName } } }
      searchContacts(query: "roe llc") { fullName }
    }"""
    result = _ok(gql(query, {"id": john.pk}))
    assert result["contact"]["fullName"] == "John Doe"
    assert result["contact"]["address"] == {"city": "Austin"}
    assert result["contact"]["account"] == {"name": "Initech"}
    assert result["contact"]["dealValue"] == 1000.0
    assert result["contact"]["lastActivity"] == {"subject": "Hello", "isRecent": True}
    assert result["contact"]["deals"] == {"totalCount": 1, "edges": [{"node": {"id": deal.pk}}]}
    assert result["contact"]["activities"] == {"totalCount": 1}
    assert [e["node"]["lastName"] for e in result["contacts"]["edges"]] == ["Roe", "Doe"]
    assert result["searchContacts"] == [{"fullName": "Jane Roe"}]


def test_deal_and_its_computed_fields(gql, admin):
    deal = data.make_deal(
        owner=admin, value=40000, probability=50, expected_close_date=timezone.now() - dt.timedelta(days=1)
    )
    query = """query($id: ID!) { deal(id: $id) { title weightedValue isOverdue daysInStage status stageName
      pipeline { name stages { slug } } owner { name email } nextActivity { __typename } } }"""
    result = _ok(gql(query, {"id": deal.pk}))["deal"]
    assert result["weightedValue"] == 20000.0
    assert result["isOverdue"] is True
    assert result["daysInStage"] == 0
    assert result["status"] == "ACTIVE"
    assert result["stageName"] == "Qualification"
    assert result["pipeline"]["stages"][0]["slug"] == "lead"
    assert result["owner"] == {"name": "Tenant Admin", "email": "admin@acme.test"}
    assert result["nextActivity"] is None
    assert _ok(gql('{ deal(id: "deal_unknown") { id } }')) == {"deal": None}
    assert _ok(gql('{ deal(id: "contact_wrong_prefix") { id } }')) == {"deal": None}


def test_lead_leads_and_lead_scoring(gql):
    from apps.leads.models import LeadScoreHistory

    lead = data.make_lead(score=80, status="qualified")
    LeadScoreHistory.objects.create(
        lead=lead,
        previous_score=60,
        score=80,
        scoring_factors=[{"factor": "budget", "points": 20, "reason": "Confirmed"}],
    )
    query = """query($id: ID!) {
      lead(id: $id) { fullName isQualified daysSinceCreated scoringHistory { previousScore score } status }
      leads(filter: {score: {gte: 50}}) { totalCount }
      leadScoring(leadId: $id) { score previousScore newScore scoringFactors { factor points reason } lead { id } }
    }"""
    result = _ok(gql(query, {"id": lead.pk}))
    assert result["lead"] == {
        "fullName": "Jane Smith",
        "isQualified": True,
        "daysSinceCreated": 0,
        "scoringHistory": [{"previousScore": 60, "score": 80}],
        "status": "QUALIFIED",
    }
    assert result["leads"] == {"totalCount": 1}
    assert result["leadScoring"]["previousScore"] == 60
    assert result["leadScoring"]["scoringFactors"] == [{"factor": "budget", "points": 20, "reason": "Confirmed"}]


def test_account_accounts_and_account_hierarchy(gql):
    top = data.make_account(name="Top")
    middle = data.make_account(name="Middle", parent=top)
    leaf = data.make_account(name="Leaf", parent=middle, type="Customer")
    data.make_deal(account=leaf, value=500)
    data.make_deal(account=leaf, value=700, stage_slug="closed_won")
    query = """query($id: ID!) {
      account(id: $id) { name type totalDealValue activeDealCount parentAccount { name } childAccounts { name } }
      accounts(filter: {name: {in: ["Top", "Leaf"]}}) { totalCount }
      accountHierarchy(accountId: $id) { account { name } parent { name } children { name } ancestors { name } }
    }"""
    result = _ok(gql(query, {"id": leaf.pk}))
    assert result["account"] == {
        "name": "Leaf",
        "type": "CUSTOMER",
        "totalDealValue": 1200.0,
        "activeDealCount": 1,
        "parentAccount": {"name": "Middle"},
        "childAccounts": [],
    }
    assert result["accounts"] == {"totalCount": 2}
    assert result["accountHierarchy"] == {
        "account": {"name": "Leaf"},
        "parent": {"name": "Middle"},
        "children": [],
        "ancestors": [{"name": "Middle"}, {"name": "Top"}],
    }


def test_activity_activities_and_activity_timeline(gql, admin):
    deal = data.make_deal()
    task = data.make_task(deal, title="Call", priority="high", assigned_to=admin)
    event = data.make_event(deal, title="Demo", location="Room A")
    event.attendee_users.add(admin)
    comm = data.make_communication(deal)
    comm.participants.add(data.make_contact(first_name="Pat"))
    query = """query($task: ID!, $deal: ID!) {
      activity(id: $task) {
        ... on Task { title priority status assignedTo { name } relatedTo { ... on Deal { id } } daysUntilDue }
      }
      activities(filter: {kind: [EVENT, COMMUNICATION]}) { totalCount edges { node { __typename } } }
      activityTimeline(relatedTo: {type: DEAL, id: $deal}) {
        __typename
        ... on Event { attendees { name } isUpcoming location }
        ... on Communication { type direction participants { firstName } }
      }
    }"""
    result = _ok(gql(query, {"task": task.pk, "deal": deal.pk}))
    assert result["activity"] == {
        "title": "Call",
        "priority": "HIGH",
        "status": "PENDING",
        "assignedTo": {"name": "Tenant Admin"},
        "relatedTo": {"id": deal.pk},
        "daysUntilDue": 1,
    }
    assert result["activities"]["totalCount"] == 2
    # As REST's timeline: by when each happens (event start, task creation, communication time).
    kinds = [item["__typename"] for item in result["activityTimeline"]]
    assert kinds == ["Event", "Task", "Communication"]
    assert result["activityTimeline"][2]["participants"] == [{"firstName": "Pat"}]
    assert result["activityTimeline"][2]["type"] == "EMAIL"
    assert result["activityTimeline"][0] == {
        "__typename": "Event",
        "attendees": [{"name": "Tenant Admin"}],
        "isUpcoming": True,
        "location": "Room A",
    }


def test_pipeline_and_pipelines(gql):
    pipeline = data.default_pipeline()
    data.make_deal(stage_slug="proposal")
    query = """query($id: ID!) {
      pipeline(id: $id) {
        name deals { totalCount }
        stages { name order probability automationRules { trigger } deals { totalCount } }
      }
      pipelines { id isDefault }
      apiVersion
    }"""
    result = _ok(gql(query, {"id": pipeline.pk}))
    assert [stage["name"] for stage in result["pipeline"]["stages"]][:3] == ["Lead", "Qualification", "Proposal"]
    assert result["pipeline"]["stages"][2]["deals"] == {"totalCount": 1}
    assert result["pipeline"]["deals"] == {"totalCount": 1}
    assert {"id": pipeline.pk, "isDefault": True} in result["pipelines"]
    assert result["apiVersion"] == "1.0"


def test_customer_overview_of_a_contact_and_of_an_account(gql):
    account = data.make_account(name="Umbrella")
    contact = data.make_contact(first_name="Ada", account=account)
    data.make_deal(contact=contact, account=account, value=300)
    data.make_deal(contact=contact, value=100, stage_slug="closed_lost")
    comm = data.make_communication(contact, subject="Hi")
    query = """query($id: ID!) { customerOverview(customerId: $id) {
      contact { firstName } account { name } deals { value } totalValue lastInteraction
      activities { ... on Communication { subject } } } }"""
    overview = _ok(gql(query, {"id": contact.pk}))["customerOverview"]
    assert overview["contact"] == {"firstName": "Ada"}
    assert overview["account"] == {"name": "Umbrella"}
    assert sorted(deal["value"] for deal in overview["deals"]) == [100.0, 300.0]
    assert overview["totalValue"] == 300.0
    assert overview["lastInteraction"] == comm.timestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert overview["activities"] == [{"subject": "Hi"}]
    by_account = _ok(gql(query, {"id": account.pk}))["customerOverview"]
    assert by_account["contact"] is None and by_account["totalValue"] == 300.0
    assert _ok(gql(query, {"id": "contact_nobody"})) == {"customerOverview": None}
