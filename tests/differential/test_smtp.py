"""`SMTPHandler` of `logging.handlers` where no server is needed: its
attributes, and what it reports when nothing listens. Delivery, STARTTLS and
login are compared against aiosmtpd in `tests/test_smtp.py`."""

from ._harness import differential


@differential(requires=["handlers"])
def test_smtp_handler_reports_a_server_not_listening_and_the_program_goes_on(logging):
    """A refused connection prints the standard report once per record, and logging carries on."""
    import socket

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    handler = logging.handlers.SMTPHandler(
        ("127.0.0.1", port), "app@example.com", ["ops@example.com", "dev@example.com"], "Alert"
    )
    logger = logging.getLogger("alerts")
    logger.addHandler(handler)
    logger.error("disk %s is %d%% full", "/var", 93)
    logger.critical("still running")
    print("after two records")
    print(handler.mailhost, handler.mailport == port, handler.fromaddr, handler.toaddrs)
    print(handler.subject, handler.secure, handler.timeout, handler.username)
    handler.close()


@differential(requires=["handlers"])
def test_smtp_handler_attributes_for_each_argument_shape(logging):
    """mailhost, credentials and toaddrs are split and kept as the standard handler keeps them."""
    shapes = [
        (("mail.example.com", "a@example.com", "b@example.com", "s"), {}),
        (
            (("mail.example.com", 2525), "a@example.com", ["b@x", "c@x"], "s"),
            {"credentials": ("u", "p"), "secure": (), "timeout": 1.5},
        ),
        ((["mail.example.com", 587], "a@example.com", ("b@x",), "s"), {"credentials": "u:p"}),
    ]
    for arguments, options in shapes:
        handler = logging.handlers.SMTPHandler(*arguments, **options)
        # The base Handler's own fields live in the native object, not in
        # its __dict__; the SMTP attributes are the handler's own.
        base = ("filters", "_name", "level", "formatter", "lock", "_closed")
        shown = {k: v for k, v in vars(handler).items() if k not in base}
        print(shown)
        print(handler.getSubject(logging.makeLogRecord({"msg": "m"})), handler.level)
