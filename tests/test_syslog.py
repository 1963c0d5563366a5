"""SysLogHandler's options beyond the standard library: RFC 5424, framing,
when a TCP handler reconnects, and an oversized UDP record cut to the
datagram limit instead of refused."""

import errno
import logging
import logging.handlers
import os
import re
import socket
import sys
import time

import femtologging
import femtologging.handlers
import pytest
from conftest import logger_to


def _server():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    server.settimeout(5)
    return server


def _read_all(connection):
    connection.settimeout(5)
    received = b""
    while chunk := connection.recv(4096):
        received += chunk
    return received


def test_rfc5424_over_udp_has_the_header_fields_and_the_message():
    """An RFC 5424 datagram has version 1, an RFC 3339 time, host, app, pid, msgid and SD."""
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    handler = femtologging.handlers.SysLogHandler(
        ("127.0.0.1", receiver.getsockname()[1]),
        facility="local2",
        rfc5424=True,
        hostname="box",
        app_name="svc",
    )
    logger = logger_to("syslog.5424", handler)
    logger.warning("hello", extra={"structured_data": {"meta@1": {"k": "v"}}})
    logger.info("plain")
    first, second = receiver.recv(4096), receiver.recv(4096)
    handler.close()
    stamp = rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z"
    pid = str(os.getpid()).encode()
    assert re.fullmatch(
        rb"<148>1 " + stamp + rb" box svc " + pid + rb' - \[meta@1 k="v"\] hello', first
    )
    assert re.fullmatch(rb"<150>1 " + stamp + rb" box svc " + pid + rb" - - plain", second)


def test_octet_counting_frames_each_message_with_its_length():
    """framing='octet-counting' sends 'LEN SP message' for each record."""
    server = _server()
    handler = femtologging.handlers.SysLogHandler(
        server.getsockname(), socktype=socket.SOCK_STREAM, framing="octet-counting"
    )
    connection, _ = server.accept()
    logger = logger_to("syslog.octets", handler)
    logger.error("one")
    logger.error("twenty-two")
    handler.close()
    assert _read_all(connection) == b"8 <11>one\x0015 <11>twenty-two\x00"


def test_a_framed_tcp_handler_reconnects_by_default_after_the_server_closed():
    """With framing chosen, a record after the server closed goes on a new connection."""
    server = _server()
    handler = femtologging.handlers.SysLogHandler(
        server.getsockname(), socktype=socket.SOCK_STREAM, framing="newline"
    )
    handler.append_nul = False
    errors = []
    handler.handleError = errors.append
    first, _ = server.accept()
    logger = logger_to("syslog.reconnect", handler)
    logger.error("before")
    assert first.recv(4096) == b"<11>before\n"
    first.close()
    time.sleep(0.05)
    logger.error("after")
    second, _ = server.accept()
    logger.error("again")
    handler.close()
    assert _read_all(second) == b"<11>after\n<11>again\n"
    assert errors == []


def test_a_standard_tcp_handler_does_not_reconnect_unless_asked():
    """Without options a TCP handler keeps its dead connection, as the standard one does."""
    server = _server()
    handler = femtologging.handlers.SysLogHandler(server.getsockname(), socktype=socket.SOCK_STREAM)
    errors = []
    handler.handleError = errors.append
    first, _ = server.accept()
    first.close()
    logger = logger_to("syslog.standard", handler)
    for _ in range(20):
        logger.error("lost")
        if errors:
            break
    assert errors
    server.settimeout(0.2)
    with pytest.raises(TimeoutError):
        server.accept()
    handler.close()


def test_an_unknown_framing_is_refused():
    """framing accepts None, 'octet-counting' and 'newline' only."""
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    with pytest.raises(ValueError, match="framing"):
        femtologging.handlers.SysLogHandler(receiver.getsockname(), framing="crlf")


def test_records_from_many_threads_arrive_whole_over_one_connection():
    """Threads logging at once through one TCP handler never interleave inside a message."""
    import threading

    server = _server()
    handler = femtologging.handlers.SysLogHandler(
        server.getsockname(), socktype=socket.SOCK_STREAM, framing="newline"
    )
    handler.append_nul = False
    connection, _ = server.accept()
    received = []
    reader = threading.Thread(target=lambda: received.append(_read_all(connection)))
    reader.start()
    logger = logger_to("syslog.threads", handler)

    def work(index):
        for number in range(300):
            logger.warning("thread %d record %d %s", index, number, "x" * 200)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    handler.close()
    reader.join(10)
    lines = received[0].split(b"\n")
    assert lines.pop() == b""
    assert len(lines) == 1200
    pattern = re.compile(rb"<12>thread \d record \d+ x{200}")
    assert all(pattern.fullmatch(line) for line in lines)


def _udp_receiver():
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    return receiver


def _oversized_message():
    # Two-byte characters, so that the limit falls inside one.
    return "big" + "é" * 40_000


def test_records_from_many_threads_over_udp_each_arrive_once_as_the_standard_bytes():
    """Threads sharing one UDP handler: each record is one datagram, the standard's bytes."""
    import threading

    receiver = _udp_receiver()
    receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    handler = femtologging.handlers.SysLogHandler(receiver.getsockname())
    handler.setFormatter(femtologging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger = logger_to("syslog.udp.threads", handler)
    accents = "\u00e9" * 50
    datagrams = []
    reader = threading.Thread(
        target=lambda: datagrams.extend(receiver.recv(1 << 16) for _ in range(1200))
    )
    reader.start()

    def work(index):
        for number in range(300):
            logger.warning("thread %d record %d %s", index, number, accents)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reader.join(10)
    handler.close()
    receiver.close()
    expected = {
        f"<12>WARNING syslog.udp.threads: thread {index} record {number} {accents}\x00".encode()
        for index in range(4)
        for number in range(300)
    }
    assert len(datagrams) == 1200
    assert set(datagrams) == expected


def test_an_oversized_udp_record_is_reported_and_not_sent_as_by_the_standard_handler():
    """By default a record over the datagram limit is reported (EMSGSIZE), not sent, as standard."""
    receiver = _udp_receiver()
    reported = {}
    for module in (logging, femtologging):
        handler = module.handlers.SysLogHandler(receiver.getsockname())
        handler.handleError = lambda record, module=module: reported.setdefault(
            module.__name__, sys.exc_info()[1]
        )
        logger = module.getLogger("syslog.oversized.default")
        logger.propagate = False
        logger.addHandler(handler)
        logger.error(_oversized_message())
        logger.removeHandler(handler)
        handler.close()
    assert reported["logging"].errno == errno.EMSGSIZE
    assert type(reported["femtologging"]) is type(reported["logging"])
    assert reported["femtologging"].errno == errno.EMSGSIZE
    receiver.settimeout(0.2)
    with pytest.raises(TimeoutError):
        receiver.recv(1 << 17)
    receiver.close()


def test_truncate_oversized_cuts_a_record_to_the_udp_limit_and_counts_it():
    """truncate_oversized sends a record cut to 65,507 bytes (whole characters and NUL), counted."""
    receiver = _udp_receiver()
    handler = femtologging.handlers.SysLogHandler(receiver.getsockname(), truncate_oversized=True)
    errors = []
    handler.handleError = lambda record: errors.append(sys.exc_info()[1])
    logger = logger_to("syslog.oversized.truncated", handler)
    logger.error(_oversized_message())
    logger.error("small after")
    cut = receiver.recv(1 << 17)
    small = receiver.recv(1 << 17)
    assert handler.truncated == 1
    handler.close()
    receiver.close()
    assert errors == []
    whole = ("<11>" + _oversized_message()).encode("utf-8")
    # 65,507 bytes at most; the cut fell inside a character, so one byte less.
    assert len(cut) == 65_506
    assert cut[:-1] == whole[:65_505]
    assert cut[-1:] == b"\0"
    assert cut[:-1].decode("utf-8").endswith("é")
    assert small == b"<11>small after\0"


def test_a_udp_receiver_that_starts_late_gets_every_record_sent_after_it_started():
    """Records to a UDP port nobody serves report nothing; once served, each arrives."""
    receiver = _udp_receiver()
    address = receiver.getsockname()
    receiver.close()
    handler = femtologging.handlers.SysLogHandler(address)
    errors = []
    handler.handleError = lambda record: errors.append(sys.exc_info()[1])
    logger = logger_to("syslog.late", handler)
    for index in range(3):
        logger.error("unheard %d", index)
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(address)
    receiver.settimeout(5)
    for index in range(3):
        logger.error("heard %d", index)
    received = [receiver.recv(4096) for _ in range(3)]
    handler.close()
    receiver.close()
    assert errors == []
    assert received == [b"<11>heard %d\0" % index for index in range(3)]
