"""One Channels-layer listener per server process, fanning events out to its local listeners.

A /ws socket or SSE stream does not join Channels groups itself: the process's hub joins each
group once (`events.<tenant>.<resource>`) and hands every event to the local sockets that listen
to that group, in memory. An event thus costs one Redis message per process, not one per
connection — what keeps a thousand sockets on one process fast.
"""

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Awaitable, Callable

from channels.layers import get_channel_layer

from apps.events.groups import MESSAGE_TYPE

logger = logging.getLogger("crm.realtime")

Listener = Callable[[dict], Awaitable[None]]
REJOIN_SECONDS = 3600  # channels-redis forgets group members after a day (group_expiry)
LISTENER_TIMEOUT = 5.0  # a socket that cannot take a frame in this time is skipped, not waited for
LAYER_TIMEOUT = 5.0


class Hub:
    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self.channel: str | None = None
        self.listeners: dict[str, set[Listener]] = {}
        self.lock = asyncio.Lock()
        self.task: asyncio.Task | None = None

    async def _ensure_running(self) -> None:
        if self.channel is None:
            # The default prefix matters: channels-redis reads a process's local channels from
            # one Redis list per prefix, and only the consumers' ("specific") list gets read.
            self.channel = await self.layer.new_channel()
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._run())

    async def join(self, group: str, listener: Listener) -> None:
        async with self.lock:
            await self._ensure_running()
            if group not in self.listeners:
                await self.layer.group_add(group, self.channel)
                self.listeners[group] = set()
            self.listeners[group].add(listener)

    async def leave(self, group: str, listener: Listener) -> None:
        async with self.lock:
            members = self.listeners.get(group)
            if members is None:
                return
            members.discard(listener)
            if not members:
                del self.listeners[group]
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self.layer.group_discard(group, self.channel), LAYER_TIMEOUT)

    async def _rejoin(self) -> None:
        async with self.lock:
            for group in self.listeners:
                await self.layer.group_add(group, self.channel)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        rejoin_at = loop.time() + REJOIN_SECONDS
        while True:
            try:
                message = await asyncio.wait_for(self.layer.receive(self.channel), timeout=REJOIN_SECONDS)
            except TimeoutError:
                message = None
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 — Redis went away: wait, rejoin, go on
                logger.warning("realtime hub: channel layer unavailable, retrying", exc_info=True)
                await asyncio.sleep(2)
                with contextlib.suppress(Exception):
                    await self._rejoin()
                continue
            if loop.time() > rejoin_at:
                rejoin_at = loop.time() + REJOIN_SECONDS
                with contextlib.suppress(Exception):
                    await self._rejoin()
            if message is None or message.get("type") != MESSAGE_TYPE:
                continue
            for event in message.get("events", ()):
                for listener in list(self.listeners.get(message.get("group", ""), ())):
                    try:
                        await asyncio.wait_for(listener(event), LISTENER_TIMEOUT)
                    except Exception:  # noqa: BLE001 — one broken socket must not stop the others
                        logger.exception("realtime hub: a listener failed")


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = weakref.WeakKeyDictionary()


def hub() -> Hub:
    """The hub of the running event loop (one per server process)."""
    loop = asyncio.get_running_loop()
    current = _hubs.get(loop)
    if current is None:
        current = _hubs[loop] = Hub()
    return current
