"""The tenant routes, plus `/bare/contacts`: the floor `bench/contacts_list_vs_bare.py` measures
`GET /v1/contacts?limit=50` against. Same middleware (tenant routing included), same SQL as the
API's list page (session and user, the user's roles, the planner's row estimate for the total,
then the page joined to account and owner), the same JSON, built by hand and returned with
JsonResponse; no DRF, no envelope renderer, no serializer, no scoping."""

import json

from django.db import connection
from django.http import JsonResponse
from django.urls import path

from apps.core.api.pagination import pagination_meta
from apps.core.envelope import envelope
from apps.core.permissions import has_permission
from crm.urls_common import handler400, handler403, handler404, handler500  # noqa: F401
from crm.urls_tenant import urlpatterns as tenant_urlpatterns

COUNT_SQL = 'EXPLAIN (FORMAT JSON) SELECT "contacts_contact"."id" FROM "contacts_contact" WHERE deleted_at IS NULL'
PAGE_SQL = """
SELECT c.id, c.first_name, c.last_name, c.email, c.phone, c.company, c.job_title, c.address, c.custom_fields,
       c.account_id, a.name, c.owner_id, u.email, u.first_name, u.last_name, c.created_at, c.updated_at
FROM contacts_contact c
LEFT JOIN accounts_account a ON a.id = c.account_id
LEFT JOIN users_user u ON u.id = c.owner_id
WHERE c.deleted_at IS NULL
ORDER BY c.created_at DESC, c.id DESC
LIMIT %s OFFSET %s
"""


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _iso(value):
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def bare_contacts(request):
    # The same statements as the API: the session and its user (authentication), the user's roles
    # (permission strings), then the total and the page.
    if not request.user.is_authenticated:
        return JsonResponse(envelope(request, errors=[{"code": "UNAUTHORIZED", "message": "Log in."}]), status=401)
    if not has_permission(request.user.permission_strings(), "contacts:read"):
        return JsonResponse(envelope(request, errors=[{"code": "FORBIDDEN", "message": "No."}]), status=403)
    page = int(request.GET.get("page", 1))
    limit = min(int(request.GET.get("limit", 25)), 200)
    with connection.cursor() as cursor:
        cursor.execute(COUNT_SQL)
        total = int(cursor.fetchone()[0][0]["Plan"]["Plan Rows"])
        cursor.execute(PAGE_SQL, [limit, (page - 1) * limit])
        rows = cursor.fetchall()
    data = []
    for (
        cid,
        first,
        last,
        email,
        phone,
        company,
        title,
        address,
        custom,
        account_id,
        account_name,
        owner_id,
        owner_email,
        owner_first,
        owner_last,
        created,
        updated,
    ) in rows:
        data.append(
            {
                "id": cid,
                "firstName": first,
                "lastName": last,
                "fullName": f"{first} {last}".strip(),
                "email": email,
                "phone": phone or None,
                "company": company or None,
                "jobTitle": title or None,
                "address": _json(address) or None,
                "customFields": _json(custom) or {},
                "accountId": account_id,
                "account": {"id": account_id, "name": account_name} if account_id else None,
                "ownerId": owner_id,
                "owner": {
                    "id": owner_id,
                    "name": f"{owner_first} {owner_last}".strip() or owner_email,
                    "email": owner_email,
                }
                if owner_id
                else None,
                "createdAt": _iso(created),
                "updatedAt": _iso(updated),
            }
        )
    pagination = pagination_meta(page, limit, total)
    pagination["totalIsEstimate"] = True
    return JsonResponse(envelope(request, data=data, pagination=pagination))


urlpatterns = [path("bare/contacts", bare_contacts), *tenant_urlpatterns]
