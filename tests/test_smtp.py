"""`SMTPHandler` against aiosmtpd on loopback, side by side with the standard
library's: the same server receives what each sends, and the two must match.

One server runs for the whole module. It offers STARTTLS (a certificate
signed by a throwaway CA the clients do not know, which the standard handler
accepts since it does not verify) and AUTH over plain or TLS connections,
accepting one user.
"""

import datetime
import email.utils
import gc
import logging
import logging.handlers
import os
import socket
import ssl
import warnings

import femtologging
import femtologging.handlers
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from conftest import _drop_library_frames, make_certificates

USER, PASSWORD = "ann", "s3cret"
PINNED_DATE = datetime.datetime(
    2026, 11, 21, 9, 30, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=30))
)
LIBRARIES = {"standard": logging, "femtologging": femtologging}
HANDLERS = {"standard": logging.handlers, "femtologging": femtologging.handlers}


class Mailbox:
    """An aiosmtpd handler that keeps what each delivery looked like."""

    def __init__(self):
        self.deliveries = []

    async def handle_DATA(self, server, session, envelope):
        self.deliveries.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "content": envelope.original_content,
                "tls": session.ssl is not None,
                "login": session.auth_data.login if session.authenticated else None,
            }
        )
        return "250 OK"


def _authenticate(server, session, envelope, mechanism, auth_data):
    accepted = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=accepted, handled=False, auth_data=auth_data)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    directory = make_certificates(tmp_path_factory.mktemp("smtp-tls"))
    return os.path.join(directory, "leaf.pem"), os.path.join(directory, "leaf.key")


@pytest.fixture(scope="module")
def server(certificate):
    """One aiosmtpd server for the module: STARTTLS offered, AUTH allowed
    without it, mail accepted from anyone."""
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(*certificate)
    mailbox = Mailbox()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=_free_port(),
        tls_context=tls,
        authenticator=_authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield controller.port, mailbox
    finally:
        # The standard handler leaves a failed session's socket to the
        # garbage collector, and from 3.12 on the server's shutdown waits
        # for every connection to end: collect first.
        gc.collect()
        controller.stop()


@pytest.fixture
def pinned_date(monkeypatch):
    """Both handlers date the message with `email.utils.localtime()`: pinned,
    so the two messages can be compared byte for byte."""
    monkeypatch.setattr(email.utils, "localtime", lambda *arguments, **options: PINNED_DATE)


def _send(library, handler, message="disk %s is %d%% full", arguments=("/var", 93), name="alerts"):
    """Logs one error through a fresh logger of `library` with `handler`."""
    # Each library has its own tree of loggers, so the name can be the same;
    # not under "mail", where aiosmtpd logs from the server's thread.
    logger = LIBRARIES[library].getLogger(name)
    logger.propagate = False
    logger.addHandler(handler)
    try:
        logger.error(message, *arguments)
    finally:
        logger.removeHandler(handler)
        handler.close()


def _formatter(library):
    return LIBRARIES[library].Formatter("%(levelname)s %(name)s: %(message)s")


def _deliver_with_both(mailbox, make_handler, **options):
    """Runs `make_handler(handlers_module)` under each library and returns
    what the server received from each (library name -> deliveries)."""
    received = {}
    for library, module in HANDLERS.items():
        start = len(mailbox.deliveries)
        handler = make_handler(module)
        handler.setFormatter(_formatter(library))
        _send(library, handler, **options)
        received[library] = mailbox.deliveries[start:]
    return received


def _same_content(received):
    """The one delivery from each library: (standard, ours)."""
    (standard,) = received["standard"]
    (ours,) = received["femtologging"]
    return standard, ours


def test_the_message_is_byte_for_byte_the_standard_handlers(server, pinned_date):
    """From, To, Subject, Date, MIME headers and the formatted body arrive as the standard sends."""
    port, mailbox = server
    received = _deliver_with_both(
        mailbox,
        lambda module: module.SMTPHandler(
            ("127.0.0.1", port), "app@example.com", "ops@example.com", "Trouble"
        ),
    )
    standard, ours = _same_content(received)
    assert ours == standard
    assert standard["content"] == (
        b"From: app@example.com\r\n"
        b"To: ops@example.com\r\n"
        b"Subject: Trouble\r\n"
        b"Date: Sat, 21 Nov 2026 09:30:05 +0530\r\n"
        b'Content-Type: text/plain; charset="utf-8"\r\n'
        b"Content-Transfer-Encoding: 7bit\r\n"
        b"MIME-Version: 1.0\r\n"
        b"\r\n"
        b"ERROR alerts: disk /var is 93% full\r\n"
    )
    assert standard["from"] == "app@example.com"
    assert standard["to"] == ["ops@example.com"]
    assert not standard["tls"] and standard["login"] is None


def test_a_non_ascii_subject_and_a_long_body_are_encoded_as_the_standard_encodes_them(
    server, pinned_date
):
    """A non-ASCII subject is RFC 2047-encoded, a long non-ASCII body base64, identically."""
    port, mailbox = server
    received = _deliver_with_both(
        mailbox,
        lambda module: module.SMTPHandler(
            ("127.0.0.1", port), "app@example.com", ["ops@example.com"], "Café ☕ " + "x" * 70
        ),
        message="naïve %s",
        arguments=("é" * 300,),
    )
    standard, ours = _same_content(received)
    assert ours == standard
    assert b"Subject: =?utf-8?b?Q2Fmw6kg4piV?=\r\n" in standard["content"]
    assert b"Content-Transfer-Encoding: base64\r\n" in standard["content"]


def test_several_recipients_share_one_to_header_and_each_gets_the_mail(server, pinned_date):
    """A list of recipients is joined by commas in To, and the server is given each of them."""
    port, mailbox = server
    recipients = ["ops@example.com", "dev@example.com", "boss@example.com"]
    received = _deliver_with_both(
        mailbox,
        lambda module: module.SMTPHandler(
            ("127.0.0.1", port), "app@example.com", recipients, "Trouble"
        ),
    )
    standard, ours = _same_content(received)
    assert ours == standard
    assert standard["to"] == recipients
    assert b"To: ops@example.com,dev@example.com,boss@example.com\r\n" in standard["content"]


def test_a_subclass_overriding_get_subject_names_the_level_in_the_subject(server, pinned_date):
    """getSubject is called with the record, and what it returns is the Subject header."""
    port, mailbox = server

    def make_handler(module):
        class LevelSubject(module.SMTPHandler):
            def getSubject(self, record):
                return f"[{record.levelname}] {record.getMessage()[:12]}"

        return LevelSubject(("127.0.0.1", port), "app@example.com", "ops@example.com", "unused")

    received = _deliver_with_both(mailbox, make_handler)
    standard, ours = _same_content(received)
    assert ours == standard
    assert b"Subject: [ERROR] disk /var is\r\n" in ours["content"]


def test_login_with_credentials_is_accepted_and_the_mail_is_sent(server, pinned_date):
    """With credentials and no secure, the handler logs in over the plain connection."""
    port, mailbox = server
    received = _deliver_with_both(
        mailbox,
        lambda module: module.SMTPHandler(
            ("127.0.0.1", port),
            "app@example.com",
            "ops@example.com",
            "Trouble",
            credentials=(USER, PASSWORD),
        ),
    )
    standard, ours = _same_content(received)
    assert ours == standard
    assert ours["login"] == USER.encode() and not ours["tls"]


def test_secure_switches_to_tls_before_logging_in(server, pinned_date):
    """secure=() with credentials: STARTTLS, the unknown CA accepted as the standard does, login."""
    port, mailbox = server
    received = _deliver_with_both(
        mailbox,
        lambda module: module.SMTPHandler(
            ("127.0.0.1", port),
            "app@example.com",
            "ops@example.com",
            "Trouble",
            credentials=[USER, PASSWORD],
            secure=(),
        ),
    )
    standard, ours = _same_content(received)
    assert ours == standard
    assert ours["tls"] and ours["login"] == USER.encode()


def test_secure_without_credentials_stays_plain(server, pinned_date):
    """secure is used only with credentials: without them no STARTTLS is sent."""
    port, mailbox = server
    received = _deliver_with_both(
        mailbox,
        lambda module: module.SMTPHandler(
            ("127.0.0.1", port), "app@example.com", "ops@example.com", "Trouble", secure=()
        ),
    )
    standard, ours = _same_content(received)
    assert ours == standard
    assert not ours["tls"]


def test_secure_with_key_files_does_what_the_running_pythons_starttls_does(
    server, certificate, pinned_date, capsys
):
    """secure=(keyfile, certfile): 3.11 sends with them, 3.12+ refuse them; both libraries alike."""
    port, mailbox = server
    leaf, key = certificate
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        received = _deliver_with_both(
            mailbox,
            lambda module: module.SMTPHandler(
                ("127.0.0.1", port),
                "app@example.com",
                "ops@example.com",
                "Trouble",
                credentials=(USER, PASSWORD),
                secure=(str(key), str(leaf)),
            ),
        )
    reports = capsys.readouterr().err
    assert len(received["standard"]) == len(received["femtologging"])
    if received["standard"]:
        standard, ours = _same_content(received)
        assert ours == standard and ours["tls"]
    else:
        assert reports.count("TypeError: SMTP.starttls() takes 1 positional argument") == 2


def _error_reports(text):
    """Splits stderr into "--- Logging error ---" reports, each kept up to
    its "Call stack:" (the caller's frames differ) plus its last two lines,
    with frames inside either library dropped."""
    reports = []
    for chunk in text.split("--- Logging error ---\n")[1:]:
        head, _, stack = chunk.partition("Call stack:\n")
        reports.append(_drop_library_frames(head) + "".join(stack.splitlines(True)[-2:]))
    return reports


def _standard_then_ours(make_handler, capsys):
    """The stderr report of one record sent by each library's handler."""
    outputs = []
    for library, module in HANDLERS.items():
        _send(library, make_handler(module))
        outputs.append(_error_reports(capsys.readouterr().err))
    return outputs


def test_a_refused_login_is_reported_the_standard_way_and_logging_goes_on(server, capsys):
    """Wrong credentials: the standard SMTPAuthenticationError report, nothing sent, no raise."""
    port, mailbox = server
    start = len(mailbox.deliveries)
    standard, ours = _standard_then_ours(
        lambda module: module.SMTPHandler(
            ("127.0.0.1", port),
            "app@example.com",
            "ops@example.com",
            "Trouble",
            credentials=(USER, "wrong"),
            secure=(),
        ),
        capsys,
    )
    assert ours == standard
    (report,) = ours
    assert report.startswith("Traceback (most recent call last):\n")
    refusal = "(535, b'5.7.8 Authentication credentials invalid')"
    assert f"smtplib.SMTPAuthenticationError: {refusal}\n" in report
    assert report.endswith("Message: 'disk %s is %d%% full'\nArguments: ('/var', 93)\n")
    assert len(mailbox.deliveries) == start


def test_a_server_not_listening_is_reported_the_standard_way(capsys):
    """A refused connection is the standard ConnectionRefusedError report; the caller goes on."""
    port = _free_port()
    standard, ours = _standard_then_ours(
        lambda module: module.SMTPHandler(
            ("127.0.0.1", port), "app@example.com", "ops@example.com", "Trouble", timeout=2
        ),
        capsys,
    )
    assert ours == standard
    (report,) = ours
    assert "ConnectionRefusedError: [Errno 111] Connection refused\n" in report


def test_the_attributes_are_the_standard_ones_in_the_standard_order():
    """vars(handler) has the standard keys in order, with their values, for each argument shape."""
    shapes = [
        (("mail.example.com", "a@example.com", "b@example.com", "s"), {}),
        (
            (("mail.example.com", 2525), "a@example.com", ["b@x", "c@x"], "s"),
            {"credentials": ("u", "p"), "secure": ("k",), "timeout": 1.5},
        ),
        ((["mail.example.com", 587], "a@example.com", ("b@x",), "s"), {"credentials": "u:p"}),
    ]
    ignored = {"_name", "name", "level", "formatter", "filters", "lock", "_closed"}
    for arguments, options in shapes:
        standard = logging.handlers.SMTPHandler(*arguments, **options)
        ours = femtologging.handlers.SMTPHandler(*arguments, **options)
        standard_vars = {k: v for k, v in vars(standard).items() if k not in ignored}
        ours_vars = {k: v for k, v in vars(ours).items() if k not in ignored}
        assert list(ours_vars.items()) == list(standard_vars.items())
        assert ours.getSubject(None) == "s"
        assert isinstance(ours, femtologging.Handler)


def test_a_server_that_never_answers_is_given_up_after_timeout(capsys):
    """A listener that never greets: after `timeout`, the standard SMTPServerDisconnected report."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        standard, ours = _standard_then_ours(
            lambda module: module.SMTPHandler(
                ("127.0.0.1", port), "app@example.com", "ops@example.com", "Trouble", timeout=0.2
            ),
            capsys,
        )
    assert ours == standard
    (report,) = ours
    assert "smtplib.SMTPServerDisconnected: Connection unexpectedly closed: timed out\n" in report


def test_a_failing_get_subject_is_reported_and_nothing_is_sent(server, capsys):
    """getSubject raising after the connection is made: the standard report, and no mail."""
    port, mailbox = server
    start = len(mailbox.deliveries)

    def make_handler(module):
        class BrokenSubject(module.SMTPHandler):
            def getSubject(self, record):
                raise LookupError(f"no subject for {record.levelname}")

        return BrokenSubject(("127.0.0.1", port), "app@example.com", "ops@example.com", "unused")

    standard, ours = _standard_then_ours(make_handler, capsys)
    assert ours == standard
    (report,) = ours
    assert "LookupError: no subject for ERROR\n" in report
    assert len(mailbox.deliveries) == start
