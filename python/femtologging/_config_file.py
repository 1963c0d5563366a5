"""`fileConfig`: the INI format of `logging.config.fileConfig`.

As in the standard module, a formatter's `format`, `datefmt`, `style` and
`defaults` are read raw (a `%(message)s` is not taken for an interpolation of
the parser's defaults), while a handler's `class`, `args`, `kwargs` and
`level` and a logger's keys are interpolated, which is what `defaults` is for.
`class`, `args` and `kwargs` are evaluated with femtologging's own names in
scope, so `StreamHandler`, `handlers.RotatingFileHandler` and `sys.stdout`
mean what they mean to the standard module.
"""

import configparser
import io
import os
import sys

import femtologging as logging
import femtologging.handlers

from ._config_attempt import ConfigurationAttempt, _handle_existing_loggers
from ._config_converting import _resolve

# 3.12 added a formatter's `defaults` to the INI format.
_FORMATTER_DEFAULTS = sys.version_info >= (3, 12)


def _strip_spaces(alist):
    return [item.strip() for item in alist]


def _keys(parser, section):
    names = parser[section]["keys"]
    if not names:
        return []
    return _strip_spaces(names.split(","))


def _read(fname, defaults, encoding):
    """The parser for a path, a file object or a parser given as it is."""
    if isinstance(fname, configparser.RawConfigParser):
        return fname
    if isinstance(fname, (str, bytes, os.PathLike)):
        if not os.path.exists(fname):
            raise FileNotFoundError(f"{fname} doesn't exist")
        if not os.path.getsize(fname):
            raise RuntimeError(f"{fname} is an empty file")
    try:
        parser = configparser.ConfigParser(defaults)
        if hasattr(fname, "readline"):
            parser.read_file(fname)
        else:
            parser.read(fname, encoding=io.text_encoding(encoding))
    except configparser.ParsingError as error:
        raise RuntimeError(f"{fname} is invalid: {error}") from error
    return parser


def fileConfig(fname, defaults=None, disable_existing_loggers=True, encoding=None):
    """Configures from an INI file (a path or a file object) or a
    `ConfigParser`. When it fails, the configuration before it stays."""
    parser = _read(fname, defaults, encoding)
    formatters = _create_formatters(parser)
    with logging._lock, ConfigurationAttempt() as attempt:
        attempt.detach_old_handlers()
        handlers = _install_handlers(parser, formatters)
        _install_loggers(parser, handlers, disable_existing_loggers)


def _evaluate(text):
    """`class`, `args` and `kwargs` are Python expressions over the names of
    the logging module (femtologging's here)."""
    return eval(text, vars(logging))  # noqa: S307 - the INI format is defined as Python expressions


def _create_formatters(cp):
    """The formatters of the `[formatters]` section, by key."""
    formatters = {}
    for key in _keys(cp, "formatters"):
        section = f"formatter_{key}"
        fmt = cp.get(section, "format", raw=True, fallback=None)
        datefmt = cp.get(section, "datefmt", raw=True, fallback=None)
        style = cp.get(section, "style", raw=True, fallback="%")
        class_name = cp[section].get("class")
        formatter_class = _resolve(class_name) if class_name else logging.Formatter
        defaults = cp.get(section, "defaults", raw=True, fallback=None)
        if defaults is not None and _FORMATTER_DEFAULTS:
            formatters[key] = formatter_class(fmt, datefmt, style, defaults=_evaluate(defaults))
        else:
            formatters[key] = formatter_class(fmt, datefmt, style)
    return formatters


def _install_handlers(cp, formatters):
    """The handlers of the `[handlers]` section, by key; a MemoryHandler's
    `target` is set once every handler exists."""
    handlers = {}
    targets = []
    for key in _keys(cp, "handlers"):
        section = cp[f"handler_{key}"]
        class_text = section["class"]
        try:
            handler_class = _evaluate(class_text)
        except (AttributeError, NameError):
            handler_class = _resolve(class_text)
        arguments = _evaluate(section.get("args", "()"))
        keywords = _evaluate(section.get("kwargs", "{}"))
        handler = handler_class(*arguments, **keywords)
        handler.name = key
        if "level" in section:
            handler.setLevel(section["level"])
        formatter = section.get("formatter", "")
        if formatter:
            handler.setFormatter(formatters[formatter])
        if isinstance(handler_class, type) and issubclass(
            handler_class, femtologging.handlers.MemoryHandler
        ):
            target = section.get("target", "")
            if target:
                targets.append((handler, target))
        handlers[key] = handler
    for handler, target in targets:
        handler.setTarget(handlers[target])
    return handlers


def _install_loggers(cp, handlers, disable_existing):
    """The root logger, then the others of the `[loggers]` section."""
    names = _keys(cp, "loggers")
    names.remove("root")
    section = cp["logger_root"]
    root = logging.root
    if "level" in section:
        root.setLevel(section["level"])
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for key in _strip_spaces(section["handlers"].split(",")) if section["handlers"] else ():
        root.addHandler(handlers[key])

    existing = sorted(root.manager.loggerDict)
    child_loggers = []
    for key in names:
        section = cp[f"logger_{key}"]
        qualified_name = section["qualname"]
        propagate = section.getint("propagate", fallback=1)
        logger = logging.getLogger(qualified_name)
        if qualified_name in existing:
            prefix = qualified_name + "."
            child_loggers.extend(name for name in existing if name.startswith(prefix))
            existing.remove(qualified_name)
        if "level" in section:
            logger.setLevel(section["level"])
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        logger.propagate = propagate
        logger.disabled = False
        handler_keys = section["handlers"]
        for handler_key in _strip_spaces(handler_keys.split(",")) if handler_keys else ():
            logger.addHandler(handlers[handler_key])
    _handle_existing_loggers(existing, child_loggers, disable_existing)
