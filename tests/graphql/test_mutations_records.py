"""Every mutation of the design: it applies (as its REST action does) or answers `errors`."""

from apps.events.models import OutboxEvent
from tests.graphql import data


def _payload(body, name):
    assert "errors" not in body, body
    return body["data"][name]


CREATE_CONTACT = """
mutation($input: CreateContactInput!) {
  createContact(input: $input) {
    contact { id fullName email jobTitle address { city zipCode } customFields }
    errors { field code message }
  }
}
"""


def test_create_contact_with_the_designs_body(gql):
    contact_input = {
        "firstName": "John",
        "lastName": "Doe",
        "email": "john.doe@example.com",
        "phone": "+1-555-0123",
        "company": "Acme Corp",
        "jobTitle": "Sales Manager",
        "address": {"street": "123 Main St", "city": "New York", "state": "NY", "zipCode": "10001", "country": "US"},
        "customFields": {"leadSource": "Website", "industry": "Technology"},
    }
    result = _payload(gql(CREATE_CONTACT, {"input": contact_input}), "createContact")
    assert result["errors"] == []
    contact = result["contact"]
    assert contact["id"].startswith("contact_")
    assert contact["fullName"] == "John Doe"
    assert contact["address"] == {"city": "New York", "zipCode": "10001"}
    assert contact["customFields"] == {"leadSource": "Website", "industry": "Technology"}
    assert OutboxEvent.objects.filter(event_type="contact.created", record_id=contact["id"]).exists()


def test_create_contact_validation_failure_answers_errors(gql):
    bad = {"firstName": "John", "lastName": "Doe", "email": "not-an-email", "customFields": {"nope": 1}}
    result = _payload(gql(CREATE_CONTACT, {"input": bad}), "createContact")
    assert result["contact"] is None
    fields = {error["field"]: error["code"] for error in result["errors"]}
    assert fields.get("email") == "VALIDATION_ERROR"
    assert "customFields.nope" in fields


UPDATE_CONTACT = """
mutation($id: ID!, $input: UpdateContactInput!) {
  updateContact(id: $id, input: $input) { contact { firstName lastName email phone } errors { field code } }
}
"""


def test_update_contact_changes_only_the_fields_sent(gql):
    contact = data.make_contact(first_name="John", last_name="Doe", phone="+1-555")
    changes = {"firstName": "John", "lastName": "Smith", "email": "john.smith@example.com"}
    result = _payload(gql(UPDATE_CONTACT, {"id": contact.pk, "input": changes}), "updateContact")
    assert result["contact"] == {
        "firstName": "John",
        "lastName": "Smith",
        "email": "john.smith@example.com",
        "phone": "+1-555",
    }
    refused = _payload(gql(UPDATE_CONTACT, {"id": contact.pk, "input": {"email": "bad"}}), "updateContact")
    assert refused["contact"] is None and refused["errors"][0]["code"] == "VALIDATION_ERROR"
    unknown = _payload(gql(UPDATE_CONTACT, {"id": "contact_missing", "input": {"lastName": "X"}}), "updateContact")
    assert unknown["errors"] == [{"field": None, "code": "NOT_FOUND"}]


def test_delete_contact(gql):
    contact = data.make_contact()
    query = "mutation($id: ID!) { deleteContact(id: $id) { id deleted errors { code } } }"
    assert _payload(gql(query, {"id": contact.pk}), "deleteContact") == {
        "id": contact.pk,
        "deleted": True,
        "errors": [],
    }
    again = _payload(gql(query, {"id": contact.pk}), "deleteContact")
    assert again["deleted"] is False and again["errors"] == [{"code": "NOT_FOUND"}]


CREATE_LEAD = """
mutation($input: CreateLeadInput!) {
  createLead(input: $input) { lead { id fullName status score customFields } errors { field code } }
}
"""


def test_create_lead_with_the_designs_body(gql):
    lead_input = {
        "firstName": "Jane",
        "lastName": "Smith",
        "email": "jane.smith@prospect.com",
        "phone": "+1-555-0456",
        "company": "Prospect Inc",
        "jobTitle": "VP Sales",
        "source": "Website Form",
        "status": "NEW",
        "score": 75,
        "customFields": {"budget": "50000-100000", "timeline": "Q2 2025"},
    }
    result = _payload(gql(CREATE_LEAD, {"input": lead_input}), "createLead")
    assert result["lead"]["status"] == "NEW" and result["lead"]["score"] == 75
    for field, value in (("score", 500), ("email", "nope")):
        refused = _payload(gql(CREATE_LEAD, {"input": {**lead_input, field: value}}), "createLead")
        assert refused["lead"] is None
        assert refused["errors"][0] == {"field": field, "code": "VALIDATION_ERROR"}


def test_qualify_and_convert_lead(gql):
    lead = data.make_lead(company="Prospect Inc")
    qualify = """mutation($id: ID!, $input: QualifyLeadInput!) {
      qualifyLead(leadId: $id, input: $input) { lead { status score isQualified } errors { field code } } }"""
    body = {
        "qualificationNotes": "Budget confirmed, decision maker identified",
        "score": 90,
        "nextAction": "Schedule demo",
    }
    result = _payload(gql(qualify, {"id": lead.pk, "input": body}), "qualifyLead")
    assert result["lead"] == {"status": "QUALIFIED", "score": 90, "isQualified": True}
    refused = _payload(gql(qualify, {"id": lead.pk, "input": {"score": 101}}), "qualifyLead")
    assert refused["lead"] is None and refused["errors"][0]["code"] == "VALIDATION_ERROR"

    convert = """mutation($id: ID!, $input: ConvertLeadInput!) {
      convertLead(leadId: $id, input: $input) {
        lead { status } contact { fullName } deal { title value } account { name } errors { field code } } }"""
    convert_input = {
        "createContact": True,
        "createDeal": True,
        "dealTitle": "New Business Opportunity",
        "dealValue": 75000.00,
        "pipelineId": data.default_pipeline().pk,
    }
    converted = _payload(gql(convert, {"id": lead.pk, "input": convert_input}), "convertLead")
    assert converted["lead"] == {"status": "CONVERTED"}
    assert converted["contact"] == {"fullName": "Jane Smith"}
    assert converted["deal"] == {"title": "New Business Opportunity", "value": 75000.0}
    assert converted["errors"] == []
    twice = _payload(gql(convert, {"id": lead.pk, "input": convert_input}), "convertLead")
    assert twice["lead"] is None and twice["errors"]


CREATE_ACCOUNT = """
mutation($input: CreateAccountInput!) {
  createAccount(input: $input) {
    account { id name type employees annualRevenue address { city } }
    errors { field code }
  }
}
"""


def test_create_and_update_account_and_relationship(gql):
    account_input = {
        "name": "Enterprise Corp",
        "website": "https://enterprise-corp.com",
        "industry": "Technology",
        "employees": 5000,
        "annualRevenue": 100000000,
        "type": "CUSTOMER",
        "parentAccountId": None,
        "address": {
            "street": "456 Business Ave",
            "city": "San Francisco",
            "state": "CA",
            "zipCode": "94105",
            "country": "US",
        },
    }
    created = _payload(gql(CREATE_ACCOUNT, {"input": account_input}), "createAccount")
    assert created["account"]["type"] == "CUSTOMER" and created["account"]["address"] == {"city": "San Francisco"}
    refused = _payload(gql(CREATE_ACCOUNT, {"input": {"name": "", "employees": -1}}), "createAccount")
    assert refused["account"] is None and refused["errors"][0]["code"] == "VALIDATION_ERROR"

    update = """mutation($id: ID!, $input: UpdateAccountInput!) {
      updateAccount(id: $id, input: $input) { account { industry employees } errors { field code } } }"""
    account_id = created["account"]["id"]
    changed = _payload(gql(update, {"id": account_id, "input": {"industry": "Software"}}), "updateAccount")
    assert changed["account"] == {"industry": "Software", "employees": 5000}
    loop = _payload(gql(update, {"id": account_id, "input": {"parentAccountId": account_id}}), "updateAccount")
    assert loop["account"] is None and loop["errors"]

    relate = """mutation($input: AccountRelationshipInput!) {
      createAccountRelationship(input: $input) {
        accountRelationship { relationshipType relatedAccount { name } } errors { field code } } }"""
    subsidiary = data.make_account(name="Subsidiary Co")
    link = {
        "accountId": account_id,
        "relatedAccountId": subsidiary.pk,
        "relationshipType": "subsidiary",
        "description": "Wholly owned subsidiary",
    }
    linked = _payload(gql(relate, {"input": link}), "createAccountRelationship")
    assert linked["accountRelationship"] == {
        "relationshipType": "subsidiary",
        "relatedAccount": {"name": "Subsidiary Co"},
    }
    bad = _payload(gql(relate, {"input": {**link, "relationshipType": "enemy"}}), "createAccountRelationship")
    assert bad["accountRelationship"] is None and bad["errors"][0]["code"] == "VALIDATION_ERROR"


def test_create_task_event_and_log_communication(gql, admin):
    deal = data.make_deal()
    contact = data.make_contact()
    task = """mutation($input: CreateTaskInput!) {
      createTask(input: $input) { task { title priority status assignedTo { id } relatedTo { ... on Deal { id } } }
                                  errors { field code } } }"""
    task_input = {
        "title": "Follow up call",
        "description": "Call to discuss proposal feedback",
        "dueDate": "2025-01-25T14:00:00Z",
        "priority": "HIGH",
        "status": "PENDING",
        "assignedTo": admin.pk,
        "relatedTo": {"type": "DEAL", "id": deal.pk},
    }
    created = _payload(gql(task, {"input": task_input}), "createTask")
    assert created["task"] == {
        "title": "Follow up call",
        "priority": "HIGH",
        "status": "PENDING",
        "assignedTo": {"id": admin.pk},
        "relatedTo": {"id": deal.pk},
    }
    refused = _payload(
        gql(task, {"input": {**task_input, "relatedTo": {"type": "DEAL", "id": "deal_nope"}}}), "createTask"
    )
    assert refused["task"] is None and refused["errors"][0]["code"] == "VALIDATION_ERROR"

    event = """mutation($input: CreateEventInput!) {
      createEvent(input: $input) { event { title duration location attendees { id } } errors { field code } } }"""
    event_input = {
        "title": "Product Demo",
        "description": "Demo of CRM features",
        "startTime": "2025-01-26T10:00:00Z",
        "endTime": "2025-01-26T11:00:00Z",
        "location": "Conference Room A",
        "attendees": [admin.pk, contact.pk],
        "relatedTo": {"type": "DEAL", "id": deal.pk},
    }
    made = _payload(gql(event, {"input": event_input}), "createEvent")
    assert made["event"] == {
        "title": "Product Demo",
        "duration": 60,
        "location": "Conference Room A",
        "attendees": [{"id": admin.pk}],
    }
    backwards = {**event_input, "endTime": "2025-01-26T09:00:00Z"}
    assert _payload(gql(event, {"input": backwards}), "createEvent")["errors"][0]["code"] == "VALIDATION_ERROR"

    log = """mutation($input: CommunicationInput!) {
      logCommunication(input: $input) {
        communication { type direction subject participants { id } }
        errors { field code } } }"""
    comm_input = {
        "type": "EMAIL",
        "direction": "OUTBOUND",
        "subject": "Proposal Follow-up",
        "content": "Thank you for reviewing our proposal...",
        "timestamp": "2025-01-24T09:30:00Z",
        "participants": [contact.pk],
        "relatedTo": {"type": "DEAL", "id": deal.pk},
    }
    logged = _payload(gql(log, {"input": comm_input}), "logCommunication")
    assert logged["communication"] == {
        "type": "EMAIL",
        "direction": "OUTBOUND",
        "subject": "Proposal Follow-up",
        "participants": [{"id": contact.pk}],
    }
    empty = _payload(gql(log, {"input": {**comm_input, "content": ""}}), "logCommunication")
    assert empty["communication"] is None and empty["errors"][0]["field"] == "content"


def test_mutations_need_the_rest_permission(gql, api, make_user):
    api.force_authenticate(make_user(roles=["support_agent"]))  # contacts:read only
    body = gql(CREATE_CONTACT, {"input": {"firstName": "No", "lastName": "Way"}})
    assert body["data"]["createContact"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_a_sales_rep_cannot_update_another_owners_contact(gql, api, make_user):
    owner = make_user(roles=["sales_rep"])
    contact = data.make_contact(owner=owner)
    api.force_authenticate(make_user(roles=["sales_rep"]))
    body = gql(UPDATE_CONTACT, {"id": contact.pk, "input": {"lastName": "Hijack"}})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
