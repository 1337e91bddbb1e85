"""A local HTTP server standing in for a customer's webhook endpoint (http.server in a thread)."""

import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class Receiver:
    """Records every POST; answers each path with the statuses queued for it, then 200."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.statuses: dict[str, deque[int]] = defaultdict(deque)
        self.always: dict[str, int] = {}
        self.changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                queued = receiver.statuses[self.path]
                status = queued.popleft() if queued else receiver.always.get(self.path, 200)
                with receiver.changed:
                    receiver.received.append(Received(self.path, dict(self.headers.items()), body))
                    receiver.changed.notify_all()
                answer = b'{"received": true}' if status < 400 else b'{"error": "boom"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def wait_for(self, predicate, *, count: int = 1, timeout: float = 30) -> list[Received]:
        """The requests matching `predicate` once there are `count` of them (AssertionError on timeout)."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                matching = [request for request in self.received if predicate(request)]
                if len(matching) >= count:
                    return matching
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} matching requests, got {len(matching)}")
                self.changed.wait(left)

    def on_path(self, path: str) -> list[Received]:
        with self.changed:
            return [request for request in self.received if request.path == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
