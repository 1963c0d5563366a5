"""``JsonFormatter``: one JSON object per record, as python-json-logger writes it.

It takes python-json-logger's ``JsonFormatter`` arguments and gives the same
objects for the same records, so switching is a change of import. The
fields are gathered here, through the same overridable steps
(``add_fields``, ``process_log_record``, ``serialize_log_record``,
``jsonify_log_record``); the JSON text is written natively
(``render_json``), which calls back into Python only for values JSON cannot
hold, through ``encode_fallback``.
"""

import base64
import dataclasses
import datetime
import enum
import json
import re
import sys
import time
import traceback
import types
from collections.abc import Sequence

from . import (
    _STYLES,
    Formatter,
    PercentStyle,
    StrFormatStyle,
    StringTemplateStyle,
    makeLogRecord,
)
from . import _femtologging as _native

# A record's own attributes, which are not copied as extra fields.
RESERVED_ATTRS = sorted(
    [
        "args",
        "asctime",
        "created",
        "exc_info",
        "exc_text",
        "filename",
        "funcName",
        "levelname",
        "levelno",
        "lineno",
        "module",
        "msecs",
        "message",
        "msg",
        "name",
        "pathname",
        "process",
        "processName",
        "relativeCreated",
        "stack_info",
        "thread",
        "threadName",
    ]
    + (["taskName"] if sys.version_info >= (3, 12) else [])
)

# The fields a format string names, per style.
_PERCENT_FIELD = re.compile(r"%\((.+?)\)")
_BRACE_FIELD = re.compile(r"\{(.+?)\}")
_DOLLAR_FIELD = re.compile(r"\$(?:\$|\{(.+?)\}|([_a-zA-Z][_a-zA-Z0-9]*))")

# ``fmt`` given as a list of field names rather than a string.
_SEQUENCE_STYLE = "__sequence__"

# The steps a femto handler's worker does in place of ``format`` when none
# is overridden (``_femto_json_layout``).
_WORKER_STEPS = (
    "format",
    "add_fields",
    "process_log_record",
    "serialize_log_record",
    "jsonify_log_record",
    "formatTime",
    "formatException",
    "formatStack",
)

# Constants the worker writes as JSON text computed once: exactly these
# types, so that no ``default`` (whose answer may change) is involved.
_PLAIN_SCALARS = (str, int, float, bool, type(None))


def encode_fallback(value):
    """What a value JSON cannot hold is written as, in python-json-logger's order.

    Date and time values by ``isoformat()``, exceptions as ``"Name: text"``,
    tracebacks as their formatted frames, enum members by value (an enum
    class as the list of its values), bytes as URL-safe base64, dataclass
    instances as dicts, classes by name; anything else by ``str()``, then
    ``repr()``, then a fixed marker when both raise.
    """
    if isinstance(value, (datetime.time, datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, BaseException):
        return f"{type(value).__name__}: {value}"
    if isinstance(value, types.TracebackType):
        return "".join(traceback.format_tb(value)).strip()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, enum.EnumMeta):
        return [member.value for member in value]
    if isinstance(value, (bytes, bytearray)):
        return base64.urlsafe_b64encode(value).decode("utf8")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, type):
        return value.__name__
    for text in (str, repr):
        try:
            return text(value)
        except Exception:  # noqa: BLE001, PERF203 - any failure moves on to the next way
            pass
    return "__could_not_encode__"


class JsonFormatter(Formatter):
    """A ``Formatter`` that writes each record as one JSON object.

    The arguments are python-json-logger's: ``fmt`` names the fields (a
    format string in ``style`` ``%``, ``{``, ``$`` or ``,``, or a list of
    names), then the record's extra attributes follow (those not in
    ``reserved_attrs`` nor starting with ``_``).
    """

    def __init__(
        self,
        fmt=None,
        datefmt=None,
        style="%",
        validate=True,
        *,
        prefix="",
        rename_fields=None,
        rename_fields_keep_missing=False,
        static_fields=None,
        reserved_attrs=None,
        timestamp=False,
        defaults=None,
        exc_info_as_array=False,
        stack_info_as_array=False,
        json_default=None,
        json_encoder=None,
        json_serializer=json.dumps,
        json_indent=None,
        json_ensure_ascii=True,
    ):
        """python-json-logger's arguments: ``fmt`` (a format string in ``style``
        ``%``, ``{``, ``$`` or ``,``, or a list of field names), ``datefmt``,
        then ``prefix`` before each object, ``rename_fields``,
        ``rename_fields_keep_missing``, ``static_fields``, ``reserved_attrs``
        (record attributes not copied), ``timestamp`` (``True`` or a key),
        ``defaults``, ``exc_info_as_array``, ``stack_info_as_array``,
        ``json_default``, ``json_encoder``, ``json_serializer``,
        ``json_indent`` and ``json_ensure_ascii``, passed to the serializer.
        """
        if fmt is not None and not isinstance(fmt, str) and isinstance(fmt, Sequence):
            Formatter.__init__(self, None, datefmt)
            self._style = _SEQUENCE_STYLE
            self._fmt = str(fmt)
            self._required_fields = list(fmt)
        else:
            if style in _STYLES:
                Formatter.__init__(self, fmt, datefmt, style, validate)
            elif style == "," or not validate:
                Formatter.__init__(self, None, datefmt)
                self._style = style
                self._fmt = fmt
            else:
                raise ValueError("Style must be one of: '%{$,'")
            self._required_fields = self.parse()
        self.datefmt = datefmt
        self.prefix = prefix
        self.rename_fields = dict(rename_fields.items()) if rename_fields is not None else {}
        self.rename_fields_keep_missing = rename_fields_keep_missing
        self.static_fields = dict(static_fields.items()) if static_fields is not None else {}
        self.reserved_attrs = set(RESERVED_ATTRS if reserved_attrs is None else reserved_attrs)
        self.timestamp = timestamp
        self._skip_fields = set(self._required_fields) | self.reserved_attrs
        self.defaults = defaults if defaults is not None else {}
        self.exc_info_as_array = exc_info_as_array
        self.stack_info_as_array = stack_info_as_array
        self.json_default = json_default
        self.json_encoder = json_encoder
        self.json_serializer = json_serializer
        self.json_indent = json_indent
        self.json_ensure_ascii = json_ensure_ascii

    def __setattr__(self, name, value):
        # Any setting changed: a femto handler works the layout out again.
        super().__setattr__(name, value)
        if name != "_femto_json":
            super().__setattr__("_femto_json", None)

    def _femto_json_layout(self):
        """The layout a femto handler's worker writes lines with, or
        ``False`` when these settings need ``format`` (kept until a setting
        changes)."""
        try:
            layout = _worker_layout(self)
        except Exception:  # noqa: BLE001 - any doubt keeps the formatting in Python
            layout = None
        layout = False if layout is None else layout
        super().__setattr__("_femto_json", layout)
        return layout

    def parse(self):
        """The field names the format string asks for, in order."""
        if self._fmt is None:
            return []
        style = self._style
        if style == _SEQUENCE_STYLE:
            raise RuntimeError("Must not call parse when fmt is a sequence of strings")
        if style == ",":
            return [name.strip() for name in self._fmt.split(",") if name.strip()]
        # The template style derives from the brace one, which derives from
        # the percent one: the most derived is tested first.
        if isinstance(style, StringTemplateStyle):
            return [
                braced or named
                for braced, named in _DOLLAR_FIELD.findall(self._fmt)
                if braced or named
            ]
        if isinstance(style, StrFormatStyle):
            return _BRACE_FIELD.findall(self._fmt)
        if isinstance(style, PercentStyle):
            return _PERCENT_FIELD.findall(self._fmt)
        raise ValueError(f"Style {style!r} is not supported")

    def format(self, record):
        """The record as a line of JSON (after ``prefix``)."""
        message_fields = {}
        if isinstance(record.msg, dict):
            # A dict logged as the message gives fields, not text; it is
            # copied so the caller's dict is left as it was.
            message_fields = record.msg.copy()
            record.message = ""
        else:
            record.message = record.getMessage()
        if "asctime" in self._required_fields:
            record.asctime = self.formatTime(record, self.datefmt)
        if record.exc_info and not message_fields.get("exc_info"):
            message_fields["exc_info"] = self.formatException(record.exc_info)
        if record.exc_text and not message_fields.get("exc_info"):
            message_fields["exc_info"] = record.exc_text
        if record.stack_info and not message_fields.get("stack_info"):
            message_fields["stack_info"] = self.formatStack(record.stack_info)
        log_data = {}
        self.add_fields(log_data, record, message_fields)
        log_data = self.process_log_record(log_data)
        return self.serialize_log_record(log_data)

    def add_fields(self, log_data, record, message_dict):
        """Fills ``log_data``: defaults, named fields, static fields, the
        message dict, extra attributes, then the timestamp.
        """
        rename = self.rename_fields
        for name, value in self.defaults.items():
            log_data[rename.get(name, name)] = value
        attributes = record.__dict__
        for name in self._required_fields:
            log_data[rename.get(name, name)] = attributes.get(name)
        for name, value in self.static_fields.items():
            log_data[rename.get(name, name)] = value
        for name, value in message_dict.items():
            log_data[rename.get(name, name)] = value
        skip = self._skip_fields
        for name, value in attributes.items():
            if name in skip or (hasattr(name, "startswith") and name.startswith("_")):
                continue
            log_data[rename.get(name, name)] = value
        if self.timestamp:
            name = self.timestamp if isinstance(self.timestamp, str) else "timestamp"
            log_data[rename.get(name, name)] = datetime.datetime.fromtimestamp(
                record.created, tz=datetime.UTC
            )
        if self.rename_fields_keep_missing:
            for name in self.rename_fields.values():
                log_data.setdefault(name, None)

    def process_log_record(self, log_data):
        """A step for subclasses: returns the fields to write."""
        return log_data

    def serialize_log_record(self, log_data):
        """``prefix`` followed by the JSON text."""
        return self.prefix + self.jsonify_log_record(log_data)

    def jsonify_log_record(self, log_data):
        """The JSON text of ``log_data``."""
        indent = self.json_indent
        if isinstance(indent, int):
            indent = " " * indent
        if self.json_serializer is json.dumps and self.json_encoder is None:
            default = self.json_default if self.json_default is not None else encode_fallback
            text = _native.render_json(
                log_data,
                ensure_ascii=self.json_ensure_ascii,
                indent=indent,
                default=default,
            )
            if text is not None:
                return text
            # A lone surrogate kept as it is (only a Python str holds it), or
            # nesting deep enough that the running Python's own limit decides.
            return json.dumps(
                log_data, default=default, indent=indent, ensure_ascii=self.json_ensure_ascii
            )
        return self.json_serializer(
            log_data,
            default=self.json_default,
            cls=self.json_encoder,
            indent=self.json_indent,
            ensure_ascii=self.json_ensure_ascii,
        )

    def formatException(self, ei):
        """The traceback text, or its lines with ``exc_info_as_array``."""
        text = Formatter.formatException(self, ei)
        return text.splitlines() if self.exc_info_as_array else text

    def formatStack(self, stack_info):
        """The stack text, or its lines with ``stack_info_as_array``."""
        text = Formatter.formatStack(self, stack_info)
        return text.splitlines() if self.stack_info_as_array else text


def _is_plain(value, depth=0):
    """Whether ``value`` is JSON data of exactly the built-in types."""
    if depth > 64:
        return False
    if type(value) in _PLAIN_SCALARS:
        return not isinstance(value, int) or isinstance(value, bool) or abs(value) < 2**63
    if type(value) in (list, tuple):
        return all(_is_plain(item, depth + 1) for item in value)
    if type(value) is dict:
        return all(type(key) is str and _is_plain(item, depth + 1) for key, item in value.items())
    return False


def _record_attributes():
    """The attributes a record has before ``extra``, plus those ``format`` adds."""
    return set(makeLogRecord({}).__dict__) | {"message", "asctime"}


def _worker_layout(formatter):
    """The ``JsonLayout`` for ``formatter``'s settings, or ``None`` when only
    its Python steps give python-json-logger's output."""
    cls = type(formatter)
    instance = vars(formatter)
    if any(
        getattr(cls, step) is not getattr(JsonFormatter, step) or step in instance
        for step in _WORKER_STEPS
    ):
        return None
    if (
        formatter.json_serializer is not json.dumps
        or formatter.json_encoder is not None
        or formatter.json_indent is not None
        or formatter.exc_info_as_array
        or formatter.stack_info_as_array
        or formatter.default_time_format != Formatter.default_time_format
        or formatter.default_msec_format != Formatter.default_msec_format
    ):
        return None
    if formatter.converter is time.localtime:
        utc = False
    elif formatter.converter is time.gmtime:
        utc = True
    else:
        return None
    datefmt = formatter.datefmt or None
    if datefmt is not None and type(datefmt) is not str:
        return None
    # Every attribute of the record itself is left out, so that only
    # ``extra`` is copied from it.
    skip = formatter._skip_fields
    if not _record_attributes() <= skip:
        return None
    rename = formatter.rename_fields
    if not all(type(key) is str and type(value) is str for key, value in rename.items()):
        return None
    ensure_ascii = bool(formatter.json_ensure_ascii)

    def constant(value):
        if not _is_plain(value):
            raise TypeError("not plain JSON data")
        text = _native.render_json(value, ensure_ascii=ensure_ascii, indent=None, default=repr)
        if text is None:
            raise TypeError("a lone surrogate")
        return (None, text)

    # The fixed keys, in the order and with the overwriting of ``add_fields``.
    slots = {}
    for name, value in formatter.defaults.items():
        slots[rename.get(name, name)] = constant(value)
    for name in formatter._required_fields:
        if type(name) is not str:
            return None
        slots[rename.get(name, name)] = (name, None)
    for name, value in formatter.static_fields.items():
        slots[rename.get(name, name)] = constant(value)
    if not all(type(key) is str for key in slots):
        return None
    timestamp_key = None
    if formatter.timestamp:
        name = formatter.timestamp if isinstance(formatter.timestamp, str) else "timestamp"
        timestamp_key = rename.get(name, name)
    return _native.json_layout(
        fixed=[(key, field, text) for key, (field, text) in slots.items()],
        exception_key=rename.get("exc_info", "exc_info"),
        stack_key=rename.get("stack_info", "stack_info"),
        skipped=[name for name in skip if type(name) is str],
        renamed=list(rename.items()),
        timestamp_key=timestamp_key,
        keep_missing=list(rename.values()) if formatter.rename_fields_keep_missing else [],
        prefix=formatter.prefix,
        ensure_ascii=ensure_ascii,
        datefmt=datefmt,
        utc=utc,
    )


_native.register_json_formatter(JsonFormatter)
