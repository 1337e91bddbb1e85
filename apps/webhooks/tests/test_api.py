"""`/v1/webhooks`: the design's registration body, CRUD, test, delivery log, SSRF refusals."""

import copy

import pytest
from django.utils import timezone

from apps.events.services import event_emit, events_publish_pending
from apps.events.types import EventType
from apps.webhooks import services
from apps.webhooks.matching import event_matches
from apps.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from apps.webhooks.signing import signature_header, signature_verify

DESIGN_BODY = {
    "url": "https://external-system.com/webhooks/crm-events",
    "events": ["deal.created", "deal.stage_changed", "contact.updated", "lead.converted"],
    "filters": {
        "deal.stage_changed": {"pipeline_ids": ["pipe_123", "pipe_456"], "stages": ["closed_won", "closed_lost"]}
    },
    "security": {"secret": "webhook_secret_key", "signature_header": "X-CRM-Signature"},
    "retry_config": {"max_retries": 3, "retry_delay_seconds": 60, "timeout_seconds": 30},
}


def test_register_webhook_with_the_design_body(admin_api):
    response = admin_api.post("/v1/webhooks", DESIGN_BODY, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert data["id"].startswith("wh_")
    assert data["url"] == DESIGN_BODY["url"]
    assert data["events"] == DESIGN_BODY["events"]
    assert data["filters"] == DESIGN_BODY["filters"]
    assert data["retry_config"] == DESIGN_BODY["retry_config"]
    assert data["security"]["signature_header"] == "X-CRM-Signature"
    assert "secret" not in data["security"]  # the caller's own secret is never echoed
    assert data["active"] is True


def test_list_get_update_delete_webhooks(admin_api, django_assert_max_num_queries):
    created = admin_api.post("/v1/webhooks", DESIGN_BODY, format="json").json()["data"]
    with django_assert_max_num_queries(8):
        listed = admin_api.get("/v1/webhooks").json()
    assert created["id"] in {item["id"] for item in listed["data"]}
    assert listed["meta"]["pagination"]["total"] >= 1
    assert admin_api.get(f"/v1/webhooks/{created['id']}").json()["data"]["url"] == DESIGN_BODY["url"]
    updated = admin_api.patch(
        f"/v1/webhooks/{created['id']}",
        {"events": ["deal.created"], "filters": {}, "retry_config": {"max_retries": 5}},
        format="json",
    ).json()["data"]
    assert updated["events"] == ["deal.created"] and updated["retry_config"]["max_retries"] == 5
    assert admin_api.delete(f"/v1/webhooks/{created['id']}").json()["data"] == {"id": created["id"], "deleted": True}
    assert admin_api.get(f"/v1/webhooks/{created['id']}").status_code == 404
    assert admin_api.get("/v1/webhooks/contact_123").status_code == 404


def test_generated_secret_is_shown_once(admin_api):
    body = {key: value for key, value in DESIGN_BODY.items() if key != "security"}
    data = admin_api.post("/v1/webhooks", body, format="json").json()["data"]
    assert data["security"]["secret"].startswith("whsec_")
    assert "secret" not in admin_api.get(f"/v1/webhooks/{data['id']}").json()["data"]["security"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.1.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
    ],
)
def test_private_loopback_and_link_local_targets_are_refused(admin_api, settings, url):
    settings.CRM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    response = admin_api.post("/v1/webhooks", dict(DESIGN_BODY, url=url), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "url"
    assert "private" in response.json()["error"]["message"]


def test_target_resolving_to_private_address_is_refused_again_at_delivery_time(admin, settings, tenant):
    """Registered while allowed (or before its DNS changed): the delivery re-checks the address."""
    settings.CRM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS = True
    webhook = services.webhook_create(
        url="http://localhost:9/hook",
        events=["contact.updated"],
        filters={},
        secret="s3cret-value",
        retry_config={"max_retries": 0},
        created_by=admin,
        grants=["*"],
    )
    settings.CRM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    event_emit(EventType.CONTACT_UPDATED, data={}, record_id="contact_1")
    events_publish_pending()
    delivery = WebhookDelivery.objects.get(webhook=webhook)
    assert services.delivery_attempt(delivery_id=delivery.pk) == "failed"
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.response_code is None and "private" in attempt.error


def test_bad_registrations_answer_validation_errors(admin_api):
    cases = [
        (dict(DESIGN_BODY, events=["deal.exploded"]), "events"),
        (dict(DESIGN_BODY, filters={"lead.scored": {"stages": ["x"]}}), "filters"),
        (dict(DESIGN_BODY, filters={"deal.stage_changed": {"colour": ["red"]}}), "filters"),
        (dict(DESIGN_BODY, url="ftp://example.com/x"), "url"),
        (dict(DESIGN_BODY, retry_config={"max_retries": 99}), "retry_config.max_retries"),
        (
            dict(DESIGN_BODY, security={"secret": "webhook_secret_key", "signature_header": "Host"}),
            "security.signature_header",
        ),
        (dict(DESIGN_BODY, colour="red"), "colour"),
    ]
    for body, field in cases:
        response = admin_api.post("/v1/webhooks", body, format="json")
        assert response.status_code == 400, body
        assert response.json()["error"]["field"] == field


def test_webhooks_need_permission_and_cannot_carry_events_their_creator_cannot_read(api, make_user):
    from apps.users.services import role_create

    rep = make_user(roles=["sales_rep"])
    api.force_authenticate(rep)
    assert api.post("/v1/webhooks", DESIGN_BODY, format="json").status_code == 403
    role_create(name="integrator", permissions=["webhooks:*", "contacts:read"])
    integrator = make_user(roles=["integrator"])
    api.force_authenticate(integrator)
    response = api.post("/v1/webhooks", DESIGN_BODY, format="json")
    assert response.status_code == 403
    assert "deals:read" in response.json()["error"]["details"]["required_permissions"]
    assert (
        api.post("/v1/webhooks", dict(DESIGN_BODY, events=["contact.updated"], filters={}), format="json").status_code
        == 201
    )


def test_filters_select_events_by_pipeline_and_stage():
    events, filters = DESIGN_BODY["events"], DESIGN_BODY["filters"]
    won = {
        "deal": {"id": "deal_1", "pipeline_id": "pipe_123", "previous_stage": "proposal", "current_stage": "closed_won"}
    }
    assert event_matches(events, filters, "deal.stage_changed", won, "")
    elsewhere = copy.deepcopy(won)
    elsewhere["deal"]["pipeline_id"] = "pipe_999"
    assert not event_matches(events, filters, "deal.stage_changed", elsewhere, "")
    still_open = copy.deepcopy(won)
    still_open["deal"]["current_stage"] = "negotiation"
    assert not event_matches(events, filters, "deal.stage_changed", still_open, "")
    assert event_matches(events, filters, "deal.created", {}, "")  # no filter for that type
    assert not event_matches(events, filters, "lead.scored", {}, "")


def test_signature_is_hmac_sha256_of_timestamp_dot_body_and_both_secrets_sign_during_rotation():
    import hashlib
    import hmac

    body = b'{"event_id":"evt_1"}'
    header = signature_header(["new-secret", "old-secret"], 1737714600, body)
    expected_new = hmac.new(b"new-secret", b"1737714600." + body, hashlib.sha256).hexdigest()
    expected_old = hmac.new(b"old-secret", b"1737714600." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1737714600,v1={expected_new},v1={expected_old}"
    assert signature_verify(header, "old-secret", body, now=1737714650)
    assert not signature_verify(header, "other", body, now=1737714650)
    assert not signature_verify(header, "new-secret", body, now=1737714600 + 3600)  # replayed late


def test_changing_the_secret_keeps_the_old_one_signing_for_a_while(admin_api):
    created = admin_api.post("/v1/webhooks", DESIGN_BODY, format="json").json()["data"]
    admin_api.patch(f"/v1/webhooks/{created['id']}", {"security": {"secret": "brand-new-secret"}}, format="json")
    webhook = Webhook.objects.get(pk=created["id"])
    assert webhook.secret == "brand-new-secret" and webhook.previous_secret == "webhook_secret_key"
    assert webhook.previous_secret_expires_at > timezone.now()


def test_backoff_is_exponential_with_jitter():
    delays = [services.backoff_seconds(retry_delay_seconds=60, attempt_number=n) for n in (1, 2, 3)]
    assert 30 <= delays[0] <= 60 and 60 <= delays[1] <= 120 and 120 <= delays[2] <= 240
    assert len({services.backoff_seconds(retry_delay_seconds=60, attempt_number=3) for _ in range(5)}) > 1


def test_delivery_log_lists_every_attempt_without_n_plus_one(admin_api, admin, django_assert_max_num_queries):
    created = admin_api.post(
        "/v1/webhooks", dict(DESIGN_BODY, events=["contact.updated"], filters={}), format="json"
    ).json()["data"]
    for n in range(3):
        event_emit(EventType.CONTACT_UPDATED, data={"n": n}, record_id=f"contact_{n}")
    events_publish_pending()
    for delivery in WebhookDelivery.objects.filter(webhook_id=created["id"]):
        for number in (1, 2):
            WebhookAttempt.objects.create(
                delivery=delivery,
                attempt_number=number,
                status="failed",
                error="Connection timeout",
                next_retry=timezone.now(),
            )
    with django_assert_max_num_queries(8):
        body = admin_api.get(f"/v1/webhooks/{created['id']}/deliveries").json()
    assert len(body["data"]) == 3
    entry = body["data"][0]
    assert entry["webhook_id"] == created["id"] and entry["id"].startswith("whd_")
    assert entry["delivery_attempt"]["attempt_number"] == 2
    assert (
        entry["delivery_attempt"]["status"] == "failed" and entry["delivery_attempt"]["error"] == "Connection timeout"
    )
    assert set(entry["event"]) == {"id", "type", "timestamp"} and entry["event"]["type"] == "contact.updated"
    assert len(entry["attempts"]) == 2
    one = admin_api.get(f"/v1/webhooks/{created['id']}/deliveries/{entry['id']}").json()["data"]
    assert one["id"] == entry["id"]
    again = admin_api.post(f"/v1/webhooks/{created['id']}/deliveries/{entry['id']}/redeliver")
    assert again.status_code == 202 and again.json()["data"]["redelivery_of"] == entry["id"]
    assert admin_api.post(f"/v1/webhooks/{created['id']}/deliveries/whd_nope/redeliver").status_code == 404
    test = admin_api.post(f"/v1/webhooks/{created['id']}/test")
    assert test.status_code == 202 and test.json()["data"]["event"]["type"] == "webhook.test"
