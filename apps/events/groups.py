"""Channels groups: one per tenant and resource (`events.acme.deals`).

Each server process listens to a group once (apps/realtime/hub.py) and fans its events out to the
/ws sockets subscribed to that channel.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from apps.events.types import event_resource

MESSAGE_TYPE = "crm.event"  # handled by `crm_event` on consumers


def group_name(schema_name: str, resource: str) -> str:
    return f"events.{schema_name}.{resource}"


async def broadcast_async(messages: list[dict]) -> None:
    """One layer message per group for the whole batch, the events in log order inside it."""
    layer = get_channel_layer()
    by_group: dict[str, list[dict]] = {}
    for message in messages:
        by_group.setdefault(group_name(message["tenant_id"], event_resource(message["event_type"])), []).append(message)
    for group, events in by_group.items():
        await layer.group_send(group, {"type": MESSAGE_TYPE, "group": group, "events": events})


def broadcast(messages: list[dict]) -> None:
    """One event loop for the whole batch (each `async_to_sync` call would open Redis anew)."""
    if messages:
        async_to_sync(broadcast_async)(messages)
