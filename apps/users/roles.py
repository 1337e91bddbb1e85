"""The design's role table: seeded into every tenant, editable by tenant admins (except system roles)."""

SYSTEM_ADMIN = "system_admin"
TENANT_ADMIN = "tenant_admin"
SALES_MANAGER = "sales_manager"
SALES_REP = "sales_rep"
MARKETING_MANAGER = "marketing_manager"
SUPPORT_AGENT = "support_agent"

DEFAULT_ROLES: dict[str, dict] = {
    SYSTEM_ADMIN: {
        "description": "Full system access across all tenants",
        "permissions": ["*"],
        "is_system": True,
    },
    TENANT_ADMIN: {
        "description": "Full access within tenant",
        "permissions": ["tenant:*"],
        "is_system": True,
    },
    SALES_MANAGER: {
        "description": "Manage sales team and processes",
        "permissions": [
            "contacts:*",
            "deals:*",
            "leads:*",
            "pipelines:*",
            "reports:sales:*",
            "users:team:read",
        ],
        "is_system": False,
    },
    SALES_REP: {
        "description": "Standard sales representative",
        "permissions": [
            "contacts:read",
            "contacts:write:own",
            "deals:read",
            "deals:write:own",
            "leads:read",
            "leads:write:own",
            "activities:*:own",
        ],
        "is_system": False,
    },
    MARKETING_MANAGER: {
        "description": "Manage marketing campaigns and leads",
        "permissions": ["leads:*", "contacts:read", "campaigns:*", "reports:marketing:*"],
        "is_system": False,
    },
    SUPPORT_AGENT: {
        "description": "Customer support access",
        "permissions": ["contacts:read", "accounts:read", "activities:support:*", "tickets:*"],
        "is_system": False,
    },
}

# Every permission string the platform checks: the scopes an OAuth client may ask for, and the
# choices of the role editor.
RESOURCES = [
    "contacts",
    "accounts",
    "leads",
    "deals",
    "pipelines",
    "activities",
    "reports",
    "users",
    "roles",
    "teams",
    "custom_fields",
    "custom_objects",
    "api_keys",
    "webhooks",
    "bulk",
    "integrations",
    "marketplace",
    "ai",
    "security",
    "campaigns",
    "tickets",
]
ACTIONS = ["read", "write", "delete", "export", "manage"]
EXTRA_PERMISSIONS = ["deals:move_stage", "deals:forecast", "records:reassign"]
ALL_PERMISSIONS = [f"{r}:{a}" for r in RESOURCES for a in ACTIONS] + EXTRA_PERMISSIONS
