"""`SocketHandler` to a loopback TCP receiver, end to end, against the standard library.

    python benchmarks/socket_handler.py [--n 100000] [--repeat 3]

The receiver is another process (so it does not share the sender's
interpreter lock): it reads frames the way the standard receiver does and
answers with how many it decoded once the connection closes. The timed
region runs from the first logging call until the receiver has counted
every record, and each run checks that all `n` arrived.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import subprocess
import sys
import time

_RECEIVER = r"""
import pickle, socket, struct, sys
server = socket.create_server(("127.0.0.1", 0))
print(server.getsockname()[1], flush=True)
connection, _ = server.accept()
buffer = bytearray()
count = 0
while chunk := connection.recv(1 << 20):
    buffer += chunk
    offset = 0
    while len(buffer) - offset >= 4:
        (size,) = struct.unpack_from(">L", buffer, offset)
        if len(buffer) - offset - 4 < size:
            break
        record = pickle.loads(bytes(buffer[offset + 4 : offset + 4 + size]))
        assert record["msg"] == "request /api/items took 42 ms", record["msg"]
        count += 1
        offset += 4 + size
    del buffer[:offset]
print(count, flush=True)
"""


def run_once(library_name: str, n: int) -> float:
    library = importlib.import_module(library_name)
    handlers = importlib.import_module(library_name + ".handlers")
    receiver = subprocess.Popen(
        [sys.executable, "-c", _RECEIVER], stdout=subprocess.PIPE, text=True
    )
    port = int(receiver.stdout.readline())
    logger = library.getLogger(f"bench.socket.{library_name}")
    logger.setLevel(library.INFO)
    logger.propagate = False
    handler = handlers.SocketHandler("127.0.0.1", port)
    logger.addHandler(handler)
    start = time.perf_counter()
    for _ in range(n):
        logger.info("request %s took %d ms", "/api/items", 42)
    handler.close()
    received = int(receiver.stdout.readline())
    elapsed = time.perf_counter() - start
    receiver.wait()
    logger.removeHandler(handler)
    if received != n:
        raise SystemExit(f"{library_name}: the receiver got {received} of {n} records")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    results = {}
    for library_name in ("logging", "femtologging"):
        times = [run_once(library_name, arguments.n) for _ in range(arguments.repeat)]
        results[library_name] = statistics.median(times)
        per_call = results[library_name] / arguments.n * 1e9
        print(f"{library_name:13} {results[library_name]:.3f} s  {per_call:,.0f} ns/record")
    print(f"speedup: {results['logging'] / results['femtologging']:.2f}x")


if __name__ == "__main__":
    main()
