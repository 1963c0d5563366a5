"""FemtoSocketHandler against real sockets on loopback: the frames a test
receiver decodes with `msgpack`, what reconnection delivers, and what the
counters say when frames are refused or given up."""

import gc
import inspect
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import warnings

import femtologging
import pytest
from conftest import make_certificates
from femto_socket_receiver import Receiver, free_port
from femtologging import FemtoSocketHandler, HandlerConfigError, SocketHandlerBuilder

FIELDS = {
    "logger",
    "level",
    "message",
    "timestamp_ns",
    "filename",
    "line_number",
    "module_path",
    "thread_id",
    "thread_name",
    "key_values",
}


@pytest.fixture
def logger(request):
    logger = femtologging.getLogger(f"femto.socket.{request.node.name}")
    logger.setLevel("DEBUG")
    logger.propagate = False
    yield logger
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()


@pytest.fixture
def receiver():
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


def fast_backoff(builder, deadline_ms=None):
    return (
        builder.with_backoff(base_ms=10, cap_ms=50, reset_after_ms=1000, deadline_ms=deadline_ms)
        .with_connect_timeout_ms(1000)
        .with_flush_timeout_ms(5000)
    )


def test_a_frame_holds_exactly_the_ten_fields_of_the_record(logger, receiver):
    """Each frame decodes to the ten-field map with the call's values."""
    handler = SocketHandlerBuilder().with_tcp("127.0.0.1", receiver.port).build()
    logger.addHandler(handler)
    before = time.time_ns()
    line = inspect.currentframe().f_lineno + 1
    logger.warning("%s has %d items", "cart", 3, extra={"user": "ann", "tags": ["a", "b"]})
    after = time.time_ns()
    assert handler.flush()
    assert receiver.wait_for(1)
    (record,) = receiver.records
    assert set(record) == FIELDS
    assert record["logger"] == logger.name
    assert record["level"] == "WARNING"
    assert record["message"] == "cart has 3 items"
    assert before - 1_000_000 <= record["timestamp_ns"] <= after + 1_000_000
    assert record["filename"] == __file__
    assert record["line_number"] == line
    assert record["module_path"] == "test_femto_socket"
    assert record["thread_id"] == threading.get_ident()
    assert record["thread_name"] == threading.current_thread().name
    assert record["key_values"] == {"user": "ann", "tags": ["a", "b"]}


def test_extra_values_outside_the_value_model_are_sent_as_their_str(logger, receiver):
    """None, bool, ints, floats, bytes, tuples and dicts keep their type (an int
    beyond MessagePack's 64 bits goes as its digits); other objects are sent as
    str()."""

    class Custom:
        def __str__(self):
            return "custom!"

    handler = SocketHandlerBuilder().with_tcp("127.0.0.1", receiver.port).build()
    logger.addHandler(handler)
    extra = {
        "none": None,
        "flag": True,
        "big": 2**64 - 1,
        "huge": -(2**70),
        "ratio": 0.5,
        "raw": b"\x00\x01",
        "pair": (1, "two"),
        "nested": {"k": [1, {"x": None}]},
        "custom": Custom(),
    }
    logger.info("values", extra=extra)
    assert handler.flush()
    assert receiver.wait_for(1)
    assert receiver.records[0]["key_values"] == {
        "none": None,
        "flag": True,
        "big": 2**64 - 1,
        "huge": str(-(2**70)),
        "ratio": 0.5,
        "raw": b"\x00\x01",
        "pair": [1, "two"],
        "nested": {"k": [1, {"x": None}]},
        "custom": "custom!",
    }


def test_a_record_handed_to_handle_directly_is_sent_too(receiver):
    """A LogRecord made in Python is read through its attributes."""
    handler = SocketHandlerBuilder().with_tcp("127.0.0.1", receiver.port).build()
    record = femtologging.makeLogRecord(
        {"name": "made", "levelname": "ERROR", "levelno": 40, "msg": "m %s", "args": ("x",)}
    )
    record.request_id = 7
    handler.handle(record)
    assert handler.flush()
    handler.close()
    assert receiver.wait_for(1)
    sent = receiver.records[0]
    assert (sent["logger"], sent["level"], sent["message"]) == ("made", "ERROR", "m x")
    assert sent["key_values"] == {"request_id": 7}
    assert abs(sent["timestamp_ns"] - int(record.created * 1e9)) < 1000


def test_records_arrive_once_each_and_in_order(logger, receiver):
    """2,000 records arrive exactly once, in the order they were logged."""
    handler = (
        SocketHandlerBuilder()
        .with_tcp("127.0.0.1", receiver.port)
        .with_overflow_policy(femtologging.OverflowPolicy.block())
        .build()
    )
    logger.addHandler(handler)
    handler_stats_before = handler.stats()
    for number in range(2000):
        logger.info("record %d", number)
    assert handler.flush()
    assert receiver.wait_for(2000)
    assert receiver.messages() == [f"record {number}" for number in range(2000)]
    assert handler.stats()["written"] - handler_stats_before["written"] == 2000


# A queue of four keeps callers waiting for room while other threads queue theirs: a record
# that lands after another thread's must still carry its own thread's name.
@pytest.mark.parametrize("capacity", [None, 4], ids=["default_queue", "queue_of_four"])
def test_records_from_four_threads_arrive_once_each_in_each_threads_order(
    logger, receiver, capacity
):
    """Four threads logging at once: every record once, each thread's in order, under its name."""
    builder = SocketHandlerBuilder().with_tcp("127.0.0.1", receiver.port)
    if capacity is not None:
        builder = builder.with_capacity(capacity)
    handler = builder.with_overflow_policy("block").build()
    logger.addHandler(handler)

    def log(index):
        for number in range(500):
            logger.info("t%d-%d", index, number)

    threads = [threading.Thread(target=log, args=(index,), name=f"T{index}") for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert handler.flush()
    assert receiver.wait_for(2000)
    messages = receiver.messages()
    assert len(messages) == 2000
    for index in range(4):
        mine = [record for record in receiver.records if record["thread_name"] == f"T{index}"]
        assert [record["message"] for record in mine] == [
            f"t{index}-{number}" for number in range(500)
        ]


def test_a_unix_socket_receives_the_frames(logger):
    """with_unix_path sends over a Unix stream socket."""
    directory = tempfile.mkdtemp(prefix="femto-sock-", dir="/tmp")
    try:
        path = os.path.join(directory, "log.sock")
        receiver = Receiver(path=path).start()
        try:
            handler = SocketHandlerBuilder().with_unix_path(path).build()
            assert repr(handler).startswith("<FemtoSocketHandler unix:")
            logger.addHandler(handler)
            for number in range(100):
                logger.info("unix %d", number)
            assert handler.flush()
            assert receiver.wait_for(100)
            assert receiver.messages() == [f"unix {number}" for number in range(100)]
        finally:
            receiver.stop()
    finally:
        shutil.rmtree(directory)


def test_records_logged_before_the_receiver_starts_arrive_once_it_does(logger):
    """Receiver down at start, policy block: every record arrives once it is up."""
    port = free_port()
    handler = fast_backoff(
        SocketHandlerBuilder().with_tcp("127.0.0.1", port).with_overflow_policy("block")
    ).build()
    logger.addHandler(handler)
    for number in range(50):
        logger.info("early %d", number)
    time.sleep(0.2)
    receiver = Receiver(port=port).start()
    try:
        assert receiver.wait_for(50)
        assert handler.flush()
        assert receiver.messages() == [f"early {number}" for number in range(50)]
        assert handler.stats()["failed"] == 0
    finally:
        receiver.stop()


def test_a_restarted_receiver_gets_every_later_record_and_none_twice(logger):
    """Receiver restarted mid-stream: nothing is sent twice, and under block
    the records logged while it was down arrive once it is back."""
    first = Receiver().start()
    handler = fast_backoff(
        SocketHandlerBuilder().with_tcp("127.0.0.1", first.port).with_overflow_policy("block")
    ).build()
    logger.addHandler(handler)
    for number in range(100):
        logger.info("before %d", number)
    assert handler.flush()
    assert first.wait_for(100)
    first.stop()
    for number in range(50):
        logger.info("while down %d", number)
    time.sleep(0.2)
    second = Receiver(port=first.port).start()
    try:
        for number in range(50):
            logger.info("after %d", number)
        assert second.wait_for(100)
        assert handler.flush()
        assert first.messages() == [f"before {number}" for number in range(100)]
        assert second.messages() == [f"while down {number}" for number in range(50)] + [
            f"after {number}" for number in range(50)
        ]
        stats = handler.stats()
        assert (stats["written"], stats["failed"], stats["dropped"]) == (200, 0, 0)
    finally:
        second.stop()


def test_a_receiver_that_never_reads_neither_blocks_the_caller_nor_close(logger):
    """Accepts and never reads: the write timeout fires (the worker gives the
    connection up and opens another), the caller (under drop) is never held
    up, and close() returns within the timeouts."""
    receiver = Receiver(read=False).start()
    try:
        handler = (
            SocketHandlerBuilder()
            .with_tcp("127.0.0.1", receiver.port)
            .with_capacity(64)
            .with_write_timeout_ms(200)
            .with_connect_timeout_ms(200)
            .with_backoff(base_ms=50, cap_ms=200, reset_after_ms=1000, deadline_ms=1000)
            .build()
        )
        logger.addHandler(handler)
        payload = "x" * 20_000
        calls = 0
        started = time.monotonic()
        while time.monotonic() - started < 1.5:
            logger.info("%d %s", calls, payload)
            calls += 1
        # Held up by a 200 ms write timeout, the caller would make a handful.
        assert calls > 1000
        deadline = time.monotonic() + 10
        while receiver.connections < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert receiver.connections >= 2
        started = time.monotonic()
        logger.removeHandler(handler)
        handler.close()
        assert time.monotonic() - started < 2
        stats = handler.stats()
        assert stats["dropped"] > 0
        assert stats["accepted"] + stats["dropped"] == calls
        assert stats["written"] + stats["failed"] == stats["accepted"]
    finally:
        receiver.stop()


def test_under_drop_records_refused_while_the_receiver_is_away_are_counted(logger):
    """Receiver down, policy drop: what the queue took arrives once the
    receiver is up, and what it refused is counted as dropped."""
    port = free_port()
    builder = fast_backoff(SocketHandlerBuilder().with_tcp("127.0.0.1", port))
    handler = builder.with_capacity(8).build()
    logger.addHandler(handler)
    for number in range(50):
        logger.info("maybe %d", number)
    receiver = Receiver(port=port).start()
    try:
        assert handler.flush()
        stats = handler.stats()
        assert stats["dropped"] > 0
        assert stats["accepted"] + stats["dropped"] == 50
        assert receiver.wait_for(stats["accepted"])
        time.sleep(0.05)
        messages = receiver.messages()
        assert len(messages) == stats["accepted"] == stats["written"]
        numbers = [int(message.split()[1]) for message in messages]
        assert numbers == sorted(set(numbers))
    finally:
        receiver.stop()


def test_an_oversized_frame_is_dropped_and_counted_never_sent(logger, receiver):
    """A frame over with_max_frame_size is counted as rejected; the others go."""
    handler = (
        SocketHandlerBuilder().with_tcp("127.0.0.1", receiver.port).with_max_frame_size(300).build()
    )
    logger.addHandler(handler)
    logger.info("small one")
    logger.info("big %s", "y" * 1000)
    logger.info("small two")
    assert handler.flush()
    assert receiver.wait_for(2)
    time.sleep(0.05)
    assert receiver.messages() == ["small one", "small two"]
    stats = handler.stats()
    assert (stats["rejected"], stats["written"], stats["failed"]) == (1, 2, 0)


def test_a_host_that_does_not_resolve_is_counted_not_raised(logger):
    """nothing.invalid: the records fail once the backoff deadline passes, and
    the logging calls never raise."""
    handler = fast_backoff(
        SocketHandlerBuilder().with_tcp("nothing.invalid", 9020), deadline_ms=300
    ).build()
    logger.addHandler(handler)
    for number in range(3):
        logger.error("lost %d", number)
    deadline = time.monotonic() + 10
    while handler.stats()["failed"] < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    stats = handler.stats()
    assert (stats["failed"], stats["written"]) == (3, 0)
    assert handler.flush() is False


def test_the_default_builder_sends_tcp_to_localhost_9020():
    """Without with_tcp the handler aims at localhost:9020."""
    handler = SocketHandlerBuilder().build()
    try:
        assert isinstance(handler, FemtoSocketHandler)
        assert isinstance(handler, femtologging.Handler)
        assert repr(handler) == "<FemtoSocketHandler tcp://localhost:9020 (NOTSET)>"
        assert handler.policy == "drop"
        assert handler.capacity == 1024
    finally:
        handler.close()


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda b: b.with_capacity(0), ValueError, "with_capacity(0)"),
        (lambda b: b.with_capacity("8"), TypeError, "with_capacity()"),
        (lambda b: b.with_tcp("", 9020), ValueError, "with_tcp('')"),
        (lambda b: b.with_tcp("host", 70000), ValueError, "with_tcp(70000)"),
        (lambda b: b.with_connect_timeout_ms(0), ValueError, "with_connect_timeout_ms(0)"),
        (lambda b: b.with_write_timeout_ms(-5), ValueError, "with_write_timeout_ms(-5)"),
        (lambda b: b.with_flush_timeout_ms(0), ValueError, "with_flush_timeout_ms(0)"),
        (lambda b: b.with_max_frame_size(0), ValueError, "with_max_frame_size(0)"),
        (lambda b: b.with_max_frame_size(2**32), ValueError, "with_max_frame_size(4294967296)"),
        (lambda b: b.with_backoff(base_ms=0), ValueError, "with_backoff(0)"),
        (lambda b: b.with_backoff(base_ms=100, cap_ms=10), ValueError, "cap_ms=10"),
        (lambda b: b.with_overflow_policy("sometimes"), ValueError, "sometimes"),
        (lambda b: b.with_overflow_policy("timeout:0"), ValueError, "timeout:0"),
        (lambda b: b.with_overflow_policy("timeout:x"), ValueError, "timeout:x"),
        (lambda b: b.with_unix_path(""), ValueError, "with_unix_path('')"),
        (lambda b: b.with_tls(""), ValueError, "with_tls('')"),
        (lambda b: b.with_unix_path("/tmp/x.sock").with_tls("h"), HandlerConfigError, "TLS"),
        (lambda b: b.with_tls("h").with_unix_path("/tmp/x.sock"), HandlerConfigError, "TLS"),
    ],
)
def test_the_builder_refuses_bad_settings_where_they_are_given(call, error, words):
    """Each bad value raises at the method that was given it, naming it."""
    with pytest.raises(error) as raised:
        call(SocketHandlerBuilder())
    assert words in str(raised.value)


def test_handler_config_error_is_a_value_error():
    """HandlerConfigError can be caught as the ValueError it is."""
    assert issubclass(HandlerConfigError, ValueError)


def test_a_formatter_given_to_the_builder_makes_the_message_field(logger, receiver):
    """with_formatter: the message field is the formatter's output."""
    handler = (
        SocketHandlerBuilder()
        .with_tcp("127.0.0.1", receiver.port)
        .with_formatter(femtologging.Formatter("%(levelname)s:%(message)s"))
        .build()
    )
    logger.addHandler(handler)
    logger.info("formatted")
    assert handler.flush()
    assert receiver.wait_for(1)
    assert receiver.messages() == ["INFO:formatted"]


def test_a_formatter_changed_between_records_formats_each_with_its_own(logger, receiver):
    """A record like the one before goes without its format; one logged after
    the formatter was replaced, or its template assigned, is formatted anew."""
    handler = SocketHandlerBuilder().with_tcp("127.0.0.1", receiver.port).build()
    logger.addHandler(handler)
    logger.info("plain %d", 1)
    logger.info("plain %d", 2)
    formatter = femtologging.Formatter("%(levelname)s:%(message)s")
    handler.setFormatter(formatter)
    logger.info("levelled %d", 3)
    logger.warning("levelled %d", 4)
    formatter._style._fmt = formatter._fmt = "%(name)s|%(message)s"
    logger.info("named %d", 5)
    handler.setFormatter(None)
    logger.info("plain %d", 6)
    assert handler.flush()
    assert receiver.wait_for(6)
    assert receiver.messages() == [
        "plain 1",
        "plain 2",
        "INFO:levelled 3",
        "WARNING:levelled 4",
        f"{logger.name}|named 5",
        "plain 6",
    ]


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A CA and a leaf for localhost and 127.0.0.1 that it signed, made by openssl."""
    return make_certificates(tmp_path_factory.mktemp("femto-tls"))


def tls_receiver(certificates):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(
        os.path.join(certificates, "leaf.pem"), os.path.join(certificates, "leaf.key")
    )
    return Receiver(wrap=lambda connection: context.wrap_socket(connection, server_side=True))


def test_tls_to_a_server_whose_ca_is_trusted_delivers_the_records(
    logger, certificates, monkeypatch
):
    """with_tls verifies the server against the roots SSL_CERT_FILE names."""
    monkeypatch.setenv("SSL_CERT_FILE", os.path.join(certificates, "ca.pem"))
    receiver = tls_receiver(certificates).start()
    try:
        handler = (
            SocketHandlerBuilder()
            .with_tcp("127.0.0.1", receiver.port)
            .with_tls("localhost")
            .with_overflow_policy("block")
            .with_flush_timeout_ms(5000)
            .build()
        )
        assert repr(handler).startswith("<FemtoSocketHandler tls://127.0.0.1:")
        logger.addHandler(handler)
        for number in range(100):
            logger.info("secret %d", number)
        assert handler.flush()
        assert receiver.wait_for(100)
        assert receiver.messages() == [f"secret {number}" for number in range(100)]
    finally:
        receiver.stop()


def test_tls_to_an_untrusted_server_sends_nothing_and_counts_the_records(
    logger, certificates, monkeypatch
):
    """A certificate no trusted CA signed: no frame leaves, the records fail
    at the deadline; insecure=True would accept it."""
    monkeypatch.setenv("SSL_CERT_FILE", os.path.join(certificates, "leaf.key"))
    receiver = tls_receiver(certificates).start()
    try:
        handler = fast_backoff(
            SocketHandlerBuilder().with_tcp("127.0.0.1", receiver.port).with_tls("localhost"),
            deadline_ms=300,
        ).build()
        logger.addHandler(handler)
        logger.info("not for strangers")
        deadline = time.monotonic() + 10
        while handler.stats()["failed"] < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert handler.stats()["failed"] == 1
        assert receiver.records == []
        logger.removeHandler(handler)
        handler.close()

        insecure = (
            SocketHandlerBuilder()
            .with_tcp("127.0.0.1", receiver.port)
            .with_tls("localhost", insecure=True)
            .build()
        )
        logger.addHandler(insecure)
        logger.info("anyone")
        assert insecure.flush()
        assert receiver.wait_for(1)
        assert receiver.messages() == ["anyone"]
    finally:
        receiver.stop()


def test_a_record_a_filter_looked_at_is_sent_with_the_same_fields(logger, receiver):
    """A filter that reads the record (making its LogRecord) changes nothing
    that is sent, but what the filter set on it, which is a key_value."""
    handler = (
        SocketHandlerBuilder()
        .with_tcp("127.0.0.1", receiver.port)
        .with_overflow_policy("block")
        .build()
    )
    logger.addHandler(handler)

    def send(seen):
        logger.info("same %s", "text", extra={"k": [1, "v"]})
        seen.append(None)

    untouched = []
    send(untouched)

    def touch(record):
        record.touched = record.getMessage()
        return True

    handler.addFilter(touch)
    touched = []
    send(touched)
    assert handler.flush()
    assert receiver.wait_for(2)
    first, second = receiver.records
    assert second["key_values"] == {"k": [1, "v"], "touched": "same text"}
    for field in FIELDS - {"timestamp_ns", "key_values"}:
        assert first[field] == second[field], field
    assert first["key_values"] == {"k": [1, "v"]}


def test_without_log_threads_the_thread_fields_are_zero_and_empty(logger, receiver, monkeypatch):
    """logging.logThreads = False: thread_id 0 and thread_name "" (the record's None)."""
    monkeypatch.setattr(femtologging, "logThreads", False)
    handler = SocketHandlerBuilder().with_tcp("127.0.0.1", receiver.port).build()
    logger.addHandler(handler)
    logger.info("no threads")
    assert handler.flush()
    assert receiver.wait_for(1)
    record = receiver.records[0]
    assert (record["thread_id"], record["thread_name"]) == (0, "")


def test_a_thread_renamed_between_records_sends_each_records_name(logger, receiver):
    """thread_name is the thread's name when each record was logged."""
    handler = SocketHandlerBuilder().with_tcp("127.0.0.1", receiver.port).build()
    logger.addHandler(handler)

    def work():
        me = threading.current_thread()
        for name in ("first", "second", "second", "third"):
            me.name = name
            logger.info("as %s", name)

    thread = threading.Thread(target=work, name="unnamed")
    thread.start()
    thread.join()
    assert handler.flush()
    assert receiver.wait_for(4)
    assert [(r["message"], r["thread_name"]) for r in receiver.records] == [
        ("as first", "first"),
        ("as second", "second"),
        ("as second", "second"),
        ("as third", "third"),
    ]


def test_a_thread_class_with_its_own_name_property_is_asked_each_time(logger, receiver):
    """A Thread subclass whose `name` is computed sends what the property returns."""
    handler = SocketHandlerBuilder().with_tcp("127.0.0.1", receiver.port).build()
    logger.addHandler(handler)

    class Counting(threading.Thread):
        calls = 0

        @property
        def name(self):
            Counting.calls += 1
            return f"call-{Counting.calls}"

        @name.setter
        def name(self, value):
            self._name = value

    def work():
        logger.info("one")
        logger.info("two")

    thread = Counting(target=work)
    thread.start()
    thread.join()
    assert handler.flush()
    assert receiver.wait_for(2)
    names = [record["thread_name"] for record in receiver.records]
    assert len(set(names)) == 2 and all(name.startswith("call-") for name in names)


def test_threads_that_come_and_go_each_send_their_own_name(logger, receiver):
    """Many short threads (whose ids the system reuses) each send their own name,
    and a finished thread's object is not kept alive by the handler."""
    import weakref

    handler = SocketHandlerBuilder().with_tcp("127.0.0.1", receiver.port).build()
    logger.addHandler(handler)
    finished = []
    for index in range(40):
        thread = threading.Thread(target=lambda: logger.info("hello"), name=f"short-{index}")
        thread.start()
        thread.join()
        finished.append(weakref.ref(thread))
        del thread
    assert handler.flush()
    assert receiver.wait_for(40)
    assert [r["thread_name"] for r in receiver.records] == [f"short-{i}" for i in range(40)]
    gc.collect()
    assert all(reference() is None for reference in finished)


def test_a_thread_threading_never_started_is_named_as_current_thread_names_it(logger, receiver):
    """A thread started with _thread sends the dummy name current_thread() gives it."""
    import _thread

    handler = SocketHandlerBuilder().with_tcp("127.0.0.1", receiver.port).build()
    logger.addHandler(handler)
    done = threading.Event()
    seen = []

    def work():
        logger.info("foreign")
        logger.info("foreign again")
        seen.append(threading.current_thread().name)
        done.set()

    _thread.start_new_thread(work, ())
    assert done.wait(10)
    assert handler.flush()
    assert receiver.wait_for(2)
    assert [r["thread_name"] for r in receiver.records] == seen * 2


def test_records_a_full_queue_refused_leave_the_rest_whole(logger, receiver):
    """Under drop with a tiny queue, threads and formats taking turns: every record that
    arrives carries its own thread's name and its own handler's format."""
    handler = (
        SocketHandlerBuilder()
        .with_tcp("127.0.0.1", receiver.port)
        .with_capacity(2)
        .with_overflow_policy("drop")
        .build()
    )
    logger.addHandler(handler)
    plain = handler.formatter
    bracketed = femtologging.Formatter("[%(message)s]")

    def work(index):
        for number in range(300):
            logger.info("t%d n%d", index, number)

    threads = [threading.Thread(target=work, args=(index,), name=f"w{index}") for index in range(3)]
    for thread in threads:
        thread.start()
    for number in range(300):
        handler.setFormatter(bracketed if number % 2 else plain)
        logger.info("main n%d", number)
    for thread in threads:
        thread.join()
    assert handler.flush()
    stats = handler.stats()
    assert receiver.wait_for(stats["written"])
    assert stats["written"] + stats["dropped"] == 1200
    assert stats["rejected"] == 0
    for record in receiver.records:
        message = record["message"]
        if record["thread_name"] == "MainThread":
            assert re.fullmatch(r"main n\d+|\[main n\d+\]", message), message
        else:
            index = record["thread_name"][1:]
            assert re.fullmatch(rf"\[?t{index} n\d+\]?", message), message


def test_close_with_the_receiver_away_returns_at_once_and_counts_the_records(logger):
    """Nothing listening and the default two-minute deadline: close() gives up
    the queued records, counted as failed, instead of waiting."""
    handler = (
        SocketHandlerBuilder()
        .with_tcp("127.0.0.1", free_port())
        .with_backoff(base_ms=500, cap_ms=5000)
        .build()
    )
    logger.addHandler(handler)
    for number in range(20):
        logger.info("nobody %d", number)
    time.sleep(0.1)
    started = time.monotonic()
    logger.removeHandler(handler)
    handler.close()
    assert time.monotonic() - started < 2
    stats = handler.stats()
    assert (stats["failed"], stats["written"]) == (20, 0)


def test_a_program_that_ends_without_close_sends_every_record(receiver):
    """The exit hooks close the handler: a program that just ends sends all."""
    program = f"""
import femtologging
handler = (
    femtologging.SocketHandlerBuilder()
    .with_tcp("127.0.0.1", {receiver.port})
    .with_overflow_policy("block")
    .build()
)
logger = femtologging.getLogger("exiting")
logger.addHandler(handler)
logger.setLevel("INFO")
for number in range(500):
    logger.info("bye %d", number)
"""
    subprocess.run([sys.executable, "-c", program], check=True, timeout=30)
    assert receiver.wait_for(500)
    assert receiver.messages() == [f"bye {number}" for number in range(500)]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_sends_its_records_on_a_connection_of_its_own(logger, receiver):
    """After fork the child's worker connects afresh; both processes' records arrive."""
    handler = (
        SocketHandlerBuilder()
        .with_tcp("127.0.0.1", receiver.port)
        .with_overflow_policy("block")
        .build()
    )
    logger.addHandler(handler)
    logger.info("parent before")
    assert handler.flush()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        try:
            for number in range(10):
                logger.info("child %d", number)
            handler.close()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    logger.info("parent after")
    assert handler.flush()
    assert receiver.wait_for(12)
    messages = receiver.messages()
    assert [message for message in messages if message.startswith("child")] == [
        f"child {number}" for number in range(10)
    ]
    assert [message for message in messages if message.startswith("parent")] == [
        "parent before",
        "parent after",
    ]
    assert receiver.connections == 2


def test_a_record_after_close_is_sent_on_the_callers_thread(logger, receiver):
    """As a closed femto file handler reopens its file, a closed socket handler
    sends a late record itself."""
    handler = SocketHandlerBuilder().with_tcp("127.0.0.1", receiver.port).build()
    logger.addHandler(handler)
    logger.info("on time")
    handler.close()
    logger.info("late")
    assert receiver.wait_for(2)
    # Two connections, read by two threads: their records may interleave.
    assert sorted(receiver.messages()) == ["late", "on time"]
    assert receiver.connections == 2


@pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6")
def test_an_ipv6_loopback_receiver_gets_the_records(logger):
    """with_tcp("::1", port) connects over IPv6."""
    try:
        receiver = Receiver(host="::1").start()
    except OSError:
        pytest.skip("::1 is not configured")
    try:
        handler = SocketHandlerBuilder().with_tcp("::1", receiver.port).build()
        logger.addHandler(handler)
        logger.info("over six")
        assert handler.flush()
        assert receiver.wait_for(1)
        assert receiver.messages() == ["over six"]
    finally:
        receiver.stop()


def test_a_handler_dropped_without_close_does_not_wait_for_an_absent_receiver(logger):
    """Dropping the last reference closes the handler as close() does."""
    handler = SocketHandlerBuilder().with_tcp("127.0.0.1", free_port()).build()
    logger.addHandler(handler)
    for number in range(5):
        logger.info("dropped %d", number)
    logger.removeHandler(handler)
    time.sleep(0.1)
    started = time.monotonic()
    del handler
    gc.collect()
    assert time.monotonic() - started < 2


def test_an_exceptions_traceback_follows_the_message(logger, receiver):
    """logger.exception: message holds the merged message, then the traceback,
    as the standard default formatter gives them."""
    handler = SocketHandlerBuilder().with_tcp("127.0.0.1", receiver.port).build()
    logger.addHandler(handler)
    try:
        1 / 0  # noqa: B018
    except ZeroDivisionError:
        logger.exception("failed %d", 1)
    assert handler.flush()
    assert receiver.wait_for(1)
    message = receiver.records[0]["message"]
    assert message.startswith("failed 1\nTraceback (most recent call last):\n")
    assert message.endswith("ZeroDivisionError: division by zero")
    assert receiver.records[0]["level"] == "ERROR"


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name != "posix", reason="POSIX")
def test_a_program_ended_by_sigterm_sends_every_record_first(receiver):
    """SIGTERM at its default action: the handler sends what it holds, then
    the signal ends the process."""
    program = f"""
import os, signal
import femtologging
handler = (
    femtologging.SocketHandlerBuilder()
    .with_tcp("127.0.0.1", {receiver.port})
    .with_overflow_policy("block")
    .build()
)
logger = femtologging.getLogger("terminated")
logger.addHandler(handler)
logger.setLevel("INFO")
for number in range(500):
    logger.info("term %d", number)
os.kill(os.getpid(), signal.SIGTERM)
signal.pause()
"""
    finished = subprocess.run([sys.executable, "-c", program], timeout=30)
    assert finished.returncode == -signal.SIGTERM
    assert receiver.wait_for(500)
    assert receiver.messages() == [f"term {number}" for number in range(500)]


def numbers_of(messages):
    return [int(message.split()[1]) for message in messages]


def test_a_burst_sent_in_batches_arrives_as_whole_frames_each_exactly_once(logger, receiver):
    """20,000 records, sent many frames to a write: every frame decodes with
    msgpack, and each record arrives once, in order."""
    handler = (
        SocketHandlerBuilder()
        .with_tcp("127.0.0.1", receiver.port)
        .with_capacity(1024)
        .with_overflow_policy("block")
        .with_flush_timeout_ms(10_000)
        .build()
    )
    logger.addHandler(handler)
    for number in range(20_000):
        logger.info("record %d %s", number, "y" * (number % 300))
    assert handler.flush()
    assert receiver.wait_for(20_000)
    time.sleep(0.05)
    assert receiver.messages() == [
        f"record {number} {'y' * (number % 300)}" for number in range(20_000)
    ]
    assert all(set(record) == FIELDS for record in receiver.records)
    stats = handler.stats()
    assert (stats["written"], stats["dropped"], stats["failed"]) == (20_000, 0, 0)


def test_a_receiver_restarted_while_batches_are_in_flight_gets_no_record_twice(logger):
    """The receiver goes away in the middle of a stream of large batches and
    comes back: no record arrives twice or out of order, and under block
    every record logged once it is back arrives."""
    first = Receiver().start()
    handler = fast_backoff(
        SocketHandlerBuilder()
        .with_tcp("127.0.0.1", first.port)
        .with_capacity(512)
        .with_overflow_policy("block")
    ).build()
    logger.addHandler(handler)
    payload = "z" * 2000
    for number in range(3000):
        logger.info("record %d %s", number, payload)
    first.stop()
    second = Receiver(port=first.port).start()
    try:
        for number in range(3000, 6000):
            logger.info("record %d %s", number, payload)
        assert handler.flush()
        assert second.wait_for(3000)
        time.sleep(0.05)
        numbers = numbers_of(first.messages()) + numbers_of(second.messages())
        assert numbers == sorted(set(numbers))
        # The second receiver has everything from its first record on.
        later = numbers_of(second.messages())
        assert later == list(range(later[0], 6000))
        assert later[0] <= 3000
        stats = handler.stats()
        assert stats["written"] + stats["failed"] == 6000
        assert stats["dropped"] == 0
    finally:
        second.stop()


def stalled_burst(logger, receiver, policy, count):
    """Logs `count` records of 1 KB while the receiver reads nothing for
    half a second; returns the handler."""
    handler = (
        SocketHandlerBuilder()
        .with_tcp("127.0.0.1", receiver.port)
        .with_capacity(256)
        .with_overflow_policy(policy)
        .with_write_timeout_ms(10_000)
        .with_flush_timeout_ms(10_000)
        .build()
    )
    logger.addHandler(handler)
    logger.info("record 0 connected")
    assert handler.flush()
    assert receiver.wait_for(1)
    receiver.stall()
    resume = threading.Timer(0.5, receiver.resume)
    resume.start()
    payload = "s" * 1000
    for number in range(1, count):
        logger.info("record %d %s", number, payload)
    resume.join()
    assert handler.flush()
    return handler


def test_a_stalled_receiver_under_drop_loses_only_what_is_counted(logger, receiver):
    """While the receiver stalls, drop refuses what the queue cannot hold:
    every record is either received or counted as dropped."""
    count = 20_000
    handler = stalled_burst(logger, receiver, "drop", count)
    stats = handler.stats()
    assert receiver.wait_for(stats["written"])
    time.sleep(0.05)
    numbers = numbers_of(receiver.messages())
    assert stats["dropped"] > 0
    assert stats["failed"] == 0
    assert len(numbers) + stats["dropped"] == count
    assert numbers == sorted(set(numbers))


def test_a_record_after_a_refused_one_keeps_its_own_format(logger, receiver):
    """A record the full queue refused, the first with a new formatter, does not leave
    the next record with the old formatter's message."""
    handler = (
        SocketHandlerBuilder()
        .with_tcp("127.0.0.1", receiver.port)
        .with_capacity(4)
        .with_overflow_policy("drop")
        .with_max_frame_size(4 << 20)
        .with_write_timeout_ms(10_000)
        .with_flush_timeout_ms(10_000)
        .build()
    )
    logger.addHandler(handler)
    logger.info("connected")
    assert handler.flush()
    assert receiver.wait_for(1)
    receiver.stall()
    # Records of 2 MB: a few fill the socket's buffers, the worker is stuck
    # in a send the receiver does not take, and the queue stays full.
    payload = "s" * (2 << 20)
    deadline = time.monotonic() + 10
    while handler.stats()["dropped"] < 5 and time.monotonic() < deadline:
        logger.info("old %s", payload)
    assert handler.stats()["dropped"] >= 5
    # The first record of a new formatter is refused (the worker may make
    # room at any moment: a fresh formatter again until one is).
    for attempt in range(100):
        handler.setFormatter(femtologging.Formatter(f"new {attempt}: %(message)s"))
        dropped = handler.stats()["dropped"]
        logger.info("refused")
        if handler.stats()["dropped"] == dropped + 1:
            break
    else:
        pytest.fail("no record was refused")
    receiver.resume()
    assert handler.flush()
    logger.info("after")
    assert handler.flush()
    assert receiver.wait_for(handler.stats()["written"])
    time.sleep(0.05)
    assert receiver.messages()[-1] == f"new {attempt}: after"


def test_a_stalled_receiver_under_block_gets_every_record_once_it_resumes(logger, receiver):
    """Under block the callers wait out the stall: every record arrives,
    once, in order."""
    count = 5_000
    handler = stalled_burst(logger, receiver, "block", count)
    assert receiver.wait_for(count)
    time.sleep(0.05)
    assert numbers_of(receiver.messages()) == list(range(count))
    stats = handler.stats()
    assert (stats["written"], stats["dropped"], stats["failed"]) == (count, 0, 0)
