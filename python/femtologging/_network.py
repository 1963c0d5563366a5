"""`SocketHandler` and `DatagramHandler`: records pickled as the standard
library pickles them, over a TCP or Unix stream socket, or in UDP or Unix
datagrams.

The sockets are Python's own (`handler.sock`), so subclasses and code that
reach for the socket find what they expect, and `sendall` releases the
interpreter while it waits on the network. The pickle itself is written in
Rust (`pickle_record`), byte for byte the one `pickle.dumps(d, 1)` gives.
Every method a subclass may replace is called where the standard library
calls it.
"""

import select
import socket
import sys
import time

from . import Handler
from . import _femtologging as _native

# 3.11 takes the handler's lock in `close` through `acquire`/`release`
# (which a subclass may replace); 3.13 uses `with self.lock`.
_CLOSE_WITH_LOCK = sys.version_info >= (3, 13)


class SocketHandler(Handler):
    """Sends each record's attribute dict, pickled, behind a 4-byte length,
    over a stream socket kept open across records.

    `port=None` makes `host` the path of a Unix socket. A connection that
    cannot be made is tried again no sooner than `retryTime`, after a delay
    that starts at `retryStart` and grows by `retryFactor` up to `retryMax`;
    records logged meanwhile are dropped, as in the standard library."""

    # Not in the standard library (opt in with `resend=True`): a record whose
    # send fails is sent again on a new connection, as `SysLogHandler` does
    # and as proposed for the standard one (CPython issue 84532), and a
    # connection the receiver has closed is replaced before the next record
    # is written into it. Off by default, so the handler behaves exactly as
    # the running Python's.
    resend = False

    def __init__(self, host, port, *, resend=False, background=False, capacity=None, policy=None):
        """Connects to `(host, port)`, or to the Unix socket `host` when `port` is None, at the
        first record. `resend=True` sends a record again on a new connection when its write
        failed; `background=True` sends from a worker thread, with `capacity` and `policy` for
        its queue."""
        Handler.__init__(self)
        if resend:
            self.resend = True
        self.host = host
        self.port = port
        self.address = host if port is None else (host, port)
        self.sock = None
        self.closeOnError = False
        self.retryTime = None
        self.retryStart = 1.0
        self.retryMax = 30.0
        self.retryFactor = 2.0
        if background:
            from ._background import run_in_background

            run_in_background(self, capacity, policy)

    def makeSocket(self, timeout=1):
        """A connected stream socket: TCP, or Unix when `port` is None."""
        if self.port is not None:
            return socket.create_connection(self.address, timeout=timeout)
        unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        unix.settimeout(timeout)
        try:
            unix.connect(self.address)
        except OSError:
            unix.close()
            raise
        return unix

    def createSocket(self):
        """Connects, unless the last failure's delay has not run out; a
        failure sets `retryPeriod` and `retryTime` for the next attempt."""
        now = time.time()
        if self.retryTime is not None and now < self.retryTime:
            return
        try:
            self.sock = self.makeSocket()
        except OSError:
            if self.retryTime is None:
                self.retryPeriod = self.retryStart
            else:
                self.retryPeriod = min(self.retryPeriod * self.retryFactor, self.retryMax)
            self.retryTime = now + self.retryPeriod
        else:
            self.retryTime = None

    def send(self, s):
        """Writes all of `s`, connecting first if there is no socket; a
        failed write closes the socket, so the next record reconnects."""
        if self.sock is None:
            self.createSocket()
        if self.resend:
            self._send_or_resend(s)
            return
        sock = self.sock
        if not sock:
            return
        try:
            sock.sendall(s)
        except OSError:
            sock.close()
            self.sock = None

    def _send_or_resend(self, s):
        """`send` with `resend`: a connection the receiver closed is
        replaced first, and a failed write is tried once more on a new one."""
        sock = self.sock
        if sock and _closed_by_peer(sock):
            self._drop_socket()
            self.createSocket()
        for last in (False, True):
            sock = self.sock
            if not sock:
                return
            try:
                sock.sendall(s)
                return
            except OSError:
                self._drop_socket()
                if last:
                    return
                self.createSocket()

    def _drop_socket(self):
        sock = self.sock
        self.sock = None
        sock.close()

    def makePickle(self, record):
        """The record's attribute dict (`msg` merged, `args` and `exc_info`
        None, `exc_text` filled when there is an exception, no `message`),
        pickled with protocol 1 behind its 4-byte big-endian length."""
        if record.exc_info:
            # Formatting is what fills `exc_text` with the traceback.
            self.format(record)
        return _native.pickle_record(record)

    def handleError(self, record):
        """With `closeOnError`, drops the socket to reconnect on the next
        record; otherwise reports the error the standard way."""
        if self.closeOnError and self.sock:
            self.sock.close()
            self.sock = None
        else:
            Handler.handleError(self, record)

    def emit(self, record):
        """Pickles the record and sends it; an error goes to `handleError` (which also drops the
        connection, to be made again later)."""
        try:
            self.send(self.makePickle(record))
        except Exception:
            self.handleError(record)

    def close(self):
        """Closes the socket, then the handler."""
        if _CLOSE_WITH_LOCK:
            with self.lock:
                self._close_socket()
        else:
            self.acquire()
            try:
                self._close_socket()
            finally:
                self.release()

    def _close_socket(self):
        sock = self.sock
        if sock:
            self.sock = None
            sock.close()
        Handler.close(self)


def _closed_by_peer(sock):
    """Whether a stream socket's receiver has closed its end: the socket is
    readable and a peek finds the end of the stream (or an error). A
    receiver that sent nothing, or sent bytes, is still there. (A peek with
    `MSG_DONTWAIT` alone would still wait: Python polls a socket that has a
    timeout before reading.)"""
    if getattr(sock, "type", None) != socket.SOCK_STREAM:
        return False
    try:
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        if not poller.poll(0):
            return False
        return sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


class DatagramHandler(SocketHandler):
    """Sends each record as `SocketHandler` frames it, one per datagram,
    over UDP, or a Unix datagram socket when `port` is None."""

    def __init__(self, host, port, *, background=False, capacity=None, policy=None):
        """Sends to `(host, port)` over UDP, or to the Unix datagram socket `host` when `port` is
        None. `background=True` sends from a worker thread, with `capacity` and `policy` for its
        queue."""
        SocketHandler.__init__(self, host, port)
        self.closeOnError = False
        if background:
            from ._background import run_in_background

            run_in_background(self, capacity, policy)

    def makeSocket(self):
        """An unconnected datagram socket."""
        family = socket.AF_UNIX if self.port is None else socket.AF_INET
        return socket.socket(family, socket.SOCK_DGRAM)

    def send(self, s):
        """One `sendto` to `address`; errors go to `handleError`."""
        if self.sock is None:
            self.createSocket()
        self.sock.sendto(s, self.address)
