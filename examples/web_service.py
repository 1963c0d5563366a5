"""A small web service that logs every request through femtologging to a
file that rotates.

It serves a JSON API with the standard library's `wsgiref`, sends the
server's access log and the application's own lines to one rotating file
written by a worker thread, makes some requests to itself, then counts the
lines that reached the files.

    python examples/web_service.py [--requests N] [--directory DIR]
"""

import argparse
import json
import os
import tempfile
import threading
import urllib.error
import urllib.request
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import femtologging as logging

access_log = logging.getLogger("web.access")
app_log = logging.getLogger("web.app")

ITEMS = {"1": "tea", "2": "coffee", "3": "cocoa"}


def application(environ, start_response):
    """Answers GET /items/<id> with the item as JSON, or 404."""
    path = environ["PATH_INFO"]
    item_id = path.removeprefix("/items/")
    if path.startswith("/items/") and item_id in ITEMS:
        app_log.info("item %s looked up", item_id)
        body = json.dumps({"id": item_id, "name": ITEMS[item_id]}).encode()
        status = "200 OK"
    else:
        app_log.warning("no item at %s", path)
        body = b'{"error": "not found"}'
        status = "404 Not Found"
    start_response(status, [("Content-Type", "application/json")])
    return [body]


class LoggingRequestHandler(WSGIRequestHandler):
    """wsgiref prints its access log on stderr; this sends it to the logger."""

    def log_message(self, format, *args):
        access_log.info("%s %s", self.client_address[0], format % args)


def configure_logging(directory):
    """One rotating file for the whole service, written by a worker thread
    (policy "block": a full queue makes the request wait, nothing is lost)."""
    handler = (
        logging.RotatingFileHandlerBuilder(os.path.join(directory, "web.log"))
        .with_max_bytes(4096)
        .with_backup_count(20)
        .with_overflow_policy("block")
        .with_formatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        .build()
    )
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    return handler


def make_requests(port, count):
    """Asks for items 1 to 4 in turn (4 does not exist); returns the statuses."""
    statuses = []
    for number in range(count):
        url = f"http://127.0.0.1:{port}/items/{number % 4 + 1}"
        try:
            with urllib.request.urlopen(url) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    return statuses


def count_lines(directory):
    """Lines in web.log and its backups."""
    total = 0
    for name in os.listdir(directory):
        if name.startswith("web.log"):
            with open(os.path.join(directory, name), encoding="utf-8") as log_file:
                total += sum(1 for _ in log_file)
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--directory", default=None, help="where web.log goes (default: new)")
    options = parser.parse_args()
    directory = options.directory or tempfile.mkdtemp(prefix="femtologging-web-")

    handler = configure_logging(directory)
    server = make_server(
        "127.0.0.1", 0, application, server_class=WSGIServer, handler_class=LoggingRequestHandler
    )
    serving = threading.Thread(target=server.serve_forever, name="server")
    serving.start()
    app_log.info("serving on port %d", server.server_port)

    statuses = make_requests(server.server_port, options.requests)

    server.shutdown()
    serving.join()
    server.server_close()
    app_log.info("stopped after %d requests", len(statuses))
    handler.close()  # writes what is still queued

    stats = handler.stats()
    files = sorted(name for name in os.listdir(directory) if name.startswith("web.log"))
    # Two lines a request (the application's and the access log's), plus
    # "serving" and "stopped".
    expected = 2 * len(statuses) + 2
    print(f"{len(statuses)} requests: {statuses.count(200)} found, {statuses.count(404)} not found")
    print(f"{count_lines(directory)} of {expected} lines in {len(files)} files under {directory}")
    print(f"written {stats['written']}, dropped {stats['dropped']}, failed {stats['failed']}")


if __name__ == "__main__":
    main()
