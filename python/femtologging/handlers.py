"""`logging.handlers`: the file handlers `BaseRotatingHandler`,
`RotatingFileHandler`, `TimedRotatingFileHandler` and `WatchedFileHandler`,
and the handlers that hold records for others (`BufferingHandler`,
`MemoryHandler`, `QueueHandler`, `QueueListener`); `SocketHandler` and
`DatagramHandler` live in `_network`, `SysLogHandler` in `_syslog`,
`HTTPHandler` and `NTEventLogHandler` in `_http`, `SMTPHandler` in `_smtp`.

They are native `FileHandler`s: the size and time tests before each record
and the check of the file's identity run in Rust, the rename chain of a rollover is
the core's, and every step a subclass (or a `namer`, a `rotator`) may
replace is still called where the standard library calls it.
"""

import copy
import io
import os
import pickle  # noqa: F401 - a name of the standard module
import queue
import re
import socket  # noqa: F401 - a name of the standard module
import struct  # noqa: F401 - a name of the standard module
import sys
import threading
import time  # noqa: F401 - a name of the standard module

from . import ERROR, FileHandler, Handler, _attach
from . import _femtologging as _native
from ._http import HTTPHandler, NTEventLogHandler  # noqa: F401
from ._network import DatagramHandler, SocketHandler  # noqa: F401
from ._smtp import SMTPHandler  # noqa: F401
from ._syslog import SysLogHandler  # noqa: F401

# `logging.handlers.logging` is the logging package.
logging = sys.modules[__name__.rpartition(".")[0]]

if sys.version_info < (3, 13):
    from stat import ST_DEV, ST_INO, ST_MTIME  # noqa: F401 - names of the standard module
# `logging.handlers` has no `__all__`; these are the public names it defines
# (its classes and port numbers, not the modules and `stat` constants it
# imports). tests/test_public_names.py compares them with the running Python's.
__all__ = [
    "BaseRotatingHandler",
    "BufferingHandler",
    "DEFAULT_HTTP_LOGGING_PORT",
    "DEFAULT_SOAP_LOGGING_PORT",
    "DEFAULT_TCP_LOGGING_PORT",
    "DEFAULT_UDP_LOGGING_PORT",
    "DatagramHandler",
    "HTTPHandler",
    "MemoryHandler",
    "NTEventLogHandler",
    "QueueHandler",
    "QueueListener",
    "RotatingFileHandler",
    "SMTPHandler",
    "SYSLOG_TCP_PORT",
    "SYSLOG_UDP_PORT",
    "SocketHandler",
    "SysLogHandler",
    "TimedRotatingFileHandler",
    "WatchedFileHandler",
]

DEFAULT_TCP_LOGGING_PORT = 9020
DEFAULT_UDP_LOGGING_PORT = 9021
DEFAULT_HTTP_LOGGING_PORT = 9022
DEFAULT_SOAP_LOGGING_PORT = 9023
SYSLOG_UDP_PORT = 514
SYSLOG_TCP_PORT = 514

_MIDNIGHT = 24 * 60 * 60

BaseRotatingHandler = _native.BaseRotatingHandler
RotatingFileHandler = _native.RotatingFileHandler
TimedRotatingFileHandler = _native.TimedRotatingFileHandler
WatchedFileHandler = _native.WatchedFileHandler


@_attach(BaseRotatingHandler)
class BaseRotatingHandler:  # noqa: F811
    """A file handler that rolls its file over at some point: subclasses
    say when (`shouldRollover`) and how (`doRollover`)."""

    namer = None
    rotator = None

    def __init__(self, filename, mode, encoding=None, delay=False, errors=None):
        """Opens `filename` as `FileHandler` does; subclasses add when to roll over."""
        FileHandler.__init__(
            self, filename, mode=mode, encoding=encoding, delay=delay, errors=errors
        )
        self.mode = mode
        self.encoding = encoding
        self.errors = errors

    def rotation_filename(self, default_name):
        """The name a backup gets: `namer(default_name)` when a namer is set."""
        namer = self.namer
        if not callable(namer):
            return default_name
        return namer(default_name)

    def rotate(self, source, dest):
        """Moves the live file to its backup: `rotator(source, dest)` when a
        rotator is set, else a rename (when `source` exists)."""
        rotator = self.rotator
        if not callable(rotator):
            _native.rotate_file(source, dest)
        else:
            rotator(source, dest)


@_attach(RotatingFileHandler)
class RotatingFileHandler:  # noqa: F811
    """Rolls the file over before a record would take it to `maxBytes`:
    `app.log` becomes `app.log.1`, and so on up to `backupCount`.

    With `interprocess=True` (not in the standard library), several
    processes may write one set of files: each check, rollover and write
    takes an advisory lock on `<file>.lock`, so no line is lost or written
    twice and each rollover happens once."""

    def __init__(
        self,
        filename,
        mode="a",
        maxBytes=0,
        backupCount=0,
        encoding=None,
        delay=False,
        errors=None,
        *,
        interprocess=False,
    ):
        """With `maxBytes` or `backupCount` zero (the defaults) the file is never rolled over.
        `interprocess=True` shares the files between processes. The other arguments are
        `FileHandler`'s."""
        if maxBytes > 0:
            mode = "a"
        if "b" not in mode:
            encoding = io.text_encoding(encoding)
        BaseRotatingHandler.__init__(
            self, filename, mode, encoding=encoding, delay=delay, errors=errors
        )
        self.maxBytes = maxBytes
        self.backupCount = backupCount
        if interprocess:
            self._share_with_other_processes()


@_attach(TimedRotatingFileHandler)
class TimedRotatingFileHandler:  # noqa: F811
    """Rolls the file over every `interval` units of `when` (seconds,
    minutes, hours, days, or at `atTime` daily or on a weekday): `app.log`
    becomes `app.log.2026-11-21`, named after the interval it covers, and
    only the newest `backupCount` backups are kept.

    With `interprocess=True` (not in the standard library), several
    processes may write one set of files, as with `RotatingFileHandler`: the
    first to reach a new period rolls the file over, and the others find its
    backup, follow it to the fresh file and keep the backup as it is."""

    def __init__(
        self,
        filename,
        when="h",
        interval=1,
        backupCount=0,
        encoding=None,
        delay=False,
        utc=False,
        atTime=None,
        errors=None,
        *,
        interprocess=False,
    ):
        """`when` is "S", "M", "H", "D", "midnight" or "W0"-"W6" (Monday to Sunday), case-
        insensitive; `utc` names backups and computes rollovers in UTC; the other arguments are
        `FileHandler`'s."""
        encoding = io.text_encoding(encoding)
        BaseRotatingHandler.__init__(
            self, filename, "a", encoding=encoding, delay=delay, errors=errors
        )
        self.when = when.upper()
        self.backupCount = backupCount
        self.utc = utc
        self.atTime = atTime
        unit, suffix, pattern, day_of_week = _native.timed_unit(self.when)
        # Attributes in the order the standard constructor sets them, as
        # `vars(handler)` shows them.
        self.interval = unit
        if day_of_week is not None:
            self.dayOfWeek = day_of_week
        self.suffix = suffix
        self.extMatch = re.compile(pattern, re.ASCII)
        self.interval = self.interval * interval
        self.rolloverAt = self.computeRollover(_native.timed_start(self.baseFilename))
        if interprocess:
            self._share_with_other_processes()


@_attach(WatchedFileHandler)
class WatchedFileHandler:  # noqa: F811
    """Reopens its file when the file at the path changes device or inode,
    as after logrotate moved it away."""

    def __init__(self, filename, mode="a", encoding=None, delay=False, errors=None):
        """Opens `filename` as `FileHandler` does and remembers its device and inode."""
        if "b" not in mode:
            encoding = io.text_encoding(encoding)
        FileHandler.__init__(
            self, filename, mode=mode, encoding=encoding, delay=delay, errors=errors
        )
        self.dev, self.ino = -1, -1
        self._statstream()

    def _statstream(self):
        if self.stream is None:
            return
        result = os.fstat(self.stream.fileno())
        self.dev = result.st_dev
        self.ino = result.st_ino


# ------------------------------------------------- handlers that hold records
#
# These keep records in Python objects (a list, a queue) for other handlers:
# they do no I/O of their own, so they are written here, on the standard
# namespace's side, over the native `Handler`.

_QUEUE_LISTENER_STOP_TWICE = sys.version_info >= (3, 13)
_QUEUE_HANDLER_HAS_LISTENER = sys.version_info >= (3, 12)


class BufferingHandler(Handler):
    """Keeps records in `buffer` until `shouldFlush` says the buffer is
    full; this base class's `flush` just empties it."""

    def __init__(self, capacity):
        """Holds up to `capacity` records before `shouldFlush` says to flush."""
        Handler.__init__(self)
        self.capacity = capacity
        self.buffer = []

    def shouldFlush(self, record):
        """Whether the buffer must be flushed now: it holds `capacity` records."""
        return len(self.buffer) >= self.capacity

    def emit(self, record):
        """Appends the record to the buffer, and flushes when `shouldFlush` says so."""
        self.buffer.append(record)
        if self.shouldFlush(record):
            self.flush()

    def flush(self):
        """Empties the buffer (this base class drops the records; subclasses send them on)."""
        with self.lock:
            self.buffer.clear()

    def close(self):
        """Flushes, then closes the handler."""
        try:
            self.flush()
        finally:
            Handler.close(self)


class MemoryHandler(BufferingHandler):
    """Buffers records and hands them to `target` when the buffer is full or
    a record at `flushLevel` or above arrives (and at close, unless
    `flushOnClose` is false)."""

    def __init__(self, capacity, flushLevel=ERROR, target=None, flushOnClose=True):
        """Buffers up to `capacity` records for `target`; a record at `flushLevel` (ERROR by
        default) or above flushes at once."""
        BufferingHandler.__init__(self, capacity)
        self.flushLevel = flushLevel
        self.target = target
        self.flushOnClose = flushOnClose

    def shouldFlush(self, record):
        """Whether to pass the buffer on now: it is full, or the record is at
        `flushLevel` or above."""
        return len(self.buffer) >= self.capacity or record.levelno >= self.flushLevel

    def setTarget(self, target):
        """Sets the handler the buffered records are passed to (None: keep them)."""
        with self.lock:
            self.target = target

    def flush(self):
        """Hands every buffered record to `target`, in order, and empties the buffer; without a
        target the records stay."""
        with self.lock:
            if self.target:
                for record in self.buffer:
                    self.target.handle(record)
                self.buffer.clear()

    def close(self):
        """Flushes to the target if `flushOnClose`, then lets go of the target and closes."""
        try:
            if self.flushOnClose:
                self.flush()
        finally:
            with self.lock:
                self.target = None
                BufferingHandler.close(self)


class QueueHandler(Handler):
    """Puts each record, formatted and stripped of what cannot be pickled,
    on a queue for a `QueueListener` (or anything else) to take."""

    def __init__(self, queue):
        """Puts records on `queue`: a `queue.Queue`, a `SimpleQueue`, a `multiprocessing` queue, or
        anything with `put_nowait`."""
        Handler.__init__(self)
        self.queue = queue
        if _QUEUE_HANDLER_HAS_LISTENER:
            self.listener = None

    def enqueue(self, record):
        """Puts the prepared record on the queue without waiting (`put_nowait`); override it for a
        queue with another method."""
        self.queue.put_nowait(record)

    def prepare(self, record):
        """A copy of the record ready to cross a process boundary: its formatted text as `msg` and
        `message`, with `args`, `exc_info`, `exc_text` and `stack_info` cleared (the traceback is
        in the text)."""
        message = self.format(record)
        prepared = copy.copy(record)
        prepared.message = message
        prepared.msg = message
        prepared.args = None
        prepared.exc_info = None
        prepared.exc_text = None
        prepared.stack_info = None
        return prepared

    def emit(self, record):
        """Prepares the record and enqueues it; an error goes to `handleError`."""
        try:
            self.enqueue(self.prepare(record))
        except Exception:
            self.handleError(record)


class QueueListener:
    """Takes records off a queue on a thread of its own and passes each to
    its handlers (only those whose level it meets, with
    `respect_handler_level`)."""

    _sentinel = None

    def __init__(self, queue, *handlers, respect_handler_level=False):
        """Reads `queue` for `handlers`; `start()` begins, `stop()` ends."""
        self.queue = queue
        self.handlers = handlers
        self._thread = None
        self.respect_handler_level = respect_handler_level

    def dequeue(self, block):
        """Takes the next record off the queue, waiting for one if `block`."""
        return self.queue.get(block)

    def start(self):
        """Starts the thread that takes records off the queue and handles them."""
        self._thread = thread = threading.Thread(target=self._monitor)
        thread.daemon = True
        thread.start()

    def prepare(self, record):
        """The record as the handlers get it; unchanged here, for subclasses."""
        return record

    def handle(self, record):
        """Passes a record to each handler (only to those whose level it meets, with
        `respect_handler_level`)."""
        record = self.prepare(record)
        for handler in self.handlers:
            if self.respect_handler_level and record.levelno < handler.level:
                continue
            handler.handle(record)

    def _monitor(self):
        source = self.queue
        marks_done = hasattr(source, "task_done")
        while True:
            try:
                record = self.dequeue(True)
            except queue.Empty:
                break
            if record is self._sentinel:
                if marks_done:
                    source.task_done()
                break
            self.handle(record)
            if marks_done:
                source.task_done()

    def enqueue_sentinel(self):
        """Puts the marker that tells the thread to stop on the queue."""
        self.queue.put_nowait(self._sentinel)

    def stop(self):
        """Tells the thread to stop once it has handled every record queued before, and waits for
        it."""
        if _QUEUE_LISTENER_STOP_TWICE and not self._thread:
            return
        self.enqueue_sentinel()
        self._thread.join()
        self._thread = None
