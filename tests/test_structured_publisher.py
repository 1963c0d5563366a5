"""LogPublisher's notifications reach ZeroMQ and UDP receivers on loopback, decoded with cbor2."""

import asyncio
import socket
import sys
import threading

import cbor2
import pytest
import zmq
import zmq.asyncio
from femtologging import structured


@pytest.fixture(autouse=True)
def restore_configuration(capfd):
    # capfd is requested so that this teardown runs first, while the test's
    # captured stdout (which the output handler may write to) is still open.
    yield
    saved, sys.stdout = sys.stdout, sys.__stdout__
    try:
        structured.configure()
    finally:
        sys.stdout = saved


class RecordingNode:
    """A node object with an awaitable send(parts, address=None)."""

    def __init__(self, delay=0.0):
        self.sent = []
        self.delay = delay

    async def send(self, parts, address=None):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.sent.append(parts)


class RecordingLogger:
    """Stands in for the publisher's logger: keeps what it is told."""

    def __init__(self):
        self.warnings = []

    async def warning(self, event, **kw):
        self.warnings.append((event, kw))

    async def error(self, event, **kw):
        self.warnings.append((event, kw))


def notification(payload):
    message = cbor2.loads(payload)
    assert message[0] == 2
    assert len(message[2]) == 1
    return message[1], message[2][0]


async def receive(socket_, timeout=5.0):
    return await asyncio.wait_for(socket_.recv_multipart(), timeout)


async def until_connected(logger, subscriber):
    """Logs 'ready' until the subscriber has one (a PUB drops what it sends
    before the connection is made)."""
    while True:
        await logger.info("ready")
        try:
            return await asyncio.wait_for(subscriber.recv_multipart(), 0.05)
        except TimeoutError:
            continue


def test_a_sub_socket_receives_each_event_with_its_level_as_method(capfd):
    """PUB frames are [level, CBOR [2, level, [event]]]; a SUB filters by level."""

    async def main():
        context = zmq.asyncio.Context()
        everything = context.socket(zmq.SUB)
        everything.setsockopt(zmq.SUBSCRIBE, b"")
        port = everything.bind_to_random_port("tcp://127.0.0.1")
        errors_only = context.socket(zmq.SUB)
        errors_only.setsockopt(zmq.SUBSCRIBE, b"error")
        errors_port = errors_only.bind_to_random_port("tcp://127.0.0.1")
        publisher = structured.LogPublisher(f"tcp://127.0.0.1:{port}")
        errors_publisher = structured.LogPublisher(f"tcp://127.0.0.1:{errors_port}")

        def both(logger, method_name, event_dict):
            publisher(logger, method_name, event_dict)
            return errors_publisher(logger, method_name, event_dict)

        structured.configure(both, level="DEBUG")
        logger = structured.get_logger(service="catalog")
        async with publisher, errors_publisher:
            await until_connected(logger, everything)
            while True:  # errors_only may miss the first errors: send until one arrives
                await logger.error("warm up")
                try:
                    await asyncio.wait_for(errors_only.recv_multipart(), 0.05)
                    break
                except TimeoutError:
                    continue
            while True:  # drain the warm-up errors from `everything`
                try:
                    await asyncio.wait_for(everything.recv_multipart(), 0.05)
                except TimeoutError:
                    break
            await logger.info("started", port=8080)
            await logger.warning("slow", ms=1.5)
            await logger.error("failed", code=7, tags=["a", "b"])
            frames = [await receive(everything) for _ in range(3)]
            error_frames = await receive(errors_only)
        everything.close()
        errors_only.close()
        context.term()
        return frames, error_frames

    frames, error_frames = asyncio.run(main())
    methods = [frame[0] for frame in frames]
    assert methods == [b"info", b"warning", b"error"]
    decoded = [notification(frame[1]) for frame in frames]
    assert [method for method, _ in decoded] == ["info", "warning", "error"]
    started, slow, failed = (event for _, event in decoded)
    assert {key: started[key] for key in ("service", "port", "event", "level")} == {
        "service": "catalog",
        "port": 8080,
        "event": "started",
        "level": "info",
    }
    assert started["timestamp"].endswith("Z")
    assert slow["ms"] == 1.5
    assert failed["tags"] == ["a", "b"] and failed["code"] == 7
    assert error_frames[0] == b"error"
    assert notification(error_frames[1])[1]["event"] == "failed"
    capfd.readouterr()


def test_a_router_receives_from_a_dealer_given_as_the_node(capfd):
    """A DEALER socket as the node sends [level, notification]; the ROUTER sees both frames."""

    async def main():
        context = zmq.asyncio.Context()
        router = context.socket(zmq.ROUTER)
        port = router.bind_to_random_port("tcp://127.0.0.1")
        dealer = context.socket(zmq.DEALER)
        dealer.connect(f"tcp://127.0.0.1:{port}")
        publisher = structured.LogPublisher(dealer)
        structured.configure(publisher)
        logger = structured.get_logger()
        async with publisher:
            await logger.info("hello", n=1)
            logger.critical("stopping")
            frames = [await receive(router) for _ in range(2)]
        dealer.close()
        router.close()
        context.term()
        return frames

    frames = asyncio.run(main())
    assert [frame[1] for frame in frames] == [b"info", b"critical"]
    hello = notification(frames[0][2])
    assert hello[0] == "info" and hello[1]["event"] == "hello" and hello[1]["n"] == 1
    assert notification(frames[1][2])[1]["event"] == "stopping"
    capfd.readouterr()


def test_a_udp_socket_receives_one_datagram_per_event(capfd):
    """udp://host:port sends the CBOR notification alone in a datagram."""
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    port = receiver.getsockname()[1]
    publisher = structured.LogPublisher(f"udp://127.0.0.1:{port}")
    structured.configure(publisher)
    logger = structured.get_logger()

    async def main():
        async with publisher:
            await logger.info("one", value="ü")
            await logger.warn("two")

    asyncio.run(main())
    datagrams = [receiver.recv(65536) for _ in range(2)]
    receiver.close()
    decoded = [notification(datagram) for datagram in datagrams]
    assert [(method, event["event"]) for method, event in decoded] == [
        ("info", "one"),
        ("warning", "two"),
    ]
    assert decoded[0][1]["value"] == "ü"
    assert publisher.stats()["sent"] == 2
    capfd.readouterr()


def test_events_logged_from_other_threads_are_published():
    """The processor is thread-safe: calls from threads reach the loop's queue."""
    node = RecordingNode()
    publisher = structured.LogPublisher(node, send_queue_capacity=0)
    structured.configure(publisher)
    logger = structured.get_logger()

    async def main():
        async with publisher:
            threads = [
                threading.Thread(
                    target=lambda number=number: [
                        logger.info("from thread", thread=number, i=i) for i in range(50)
                    ]
                )
                for number in range(4)
            ]
            for thread in threads:
                thread.start()
            # Joined without yielding to the loop: every event is still in
            # the loop's hands when the block is left, and must be sent.
            for thread in threads:
                thread.join()

    asyncio.run(main())
    received = sorted(
        (event["thread"], event["i"]) for _, event in (notification(p[1]) for p in node.sent)
    )
    expected = [(number, i) for number in range(4) for i in range(50)]
    assert received == expected, publisher.stats()


def test_a_full_queue_drops_and_counts_and_the_caller_never_waits():
    """A slow node: the queue holds its capacity, the rest is dropped and counted."""
    node = RecordingNode(delay=0.05)
    publisher = structured.LogPublisher(node, send_queue_capacity=4)
    publisher.drain_timeout = 0.3
    told = RecordingLogger()
    publisher.logger = told
    structured.configure(publisher)
    logger = structured.get_logger()

    async def main():
        async with publisher:
            for number in range(100):
                logger.info("burst", number=number)

    asyncio.run(main())
    stats = publisher.stats()
    assert stats["dropped"] >= 90
    assert stats["published"] + stats["dropped"] == 100
    assert stats["sent"] + stats["failed"] == stats["published"]
    assert told.warnings and told.warnings[-1][0] == "Log events not delivered"
    assert told.warnings[-1][1]["dropped"] == stats["dropped"]


def test_an_unreachable_node_is_reported_when_the_context_is_left():
    """A DEALER whose peer never comes: sends wait, the queue fills, the exit gives up."""

    async def main():
        context = zmq.asyncio.Context()
        dealer = context.socket(zmq.DEALER)
        dealer.setsockopt(zmq.SNDHWM, 1)
        dealer.setsockopt(zmq.LINGER, 0)
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        unused_port = probe.getsockname()[1]
        probe.close()
        dealer.connect(f"tcp://127.0.0.1:{unused_port}")
        publisher = structured.LogPublisher(dealer, send_queue_capacity=8)
        publisher.drain_timeout = 0.2
        told = RecordingLogger()
        publisher.logger = told
        structured.configure(publisher)
        logger = structured.get_logger()
        async with publisher:
            for number in range(50):
                await logger.info("nobody listens", number=number)
        dealer.close()
        context.term()
        return publisher.stats(), told.warnings

    stats, warnings = asyncio.run(main())
    assert stats["dropped"] >= 40
    assert stats["failed"] >= 1
    # At most what ZeroMQ's own queue for the absent peer took (SNDHWM=1).
    assert stats["sent"] <= 2
    assert warnings[-1][1]["undelivered"] >= 1


def test_events_outside_the_context_are_dropped_and_counted():
    """Before the async context is entered there is no queue."""
    publisher = structured.LogPublisher(RecordingNode())
    structured.configure(publisher)
    structured.get_logger().info("too early")
    assert publisher.stats()["dropped"] == 1


def test_a_later_change_to_the_event_dict_does_not_reach_the_notification():
    """The event is encoded when the processor runs, not when it is sent."""
    node = RecordingNode()
    publisher = structured.LogPublisher(node)

    async def main():
        async with publisher:
            event = {"event": "original", "level": "info", "items": [1, 2]}
            returned = publisher(None, "info", event)
            returned["event"] = "changed"
            returned["items"].append(3)
            returned["added"] = True

    asyncio.run(main())
    assert [notification(parts[1]) for parts in node.sent] == [
        ("info", {"event": "original", "level": "info", "items": [1, 2]})
    ]


def test_values_cbor_cannot_encode_are_sent_as_text():
    """A cycle and an object whose repr raises still make a notification."""

    class BadRepr:
        def __repr__(self):
            raise RuntimeError("no")

    class Plain:
        def __repr__(self):
            return "<plain>"

    node = RecordingNode()
    publisher = structured.LogPublisher(node)
    cycle = {}
    cycle["self"] = cycle

    async def main():
        async with publisher:
            publisher(None, "info", {"event": "objects", "plain": Plain()})
            publisher(None, "info", {"event": "cycle", "cycle": cycle, "bad": BadRepr()})

    asyncio.run(main())
    plain, broken = (notification(parts[1])[1] for parts in node.sent)
    assert plain["plain"] == "<plain>"
    assert broken["cycle"] == {"self": "<circular reference>"}
    assert broken["bad"] == "<unrepresentable BadRepr object>"


def test_a_node_that_is_no_address_is_refused():
    """A string node must be tcp://, ipc:// or udp://."""
    publisher = structured.LogPublisher("http://example.invalid")

    async def main():
        async with publisher:
            pass

    with pytest.raises(ValueError, match="tcp://host:port, ipc://path, udp://host:port"):
        asyncio.run(main())
