"""SysLogHandler over TLS against rsyslog's TLS listener (imtcp with GnuTLS):
what rsyslog parsed out of each message, with the bytes on the wire taken
by a relay between the two, so that a test sees that nothing crossed in
clear; and the servers it must refuse (an unknown CA, another host name),
each reported through handleError, with the program going on."""

import os
import socket
import ssl
import sys
import threading

import femtologging
import femtologging.handlers
import pytest
from conftest import logger_to, make_certificates
from rsyslog_peer import running_rsyslog


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    return make_certificates(tmp_path_factory.mktemp("syslog-tls"))


@pytest.fixture(scope="module")
def unknown_ca(tmp_path_factory):
    """A CA of the same kind that signed nothing rsyslog holds."""
    return os.path.join(make_certificates(tmp_path_factory.mktemp("other-ca")), "ca.pem")


@pytest.fixture(scope="module")
def rsyslog(tmp_path_factory, certificates):
    directory = str(tmp_path_factory.mktemp("rsyslog-tls"))
    with running_rsyslog(directory, tls=certificates) as server:
        yield server


class Relay:
    """Forwards TCP connections to rsyslog's TLS port both ways, keeping a
    copy of every byte the client sent."""

    def __init__(self, port):
        self.target = port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._sent = bytearray()
        self._lock = threading.Lock()
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def sent(self):
        with self._lock:
            return bytes(self._sent)

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            server = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pipe, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, False), daemon=True).start()

    def _pipe(self, source, destination, from_client):
        try:
            while chunk := source.recv(65536):
                if from_client:
                    with self._lock:
                        self._sent += chunk
                destination.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, destination):
                try:
                    end.shutdown(socket.SHUT_WR if end is destination else socket.SHUT_RD)
                except OSError:
                    pass

    def close(self):
        self.listener.close()


@pytest.fixture
def relay(rsyslog):
    relay = Relay(rsyslog.tls_port)
    yield relay
    relay.close()


def _errors(handler):
    """The exceptions handleError was called with, in order."""
    errors = []
    handler.handleError = lambda record: errors.append(sys.exc_info()[1])
    return errors


def test_rfc3164_over_tls_is_parsed_by_rsyslog_and_never_crosses_in_clear(
    rsyslog, relay, certificates
):
    """Standard messages over TLS, verified by host name, reach rsyslog; none crosses in clear."""
    handler = femtologging.handlers.SysLogHandler(
        ("localhost", relay.port),
        facility="local3",
        tls=True,
        tls_cafile=os.path.join(certificates, "ca.pem"),
    )
    handler.ident = "tlsapp: "
    errors = _errors(handler)
    logger = logger_to("rsyslog.tls", handler)
    logger.info("tls-secret info")
    logger.error("tls-secret error")
    lines = rsyslog.lines("tls-secret", 2)
    handler.close()
    assert errors == []
    assert [line[:3] for line in lines] == [["158", "local3", "6"], ["155", "local3", "3"]]
    assert {line[4] for line in lines} == {"tlsapp"}
    assert [line[8].strip() for line in lines] == ["tls-secret info", "tls-secret error"]
    wire = relay.sent()
    assert wire.startswith(b"\x16\x03"), wire[:16]  # a TLS handshake record first
    assert b"localhost" in wire  # the host name, sent as SNI in the hello
    assert b"tls-secret" not in wire and b"tlsapp" not in wire


def test_rfc5424_over_tls_carries_its_header_and_structured_data(rsyslog, certificates):
    """RFC 5424 over TLS gives rsyslog hostname, app-name, msgid and structured data."""
    handler = femtologging.handlers.SysLogHandler(
        ("127.0.0.1", rsyslog.tls_port),
        facility="local1",
        tls=True,
        tls_cafile=os.path.join(certificates, "ca.pem"),
        rfc5424=True,
        hostname="tls.example",
        app_name="tls5424",
    )
    logger = logger_to("rsyslog.tls5424", handler)
    logger.warning(
        "tls5424 message", extra={"msgid": "AUDIT", "structured_data": {"a@32473": {"k": "v"}}}
    )
    (line,) = rsyslog.lines("tls5424 message", 1)
    handler.close()
    assert line[:8] == [
        "140",
        "local1",
        "4",
        "tls.example",
        "tls5424",
        str(os.getpid()),
        "AUDIT",
        '[a@32473 k="v"]',
    ]
    assert line[8] == "tls5424 message"


@pytest.mark.parametrize(
    "verification",
    [
        pytest.param({"tls_cafile": "unknown"}, id="unknown-ca"),
        pytest.param({"tls_server_hostname": "logs.example.com"}, id="wrong-host-name"),
    ],
)
def test_a_server_that_fails_verification_gets_nothing_and_each_record_is_reported(
    rsyslog, relay, certificates, unknown_ca, verification
):
    """A refused certificate raises nothing, is reported by each record, and nothing is sent."""
    options = {"tls_cafile": os.path.join(certificates, "ca.pem"), **verification}
    if options["tls_cafile"] == "unknown":
        options["tls_cafile"] = unknown_ca
    handler = femtologging.handlers.SysLogHandler(("127.0.0.1", relay.port), tls=True, **options)
    errors = _errors(handler)
    marker = "refused-" + next(iter(verification))
    logger = logger_to(f"rsyslog.{marker}", handler)
    logger.error("%s one", marker)
    logger.error("%s two", marker)
    handler.close()
    assert len(errors) == 2
    for error in errors:
        assert isinstance(error, ssl.SSLCertVerificationError), repr(error)
    assert "certificate" in str(errors[0])
    # The constructor and each record tried a handshake; none got further.
    assert relay.connections == 3
    assert b"refused-" not in relay.sent()
    if "tls_server_hostname" in options:
        # The name the certificate was checked against went out as SNI.
        assert b"logs.example.com" in relay.sent()
    # The program goes on: rsyslog still takes records from a verifying handler.
    good = femtologging.handlers.SysLogHandler(
        ("127.0.0.1", rsyslog.tls_port),
        tls=True,
        tls_cafile=os.path.join(certificates, "ca.pem"),
    )
    good.ident = "goodapp: "
    logger.removeHandler(handler)
    logger.addHandler(good)
    logger.error("%s after", marker)
    lines = rsyslog.lines(marker, 1)
    good.close()
    assert [line[8].strip() for line in lines] == [f"{marker} after"]


def test_tls_insecure_accepts_a_certificate_nobody_vouches_for(rsyslog):
    """With tls_insecure and no CA, rsyslog's certificate is taken and the record delivered."""
    handler = femtologging.handlers.SysLogHandler(
        ("127.0.0.1", rsyslog.tls_port), tls=True, tls_insecure=True
    )
    handler.ident = "insecureapp: "
    errors = _errors(handler)
    logger_to("rsyslog.insecure", handler).info("insecure delivered")
    lines = rsyslog.lines("insecure delivered", 1)
    handler.close()
    assert errors == []
    assert lines[0][:3] == ["14", "user", "6"]
    assert (lines[0][4], lines[0][8].strip()) == ("insecureapp", "insecure delivered")


def test_a_tls_handler_reconnects_after_rsyslog_restarted(rsyslog, certificates):
    """After rsyslog restarts, the next records go over a new verified session, nothing reported."""
    handler = femtologging.handlers.SysLogHandler(
        ("localhost", rsyslog.tls_port),
        tls=True,
        tls_cafile=os.path.join(certificates, "ca.pem"),
    )
    handler.ident = "restartapp: "
    errors = _errors(handler)
    logger = logger_to("rsyslog.tlsrestart", handler)
    logger.warning("tls-restart before")
    rsyslog.lines("tls-restart before", 1)
    rsyslog.stop()
    rsyslog.start()
    for index in range(3):
        logger.warning("tls-restart after %d", index)
    lines = rsyslog.lines("tls-restart after", 3)
    handler.close()
    assert [line[8].strip() for line in lines] == [f"tls-restart after {i}" for i in range(3)]
    assert errors == []


def test_tls_settings_that_cannot_work_are_refused_by_the_constructor(tmp_path):
    """TLS to a Unix socket or over UDP, TLS options without tls, a CA that is not PEM: refused."""
    handlers = femtologging.handlers
    with pytest.raises(ValueError, match="Unix socket"):
        handlers.SysLogHandler(str(tmp_path / "log.sock"), tls=True)
    with pytest.raises(ValueError, match="SOCK_STREAM"):
        handlers.SysLogHandler(("127.0.0.1", 6514), socktype=socket.SOCK_DGRAM, tls=True)
    with pytest.raises(ValueError, match="tls=True"):
        handlers.SysLogHandler(("127.0.0.1", 6514), tls_insecure=True)
    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("not a certificate\n")
    with pytest.raises(ValueError, match="certificate"):
        handlers.SysLogHandler(("127.0.0.1", 6514), tls=True, tls_cafile=str(not_pem))


def test_without_reconnect_a_tls_server_that_cannot_be_reached_is_raised_by_the_constructor():
    """reconnect=False keeps the standard TCP behaviour: a refused connection raises at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConnectionRefusedError):
        femtologging.handlers.SysLogHandler(
            ("127.0.0.1", port), tls=True, tls_insecure=True, reconnect=False
        )
