"""The design's permission strings: wildcards and ownership scopes."""

import pytest

from apps.core.permissions import grant_scope, grants_cover
from apps.users.roles import DEFAULT_ROLES


def role(name: str) -> list[str]:
    return DEFAULT_ROLES[name]["permissions"]


@pytest.mark.parametrize(
    ("grants", "required", "scope"),
    [
        (["*"], "anything:at:all", "tenant"),
        (["tenant:*"], "deals:forecast", "tenant"),
        (["contacts:*"], "contacts:delete", "tenant"),
        (["contacts:*"], "deals:read", None),
        (["contacts:read"], "contacts:write", None),
        (["contacts:read", "contacts:write:own"], "contacts:write", "own"),
        (["activities:*:own"], "activities:write", "own"),
        (["users:team:read"], "users:read", "team"),
        (["reports:sales:*"], "reports:sales:read", "tenant"),
        (["reports:sales:*"], "reports:marketing:read", None),
        (["pipelines:manage"], "pipelines:write", "tenant"),
        (["deals:write:own", "deals:write:team"], "deals:write", "team"),
    ],
)
def test_grant_scope(grants, required, scope):
    assert grant_scope(grants, required) == scope


def test_sales_rep_reads_all_contacts_but_writes_only_own():
    assert grant_scope(role("sales_rep"), "contacts:read") == "tenant"
    assert grant_scope(role("sales_rep"), "contacts:write") == "own"
    assert grant_scope(role("sales_rep"), "contacts:delete") is None


def test_support_agent_cannot_touch_deals():
    assert grant_scope(role("support_agent"), "deals:read") is None


def test_grants_cover_finds_what_exceeds_the_holder():
    assert grants_cover(role("sales_rep"), ["contacts:read", "deals:write:own"]) == []
    assert grants_cover(role("sales_rep"), ["contacts:write"]) == ["contacts:write"]
    assert grants_cover(["tenant:*"], ["deals:delete"]) == []
