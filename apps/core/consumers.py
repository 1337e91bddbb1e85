"""`/ws/health`: answers which tenant the socket was routed to — a probe for WebSocket tenancy."""

from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer


class HealthConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        await self.accept()
        tenant = self.scope.get("tenant")
        await self.send_json({"type": "health", "tenant_id": tenant.schema_name if tenant else None})
        await self.close()
        # The server closed the socket: end the consumer now, instead of waiting on its channel
        # for a disconnect message that may never come (the process then cannot shut down).
        raise StopConsumer
