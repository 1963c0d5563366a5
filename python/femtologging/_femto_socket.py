"""The femto socket handler: records sent as length-prefixed MessagePack
maps from a Rust worker thread, over TCP, TLS or a Unix stream socket.

`SocketHandlerBuilder` checks each setting where it is given (a bad value
raises `ValueError` or `TypeError` naming the method and the value; TLS over
a Unix socket raises `HandlerConfigError`) and `build()` starts the worker.
"""

import os

from . import _femtologging as _native

DEFAULT_HOST = "localhost"
DEFAULT_PORT = 9020
DEFAULT_CONNECT_TIMEOUT_MS = 5000
DEFAULT_WRITE_TIMEOUT_MS = 1000
# (base_ms, cap_ms, reset_after_ms, deadline_ms), the core's BackoffPolicy.
DEFAULT_BACKOFF = (100, 5000, 30000, 120000)
# The core's LengthPrefix default: what a receiver accepts unless told more.
DEFAULT_MAX_FRAME_SIZE = 1 << 20
# All the 4-byte length prefix can say.
LARGEST_FRAME_SIZE = 2**32 - 1

_KEEP = object()


class HandlerConfigError(ValueError):
    """A handler's settings that cannot go together (TLS over a Unix socket),
    or that the transport refuses (TLS roots that cannot be read)."""


def _whole(method, value, *, least=1, most=None):
    """`value` as a whole number within bounds, or an error naming `method`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{method}() takes an int, not {value!r}")
    if value < least:
        raise ValueError(f"{method}({value!r}): the value must be at least {least}")
    if most is not None and value > most:
        raise ValueError(f"{method}({value!r}): the value must be at most {most}")
    return value


def _text(method, value):
    if not isinstance(value, str) or not value:
        raise ValueError(f"{method}({value!r}): a non-empty string is needed")
    return value


def _is_timeout(text):
    prefix, _, milliseconds = text.partition(":")
    return prefix == "timeout" and milliseconds.isdigit() and int(milliseconds) > 0


def install(FemtoHandler, HandlerBuilder, start, policy_text):
    """The socket classes, over the femto handler base and its builder."""

    class FemtoSocketHandler(FemtoHandler):
        """Sends each record to a TCP, TLS or Unix stream socket from a
        worker thread, as a MessagePack map `{logger, level, message,
        timestamp_ns, filename, line_number, module_path, thread_id,
        thread_name, key_values}` behind a 4-byte big-endian length. The
        worker reconnects with exponential backoff; `stats()` counts what was
        sent (`written`), refused by the queue (`dropped`), over the maximum
        frame size (`rejected`) and given up after the backoff's deadline or
        at close (`failed`). Build it with `SocketHandlerBuilder`."""

        def __init__(
            self,
            host=DEFAULT_HOST,
            port=DEFAULT_PORT,
            *,
            unix_path=None,
            tls_domain=None,
            insecure=False,
            capacity=1024,
            flush_timeout_ms=1000,
            policy="drop",
            formatter=None,
            connect_timeout_ms=DEFAULT_CONNECT_TIMEOUT_MS,
            write_timeout_ms=DEFAULT_WRITE_TIMEOUT_MS,
            backoff=DEFAULT_BACKOFF,
            max_frame_size=DEFAULT_MAX_FRAME_SIZE,
        ):
            """Starts the worker; it connects when the first record comes. Prefer
            `SocketHandlerBuilder`, which checks each setting as it is given."""
            from . import Handler

            base_ms, cap_ms, reset_after_ms, deadline_ms = backoff
            try:
                target = _native.SocketTarget(
                    host=host,
                    port=port,
                    path=unix_path,
                    tls_domain=tls_domain,
                    insecure=bool(insecure),
                    connect_timeout_ms=connect_timeout_ms,
                    write_timeout_ms=write_timeout_ms,
                    base_ms=base_ms,
                    cap_ms=cap_ms,
                    reset_after_ms=reset_after_ms,
                    deadline_ms=deadline_ms,
                    max_frame_size=max_frame_size,
                )
            except ValueError as error:
                raise HandlerConfigError(str(error)) from None
            Handler.__init__(self)
            # No formatter: `message` is the merged message (and the
            # traceback), as the standard library's default formatter gives.
            if formatter not in (None, "default"):
                from ._femto import _check_formatter

                self.setFormatter(_check_formatter(formatter))
            if unix_path is not None:
                self._target_text = f"unix:{unix_path}"
            else:
                scheme = "tls" if tls_domain is not None else "tcp"
                self._target_text = f"{scheme}://{host}:{port}"
            start(self, target, capacity, 1, policy, flush_timeout_ms)

    class SocketHandlerBuilder(HandlerBuilder):
        """Builds a `FemtoSocketHandler` step by step. By default it sends
        over TCP to localhost:9020."""

        def __init__(self):
            """Starts from the defaults: TCP to localhost:9020, a queue of 1024 records under
            `"drop"`."""
            super().__init__()
            self._host = DEFAULT_HOST
            self._port = DEFAULT_PORT
            self._unix_path = None
            self._tls_domain = None
            self._tls = False
            self._insecure = False
            self._connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS
            self._write_timeout_ms = DEFAULT_WRITE_TIMEOUT_MS
            self._backoff = DEFAULT_BACKOFF
            self._max_frame_size = DEFAULT_MAX_FRAME_SIZE

        def with_tcp(self, host, port):
            """Sends over TCP to `host:port` (the default: `localhost:9020`)."""
            self._host = _text("with_tcp", host)
            self._port = _whole("with_tcp", port, least=1, most=65535)
            self._unix_path = None
            return self

        def with_unix_path(self, path):
            """Sends over the Unix stream socket at `path` instead of TCP; refused with
            `HandlerConfigError` after `with_tls`."""
            if self._tls:
                raise HandlerConfigError(
                    f"with_unix_path({path!r}): TLS was asked for, and TLS works over TCP only"
                )
            try:
                text = os.fspath(path)
            except TypeError:
                raise TypeError(f"with_unix_path() takes a path, not {path!r}") from None
            if not text:
                raise ValueError(f"with_unix_path({path!r}): the path is empty")
            self._unix_path = text
            return self

        def with_tls(self, domain=None, insecure=False):
            """TLS over TCP, verifying the server as `domain` (the host
            connected to when None); `insecure=True` accepts any
            certificate."""
            if domain is not None:
                _text("with_tls", domain)
            if self._unix_path is not None:
                raise HandlerConfigError(
                    f"with_tls({domain!r}): the handler sends to the Unix socket "
                    f"{self._unix_path!r}, and TLS works over TCP only"
                )
            self._tls = True
            self._tls_domain = domain
            self._insecure = bool(insecure)
            return self

        def with_capacity(self, capacity):
            """How many records the queue holds before the policy applies (default 1024)."""
            self._capacity = _whole("with_capacity", capacity)
            return self

        def with_flush_timeout_ms(self, milliseconds):
            """How long `flush()` and `close()` wait for the worker, in
            milliseconds (default 1000)."""
            self._flush_timeout_ms = _whole("with_flush_timeout_ms", milliseconds)
            return self

        def with_overflow_policy(self, policy):
            """What a full queue does: `"drop"` (the default, counted), `"block"`, `"timeout:N"` or
            an `OverflowPolicy`."""
            text = policy_text(policy)
            if text not in ("drop", "block") and not _is_timeout(text):
                raise ValueError(
                    f'with_overflow_policy({policy!r}): the policy is "drop", "block" '
                    'or "timeout:N" (N milliseconds above zero)'
                )
            self._policy = text
            return self

        def with_connect_timeout_ms(self, milliseconds):
            """How long a connection (with its TLS handshake) may take, in milliseconds (default
            5000)."""
            self._connect_timeout_ms = _whole("with_connect_timeout_ms", milliseconds)
            return self

        def with_write_timeout_ms(self, milliseconds):
            """How long one write may block, in milliseconds (default 1000); a write that takes
            longer drops the connection, and the worker reconnects."""
            self._write_timeout_ms = _whole("with_write_timeout_ms", milliseconds)
            return self

        def with_backoff(
            self, base_ms=_KEEP, cap_ms=_KEEP, reset_after_ms=_KEEP, deadline_ms=_KEEP
        ):
            """Reconnection delays: from `base_ms`, doubling up to `cap_ms`
            (with jitter), back to `base_ms` after a connection stayed up
            `reset_after_ms`; records are given up (and counted as failed)
            after `deadline_ms` without a connection, never when None. A
            setting not given keeps its value."""
            current = self._backoff
            base = current[0] if base_ms is _KEEP else _whole("with_backoff", base_ms)
            cap = current[1] if cap_ms is _KEEP else _whole("with_backoff", cap_ms)
            reset = (
                current[2]
                if reset_after_ms is _KEEP
                else _whole("with_backoff", reset_after_ms, least=0)
            )
            if deadline_ms is _KEEP:
                deadline = current[3]
            elif deadline_ms is None:
                deadline = None
            else:
                deadline = _whole("with_backoff", deadline_ms)
            if cap < base:
                raise ValueError(
                    f"with_backoff(base_ms={base}, cap_ms={cap}): cap_ms must not be below base_ms"
                )
            self._backoff = (base, cap, reset, deadline)
            return self

        def with_max_frame_size(self, size):
            """The largest frame sent, in bytes (default 1 MiB); a record whose frame is larger is
            not sent and is counted as `rejected`."""
            self._max_frame_size = _whole("with_max_frame_size", size, most=LARGEST_FRAME_SIZE)
            return self

        def build(self):
            """Makes the `FemtoSocketHandler` with these settings; its worker connects when the
            first record comes."""
            if self._tls and self._unix_path is not None:
                raise HandlerConfigError("TLS works over TCP only, not over a Unix socket")
            return FemtoSocketHandler(
                self._host,
                self._port,
                unix_path=self._unix_path,
                tls_domain=(self._tls_domain or self._host) if self._tls else None,
                insecure=self._insecure,
                capacity=self._capacity,
                flush_timeout_ms=self._flush_timeout_ms,
                policy=self._policy,
                formatter=self._formatter,
                connect_timeout_ms=self._connect_timeout_ms,
                write_timeout_ms=self._write_timeout_ms,
                backoff=self._backoff,
                max_frame_size=self._max_frame_size,
            )

    return {
        "HandlerConfigError": HandlerConfigError,
        "FemtoSocketHandler": FemtoSocketHandler,
        "SocketHandlerBuilder": SocketHandlerBuilder,
    }
