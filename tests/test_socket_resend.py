"""`SocketHandler(..., resend=True)`: records are not lost to a connection the receiver closed."""

import pickle
import select
import socket
import struct
import threading

import femtologging
import femtologging.handlers


class _Receiver:
    """Accepts connections on loopback; the first one is closed after its first frame."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(10)
        self.port = self.server.getsockname()[1]
        self.first_closed = threading.Event()
        self.connections = []
        self.thread = threading.Thread(target=self._run)
        self.thread.start()

    def _frames(self, connection, limit=None):
        messages = []
        while limit is None or len(messages) < limit:
            header = connection.recv(4, socket.MSG_WAITALL)
            if len(header) < 4:
                break
            (size,) = struct.unpack(">L", header)
            messages.append(pickle.loads(connection.recv(size, socket.MSG_WAITALL))["msg"])
        return messages

    def _run(self):
        connection, _ = self.server.accept()
        self.connections.append(self._frames(connection, limit=1))
        connection.close()
        self.first_closed.set()
        try:
            connection, _ = self.server.accept()
        except TimeoutError:
            return
        with connection:
            self.connections.append(self._frames(connection))

    def finish(self):
        self.thread.join(15)
        self.server.close()
        return self.connections


def _logger(handler, name):
    logger = femtologging.getLogger(name)
    logger.propagate = False
    for old in list(logger.handlers):
        logger.removeHandler(old)
    logger.addHandler(handler)
    return logger


def test_the_standard_handler_loses_the_record_written_into_a_closed_connection():
    """By default, as in the standard library, the record after the receiver closed is lost."""
    receiver = _Receiver()
    handler = femtologging.handlers.SocketHandler("127.0.0.1", receiver.port)
    logger = _logger(handler, "resend.default")
    logger.warning("one")
    receiver.first_closed.wait(10)
    for index in range(2, 50):
        logger.warning("record %d", index)
        if handler.sock is None:
            break
    logger.warning("after")
    handler.close()
    first, second = receiver.finish()
    assert first == ["one"]
    assert second[-1] == "after"
    assert "record 2" not in second


def test_resend_replaces_a_connection_the_receiver_closed():
    """With resend=True, a record finds the closed connection and goes out on a new one."""
    receiver = _Receiver()
    handler = femtologging.handlers.SocketHandler("127.0.0.1", receiver.port, resend=True)
    assert handler.resend and "resend" not in vars(
        femtologging.handlers.SocketHandler("127.0.0.1", 9)
    )
    logger = _logger(handler, "resend.peek")
    logger.warning("one")
    receiver.first_closed.wait(10)
    # The receiver's close has reached this end.
    select.select([handler.sock], [], [], 5)
    logger.warning("two")
    logger.warning("three")
    handler.close()
    assert receiver.finish() == [["one"], ["two", "three"]]


def test_resend_sends_a_failed_record_again_on_a_new_connection():
    """With resend=True, a record whose write fails is written again after reconnecting."""
    receiver = _Receiver()
    handler = femtologging.handlers.SocketHandler("127.0.0.1", receiver.port, resend=True)
    logger = _logger(handler, "resend.failure")
    logger.warning("one")
    receiver.first_closed.wait(10)
    # A socket that can no longer write: sendall raises BrokenPipeError.
    broken, peer = socket.socketpair()
    broken.shutdown(socket.SHUT_WR)
    handler.sock.close()
    handler.sock = broken
    logger.warning("two")
    handler.close()
    peer.close()
    assert receiver.finish() == [["one"], ["two"]]
    assert broken.fileno() == -1
