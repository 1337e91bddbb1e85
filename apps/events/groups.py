"""Channels groups: one per tenant and resource (`events.acme.deals`).

/ws consumers join the groups of the channels they subscribe to; SSE streams join every group
whose events their caller may see, and use the messages as wake-ups to read the log.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from apps.events.types import event_resource

MESSAGE_TYPE = "crm.event"  # handled by `crm_event` on consumers


def group_name(schema_name: str, resource: str) -> str:
    return f"events.{schema_name}.{resource}"


async def broadcast_async(messages: list[dict]) -> None:
    layer = get_channel_layer()
    for message in messages:
        group = group_name(message["tenant_id"], event_resource(message["event_type"]))
        await layer.group_send(group, {"type": MESSAGE_TYPE, "event": message})


def broadcast(messages: list[dict]) -> None:
    """One event loop for the whole batch (each `async_to_sync` call would open Redis anew)."""
    if messages:
        async_to_sync(broadcast_async)(messages)
