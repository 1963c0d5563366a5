"""A receiver for the femto socket handler's tests: a thread that accepts
connections one after another on a TCP port or a Unix socket and decodes
their 4-byte big-endian length-prefixed MessagePack frames."""

import socket
import struct
import threading
import time

import msgpack


def free_port(host="127.0.0.1"):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


class Receiver:
    """Collects the decoded records in `records`, in arrival order. With
    `read=False` it accepts and never reads."""

    def __init__(self, *, host="127.0.0.1", port=None, path=None, read=True, wrap=None):
        self.host = host
        self.port = port if port is not None or path is not None else free_port(host)
        self.path = path
        self.read = read
        self.wrap = wrap
        self.records = []
        self.connections = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        # Cleared while the receiver stalls: it holds its connections and
        # reads nothing, as a receiver stuck on a slow disk does.
        self._reading = threading.Event()
        self._reading.set()
        self._threads = []
        self._accepted = []
        self._listener = None

    def start(self):
        if self.path is not None:
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listener.bind(self.path)
        else:
            family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
            listener = socket.socket(family)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((self.host, self.port))
        listener.listen(16)
        listener.settimeout(0.05)
        self._listener = listener
        self._stopping.clear()
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def _accept(self):
        while not self._stopping.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.connections += 1
                self._accepted.append(connection)
            if self.read:
                thread = threading.Thread(target=self._read, args=(connection,), daemon=True)
                thread.start()
                self._threads.append(thread)

    def _read(self, connection):
        if self.wrap is not None:
            try:
                connection = self.wrap(connection)
            except OSError:
                # A client that gave up on the handshake (it did not trust us).
                connection.close()
                return
        connection.settimeout(0.05)
        buffer = b""
        while True:
            if not self._reading.is_set():
                if self._stopping.is_set():
                    return
                self._reading.wait(0.05)
                continue
            try:
                data = connection.recv(65536)
            except TimeoutError:
                if self._stopping.is_set():
                    return
                continue
            except OSError:
                return
            if not data:
                return
            buffer += data
            while len(buffer) >= 4:
                (size,) = struct.unpack(">I", buffer[:4])
                if len(buffer) < 4 + size:
                    break
                record = msgpack.unpackb(buffer[4 : 4 + size])
                buffer = buffer[4 + size :]
                with self._lock:
                    self.records.append(record)

    def stall(self):
        """Stops reading, keeping every connection open."""
        self._reading.clear()

    def resume(self):
        self._reading.set()

    def messages(self):
        with self._lock:
            return [record["message"] for record in self.records]

    def wait_for(self, count, timeout=10.0):
        """True once `count` records arrived, within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.records) >= count:
                    return True
            time.sleep(0.01)
        return False

    def stop(self):
        """Stops listening and ends every connection."""
        self._stopping.set()
        self._listener.close()
        for thread in self._threads:
            thread.join(5)
        self._threads = []
        with self._lock:
            accepted, self._accepted = self._accepted, []
        for connection in accepted:
            connection.close()
