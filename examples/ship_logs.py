"""Ship log records over the network to a collector.

Starts a collector on 127.0.0.1 (a thread here; in production another
process or machine) that reads what `SocketHandler` sends, the standard
library's wire format (a pickle behind a 4-byte length), and logs each
record again through its own handler, as the logging cookbook's receiver
does. The application's records travel with `background=True`: a worker
thread sends them, so a slow or absent collector never holds up the caller.

    python examples/ship_logs.py [--records N]
"""

import argparse
import io
import pickle
import re
import socketserver
import struct
import threading
import time

import femtologging as logging
from femtologging.handlers import SocketHandler

ORDER_LINE = re.compile(r" order (\d+) accepted$")


class RecordReceiver(socketserver.StreamRequestHandler):
    """Reads records until the sender closes its connection."""

    def handle(self):
        while header := self.rfile.read(4):
            (length,) = struct.unpack(">L", header)
            # Unpickle only what comes from your own processes: a pickle can
            # run code.
            record = logging.makeLogRecord(pickle.loads(self.rfile.read(length)))
            self.server.collected.handle(record)


class Collector(socketserver.ThreadingTCPServer):
    daemon_threads = True

    def __init__(self, handler):
        super().__init__(("127.0.0.1", 0), RecordReceiver)
        self.collected = handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    options = parser.parse_args()

    # The collector's side: every record it receives is written to `lines`.
    lines = io.StringIO()
    collected = logging.StreamHandler(lines)
    collected.setFormatter(logging.Formatter("%(process)d %(name)s %(levelname)s %(message)s"))
    collector = Collector(collected)
    threading.Thread(target=collector.serve_forever, name="collector", daemon=True).start()
    host, port = collector.server_address

    # The application's side.
    shipper = SocketHandler(host, port, background=True, policy="block")
    log = logging.getLogger("orders")
    log.setLevel(logging.INFO)
    log.addHandler(shipper)
    for number in range(options.records):
        log.info("order %d accepted", number)
    log.warning("%d orders accepted", options.records)
    delivered = shipper.flush()  # True once every queued record was sent
    stats = shipper.stats()
    shipper.close()

    # The collector reads on its own thread; wait until it has everything.
    expected = options.records + 1
    for _ in range(500):
        if lines.getvalue().count("\n") >= expected:
            break
        time.sleep(0.01)
    collector.shutdown()
    collector.server_close()

    received = lines.getvalue().splitlines()
    numbers = [int(match[1]) for match in map(ORDER_LINE.search, received) if match]
    print(f"sent {stats['written']} of {stats['accepted']} records (delivered: {delivered})")
    print(f"received {len(received)} records; in order: {numbers == list(range(options.records))}")
    print("last:", received[-1].split(" ", 1)[1])


if __name__ == "__main__":
    main()
