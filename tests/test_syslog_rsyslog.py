"""SysLogHandler against rsyslog: what rsyslog parsed out of each message
(facility, severity, app-name, structured data, message), over UDP, TCP and
its Unix socket (the standard unframed TCP bytes split at their NUL); and
a TCP handler that reconnects after rsyslog restarted."""

import os
import socket

import femtologging
import femtologging.handlers
import pytest
from conftest import logger_to
from rsyslog_peer import running_rsyslog


@pytest.fixture(scope="module")
def rsyslog(tmp_path_factory):
    with running_rsyslog(str(tmp_path_factory.mktemp("rsyslog"))) as server:
        yield server


def test_rfc3164_over_udp_is_parsed_with_facility_severity_and_tag(rsyslog):
    """Standard messages over UDP reach rsyslog with their facility, severity, tag and text."""
    handler = femtologging.handlers.SysLogHandler(
        ("127.0.0.1", rsyslog.udp_port), facility="local4"
    )
    handler.ident = "udpapp: "
    logger = logger_to("rsyslog.udp", handler)
    logger.debug("udp debug")
    logger.error("udp error")
    logger.critical("udp critical")
    lines = rsyslog.lines("udp ", 3)
    handler.close()
    assert [line[:3] for line in lines] == [
        ["167", "local4", "7"],
        ["163", "local4", "3"],
        ["162", "local4", "2"],
    ]
    assert {line[4] for line in lines} == {"udpapp"}
    assert [line[8].strip() for line in lines] == ["udp debug", "udp error", "udp critical"]


def test_rfc3164_over_tcp_with_newline_framing_is_parsed(rsyslog):
    """Standard messages over TCP, one per line, are parsed one by one."""
    handler = femtologging.handlers.SysLogHandler(
        ("127.0.0.1", rsyslog.tcp_port), socktype=socket.SOCK_STREAM, framing="newline"
    )
    handler.append_nul = False
    handler.ident = "tcpapp: "
    logger = logger_to("rsyslog.tcp", handler)
    logger.info("tcp info")
    logger.warning("tcp warning")
    lines = rsyslog.lines("tcp ", 2)
    handler.close()
    assert [line[:3] for line in lines] == [["14", "user", "6"], ["12", "user", "4"]]
    assert {line[4] for line in lines} == {"tcpapp"}
    assert [line[8].strip() for line in lines] == ["tcp info", "tcp warning"]


def test_standard_tcp_bytes_are_split_at_their_nul_by_rsyslog(rsyslog):
    """The standard's unframed TCP messages, each ending in NUL, are parsed one by one."""
    handler = femtologging.handlers.SysLogHandler(
        ("127.0.0.1", rsyslog.tcp_port), facility="mail", socktype=socket.SOCK_STREAM
    )
    handler.ident = "nulapp: "
    logger = logger_to("rsyslog.nul", handler)
    logger.info("nul info")
    logger.critical("nul critical")
    lines = rsyslog.lines("nul ", 2)
    handler.close()
    assert [line[:3] for line in lines] == [["22", "mail", "6"], ["18", "mail", "2"]]
    assert {line[4] for line in lines} == {"nulapp"}
    assert [line[8].strip() for line in lines] == ["nul info", "nul critical"]


def test_rfc3164_over_the_unix_socket_is_parsed(rsyslog):
    """Standard messages to rsyslog's Unix socket arrive with facility, severity and tag."""
    handler = femtologging.handlers.SysLogHandler(rsyslog.socket_path, facility="daemon")
    handler.ident = "unixapp: "
    logger = logger_to("rsyslog.unix", handler)
    logger.warning("unix warning")
    logger.error("unix error")
    lines = rsyslog.lines("unix ", 2)
    handler.close()
    assert [line[:3] for line in lines] == [["28", "daemon", "4"], ["27", "daemon", "3"]]
    assert {line[4] for line in lines} == {"unixapp"}
    assert [line[8].strip() for line in lines] == ["unix warning", "unix error"]


def test_rfc5424_over_tcp_with_octet_counting_carries_structured_data(rsyslog):
    """RFC 5424 with octet counting gives rsyslog hostname, app-name, procid, msgid and SD."""
    handler = femtologging.handlers.SysLogHandler(
        ("127.0.0.1", rsyslog.tcp_port),
        facility="local0",
        socktype=socket.SOCK_STREAM,
        rfc5424=True,
        framing="octet-counting",
        hostname="host.example",
        app_name="app5424",
        msgid="DEFAULTID",
    )
    logger = logger_to("rsyslog.5424", handler)
    logger.info("5424 plain")
    logger.error(
        "5424 with data\nsecond line",
        extra={
            "msgid": "LOGIN",
            "structured_data": {"auth@32473": {"user": 'a"b]c', "ok": 1}},
        },
    )
    lines = rsyslog.lines("5424 ", 2)
    handler.close()
    plain, data = lines
    assert plain[:8] == [
        "134",
        "local0",
        "6",
        "host.example",
        "app5424",
        str(os.getpid()),
        "DEFAULTID",
        "-",
    ]
    assert plain[8] == "5424 plain"
    assert data[:7] == ["131", "local0", "3", "host.example", "app5424", str(os.getpid()), "LOGIN"]
    assert data[7] == '[auth@32473 user="a\\"b\\]c" ok="1"]'
    assert data[8].startswith("5424 with data")


def test_rfc5424_over_udp_is_parsed_with_its_header(rsyslog):
    """RFC 5424 datagrams give rsyslog hostname, app-name, procid, msgid and structured data."""
    handler = femtologging.handlers.SysLogHandler(
        ("127.0.0.1", rsyslog.udp_port),
        facility="local2",
        rfc5424=True,
        hostname="udp.example",
        app_name="udp5424",
    )
    logger = logger_to("rsyslog.udp5424", handler)
    logger.warning("udp5424 message", extra={"structured_data": {"req@32473": {"id": "7"}}})
    (line,) = rsyslog.lines("udp5424 message", 1)
    handler.close()
    assert line[:8] == [
        "148",
        "local2",
        "4",
        "udp.example",
        "udp5424",
        str(os.getpid()),
        "-",
        '[req@32473 id="7"]',
    ]
    assert line[8] == "udp5424 message"


def test_rfc3164_over_tcp_with_octet_counting_is_parsed(rsyslog):
    """Standard messages with RFC 6587 octet counting are parsed one by one."""
    handler = femtologging.handlers.SysLogHandler(
        ("127.0.0.1", rsyslog.tcp_port),
        facility="news",
        socktype=socket.SOCK_STREAM,
        framing="octet-counting",
    )
    handler.append_nul = False
    handler.ident = "octetapp: "
    logger = logger_to("rsyslog.octet3164", handler)
    logger.info("octet info\nwith a second line")
    logger.error("octet error")
    lines = rsyslog.lines("octet ", 2)
    handler.close()
    assert [line[:3] for line in lines] == [["62", "news", "6"], ["59", "news", "3"]]
    assert {line[4] for line in lines} == {"octetapp"}
    assert [line[8].strip() for line in lines] == [
        "octet info#012with a second line",
        "octet error",
    ]


def test_tcp_handler_reconnects_after_rsyslog_restarted(rsyslog):
    """With reconnect, a TCP handler delivers again once rsyslog is back, reporting nothing."""
    handler = femtologging.handlers.SysLogHandler(
        ("127.0.0.1", rsyslog.tcp_port),
        socktype=socket.SOCK_STREAM,
        framing="newline",
        reconnect=True,
    )
    handler.append_nul = False
    handler.ident = "restartapp: "
    errors = []
    handler.handleError = errors.append
    logger = logger_to("rsyslog.restart", handler)
    logger.warning("restart before")
    rsyslog.lines("restart before", 1)
    rsyslog.stop()
    rsyslog.start()
    for index in range(3):
        logger.warning("restart after %d", index)
    lines = rsyslog.lines("restart after", 3)
    handler.close()
    assert [line[8].strip() for line in lines] == [f"restart after {i}" for i in range(3)]
    assert errors == []
