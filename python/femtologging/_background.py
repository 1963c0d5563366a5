"""`background=True` for the standard network handlers: the calling thread
does what must happen on it and queues the result; a femto worker thread
does the sending, so a receiver that is down or stalled never holds up a
request thread.

- `SocketHandler`, `DatagramHandler`, `SysLogHandler`: the caller filters,
  formats and builds the bytes exactly as without `background` (the pickle
  and its length, the syslog message and its framing); the handler's socket
  (`sock`, or `socket` for syslog) is a stand-in, `_FrameSender`, whose
  `sendall`/`send`/`sendto` queue them. The worker sends them through the
  core's transports: connected when needed, reconnected with backoff, a
  frame cut by a failure sent again whole on the next connection and none
  sent twice, one record per datagram for UDP and Unix datagram sockets.
- `HTTPHandler`, `SMTPHandler` (and any other handler whose `emit` is
  Python code): the caller queues a copy of the record and the worker calls
  the class's `emit` with it, holding the interpreter, not the handler's
  lock (a caller waiting for room holds that lock). The copy is taken after
  the caller formatted the record (`message`, `exc_text`) for a handler that
  formats; `args` objects are shared, as with `QueueHandler`.

Nothing is lost silently: `capacity` bounds the queue, `policy` says what
a full one does ("drop", the default, counts the record; "block" waits;
"timeout:N" waits N ms, then drops and counts), and `handler.stats()` gives
the counters of the femto handlers. `handler.flush()` waits until the
queue is sent; `close()` and interpreter exit (and `os.fork()`, for the
child) are handled by the femto handlers' machinery.
"""

import socket

from . import _femtologging as _native

DEFAULT_CAPACITY = 1024
DEFAULT_POLICY = "drop"
# The femto socket handler's defaults, for the same transports.
_CONNECT_TIMEOUT_MS = 5000
_WRITE_TIMEOUT_MS = 1000
_BACKOFF = (100, 5000, 30000, 120000)
# Frames are made by the handler; the transport sends what it is given.
_NO_FRAME_LIMIT = 2**32 - 1
_FLUSH_TIMEOUT_MS = 5000


def _sender_class():
    """`_FrameSender` and `_EmitSender`, made once the femto classes exist."""
    from . import FemtoHandler, Handler
    from ._femto import _start

    class _Worker(FemtoHandler):
        def __init__(self, target, description, capacity, policy):
            Handler.__init__(self)
            self._target_text = description
            _start(self, target, capacity, 1, policy, _FLUSH_TIMEOUT_MS)

    class _FrameSender(_Worker):
        """The socket of a handler run in the background: what the handler
        sends is queued, whole, for the worker's connection."""

        sendall = FemtoHandler._send_frame
        sendto = FemtoHandler._send_frame
        send = FemtoHandler._send_frame

    class _EmitSender(_Worker):
        """Calls a handler's own `emit` on the worker."""

        submit = FemtoHandler._submit_emit

    return _FrameSender, _EmitSender


_classes = []


def _senders():
    if not _classes:
        _classes.extend(_sender_class())
    return _classes


def run_in_background(handler, capacity=None, policy=None):
    """Puts a standard network handler's sending on a worker thread."""
    from ._network import DatagramHandler, SocketHandler
    from ._syslog import SysLogHandler

    capacity = DEFAULT_CAPACITY if capacity is None else capacity
    policy = DEFAULT_POLICY if policy is None else policy
    if isinstance(handler, SysLogHandler):
        sender = _syslog_sender(handler, capacity, policy)
        handler.socket = sender
    elif isinstance(handler, SocketHandler):
        datagram = isinstance(handler, DatagramHandler)
        sender = _frame_sender(handler.host, handler.port, datagram, capacity, policy)
        handler.sock = sender
    else:
        sender = _emit_sender(handler, capacity, policy)
    handler.background = sender
    handler.stats = sender.stats
    handler.flush = sender.flush
    return sender


def _frame_sender(host, port, datagram, capacity, policy):
    """A sender to `(host, port)`, or to the Unix socket `host` when `port`
    is None."""
    frame_sender = _senders()[0]
    base_ms, cap_ms, reset_after_ms, deadline_ms = _BACKOFF
    if port is None:
        path, host, port, description = host, "", 0, f"unix:{host}"
    else:
        path, description = None, f"{'udp' if datagram else 'tcp'}://{host}:{port}"
    target = _native.SocketTarget(
        host=host,
        port=port,
        path=path,
        tls_domain=None,
        insecure=False,
        connect_timeout_ms=_CONNECT_TIMEOUT_MS,
        write_timeout_ms=_WRITE_TIMEOUT_MS,
        base_ms=base_ms,
        cap_ms=cap_ms,
        reset_after_ms=reset_after_ms,
        deadline_ms=deadline_ms,
        max_frame_size=_NO_FRAME_LIMIT,
        datagram=datagram,
    )
    return frame_sender(target, f"background {description}", capacity, policy)


def _syslog_sender(handler, capacity, policy):
    """The syslog handler's socket: chosen as `createSocket` chooses it,
    without connecting (the worker connects, and reconnects)."""
    address = handler.address
    socktype = handler.socktype
    if isinstance(address, str):
        handler.unixsocket = True
        if socktype is None:
            socktype = _unix_socket_type(address)
        handler.socktype = socktype
        return _frame_sender(address, None, socktype != socket.SOCK_STREAM, capacity, policy)
    handler.unixsocket = False
    if socktype is None:
        socktype = socket.SOCK_DGRAM
    host, port = address
    if isinstance(port, str):
        protocol = "tcp" if socktype == socket.SOCK_STREAM else "udp"
        port = int(port) if port.isdigit() else socket.getservbyname(port, protocol)
    handler.socktype = socktype
    return _frame_sender(host, port, socktype != socket.SOCK_STREAM, capacity, policy)


def _unix_socket_type(path):
    """What the standard handler settles on for a Unix socket: datagram if
    one answers there, else stream if one does, else datagram (what a
    syslog daemon's `/dev/log` is) for the worker to try until it is up."""
    for socktype in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        probe = socket.socket(socket.AF_UNIX, socktype)
        try:
            probe.connect(path)
            return socktype
        except OSError:
            continue
        finally:
            probe.close()
    return socket.SOCK_DGRAM


def _emit_sender(handler, capacity, policy):
    """The handler's `emit` runs on the worker; the caller's `emit` queues."""
    emit_sender = _senders()[1]
    own_emit = type(handler).emit.__get__(handler)
    sender = emit_sender(own_emit, f"background {type(handler).__name__}", capacity, policy)
    formats = _formats(handler)
    submit = sender.submit

    def emit(record):
        if formats:
            # What formatting fills (the merged message, the traceback's
            # text) is taken now; the worker's `format` finds it done.
            handler.format(record)
            record = _frozen(record)
        else:
            record = _copy(record)
        submit(record)

    handler.emit = emit
    close = handler.close

    def close_background():
        sender.close()
        close()

    handler.close = close_background
    return sender


def _formats(handler):
    """Whether the handler's `emit` formats the record (so its message can
    be merged on the caller): the mail handler does, the HTTP handler sends
    the record's attributes as they are."""
    from ._http import HTTPHandler

    return not isinstance(handler, HTTPHandler)


def _copy(record):
    import copy

    return copy.copy(record)


def _frozen(record):
    """A copy whose message no longer depends on `args`, as `QueueHandler`
    prepares one: formatting it again gives the same text."""
    copied = _copy(record)
    copied.msg = copied.message
    copied.args = None
    copied.exc_info = None
    return copied
