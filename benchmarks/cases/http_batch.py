"""`HTTPHandler` POSTing to a web server in another process, end to end: every record
received. The standard library sends one form-encoded request per record, on a new connection,
and waits for its answer; femtologging's `HTTPHandler(batch=...)` queues the record and a Rust
worker POSTs batches of JSON lines over one kept connection."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from types import ModuleType

from ._case import Case, Measurement
from ._checks import CheckFailed
from ._network import expect_count, handlers_module

NAME = "bench.http"
_RECEIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_http_receiver.py")
# Records per request for the batched handler.
BATCH = 500


def _run(library: ModuleType, n: int, batched: bool) -> Measurement:
    handlers = handlers_module(library)
    with tempfile.TemporaryDirectory(prefix="femtologging-bench-") as directory:
        output = os.path.join(directory, "messages.txt")
        peer = subprocess.Popen(
            [sys.executable, _RECEIVER, str(n), output], stdout=subprocess.PIPE, text=True
        )
        try:
            assert peer.stdout is not None
            host = f"127.0.0.1:{int(peer.stdout.readline())}"
            logger = library.getLogger(NAME)
            logger.setLevel(library.INFO)
            logger.propagate = False
            options = {"batch": BATCH, "policy": "block"} if batched else {}
            handler = handlers.HTTPHandler(host, "/log", method="POST", **options)
            logger.addHandler(handler)
            try:
                start = time.perf_counter_ns()
                for ms in range(n):
                    logger.info("request %s took %d ms", "/api/items", ms)
                logged = time.perf_counter_ns()
                handler.flush()
                size, _ = (int(part) for part in peer.stdout.readline().split())
                finished = time.perf_counter_ns()
            finally:
                logger.removeHandler(handler)
                handler.close()
            if peer.stdout.readline().strip() != "written":
                raise CheckFailed("the receiver did not write what it received")
            with open(output, encoding="utf-8") as file:
                messages = file.read().splitlines()
        finally:
            peer.kill()
            peer.wait()
    expect_count(messages, n, "records")
    expected = [f"request /api/items took {ms} ms" for ms in range(n)]
    if messages != expected:
        raise CheckFailed("the records arrived out of order, or changed")
    return Measurement(
        elapsed_ns=finished - start, calls=n, output_bytes=size, caller_ns=logged - start
    )


def _standard(library: ModuleType, n: int) -> Measurement:
    return _run(library, n, batched=False)


def _batched(library: ModuleType, n: int) -> Measurement:
    return _run(library, n, batched=True)


CASE = Case(
    name="http_batch",
    summary=(
        "logger.info('request %s took %d ms', path, i) to HTTPHandler (POST), a web server in "
        f"another process; femtologging with batch={BATCH}: the caller's cost, and end to end "
        "until every record was received"
    ),
    default_n=2_000,
    run=_standard,
    rows=("caller", "end_to_end"),
    face="femto",
    per_library={
        "femtologging": _batched,
        "picologging": None,
        "stdlib_queue": None,
        "loguru": None,
    },
    timeout_s=120.0,
)
