"""Tenant-defined custom fields: defined over `/v1/custom-fields`, validated on every write."""

import pytest

from apps.core.custom_fields import custom_field_define, custom_fields_clean
from apps.core.errors import ValidationFailed


@pytest.fixture
def definitions(tenant):
    custom_field_define(entity="contact", name="seats", field_type="number")
    custom_field_define(entity="contact", name="tier", field_type="choice", choices=["gold", "silver"])
    custom_field_define(entity="contact", name="renewal", field_type="date")
    custom_field_define(entity="contact", name="vip", field_type="bool")
    custom_field_define(entity="contact", name="region", field_type="text", required=True)


def errors_of(callable_) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        callable_()
    return caught.value.field_errors


def test_valid_values_pass(definitions):
    values = {"seats": 12, "tier": "gold", "renewal": "2025-04-01", "vip": True, "region": "EMEA"}
    assert custom_fields_clean(entity="contact", values=values) == values


def test_wrong_type_names_the_field(definitions):
    errors = errors_of(lambda: custom_fields_clean(entity="contact", values={"seats": "many", "region": "x"}))
    assert list(errors) == ["customFields.seats"]


def test_missing_required_names_the_field(definitions):
    errors = errors_of(lambda: custom_fields_clean(entity="contact", values={"seats": 1}))
    assert list(errors) == ["customFields.region"]


def test_unknown_choice_names_the_field(definitions):
    errors = errors_of(lambda: custom_fields_clean(entity="contact", values={"tier": "bronze", "region": "x"}))
    assert list(errors) == ["customFields.tier"]


def test_undefined_key_is_refused(definitions):
    errors = errors_of(lambda: custom_fields_clean(entity="contact", values={"shoeSize": 44, "region": "x"}))
    assert list(errors) == ["customFields.shoeSize"]


def test_partial_write_merges_and_null_removes(definitions):
    existing = {"seats": 3, "region": "EMEA", "vip": True}
    merged = custom_fields_clean(entity="contact", values={"seats": 4, "vip": None}, existing=existing, partial=True)
    assert merged == {"seats": 4, "region": "EMEA"}


def test_provisioning_defines_the_design_example_fields(tenant):
    from apps.core.models import CustomFieldDefinition

    names = set(CustomFieldDefinition.objects.values_list("entity", "name"))
    assert {
        ("contact", "leadSource"),
        ("contact", "industry"),
        ("deal", "dealSource"),
        ("deal", "competitorInfo"),
        ("lead", "budget"),
        ("lead", "timeline"),
    } <= names


def test_custom_fields_api_crud(admin_api):
    created = admin_api.post(
        "/v1/custom-fields",
        {"entity": "deal", "name": "contractTerm", "label": "Contract term", "type": "choice", "choices": ["1y", "3y"]},
        format="json",
    )
    assert created.status_code == 201, created.content
    field_id = created.json()["data"]["id"]
    assert field_id.startswith("cf_")
    listed = admin_api.get("/v1/custom-fields?entity=deal").json()["data"]
    assert "contractTerm" in {item["name"] for item in listed}
    assert admin_api.patch(f"/v1/custom-fields/{field_id}", {"required": True}, format="json").json()["data"][
        "required"
    ]
    assert admin_api.delete(f"/v1/custom-fields/{field_id}").json()["data"] == {"id": field_id, "deleted": True}


def test_choice_definition_needs_choices(admin_api):
    response = admin_api.post("/v1/custom-fields", {"entity": "deal", "name": "x", "type": "choice"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "choices"
