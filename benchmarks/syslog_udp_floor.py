"""How fast `syslog_udp` could be at best: the same datagrams, made before the clock starts,
sent by a bare loop to the same receiver, beside the standard library and femtologging.

    python benchmarks/syslog_udp_floor.py [--n 200000] [--repeat 7]

Each sample is a fresh process, the four kinds interleaved in a shuffled order per round, as
`run.py` does. The floors are `socket.sendto` on an unconnected socket (the system call the
standard handler makes) and `socket.send` on a connected one (femtologging's): no logging at
all, so what a logging library adds to each record is its time less the floor's, and the
standard library's time divided by a floor's is the largest ratio any library could reach.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from benchmarks.cases._network import receiver  # noqa: E402

# The benchmark's line for a record, at the length its records have.
_LINE = "<14>2026-01-01 00:00:00,000 INFO bench.syslog_udp: request /api/items took %d ms\x00"
KINDS = ("stdlib", "femtologging", "floor_sendto", "floor_send")


def floor(kind: str, n: int) -> float:
    """ns per datagram, end to end, for a bare loop of `kind`."""
    datagrams = [(_LINE % index).encode() for index in range(n)]
    with receiver("udp", n) as peer:
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        address = ("127.0.0.1", peer.port)
        start = time.perf_counter_ns()
        if kind == "floor_send":
            sender.connect(address)
            send = sender.send
            for datagram in datagrams:
                send(datagram)
        else:
            send_to = sender.sendto
            for datagram in datagrams:
                send_to(datagram, address)
        sender.close()
        _, received = peer.received()
        elapsed = time.perf_counter_ns() - start
    if received != n:
        raise SystemExit(f"the receiver got {received} of {n} datagrams")
    return elapsed / n


def sample(kind: str, n: int) -> float:
    if kind.startswith("floor"):
        command = [sys.executable, __file__, "--child", kind, "--n", str(n)]
    else:
        command = [sys.executable, os.path.join(HERE, "child.py"), kind, "syslog_udp"]
        command += ["--n", str(n)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result = json.loads(output.strip().splitlines()[-1])
    if "per_call_ns" not in result:
        raise SystemExit(f"{kind}: {result}")
    return result["per_call_ns"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--child", choices=KINDS[2:], help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        print(json.dumps({"per_call_ns": floor(arguments.child, arguments.n)}))
        return
    samples: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for round_number in range(arguments.repeat):
        order = random.sample(KINDS, len(KINDS))
        for kind in order:
            samples[kind].append(sample(kind, arguments.n))
        print(f"round {round_number + 1}/{arguments.repeat}", file=sys.stderr)
    standard = statistics.median(samples["stdlib"])
    print(f"| {'kind':<14} | {'ns per record':>13} | {'stdlib / kind':>13} |")
    print(f"|:{'-' * 14}-|-{'-' * 13}:|-{'-' * 13}:|")
    for kind in KINDS:
        median = statistics.median(samples[kind])
        print(f"| {kind:<14} | {median:>13,.0f} | {standard / median:>12.2f}x |")


if __name__ == "__main__":
    main()
