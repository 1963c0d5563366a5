"""A loopback web server for the HTTP case, run in a process of its own.

    python _http_receiver.py EXPECTED OUTPUT_PATH

It prints the port it listens on, then counts records as requests arrive: a
form-encoded body (the standard `HTTPHandler`'s POST) is one record, a
newline-delimited JSON body (the batched one) one per line, gzip bodies
decompressed. Once EXPECTED records have arrived it prints
"<bytes> <records>" (the sender's clock stops there), then writes each
record's message (`msg % args`) to OUTPUT_PATH, one a line, in arrival
order, and prints "written".
"""

import gzip
import http.server
import json
import os
import signal
import sys
import threading
import urllib.parse
from ast import literal_eval

# However the sender ends, this process does not outlive it by much.
LIFETIME_S = 300


class Recorder(http.server.BaseHTTPRequestHandler):
    # Keeps a connection for the next request when the client does.
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        server = self.server
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        # Counted before the answer: the sender's next request, perhaps on a
        # new connection served by another thread, comes only after it.
        with server.lock:
            server.bodies.append((self.headers.get_content_type(), self.headers, raw))
            server.size += len(raw)
            if self.headers.get_content_type() == "application/x-ndjson":
                if self.headers.get("Content-Encoding") == "gzip":
                    raw = gzip.decompress(raw)
                server.records += raw.count(b"\n")
            else:
                server.records += 1
            if server.records >= server.expected and not server.finished.is_set():
                server.finished.set()
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def messages(bodies):
    for content_type, headers, raw in bodies:
        if content_type == "application/x-ndjson":
            if headers.get("Content-Encoding") == "gzip":
                raw = gzip.decompress(raw)
            for line in raw.splitlines():
                record = json.loads(line)
                yield record["msg"] % tuple(record["args"])
        else:
            record = dict(urllib.parse.parse_qsl(raw.decode("ascii")))
            # The standard handler sends `args` as its str(): a tuple's repr.
            yield record["msg"] % literal_eval(record["args"])


def main():
    expected, output = int(sys.argv[1]), sys.argv[2]
    signal.alarm(LIFETIME_S)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.daemon_threads = True
    server.lock = threading.Lock()
    server.bodies = []
    server.size = 0
    server.records = 0
    server.expected = expected
    server.finished = threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    server.finished.wait()
    with server.lock:
        print(server.size, server.records, flush=True)
        bodies = list(server.bodies)
    with open(output, "w", encoding="utf-8") as file:
        for message in messages(bodies):
            file.write(message + "\n")
    print("written", flush=True)
    # The sender's connection may still be open: do not wait for it.
    os._exit(0)


if __name__ == "__main__":
    main()
