"""``LogPublisher``: structured events shipped over the network.

Each event becomes a MessagePack-RPC notification, ``[2, method, [event]]``
with the level as the method, encoded as CBOR: the wire format of the
services the structured API comes from, so they receive our events as
theirs. The transports: a ZeroMQ PUB socket that connects to the node (the
method as the first frame, so subscribers filter by level), a ZeroMQ socket
given as the node (PUB or DEALER, the same two frames), a UDP datagram (the
notification alone), or any object with an awaitable ``send(parts,
address=None)``.

The publisher is a structlog processor, callable from any thread: it
encodes the event at once (a later processor may change the dict) and puts
it on a bounded queue that ``concurrency`` tasks drain on the loop of the
``async with`` block. A call never waits: what a full queue (or an absent
one, before the block or after it) refuses is dropped and counted.
"""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import sys
import threading
from collections.abc import MutableMapping
from typing import Any, ClassVar
from urllib.parse import urlsplit

# Notifications of MessagePack-RPC: [type, method, params].
_NOTIFICATION = 2


def _null_logger() -> Any:
    from .structured import get_null_logger

    return get_null_logger()


def _encode(method: str, event_dict: MutableMapping[str, Any]) -> bytes:
    """The notification as CBOR; what CBOR has no type for is written as
    structlog's JSON fallback writes it (``__structlog__()``, else ``repr()``)."""
    import cbor2

    from .structured import _printable

    message = [_NOTIFICATION, method, [dict(event_dict)]]
    try:
        return bytes(cbor2.dumps(message, default=_cbor_fallback))
    except Exception:
        # A cycle, or a fallback that raises: the same event with those
        # values as text, as the JSON output writes it.
        printable = [_NOTIFICATION, method, [_printable(dict(event_dict), set())]]
        return bytes(cbor2.dumps(printable, default=_cbor_text_fallback))


def _cbor_fallback(encoder: Any, value: Any) -> None:
    from .structured import _FALLBACK

    encoder.encode(_FALLBACK(value))


def _cbor_text_fallback(encoder: Any, value: Any) -> None:
    from .structured import _safe_fallback

    encoder.encode(_safe_fallback(value))


@dataclasses.dataclass(eq=False)
class LogPublisher:
    """A thread-safe structlog processor publishing each event as a
    notification whose method is its level and whose one argument is the
    event dict.

    ``node``: ``tcp://host:port`` or ``ipc://path`` (a ZeroMQ PUB socket
    connecting there), ``udp://host:port``, a ZeroMQ socket, or an object with
    an awaitable ``send(parts, address=None)``. ``concurrency`` tasks send;
    ``send_queue_capacity`` bounds the queue (non-positive: unbounded).
    ``logger`` is where the publisher says what it could not deliver (a null
    logger by default: logging there must not publish again); ``requests``
    is the table of calls in flight (notifications expect no answer).
    """

    node: Any
    concurrency: int = 1
    logger: Any = dataclasses.field(default_factory=_null_logger)
    requests: dict[Any, Any] = dataclasses.field(default_factory=dict)
    send_queue_capacity: int = 512

    #: Seconds leaving the ``async with`` block waits for the queue to be
    #: delivered; what is left is reported and counted as failed.
    drain_timeout: ClassVar[float] = 5.0

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, not {self.concurrency!r}")
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._queue: asyncio.Queue[tuple[bytes, bytes]] | None = None
        self._workers: list[asyncio.Task[None]] = []
        self._transport: Any = None
        self._owned_socket: Any = None
        self._datagram = False
        self._counts = {"published": 0, "sent": 0, "dropped": 0, "failed": 0}

    # The processor.

    def __call__(
        self, logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        method = str(event_dict.get("level", method_name))
        try:
            payload = _encode(method, event_dict)
        except Exception:
            self._count("failed")
            return event_dict
        item = (method.encode("utf-8", "backslashreplace"), payload)
        loop, queue = self._loop, self._queue
        if loop is None or queue is None or loop.is_closed():
            self._count("dropped")
        elif threading.get_ident() == self._loop_thread:
            self._put(queue, item)
        else:
            try:
                loop.call_soon_threadsafe(self._put, queue, item)
            except RuntimeError:  # the loop closed meanwhile
                self._count("dropped")
        return event_dict

    def _put(self, queue: asyncio.Queue[tuple[bytes, bytes]], item: tuple[bytes, bytes]) -> None:
        try:
            queue.put_nowait(item)
        except asyncio.QueueFull:
            self._count("dropped")
        else:
            self._count("published")

    def _count(self, name: str, amount: int = 1) -> None:
        with self._lock:
            self._counts[name] += amount

    def stats(self) -> dict[str, int]:
        """Events queued (``published``), ``sent``, ``dropped`` (the queue was
        full or not running) and ``failed`` (not encoded, or refused by the
        transport)."""
        with self._lock:
            return dict(self._counts)

    # The async context: the queue, the transport and the workers.

    async def __aenter__(self) -> LogPublisher:
        loop = asyncio.get_running_loop()
        self._transport = await self._open_transport(loop)
        capacity = self.send_queue_capacity if self.send_queue_capacity > 0 else 0
        self._queue = asyncio.Queue(maxsize=capacity)
        self._loop_thread = threading.get_ident()
        self._workers = [
            loop.create_task(self._drain(self._queue)) for _ in range(self.concurrency)
        ]
        self._loop = loop
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        queue = self._queue
        self._loop = None
        # Events other threads handed over before this point wait in the
        # loop's ready queue: let them reach the queue before joining it.
        await asyncio.sleep(0)
        if queue is not None:
            try:
                await asyncio.wait_for(queue.join(), self.drain_timeout)
            except TimeoutError:
                pass
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []
        undelivered = 0
        if queue is not None:
            undelivered = queue.qsize()
            while not queue.empty():
                queue.get_nowait()
        self._queue = None
        if undelivered:
            self._count("failed", undelivered)
        self._close_transport()
        counts = self.stats()
        if undelivered or counts["dropped"] or counts["failed"]:
            await self.logger.warning(
                "Log events not delivered",
                node=str(self.node),
                undelivered=undelivered,
                dropped=counts["dropped"],
                failed=counts["failed"],
            )

    async def _drain(self, queue: asyncio.Queue[tuple[bytes, bytes]]) -> None:
        while True:
            method, payload = await queue.get()
            try:
                await self._send(method, payload)
            except asyncio.CancelledError:
                self._count("failed")
                queue.task_done()
                raise
            except Exception as error:
                self._count("failed")
                await self.logger.error("Log event not sent", error=repr(error))
            else:
                self._count("sent")
            queue.task_done()

    async def _open_transport(self, loop: asyncio.AbstractEventLoop) -> Any:
        node = self.node
        if not isinstance(node, str):
            return node
        parts = urlsplit(node)
        if parts.scheme in ("tcp", "ipc"):
            import zmq
            import zmq.asyncio

            context = zmq.asyncio.Context.instance()
            publisher = context.socket(zmq.PUB)
            # Leaving the block waits at most this long for the peer.
            publisher.setsockopt(zmq.LINGER, int(self.drain_timeout * 1000))
            publisher.connect(node)
            self._owned_socket = publisher
            return publisher
        if parts.scheme == "udp":
            if parts.hostname is None or parts.port is None:
                raise ValueError(f"a UDP node is udp://host:port, not {node!r}")
            transport, _ = await loop.create_datagram_endpoint(
                lambda: _DatagramErrors(self),
                remote_addr=(parts.hostname, parts.port),
                family=socket.AF_INET6 if ":" in parts.hostname else socket.AF_INET,
            )
            self._owned_socket = transport
            # (CPython's datagram transports do not all derive from
            # asyncio.DatagramTransport, so the kind is remembered.)
            self._datagram = True
            return transport
        raise ValueError(
            f"node must be tcp://host:port, ipc://path, udp://host:port or an object "
            f"with send(parts, address=None), not {node!r}"
        )

    async def _send(self, method: bytes, payload: bytes) -> None:
        transport = self._transport
        if self._datagram:
            transport.sendto(payload)
            return
        zmq = sys.modules.get("zmq")
        if zmq is not None and isinstance(transport, zmq.Socket):
            result = transport.send_multipart([method, payload])
            if asyncio.isfuture(result) or asyncio.iscoroutine(result):
                await result
            return
        result = transport.send([method, payload])
        if asyncio.isfuture(result) or asyncio.iscoroutine(result):
            await result

    def _close_transport(self) -> None:
        owned, self._owned_socket = self._owned_socket, None
        self._transport = None
        self._datagram = False
        if owned is not None:
            owned.close()


class _DatagramErrors(asyncio.DatagramProtocol):
    """Counts what the kernel reports about sent datagrams (a port nobody
    serves answers with ICMP, seen as ECONNREFUSED)."""

    def __init__(self, publisher: LogPublisher) -> None:
        self._publisher = publisher

    def error_received(self, exc: Exception) -> None:
        self._publisher._count("failed")
