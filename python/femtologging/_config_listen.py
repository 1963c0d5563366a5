"""The configuration server behind `listen()`: each connection sends one
configuration as a 4-byte big-endian length and that many bytes, which
`verify` (when given) may change or refuse (by returning None). A JSON object
is applied with `dictConfig`, anything else as an INI file with `fileConfig`.
A configuration that fails is reported on stderr with its traceback and
leaves the configuration in force as it was; the server goes on listening.
"""

import errno
import io
import json
import select
import struct
import sys
import threading
import traceback
from socketserver import StreamRequestHandler, ThreadingTCPServer

RESET_ERROR = errno.ECONNRESET

# How often the serving loop looks at its stop flag, in seconds.
_POLL_INTERVAL = 0.25


class ConfigurationRequestHandler(StreamRequestHandler):
    """Reads one length-prefixed configuration and applies it."""

    def _read_exactly(self, size):
        chunks = []
        remaining = size
        while remaining:
            chunk = self.connection.recv(remaining)
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def handle(self):
        try:
            header = self._read_exactly(4)
            if len(header) != 4:
                return
            (size,) = struct.unpack(">L", header)
            payload = self._read_exactly(size)
            if len(payload) != size:
                print(
                    f"logging configuration server: {len(payload)} of the announced "
                    f"{size} bytes arrived; nothing applied",
                    file=sys.stderr,
                )
                return
            verify = self.server.verify
            if verify is not None:
                payload = verify(payload)
            if payload is not None:
                self.server.apply(payload)
        except OSError as error:
            if error.errno != RESET_ERROR:
                raise


class ConfigurationServer(ThreadingTCPServer):
    """A TCP server on localhost that applies the configurations it receives."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port, verify, dict_config, file_config):
        ThreadingTCPServer.__init__(self, ("localhost", port), ConfigurationRequestHandler)
        self.abort = False
        self.verify = verify
        self._dict_config = dict_config
        self._file_config = file_config

    def apply(self, payload):
        try:
            text = payload.decode("utf-8")
            try:
                configuration = json.loads(text)
            except ValueError:
                configuration = None
            if isinstance(configuration, dict):
                self._dict_config(configuration)
            else:
                self._file_config(io.StringIO(text))
        except Exception:  # noqa: BLE001 - reported, and the server goes on
            traceback.print_exc()

    def serve_until_stopped(self):
        while not self.abort:
            ready, _, _ = select.select([self.socket.fileno()], [], [], _POLL_INTERVAL)
            if ready:
                self.handle_request()
        self.server_close()


class ListenerThread(threading.Thread):
    """The thread `listen()` returns: `start()` it; `ready` is set once the
    server is bound, and `port` is then the port it listens on."""

    def __init__(self, port, verify, dict_config, file_config, publish):
        """Serves on `port` (0: any free port) once started; `verify` checks each configuration's
        bytes; `publish` receives the server so that `stopListening` can stop it."""
        super().__init__(daemon=True)
        self.port = port
        self.verify = verify
        self.ready = threading.Event()
        self._make = lambda: ConfigurationServer(port, verify, dict_config, file_config)
        self._publish = publish

    def run(self):
        """Binds the server (publishing it for `stopListening`), says it is ready, and serves
        configurations until stopped."""
        try:
            server = self._make()
        except Exception:
            self.ready.set()
            raise
        if self.port == 0:
            self.port = server.server_address[1]
        self._publish(server)
        self.ready.set()
        server.serve_until_stopped()
