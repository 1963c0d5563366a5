"""`logging.config` for femtologging: `dictConfig`, `fileConfig`, `listen`
and `stopListening`, with the standard library's schema and names.

A configuration written for the standard library works unchanged: a class
path that starts with `logging` (`logging.StreamHandler`,
`logging.handlers.RotatingFileHandler`, `logging.Formatter`,
`logging.Filter`, `ext://logging.handlers...`) names femtologging's class of
the same name, and so does a class of the real `logging` given as an object.
Classes from other packages (a Django or uvicorn formatter, filter or
handler) are used as they are.

When a configuration fails, the exception is the standard library's (a
`ValueError` naming the component, such as "Unable to configure handler
'file'", whose `__cause__` names the key at fault; `fileConfig` raises
`FileNotFoundError`, `RuntimeError` for an empty or unparsable file and
`KeyError` for a missing section or key), and, unlike the standard library,
the handlers and loggers in force before it are left as they were, still
writing. The old handlers are closed only once a new configuration is
complete.

The femto handlers are configured like any other handler. Their keys:

- `femtologging.FemtoStreamHandler`: `stream` (`"stderr"`, `"stdout"`, or a
  stream such as `ext://sys.stdout`), `capacity`, `flush_timeout_ms`,
  `policy` (`"drop"`, `"block"`, `"timeout:N"`), `errors`.
- `femtologging.FemtoFileHandler`: `path`, `capacity`, `flush_interval`,
  `policy`, `mode`, `flush_timeout_ms`, `errors`.
- `femtologging.FemtoRotatingFileHandler`: `path`, `options`,
  `mode`, `flush_timeout_ms`; `options` is a mapping of `HandlerOptions`'
  fields (`{"capacity": 1024, "policy": "block", "rotation": [1000000, 5],
  "compress": "gzip", "interprocess": false}`), or a `HandlerOptions`.
- `femtologging.FemtoTimedRotatingFileHandler`: `path`, `when`, `interval`,
  `backup_count`, `utc`, `at_time`, `options`, `flush_timeout_ms`.
- The builders (`StreamHandlerBuilder`, `FileHandlerBuilder`,
  `RotatingFileHandlerBuilder`, `TimedRotatingFileHandlerBuilder`,
  `SocketHandlerBuilder`) as `class` or `()`: the keys their constructor
  takes (`path`, `stream`) go to it, every other key `k` calls
  `with_k(value)` (a list is spread as arguments, a mapping passed as
  keywords: `"tcp": ["127.0.0.1", 9020]`, `"backoff": {"base_ms": 100}`,
  `"overflow_policy": "block"`, `"max_bytes": 1000000`), then `build()`.

The common keys (`level`, `formatter`, `filters`, `.`) apply to all of them;
the `formatter` key names one of the configuration's formatters, which the
handler then uses as a standard handler does.
"""

import errno  # noqa: F401 - part of the standard module's namespace
import io  # noqa: F401
import os  # noqa: F401
import queue  # noqa: F401
import re  # noqa: F401
import struct  # noqa: F401
import sys
import threading  # noqa: F401
import traceback  # noqa: F401
from socketserver import StreamRequestHandler, ThreadingTCPServer  # noqa: F401

import femtologging as logging
import femtologging.handlers  # noqa: F401 - `handlers.X` in an INI file's class= and args=

from ._config_attempt import _clearExistingHandlers, _handle_existing_loggers  # noqa: F401
from ._config_converting import (  # noqa: F401
    IDENTIFIER,
    BaseConfigurator,
    ConvertingDict,
    ConvertingList,
    ConvertingMixin,
    ConvertingTuple,
    _resolve,
    valid_ident,
)
from ._config_dict import DictConfigurator, _is_queue_like_object  # noqa: F401
from ._config_file import (  # noqa: F401
    _create_formatters,
    _install_handlers,
    _install_loggers,
    _strip_spaces,
    fileConfig,
)
from ._config_listen import RESET_ERROR, ListenerThread  # noqa: F401

if sys.version_info >= (3, 12):
    import functools  # noqa: F401 - in the standard module's namespace from 3.12

DEFAULT_LOGGING_CONFIG_PORT = 9030

# The server `listen()` started, until `stopListening()`.
_listener = None

dictConfigClass = DictConfigurator


def dictConfig(config):
    """Configures logging from a dictionary (schema version 1)."""
    dictConfigClass(config).configure()


def listen(port=DEFAULT_LOGGING_CONFIG_PORT, verify=None):
    """A thread (not yet started) that serves new configurations on
    localhost:`port` (0: any free port, then in the thread's `port`)."""

    def publish(server):
        global _listener
        with logging._lock:
            _listener = server

    return ListenerThread(port, verify, dictConfig, fileConfig, publish)


def stopListening():
    """Stops the server `listen()` started, if any."""
    global _listener
    with logging._lock:
        if _listener is not None:
            _listener.abort = True
            _listener = None
