"""Where the time of the `socket` and `datagram` cases goes: the standard library and
femtologging beside a floor, the same frames made before the clock starts and written by a
bare loop (`sendall` over TCP, `sendto` over UDP, the calls the standard handlers make) to
the same receiver; for each, the wall time per record until the receiver has everything and
the sending process's own CPU time per record during the calls.

    python benchmarks/socket_floor.py [--kinds tcp,udp] [--n 100000] [--repeat 7]

Each sample is a fresh process, the three senders interleaved in a shuffled order per round,
as `run.py` does. What a library adds to a record is its time less the floor's; the standard
library's time divided by the floor's is the largest ratio any library could reach. On a
machine shared with other work the wall time also holds the time the sender waited for a CPU,
which its CPU time does not.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from benchmarks.cases._network import receiver  # noqa: E402

SENDERS = ("stdlib", "femtologging", "floor")
NAME = "bench.socket_floor"


def run(sender: str, kind: str, n: int) -> dict[str, float]:
    """One timed run in this process: ns per record, wall and CPU."""
    logging = importlib.import_module("femtologging" if sender == "femtologging" else "logging")
    handlers = importlib.import_module(logging.__name__ + ".handlers")
    with receiver(kind, n) as peer:
        logger = logging.getLogger(NAME)
        logger.setLevel(logging.INFO)
        logger.propagate = False
        handler_class = handlers.SocketHandler if kind == "tcp" else handlers.DatagramHandler
        handler = handler_class("127.0.0.1", peer.port)
        if sender == "floor":
            frames = []
            for ms in range(n):
                record = logging.LogRecord(
                    NAME, logging.INFO, __file__, 1, "request %s took %d ms", ("/api", ms), None
                )
                frames.append(handler.makePickle(record))
            handler.createSocket()
            sock, address = handler.sock, handler.address
        else:
            logger.addHandler(handler)
        wall, cpu = time.perf_counter_ns(), time.process_time_ns()
        if sender == "floor" and kind == "tcp":
            for frame in frames:
                sock.sendall(frame)
        elif sender == "floor":
            for frame in frames:
                sock.sendto(frame, address)
        else:
            for ms in range(n):
                logger.info("request %s took %d ms", "/api", ms)
        cpu = time.process_time_ns() - cpu
        handler.close()
        _, datagrams = peer.received()
        wall = time.perf_counter_ns() - wall
        logger.removeHandler(handler)
        if kind == "udp" and datagrams != n:
            raise SystemExit(f"the receiver got {datagrams} of {n} datagrams")
        frames_received = len(peer.frames())
    if frames_received != n:
        raise SystemExit(f"the receiver got {frames_received} of {n} frames")
    return {"wall_ns": wall / n, "cpu_ns": cpu / n}


def sample(sender: str, kind: str, n: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", sender, "--kinds", kind, "--n", str(n)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kinds", default="tcp,udp")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--child", choices=SENDERS, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    kinds = arguments.kinds.split(",")
    if arguments.child:
        print(json.dumps(run(arguments.child, kinds[0], arguments.n)))
        return
    samples = {(kind, sender): [] for kind in kinds for sender in SENDERS}
    for round_number in range(arguments.repeat):
        for kind, sender in random.sample(list(samples), len(samples)):
            samples[kind, sender].append(sample(sender, kind, arguments.n))
        print(f"round {round_number + 1}/{arguments.repeat}", file=sys.stderr)
    print("| kind | sender | wall ns/record | stdlib / it | CPU ns/record | stdlib / it |")
    print("|:--|:--|--:|--:|--:|--:|")
    for kind in kinds:
        medians = {
            sender: {
                figure: statistics.median(result[figure] for result in samples[kind, sender])
                for figure in ("wall_ns", "cpu_ns")
            }
            for sender in SENDERS
        }
        standard = medians["stdlib"]
        for sender, median in medians.items():
            print(
                f"| {kind} | {sender} | {median['wall_ns']:,.0f} "
                f"| {standard['wall_ns'] / median['wall_ns']:.2f}x "
                f"| {median['cpu_ns']:,.0f} | {standard['cpu_ns'] / median['cpu_ns']:.2f}x |"
            )


if __name__ == "__main__":
    main()
