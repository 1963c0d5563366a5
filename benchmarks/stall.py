"""What a receiver that stalls costs the caller: the issue's stall target.

    python benchmarks/stall.py [--n 100000] [--rate 50000] [--stall 2.0] [--repeat 3]
                               [--configurations NAME,...]

Each configuration runs in a fresh interpreter (`--child`), against a receiver process on
loopback that reads frames until a quarter of the records arrived, then stops reading (its
connections stay open) for `--stall` seconds, then reads on. The sender logs `--n` records at
`--rate` per second (paced by spinning between calls, outside the timing), timing every
call on its own, so the stall falls in the middle of the run; then it drains (`close()`,
or `flush()` then `close()`), and the receiver reports what arrived once every connection
has ended.

Figures per configuration (medians of the repetitions): the caller's per-call median, 99th
percentile and maximum, the records received, those the handler counted as dropped or
failed. Checks: no record arrives twice or out of order on a connection; under `block`
every record arrives; under `drop` every record is received or counted
(received + dropped + failed = n). The standard library counts nothing, so its losses are
reported, not checked.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import select
import socket
import statistics
import struct
import subprocess
import sys
import time
from array import array

HERE = os.path.dirname(os.path.abspath(__file__))
NAME = "bench.stall"
TEMPLATE = "request %s took %d ms"
NUMBER = re.compile(rb"request /api/items took (\d+) ms")

# name -> (library, how the handler is made, its policy or None)
CONFIGURATIONS = {
    "femto_drop": ("femtologging", "femto", "drop"),
    "femto_block": ("femtologging", "femto", "block"),
    "background_drop": ("femtologging", "background", "drop"),
    "background_block": ("femtologging", "background", "block"),
    "stdlib_queue": ("logging", "queue", None),
    "stdlib": ("logging", "sync", None),
}


def receive(expected: int, stall_s: float) -> None:
    """The receiver process: prints its port, reads frames from any number of
    connections (a sender may reconnect), stalls once, and when the sender said
    "done" on stdin and every connection ended, prints the numbers received per
    connection as JSON."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    print(listener.getsockname()[1], flush=True)
    buffers: dict[socket.socket, bytearray] = {}
    numbers: dict[socket.socket, list[int]] = {}
    stdin = sys.stdin.fileno()
    received = 0
    stalled = False
    sender_done = False
    while not (sender_done and not buffers):
        watched = [listener, stdin, *buffers] if not sender_done else [listener, *buffers]
        ready, _, _ = select.select(watched, [], [], 1.0)
        if sender_done and not ready:
            break
        for source in ready:
            if source is stdin:
                os.read(stdin, 4096)
                sender_done = True
            elif source is listener:
                connection, _ = listener.accept()
                buffers[connection] = bytearray()
                numbers[connection] = []
            else:
                data = source.recv(1 << 20)
                if not data:
                    del buffers[source]
                    source.close()
                    continue
                buffer = buffers[source]
                buffer += data
                offset = 0
                while len(buffer) - offset >= 4:
                    (size,) = struct.unpack_from(">L", buffer, offset)
                    if len(buffer) - offset - 4 < size:
                        break
                    found = NUMBER.search(buffer, offset + 4, offset + 4 + size)
                    numbers[source].append(int(found[1]) if found else -1)
                    offset += 4 + size
                    received += 1
                del buffer[:offset]
        if not stalled and received >= expected // 4:
            stalled = True
            time.sleep(stall_s)
    print(json.dumps([list(values) for values in numbers.values()]), flush=True)


def child(configuration: str, n: int, rate: float, stall_s: float) -> None:
    """One run: set up the handler, log n paced records against a stalling receiver."""
    library_name, kind, policy = CONFIGURATIONS[configuration]
    receiver = subprocess.Popen(
        [sys.executable, __file__, "--receiver", "--n", str(n), "--stall", str(stall_s)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert receiver.stdout is not None and receiver.stdin is not None
    port = int(receiver.stdout.readline())
    library = __import__(library_name)
    import importlib

    handlers = importlib.import_module(f"{library_name}.handlers")
    logger = library.getLogger(NAME)
    logger.setLevel(library.INFO)
    logger.propagate = False
    listener = None
    if kind == "femto":
        handler = (
            library.SocketHandlerBuilder()
            .with_tcp("127.0.0.1", port)
            .with_capacity(1024)
            .with_overflow_policy(policy)
            .with_flush_timeout_ms(30_000)
            .build()
        )
    elif kind == "background":
        handler = handlers.SocketHandler(
            "127.0.0.1", port, background=True, capacity=1024, policy=policy
        )
    elif kind == "queue":
        import queue

        sender = handlers.SocketHandler("127.0.0.1", port)
        records: queue.Queue = queue.Queue()
        listener = handlers.QueueListener(records, sender)
        listener.start()
        handler = handlers.QueueHandler(records)
    else:
        handler = handlers.SocketHandler("127.0.0.1", port)
    logger.addHandler(handler)

    costs = array("q", bytes(8 * n))
    clock = time.perf_counter_ns
    interval = int(1e9 / rate)
    path = "/api/items"
    log = logger.info
    start = clock()
    for number in range(n):
        due = start + number * interval
        while clock() < due:
            pass
        before = clock()
        log(TEMPLATE, path, number)
        costs[number] = clock() - before
    logged = clock()
    if kind in ("femto", "background"):
        handler.flush()
    if listener is not None:
        listener.stop()
        sender.close()
    handler.close()
    drained = clock()
    stats = handler.stats() if kind in ("femto", "background") else {}
    receiver.stdin.write("done\n")
    receiver.stdin.flush()
    per_connection = json.loads(receiver.stdout.readline())
    receiver.wait(30)
    ordered = sorted(costs)
    received = [number for values in per_connection for number in values]
    each_in_order = all(values == sorted(set(values)) for values in per_connection)
    print(
        json.dumps(
            {
                "configuration": configuration,
                "n": n,
                "caller_median_ns": ordered[n // 2],
                "caller_p99_ns": ordered[int(n * 0.99)],
                "caller_max_ns": ordered[-1],
                "logging_s": (logged - start) / 1e9,
                "drain_s": (drained - logged) / 1e9,
                "received": len(received),
                "distinct": len(set(received)),
                "connections": len(per_connection),
                "in_order": each_in_order,
                "dropped": stats.get("dropped"),
                "failed": stats.get("failed"),
            }
        )
    )


def check(result: dict) -> str | None:
    """Why a run's output is wrong, or None."""
    _, kind, policy = CONFIGURATIONS[result["configuration"]]
    if result["distinct"] != result["received"] or not result["in_order"]:
        return "a record arrived twice or out of order"
    if policy == "block" and result["received"] != result["n"]:
        return f"block lost {result['n'] - result['received']} records"
    if policy == "drop":
        accounted = result["received"] + result["dropped"] + result["failed"]
        if accounted != result["n"]:
            return f"received + dropped + failed = {accounted}, not {result['n']}"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=50_000.0, help="records per second")
    parser.add_argument("--stall", type=float, default=2.0, help="seconds the receiver stalls")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--configurations", default=",".join(CONFIGURATIONS))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--receiver", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.receiver:
        receive(arguments.n, arguments.stall)
        return
    if arguments.child:
        child(arguments.child, arguments.n, arguments.rate, arguments.stall)
        return
    names = arguments.configurations.split(",")
    results: dict[str, list[dict]] = {name: [] for name in names}
    failures = []
    for _ in range(arguments.repeat):
        for name in names:
            output = subprocess.run(
                [sys.executable, __file__, "--child", name, "--n", str(arguments.n)]
                + ["--rate", str(arguments.rate), "--stall", str(arguments.stall)],
                capture_output=True,
                text=True,
                timeout=300,
            )
            if output.returncode != 0:
                failures.append(f"{name}: {output.stderr.strip().splitlines()[-1:]}")
                continue
            result = json.loads(output.stdout.strip().splitlines()[-1])
            problem = check(result)
            if problem:
                failures.append(f"{name}: {problem}")
            results[name].append(result)
    print(
        f"n={arguments.n}, {arguments.rate:,.0f} records/s, the receiver stalls "
        f"{arguments.stall} s after n/4; medians of {arguments.repeat} runs\n"
    )
    print(
        "| configuration | caller median | caller p99 | caller max | received | dropped "
        "| failed | drain |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, runs in results.items():
        if not runs:
            print(f"| {name} | n/a | | | | | | |")
            continue

        def median(key: str, runs: list[dict] = runs) -> float:
            return statistics.median(run[key] for run in runs)

        dropped = "-" if runs[0]["dropped"] is None else f"{median('dropped'):,.0f}"
        failed = "-" if runs[0]["failed"] is None else f"{median('failed'):,.0f}"
        print(
            f"| {name} | {median('caller_median_ns'):,.0f} ns | {median('caller_p99_ns'):,.0f} ns "
            f"| {median('caller_max_ns') / 1e6:,.1f} ms | {median('received'):,.0f} | {dropped} "
            f"| {failed} | {median('drain_s'):.2f} s |"
        )
    for failure in failures:
        print(f"FAILED {failure}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
