"""SysLogHandler: the bytes a receiver inside the program gets over UDP, TCP
and Unix sockets, its names and tables, subclasses, and its failures."""

from ._harness import differential


@differential(requires=["handlers"])
def test_udp_datagrams_carry_priority_ident_message_and_nul(logging):
    """Over UDP a record is one datagram: <PRI>, ident, the record, NUL unless turned off."""
    import socket

    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    handler = logging.handlers.SysLogHandler(("127.0.0.1", receiver.getsockname()[1]))
    handler.setFormatter(logging.Formatter("%(name)s[%(levelname)s] %(message)s"))
    logger = logging.getLogger("udp.app")
    logger.addHandler(handler)
    logger.setLevel(1)
    logger.debug("debug %d", 1)
    logger.info("café ✓")
    logger.warning("warning")
    logger.error("error")
    logger.critical("critical")
    logger.log(5, "level five")
    logger.log(45, "level forty-five")
    handler.ident = "myapp[42]: "
    logger.info("with ident")
    handler.append_nul = False
    logger.info("without nul")
    for _ in range(9):
        print(receiver.recv(4096))
    print(handler.socktype == socket.SOCK_DGRAM, handler.unixsocket, handler.address[0])
    handler.close()
    print(handler.socket)


@differential(requires=["handlers"])
def test_facility_given_by_number_or_name_goes_into_the_priority(logging):
    """A facility given as LOG_LOCAL7 or as the name 'daemon' is encoded into PRI."""
    import socket

    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    address = ("127.0.0.1", receiver.getsockname()[1])
    syslog = logging.handlers.SysLogHandler
    logger = logging.getLogger("facilities")
    for facility in (syslog.LOG_LOCAL7, "daemon", syslog.LOG_KERN):
        handler = syslog(address, facility=facility)
        logger.addHandler(handler)
        logger.warning("at %s", facility)
        logger.error("at %s", facility)
        logger.removeHandler(handler)
        handler.close()
    for _ in range(6):
        print(receiver.recv(4096))


@differential(requires=["handlers"])
def test_priority_map_on_the_instance_maps_custom_levels(logging):
    """A custom level added to an instance's priority_map gets its priority."""
    import socket

    logging.addLevelName(5, "TRACE")
    logging.addLevelName(25, "NOTICE")
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    handler = logging.handlers.SysLogHandler(("127.0.0.1", receiver.getsockname()[1]))
    logger = logging.getLogger("mapped")
    logger.addHandler(handler)
    logger.setLevel(1)
    logger.log(5, "trace before")
    handler.priority_map = dict(handler.priority_map, TRACE="debug", NOTICE="notice")
    logger.log(5, "trace after")
    logger.log(25, "notice")
    logger.info("info")
    for _ in range(4):
        print(receiver.recv(4096))


@differential(requires=["handlers"])
def test_subclass_overrides_of_map_encode_and_format_are_called(logging):
    """A subclass's mapPriority, encodePriority and format are called as the standard calls them."""
    import socket

    class Mapped(logging.handlers.SysLogHandler):
        def mapPriority(self, levelName):
            print("mapPriority", levelName)
            return "emerg" if levelName == "ERROR" else "notice"

    class Encoded(logging.handlers.SysLogHandler):
        def encodePriority(self, facility, priority):
            print("encodePriority", facility, priority)
            return 1000 + super().encodePriority(facility, priority)

        def format(self, record):
            return "formatted:" + record.getMessage().upper()

    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    address = ("127.0.0.1", receiver.getsockname()[1])
    logger = logging.getLogger("subclassed")
    logger.addHandler(Mapped(address, facility="local1"))
    logger.addHandler(Encoded(address))
    logger.error("boom")
    logger.warning("careful")
    for _ in range(4):
        print(receiver.recv(4096))


@differential(requires=["handlers"])
def test_tcp_sends_the_bare_messages_one_after_another(logging):
    """Over TCP the messages are sent back to back with no framing but their NULs."""
    import socket

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    handler = logging.handlers.SysLogHandler(
        ("127.0.0.1", server.getsockname()[1]), socktype=socket.SOCK_STREAM
    )
    connection, _ = server.accept()
    logger = logging.getLogger("tcp")
    logger.addHandler(handler)
    logger.warning("one")
    logger.error("two\nlines")
    handler.append_nul = False
    logger.critical("three")
    handler.close()
    received = b""
    while chunk := connection.recv(4096):
        received += chunk
    print(received)
    print(handler.socktype == socket.SOCK_STREAM, handler.unixsocket)


@differential(requires=["handlers"])
def test_unix_datagram_socket_gets_one_message_per_record(logging):
    """A path address sends datagrams to a Unix datagram socket."""
    import os
    import socket
    import tempfile

    path = os.path.join(tempfile.mkdtemp(), "log")
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.bind(path)
    receiver.settimeout(5)
    handler = logging.handlers.SysLogHandler(path, facility="auth")
    handler.ident = "prog: "
    logger = logging.getLogger("unix")
    logger.addHandler(handler)
    logger.warning("first")
    logger.error("second")
    print(receiver.recv(4096))
    print(receiver.recv(4096))
    print(handler.socktype == socket.SOCK_DGRAM, handler.unixsocket)
    handler.close()


@differential(requires=["handlers"])
def test_unix_path_falls_back_to_a_stream_socket(logging):
    """With no socktype, a Unix path served by a stream socket is reached by falling back."""
    import os
    import socket
    import tempfile

    path = os.path.join(tempfile.mkdtemp(), "log")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    handler = logging.handlers.SysLogHandler(path)
    connection, _ = server.accept()
    logger = logging.getLogger("unix.stream")
    logger.addHandler(handler)
    logger.warning("over a stream")
    logger.error("and another")
    handler.close()
    received = b""
    while chunk := connection.recv(4096):
        received += chunk
    print(received)
    print(handler.socktype == socket.SOCK_STREAM)


@differential(requires=["handlers"])
def test_unix_path_with_no_receiver_reports_each_record_and_reconnects(logging):
    """A Unix path nobody serves is reported; once served, the next record reconnects."""
    import os
    import socket
    import tempfile

    path = os.path.join(tempfile.mkdtemp(), "log")
    handler = logging.handlers.SysLogHandler(path, socktype=socket.SOCK_DGRAM)
    logger = logging.getLogger("unix.missing")
    logger.addHandler(handler)
    logger.error("nobody listens")
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.bind(path)
    receiver.settimeout(5)
    logger.error("now someone does")
    print(receiver.recv(4096))
    handler.close()


@differential(requires=["handlers"])
def test_names_tables_and_methods_are_the_standard_ones(logging):
    """The LOG_ constants, the name tables, encodePriority and mapPriority are the standard ones."""
    import socket

    syslog = logging.handlers.SysLogHandler
    print(logging.handlers.SYSLOG_UDP_PORT, logging.handlers.SYSLOG_TCP_PORT)
    print(sorted((name, value) for name, value in vars(syslog).items() if name.startswith("LOG_")))
    print(syslog.priority_names)
    print(syslog.facility_names)
    print(syslog.priority_map)
    print(syslog.append_nul, repr(syslog.ident))
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    handler = syslog(("127.0.0.1", receiver.getsockname()[1]))
    print(handler.encodePriority("local0", "err"), handler.encodePriority(3, 7))
    print(handler.mapPriority("ERROR"), handler.mapPriority("CUSTOM"))
    print(handler.facility, handler.socktype, handler.unixsocket)
    print(handler.address == ("127.0.0.1", receiver.getsockname()[1]), handler.socket is not None)
    try:
        handler.encodePriority("nowhere", "err")
    except KeyError as error:
        print("KeyError", error)
    handler.close()
    handler.close()


@differential(requires=["handlers"])
def test_udp_to_a_port_where_nothing_listens_reports_nothing(logging):
    """Datagrams to a closed UDP port raise nothing and report nothing."""
    import socket
    import time

    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    handler = logging.handlers.SysLogHandler(("127.0.0.1", port))
    logger = logging.getLogger("udp.nobody")
    logger.addHandler(handler)
    for index in range(5):
        logger.error("lost %d", index)
        time.sleep(0.01)
    print("done")


@differential(requires=["handlers"])
def test_tcp_refused_at_construction_raises(logging):
    """A TCP handler whose server refuses raises ConnectionRefusedError from the constructor."""
    import socket

    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    try:
        logging.handlers.SysLogHandler(("127.0.0.1", port), socktype=socket.SOCK_STREAM)
    except OSError as error:
        print(type(error).__name__, error.errno)


@differential(requires=["handlers"])
def test_tcp_server_gone_fails_every_later_record_the_standard_way(logging):
    """After the TCP server closed, each later record is reported through handleError."""
    import socket
    import time

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    handler = logging.handlers.SysLogHandler(
        ("127.0.0.1", server.getsockname()[1]), socktype=socket.SOCK_STREAM
    )
    connection, _ = server.accept()
    logger = logging.getLogger("tcp.gone")
    logger.addHandler(handler)
    logger.error("delivered")
    time.sleep(0.1)
    print(connection.recv(4096))
    connection.close()
    time.sleep(0.1)
    for index in range(3):
        logger.error("after close %d", index)
        time.sleep(0.1)
    print("done")


@differential(requires=["handlers"])
def test_subclass_emit_and_a_python_socket_from_create_socket_are_used(logging):
    """A subclass's emit wraps the standard one, which sends through its createSocket's socket."""
    import socket

    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)

    class Recorded(socket.socket):
        def sendto(self, data, address):
            print("sendto", data, address == receiver.getsockname())
            return super().sendto(data, address)

    class Custom(logging.handlers.SysLogHandler):
        def createSocket(self):
            self.unixsocket = False
            self.socktype = socket.SOCK_DGRAM
            self.socket = Recorded(socket.AF_INET, socket.SOCK_DGRAM)

        def emit(self, record):
            print("emit", record.getMessage())
            super().emit(record)

    handler = Custom(receiver.getsockname())
    logger = logging.getLogger("custom.emit")
    logger.addHandler(handler)
    logger.warning("through %s", "python")
    print(receiver.recv(4096))
    handler.close()


@differential(requires=["handlers"])
def test_exception_text_and_records_handled_directly_are_sent(logging):
    """The formatted record includes its traceback, and handle() of a made record sends it too."""
    import socket

    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    handler = logging.handlers.SysLogHandler(receiver.getsockname())
    logger = logging.getLogger("exceptions")
    logger.addHandler(handler)
    try:
        print(1 / 0)
    except ZeroDivisionError:
        logger.exception("failed")
    handler.handle(logging.makeLogRecord({"msg": "made %s", "args": ("here",), "levelno": 50}))
    handler.handle(logging.makeLogRecord({"msg": "custom", "levelname": "TRACE"}))
    data = receiver.recv(8192)
    print(data.split(b"\n")[0], data.endswith(b"ZeroDivisionError: division by zero\x00"))
    print(receiver.recv(4096))
    print(receiver.recv(4096))


@differential(requires=["handlers"])
def test_a_message_or_ident_that_is_not_a_str_is_reported_as_the_standard_reports_it(logging):
    """A format returning an int, or an ident given as bytes, fails with the standard errors."""
    import socket

    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)

    class Numeric(logging.handlers.SysLogHandler):
        def format(self, record):
            return 42

    logger = logging.getLogger("not.str")
    handler = Numeric(receiver.getsockname())
    logger.addHandler(handler)
    logger.error("with nul")
    handler.append_nul = False
    logger.error("without nul")
    handler.ident = "id: "
    logger.error("with ident")
    logger.removeHandler(handler)
    plain = logging.handlers.SysLogHandler(receiver.getsockname())
    plain.ident = b"bytes: "
    logger.addHandler(plain)
    logger.error("bytes ident")
    plain.ident = "ok: "
    logger.error("fine again")
    print(receiver.recv(4096))


@differential(requires=["handlers"])
def test_a_tcp_port_given_as_digits_is_accepted(logging):
    """A TCP port given as a string of digits is connected to, as getaddrinfo takes it."""
    import socket

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    address = ("127.0.0.1", str(server.getsockname()[1]))
    handler = logging.handlers.SysLogHandler(address, socktype=socket.SOCK_STREAM)
    connection, _ = server.accept()
    logger = logging.getLogger("port.text")
    logger.addHandler(handler)
    logger.warning("text port")
    handler.close()
    print(connection.recv(4096))
