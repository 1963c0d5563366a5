"""The network cases' receiver process, and the checks of what it received.

The receiver (`_receiver.py`) runs in a process of its own, so it does not share the sender's
interpreter lock: it is started and stopped outside the clock, and the clock stops when it
answers that everything arrived (see `Receiver.received`).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import struct
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from ._checks import CheckFailed

_RECEIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_receiver.py")
# Seconds the sender waits for the receiver's answers beyond the end of its own work.
_ANSWER_TIMEOUT_S = 120


class DatagramsLost(Exception):
    """The receiver got fewer datagrams than were sent: the run is not timed."""


class Receiver:
    """A receiver process listening on a loopback port (`port`), TCP or UDP."""

    def __init__(self, kind: str, expected: int, directory: str) -> None:
        self.kind = kind
        self.expected = expected
        self._output = os.path.join(directory, f"received-{kind}.bin")
        self._process = subprocess.Popen(
            [sys.executable, _RECEIVER, kind, str(expected), self._output],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.port = int(self._line())

    def _line(self) -> str:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            code = self._process.wait(_ANSWER_TIMEOUT_S)
            raise RuntimeError(f"the receiver exited with status {code} before answering")
        return line.strip()

    def received(self) -> tuple[int, int]:
        """Wait until the receiver has everything: the sender closed the connection (TCP), or
        every expected datagram arrived (UDP). Returns (bytes, datagrams)."""
        if self.kind == "udp":
            assert self._process.stdin is not None
            # Tells the receiver the sender is done, for when some datagrams were lost.
            # It may also have had them all and exited already.
            with contextlib.suppress(BrokenPipeError):
                self._process.stdin.write("done\n")
                self._process.stdin.flush()
        size, datagrams = self._line().split()
        return int(size), int(datagrams)

    def frames(self) -> list[bytes]:
        """The length-prefixed frames received, once the receiver has written them."""
        if self._line() != "written":
            raise RuntimeError("the receiver did not write what it received")
        with open(self._output, "rb") as file:
            data = file.read()
        return split_frames(data)

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                # "done" may still be buffered for a receiver that had already exited.
                with contextlib.suppress(BrokenPipeError):
                    stream.close()


@contextmanager
def receiver(kind: str, expected: int) -> Iterator[Receiver]:
    """Start a receiver in a temporary directory; stop it (and remove its file) afterwards."""
    with tempfile.TemporaryDirectory(prefix="femtologging-bench-") as directory:
        started = Receiver(kind, expected, directory)
        try:
            yield started
        finally:
            started.stop()


def split_frames(data: bytes) -> list[bytes]:
    """Split a stream of 4-byte big-endian length-prefixed frames; a torn one fails the check."""
    frames = []
    offset = 0
    unpack = struct.Struct(">L").unpack_from
    while offset < len(data):
        if len(data) - offset < 4:
            raise CheckFailed(f"{len(data) - offset} bytes after the last whole frame")
        (size,) = unpack(data, offset)
        end = offset + 4 + size
        if end > len(data):
            raise CheckFailed(f"the last frame is cut short: {len(data) - offset - 4} of {size}")
        frames.append(data[offset + 4 : end])
        offset = end
    return frames


def expect_count(frames: list[Any], count: int, what: str = "frames") -> None:
    if len(frames) != count:
        raise CheckFailed(f"expected {count} {what}, the receiver got {len(frames)}")


def pickled_messages(frames: list[bytes], name: str) -> list[str]:
    """The messages of `SocketHandler` frames (pickled record dictionaries), each checked to
    be an INFO record of the logger `name` with its arguments merged into `msg`."""
    messages = []
    for number, frame in enumerate(frames, 1):
        try:
            record = pickle.loads(frame)
        except Exception as error:
            raise CheckFailed(f"frame {number} is not a pickle: {error}") from None
        if (
            not isinstance(record, dict)
            or record.get("name") != name
            or record.get("levelname") != "INFO"
            or record.get("args") is not None
        ):
            raise CheckFailed(f"frame {number} is not the record logged: {record!r:.300}")
        messages.append(record["msg"])
    return messages


# In a MessagePack map, a string is its UTF-8 bytes behind a header of 1 to 5 bytes, so the
# logger's name and the message can be found in the frame as they are.
def msgpack_messages(frames: list[bytes], name: str, message: str) -> list[str]:
    """The messages (matching the regex `message`) of `FemtoSocketHandler` frames, each
    checked to carry the logger `name` and the level INFO."""
    pattern = re.compile(message.encode())
    logger, level = name.encode(), b"INFO"
    messages = []
    for number, frame in enumerate(frames, 1):
        found = pattern.search(frame)
        if found is None or logger not in frame or level not in frame:
            raise CheckFailed(f"frame {number} is not the record logged: {frame[:300]!r}")
        messages.append(found[0].decode())
    return messages


def expect_sequence(messages: list[str], message: str) -> None:
    """Check that group 1 of `message` in each message is 0, 1, 2, ... in order."""
    pattern = re.compile(message)
    for expected, text in enumerate(messages):
        found = pattern.fullmatch(text)
        if found is None or int(found[1]) != expected:
            raise CheckFailed(f"record {expected + 1} of {len(messages)} is {text!r}")


def handlers_module(library: ModuleType) -> ModuleType:
    """`logging.handlers`, `femtologging.handlers`, `picologging.handlers`."""
    import importlib

    return importlib.import_module(library.__name__ + ".handlers")
