"""The batched sender of `HTTPHandler`: records queued by the caller and
POSTed by a Rust worker thread as newline-delimited JSON.

Opted into with any of `HTTPHandler`'s keyword-only options `batch`,
`batch_interval`, `compress` and `keepalive`. Each record becomes one line:
the dict `mapLogRecord` returns (the record's `__dict__` unless a subclass
says otherwise) as a JSON object, written on the caller's thread because
its values may change once the call returns. `None`, bool, int, float, str
and the lists, tuples and dicts of them are themselves; any other value is
its `str()`, as the standard handler's `urlencode` sends every value (so
`args` is a list, `exc_info` a list of three strings). The worker (the one
behind every femto handler: bounded queue, overflow policy, counters, exit
and fork hooks) sends a batch when it has `batch` records, when its oldest
record has waited `batch_interval` seconds, on `flush()` and on `close()`
(at the latest at interpreter exit), over one HTTP/1.1 connection it keeps
(plain, or TLS with rustls when `secure`).
"""

import base64

from . import _femtologging as _native

DEFAULT_BATCH_INTERVAL = 1.0
DEFAULT_CAPACITY = 4096
DEFAULT_TIMEOUT = 10.0
# (base_ms, cap_ms, reset_after_ms, deadline_ms), the core's BackoffPolicy:
# a batch the server keeps failing is given up after two minutes.
DEFAULT_BACKOFF = (100, 5000, 30000, 120000)
# How long flush() waits for the worker: a round trip and a few retries.
FLUSH_TIMEOUT_MS = 30000


def sender_for(host, url, method, secure, credentials, context, options):
    """The batched sender when `options` ask for one, else None (the
    standard handler's requests). `keepalive=False` alone is what the
    standard handler does already; the settings of the sender alone
    (`capacity`, `policy`, `cafile`, `timeout`) are refused."""
    switches = ("batch", "batch_interval", "compress")
    if options["keepalive"] or any(options[name] is not None for name in switches):
        return BatchedSender(host, url, method, secure, credentials, context, options)
    given = [
        name for name in ("capacity", "policy", "cafile", "timeout") if options[name] is not None
    ]
    if given:
        raise ValueError(
            f"{', '.join(given)} only apply to batched sending "
            "(batch, batch_interval, compress or keepalive=True)"
        )
    return None


def _seconds(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {value!r}")
    if not value > 0:
        raise ValueError(f"{name} must be above zero, not {value!r}")
    return value


def split_host(host, secure):
    """`(name, port, host_header)` from `host` as `http.client` reads it:
    `name`, `name:port`, `[v6]` or `[v6]:port`; the port defaults to the
    scheme's, and the Host header leaves a default port out."""
    default_port = 443 if secure else 80
    colon = host.rfind(":")
    bracket = host.rfind("]")
    port = default_port
    name = host
    if colon > bracket:
        digits = host[colon + 1 :]
        name = host[:colon]
        if digits:
            try:
                port = int(digits)
            except ValueError:
                raise ValueError(f"nonnumeric port: {digits!r}") from None
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    shown = f"[{name}]" if ":" in name else name
    header = shown if port == default_port else f"{shown}:{port}"
    return name, port, header


class BatchedSender:
    """The worker an `HTTPHandler` hands its records to."""

    def __init__(self, host, url, method, secure, credentials, context, options):
        from . import Handler
        from ._femto import _policy_text, _positive, _start

        if method != "POST":
            raise ValueError(
                'batched records are sent in a POST body: pass method="POST" '
                "with batch, batch_interval, compress or keepalive"
            )
        if context is not None:
            raise ValueError(
                "context is an ssl.SSLContext for http.client; the batched sender "
                "verifies the server with the system's roots and cafile"
            )
        if options["cafile"] is not None and not secure:
            raise ValueError("cafile only makes sense with secure=True")
        batch = _positive("batch", 1 if options["batch"] is None else options["batch"])
        interval = options["batch_interval"]
        interval = _seconds(
            "batch_interval", DEFAULT_BATCH_INTERVAL if interval is None else interval
        )
        capacity = options["capacity"]
        capacity = _positive("capacity", DEFAULT_CAPACITY if capacity is None else capacity)
        timeout = options["timeout"]
        timeout = _seconds("timeout", DEFAULT_TIMEOUT if timeout is None else timeout)
        policy = _policy_text("block" if options["policy"] is None else options["policy"])
        compress = options["compress"]
        if compress not in (None, "gzip"):
            raise ValueError(f'compress must be "gzip" or None, not {compress!r}')
        keepalive = options["keepalive"]
        authorization = None
        if credentials:
            # As the standard handler builds it.
            user_and_password = ("%s:%s" % credentials).encode("utf-8")  # noqa: UP031
            authorization = "Basic " + base64.b64encode(user_and_password).strip().decode("ascii")
        name, port, host_header = split_host(host, secure)
        target = _native.HttpTarget(
            host=name,
            port=port,
            host_header=host_header,
            url=url,
            tls=bool(secure),
            cafile=options["cafile"],
            authorization=authorization,
            max_records=batch,
            compress=compress,
            keepalive=True if keepalive is None else bool(keepalive),
            timeout_ms=max(1, round(timeout * 1000)),
            backoff=DEFAULT_BACKOFF,
        )
        sender = _native.FemtoHandler()
        Handler.__init__(sender)
        sender._target_text = f"{'https' if secure else 'http'}://{host_header}{url}"
        _start(
            sender,
            target,
            capacity,
            batch,
            policy,
            FLUSH_TIMEOUT_MS,
            hold_ms=max(1, round(interval * 1000)),
        )
        self._sender = sender
        # Queues a record's mapLogRecord dict (or what dict() takes): the
        # native method itself, with no Python call around it.
        self.submit = sender._submit_json

    def flush(self):
        return self._sender.flush()

    def close(self):
        self._sender.close()

    def stats(self):
        return self._sender.stats()
