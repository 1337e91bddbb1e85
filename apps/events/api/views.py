"""`GET /v1/events?after=<event_id>&types=a,b&limit=`: catch up on the event log from a cursor."""

from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import ValidationFailed
from apps.core.permissions import AUTHENTICATED, caller_grants
from apps.events import selectors
from apps.events.services import event_payload

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


def _limit(raw: str | None) -> int:
    if raw in (None, ""):
        return DEFAULT_LIMIT
    if not raw.isdigit() or int(raw) < 1:
        raise ValidationFailed({"limit": "'limit' must be a positive integer."})
    return min(int(raw), MAX_LIMIT)


class EventListView(APIView):
    """Events in published order, each the contract's event object, filtered by what the caller
    may read. `meta.pagination.next_after` is the cursor of the next page."""

    required_permissions = {"*": AUTHENTICATED}

    def get(self, request):
        after = request.query_params.get("after", "").strip()
        position = selectors.event_position(after) if after else 0
        types = [value.strip() for value in request.query_params.get("types", "").split(",") if value.strip()]
        limit = _limit(request.query_params.get("limit"))
        events, more = selectors.events_after(
            position=position, grants=caller_grants(request), user=request.user, types=types, limit=limit
        )
        response = Response([event_payload(event) for event in events])
        response.pagination = {
            "limit": limit,
            "hasNext": more,
            "after": after or None,
            "next_after": events[-1].event_id if events else (after or None),
        }
        return response
