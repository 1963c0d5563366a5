"""`capture_stdlib`: the standard library's `logging` routed into femtologging.

Third-party libraries log through the real `logging` module. While the
routing is on, every standard logger (those that exist and those made later,
the root included) is a view of the femtologging logger of the same name:

- its logging calls (`debug` ... `critical`, `log`, `exception`, and
  `isEnabledFor`, `getEffectiveLevel`, `setLevel`, `handle`) are made on
  that logger, so the record goes through femtologging's native path, its
  levels, filters, handlers and propagation, with the caller of the original
  call (this module's frames and the standard module's own are skipped, as
  `findCaller` skips its own);
- its `level`, `handlers`, `filters`, `propagate` and `disabled` are that
  logger's, so whatever configures the standard loggers (`setLevel`,
  `addHandler`, `logging.config`, pytest's `caplog`, unittest's
  `assertLogs`) configures femtologging's, and `logging.disable` sets
  femtologging's threshold.

`capture_stdlib(False)` puts the standard classes back as they were: the
standard loggers are again what they were before the routing began (what was
configured through them meanwhile stays on femtologging's loggers).
"""

import logging as _standard
import os
import sys

from . import _femtologging as _native

_ROUTED_ATTRIBUTES = ("level", "handlers", "filters", "propagate", "disabled")

# What the routing replaced on the standard classes, to put back; empty while
# the routing is off.
_replaced = {}
# The femtologging logger of each standard logger, found once.
_twins = {}
# A standard logger made while the routing is on keeps what its own
# `__init__` sets in its instance dictionary until this marker says it is
# built: the defaults it sets must not overwrite the femtologging logger's.
_ROUTED = "_femtologging_routed"


def _package():
    return sys.modules[__name__.rpartition(".")[0]]


def _twin(logger):
    """The femtologging logger a standard logger stands for."""
    try:
        return _twins[logger]
    except KeyError:
        package = _package()
        name = logger.name
        twin = package.root if logger is _standard.root else package.getLogger(name)
        _twins[logger] = twin
        return twin


class _RoutedAttribute:
    """A standard logger's attribute that reads and writes its femtologging
    logger's once the standard logger is built."""

    def __init__(self, name):
        self.name = name

    def __get__(self, logger, owner=None):
        if logger is None:
            return self
        own = logger.__dict__
        if own.get(_ROUTED):
            return getattr(_twin(logger), self.name)
        try:
            return own[self.name]
        except KeyError:
            raise AttributeError(self.name) from None

    def __set__(self, logger, value):
        own = logger.__dict__
        if own.get(_ROUTED):
            setattr(_twin(logger), self.name, value)
        else:
            own[self.name] = value


class _RoutedDisable:
    """`Manager.disable` of the standard library, kept by femtologging's manager."""

    def __get__(self, manager, owner=None):
        if manager is None:
            return self
        return _package().root.manager.disable

    def __set__(self, manager, value):
        _package().root.manager.disable = value


def _routed_init(original):
    def __init__(self, *args, **kwargs):
        self.__dict__[_ROUTED] = False
        original(self, *args, **kwargs)
        self.__dict__[_ROUTED] = True

    return __init__


# The routed methods: one frame each, in this file, which the caller's
# search skips.


# `_twins.get(self) or _twin(self)`: a femtologging logger is always true.


def _debug(self, msg, *args, **kwargs):
    (_twins.get(self) or _twin(self)).debug(msg, *args, **kwargs)


def _info(self, msg, *args, **kwargs):
    (_twins.get(self) or _twin(self)).info(msg, *args, **kwargs)


def _warning(self, msg, *args, **kwargs):
    (_twins.get(self) or _twin(self)).warning(msg, *args, **kwargs)


def _warn(self, msg, *args, **kwargs):
    (_twins.get(self) or _twin(self)).warn(msg, *args, **kwargs)


def _error(self, msg, *args, **kwargs):
    (_twins.get(self) or _twin(self)).error(msg, *args, **kwargs)


def _exception(self, msg, *args, exc_info=True, **kwargs):
    (_twins.get(self) or _twin(self)).error(msg, *args, exc_info=exc_info, **kwargs)


def _critical(self, msg, *args, **kwargs):
    (_twins.get(self) or _twin(self)).critical(msg, *args, **kwargs)


def _log(self, level, msg, *args, **kwargs):
    (_twins.get(self) or _twin(self)).log(level, msg, *args, **kwargs)


def _is_enabled_for(self, level):
    return (_twins.get(self) or _twin(self)).isEnabledFor(level)


def _get_effective_level(self):
    return (_twins.get(self) or _twin(self)).getEffectiveLevel()


def _set_level(self, level):
    # femtologging's setLevel empties femtologging's level caches.
    (_twins.get(self) or _twin(self)).setLevel(level)


def _handle(self, record):
    (_twins.get(self) or _twin(self)).handle(record)


_ROUTED_METHODS = {
    "debug": _debug,
    "info": _info,
    "warning": _warning,
    "warn": _warn,
    "error": _error,
    "exception": _exception,
    "critical": _critical,
    "fatal": _critical,
    "log": _log,
    "isEnabledFor": _is_enabled_for,
    "getEffectiveLevel": _get_effective_level,
    "setLevel": _set_level,
    "handle": _handle,
}


def _standard_loggers():
    with _standard._lock:
        entries = list(_standard.Logger.manager.loggerDict.values())
    return [_standard.root, *(entry for entry in entries if isinstance(entry, _standard.Logger))]


def _internal_files(routed):
    files = list(_package()._internal_files)
    if routed:
        files.append(os.path.normcase(__file__))
        files.append(os.path.normcase(_standard.__file__))
    return files


def capture_stdlib(capture=True):
    """Routes the standard library's `logging` into femtologging's loggers
    and handlers (`capture=True`), or stops routing it (`capture=False`).

    Calling it twice in the same sense does nothing more.
    """
    # The standard module's lock: no standard logger is made while the
    # classes change under it.
    with _standard._lock:
        if capture:
            _start()
        else:
            _stop()


def _start():
    if _replaced:
        return
    logger_class = _standard.Logger
    for name in (*_ROUTED_METHODS, *_ROUTED_ATTRIBUTES, "__init__"):
        _replaced[(logger_class, name)] = logger_class.__dict__.get(name)
    manager_class = _standard.Manager
    _replaced[(manager_class, "disable")] = manager_class.__dict__.get("disable")
    # The threshold a program set through the standard module goes on
    # applying, now on femtologging's side.
    standard_disable = _standard.root.manager.disable
    for name, method in _ROUTED_METHODS.items():
        setattr(logger_class, name, method)
    for name in _ROUTED_ATTRIBUTES:
        setattr(logger_class, name, _RoutedAttribute(name))
    logger_class.__init__ = _routed_init(_replaced[(logger_class, "__init__")])
    manager_class.disable = _RoutedDisable()
    for logger in _standard_loggers():
        _adopt(logger)
    if standard_disable:
        _package().disable(standard_disable)
    _native.set_internal_files(_internal_files(routed=True))


def _adopt(logger):
    """Makes an existing standard logger a view of its femtologging logger.
    A level, a filter or a `disabled` set on it carries over; its handlers do
    not (a library's `NullHandler`, a handler the program put there before
    choosing femtologging's): femtologging's handlers are the ones used."""
    own = logger.__dict__
    if own.get(_ROUTED):
        return
    twin = _twin(logger)
    level = own.get("level", 0)
    if level and logger is not _standard.root and not twin.level:
        twin.setLevel(level)
    for filter in own.get("filters", ()):
        twin.addFilter(filter)
    if own.get("disabled"):
        twin.disabled = True
    own[_ROUTED] = True


def _stop():
    if not _replaced:
        return
    for (owner, name), original in _replaced.items():
        if original is None:
            delattr(owner, name)
        else:
            setattr(owner, name, original)
    _replaced.clear()
    for logger in _standard_loggers():
        logger.__dict__.pop(_ROUTED, None)
    _twins.clear()
    _native.set_internal_files(_internal_files(routed=False))


def capturing_stdlib():
    """Whether the standard library's `logging` is routed into femtologging."""
    return bool(_replaced)
