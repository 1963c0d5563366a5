"""`SMTPHandler`: one email per record, sent with the running Python's
`smtplib` and built with its `email` package.

The message is the standard handler's: an `EmailMessage` with `From`, `To`
(the recipients joined by commas), `Subject` (from `getSubject`) and a local
`Date`, and the formatted record as a plain-text body. Building it with the
interpreter's own `email` package keeps every header, encoding and folding
rule the one of the Python that runs the program (3.11 and 3.13 build the
same bytes); `smtplib` does the talking, so STARTTLS and login behave as
they do for the standard handler, including what each version lets
`secure` hold.
"""

from . import Handler

_DEFAULT_TIMEOUT = 5.0


class SMTPHandler(Handler):
    """Sends each record as an email to `toaddrs`, through the server at
    `mailhost` (a host name, or a `(host, port)` pair; port 25 otherwise).

    With `credentials` (a `(username, password)` pair) the handler logs in
    first, and with `secure` also given it switches to TLS before: `secure`
    is the tuple of arguments passed to `smtplib.SMTP.starttls` (empty, the
    usual case; 3.11 also accepts a key file and a certificate file there,
    3.12 and later refuse them). As with the standard handler, the server's
    certificate is not verified. `timeout` bounds each network operation,
    in seconds."""

    def __init__(
        self,
        mailhost,
        fromaddr,
        toaddrs,
        subject,
        credentials=None,
        secure=None,
        timeout=_DEFAULT_TIMEOUT,
        *,
        background=False,
        capacity=None,
        policy=None,
    ):
        """Keeps the settings; nothing is sent or connected to until a record comes. `toaddrs` is an
        address or a list of them; `timeout` is in seconds. `background=True` sends from a worker
        thread, with `capacity` and `policy` for its queue."""
        Handler.__init__(self)
        # Attributes in the order, and with the presence rules, that code
        # reading `vars(handler)` sees on the standard handler: no `password`
        # at all without credentials.
        if isinstance(mailhost, (list, tuple)):
            host, port = mailhost
        else:
            host, port = mailhost, None
        self.mailhost = host
        self.mailport = port
        if isinstance(credentials, (list, tuple)):
            username, password = credentials
            self.username = username
            self.password = password
        else:
            self.username = None
        self.fromaddr = fromaddr
        self.toaddrs = [toaddrs] if isinstance(toaddrs, str) else toaddrs
        self.subject = subject
        self.secure = secure
        self.timeout = timeout
        if background:
            from ._background import run_in_background

            run_in_background(self, capacity, policy)

    def getSubject(self, record):
        """The subject line of the email for `record`: `subject` as given.
        Subclasses override this for a subject that depends on the record."""
        return self.subject

    def emit(self, record):
        """Connects, builds the message, switches to TLS and logs in when
        asked, sends, and says goodbye; any failure goes to `handleError`."""
        try:
            self._deliver(record)
        except Exception:
            self.handleError(record)

    def _deliver(self, record):
        # Imported on first use, as the standard handler does: most programs
        # never send mail, and importing `email` would lengthen every start.
        import smtplib

        # The connection comes first, before the subject and the body, so a
        # server that cannot be reached is reported without formatting the
        # record, and a failing `getSubject` or formatter after connecting,
        # in the standard handler's order.
        connection = smtplib.SMTP(
            self.mailhost, self.mailport or smtplib.SMTP_PORT, timeout=self.timeout
        )
        try:
            message = self._message(record)
            if self.username:
                if self.secure is not None:
                    connection.ehlo()
                    connection.starttls(*self.secure)
                    connection.ehlo()
                connection.login(self.username, self.password)
            connection.send_message(message)
            connection.quit()
        except BaseException:
            # The standard handler leaves the socket to the garbage
            # collector (a ResourceWarning, and the connection open until
            # then); closing it here changes nothing the server can tell
            # apart, since neither sends QUIT.
            connection.close()
            raise

    def _message(self, record):
        """The standard handler's `EmailMessage` for `record`; the
        recipients the server is given are read from its `To` header by
        `send_message`, as there."""
        import email.utils
        from email.message import EmailMessage

        message = EmailMessage()
        message["From"] = self.fromaddr
        message["To"] = ",".join(self.toaddrs)
        message["Subject"] = self.getSubject(record)
        message["Date"] = email.utils.localtime()
        message.set_content(self.format(record))
        return message
