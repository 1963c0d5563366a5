"""Formatters in the three styles, their validation, defaults and time rendering."""

from ._harness import differential


@differential(ids=True)
def test_percent_style_renders_every_standard_attribute(logging):
    """Every standard record attribute renders the same in a %-style format."""
    import sys

    names = [
        "name", "levelno", "levelname", "pathname", "filename", "module", "lineno",
        "funcName", "created", "msecs", "relativeCreated", "thread", "threadName",
        "process", "processName", "message",
    ]  # fmt: skip
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("|".join(f"%({name})s" for name in names)))

    # Pinned numbers stay below 300 (or above any pid), so no pid can collide with them.
    def freeze(record):
        record.created = 1700000000.25
        record.msecs = 250.0
        record.relativeCreated = 12.5
        return True

    handler.addFilter(freeze)
    logger = logging.getLogger("every.attribute")
    logger.addHandler(handler)
    logger.warning("plain")

    def inner():
        logger.error("from %s", "inner")

    inner()


@differential
def test_percent_style_applies_width_precision_and_flags(logging):
    """Widths, precisions and flags in %-style placeholders pad and truncate like str %."""
    import sys

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)-8s][%(levelname)8s][%(msecs)03d][%(levelno)+5d][%(name).3s]"
            "[%(lineno)-4d][%(created).2f][%(relativeCreated)010.1f][%(levelno)#x]"
            "[%(levelno)#o][%(levelno)e][%(funcName)r][%(message)-12s|]"
        )
    )

    def freeze(record):
        record.created = 1700000000.987654
        record.msecs = 7.0
        record.relativeCreated = 12.5
        return True

    handler.addFilter(freeze)
    logger = logging.getLogger("widths")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL):
        logger.log(level, "lvl %d", level)


@differential
def test_percent_style_renders_message_repr_and_raw_attributes(logging):
    """A %-style format can render msg, args, exc_info and stack_info as well as message."""
    import sys

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter("%(message)r %(msg)s %(args)s %(exc_info)s %(stack_info)s %%done")
    )
    logger = logging.getLogger("raw")
    logger.addHandler(handler)
    logger.warning("a=%s b=%r", "x", "y")
    logger.warning("no args")


@differential
def test_brace_style_applies_format_specs_and_conversions(logging):
    """A {-style format applies alignment, fill, numeric specs and !r/!s conversions."""
    import sys

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter(
            "{levelname:>8}|{levelname:*<9}|{levelno:03d}|{levelno:x}|{name!r}|{msecs:06.2f}"
            "|{lineno:<4}|{message:^20}|{funcName!s}|{created:.3f}|{args[0]}",
            style="{",
        )
    )

    def freeze(record):
        record.created = 1700000000.5
        record.msecs = 500.0
        return True

    handler.addFilter(freeze)
    logger = logging.getLogger("brace")
    logger.addHandler(handler)
    logger.warning("hello %s", "world")
    logger.error("second %s", 2)


@differential
def test_dollar_style_substitutes_braced_and_bare_names(logging):
    """A $-style format substitutes ${name} and $name and keeps $$ as a dollar sign."""
    import sys

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter("${name}|$levelname|${levelno}x|$$|${message}|$funcName", style="$")
    )
    logger = logging.getLogger("dollar.style")
    logger.addHandler(handler)
    logger.warning("cost $%d", 5)


@differential
def test_validation_rejects_malformed_formats_with_the_same_messages(logging):
    """Formatter validation raises ValueError with identical texts for malformed formats."""
    attempts = [
        ("%(message", "%"),
        ("no fields at all", "%"),
        ("%(message)z", "%"),
        ("{message", "{"),
        ("{}", "{"),
        ("{message!x}", "{"),
        ("{message:%}", "{"),
        ("{0}", "{"),
        ("just text", "{"),
        ("{message:>>>}", "{"),
        ("{mess age}", "{"),
        ("$", "$"),
        ("${message", "$"),
        ("no fields", "$"),
        ("%(message)s", "#"),
        ("{message}", "%"),
    ]
    for fmt, style in attempts:
        try:
            logging.Formatter(fmt, style=style)
        except Exception as error:
            print(repr(fmt), style, type(error).__name__, error)
        else:
            print(repr(fmt), style, "accepted")


@differential
def test_unvalidated_bad_format_fails_at_emit_time(logging):
    """With validate=False a bad format is accepted and fails when a record is emitted."""
    import sys

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("{message!x}", style="{", validate=False))
    logger = logging.getLogger("late")
    logger.addHandler(handler)
    logger.warning("boom")
    handler.setFormatter(logging.Formatter("%(missing)s", validate=False))
    logger.warning("again")
    print("still running")


@differential
def test_missing_field_is_reported_as_a_logging_error(logging):
    """A format naming a field the record lacks reports 'Formatting field not found'."""
    import sys

    for fmt, style in (("%(user)s %(message)s", "%"), ("{user}", "{"), ("${user}", "$")):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter(fmt, style=style))
        logger = logging.getLogger(f"missing{style}")
        logger.addHandler(handler)
        logger.warning("who?")


@differential
def test_defaults_fill_fields_absent_from_the_record(logging):
    """Formatter defaults supply fields unless the record carries them through extra."""
    import sys

    for fmt, style in (("%(user)s:%(message)s", "%"), ("{user}:{message}", "{")):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter(fmt, style=style, defaults={"user": "anonymous"}))
        logger = logging.getLogger(f"defaults{style}")
        logger.addHandler(handler)
        logger.warning("first")
        logger.warning("second", extra={"user": "alice"})


@differential
def test_custom_datefmt_renders_a_fixed_creation_time(logging):
    """A custom datefmt renders a record's fixed creation time in local time with strftime."""
    import sys

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter(
            "%(asctime)s | %(message)s", datefmt="%Y/%m/%d %H-%M-%S %z %Z %a %b %j %p %%"
        )
    )

    def freeze(record):
        record.created = 1700000000.25
        record.msecs = 250.0
        return True

    handler.addFilter(freeze)
    logger = logging.getLogger("datefmt")
    logger.addHandler(handler)
    logger.warning("stamped")


@differential
def test_default_asctime_appends_milliseconds_with_a_comma(logging):
    """The default asctime is '%Y-%m-%d %H:%M:%S' followed by ',' and zero-padded msecs."""
    import sys

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    stamps = [(1700000000.0, 0.0), (1700000000.0071, 7.0), (1700000123.999, 999.0)]
    queue = list(stamps)

    def freeze(record):
        record.created, record.msecs = queue.pop(0)
        return True

    handler.addFilter(freeze)
    logger = logging.getLogger("asctime")
    logger.addHandler(handler)
    for index in range(len(stamps)):
        logger.warning("record %d", index)


@differential(time=True, patterns=(r"(?<=relative=)\d+", r"(?<=created=)\d+\.\d{6}"))
def test_unpinned_clock_values_have_the_standard_shapes(logging):
    """Real-clock asctime, created and relativeCreated render in the standard library's shapes."""
    import sys

    logging.basicConfig(
        stream=sys.stdout,
        format="%(asctime)s created=%(created)f relative=%(relativeCreated)d %(message)s",
    )
    logging.warning("now")
    logging.warning("again")


@differential
def test_class_converter_gmtime_switches_every_formatter_to_utc(logging):
    """Setting Formatter.converter to time.gmtime renders all asctimes in UTC."""
    import sys
    import time

    logging.Formatter.converter = time.gmtime
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S %Z"))

    def freeze(record):
        record.created = 1700000000.5
        record.msecs = 500.0
        return True

    handler.addFilter(freeze)
    logger = logging.getLogger("utc")
    logger.addHandler(handler)
    logger.warning("in utc")


@differential
def test_instance_converter_affects_only_that_formatter(logging):
    """A converter set on one Formatter instance leaves other formatters in local time."""
    import sys
    import time

    utc = logging.Formatter("utc %(asctime)s", "%Y-%m-%d %H:%M:%S %Z")
    utc.converter = time.gmtime
    local = logging.Formatter("local %(asctime)s", "%Y-%m-%d %H:%M:%S %Z")
    for formatter in (utc, local):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(formatter)
        handler.addFilter(lambda record: setattr(record, "created", 1700000000.0) or True)
        logging.getLogger("converters").addHandler(handler)
    logging.getLogger("converters").warning("tick")


@differential
def test_msec_and_time_formats_can_be_overridden(logging):
    """default_time_format and default_msec_format (including None) change asctime."""
    import sys

    handler = logging.StreamHandler(sys.stdout)

    def freeze(record):
        record.created = 1700000000.042
        record.msecs = 42.0
        return True

    handler.addFilter(freeze)
    logger = logging.getLogger("msec")
    logger.addHandler(handler)
    for time_format, msec_format in (
        ("%Y-%m-%d %H:%M:%S", "%s,%03d"),
        ("%d.%m.%Y %H:%M:%S", "%s.%03d"),
        ("%H:%M:%S", None),
    ):
        formatter = logging.Formatter("%(asctime)s %(message)s")
        formatter.default_time_format = time_format
        formatter.default_msec_format = msec_format
        handler.setFormatter(formatter)
        logger.warning("%s / %s", time_format, msec_format)


@differential
def test_format_time_and_uses_time_are_public(logging):
    """formatTime and usesTime answer the same for each style and date format."""
    record = logging.makeLogRecord({"created": 1700000000.75, "msecs": 750.0, "msg": "m"})
    for fmt, style in (
        ("%(asctime)s", "%"),
        ("%(message)s", "%"),
        ("{asctime}", "{"),
        ("{message}", "{"),
        ("${asctime}", "$"),
        ("$asctime", "$"),
    ):
        formatter = logging.Formatter(fmt, style=style)
        print(fmt, formatter.usesTime())
    formatter = logging.Formatter()
    print(formatter.formatTime(record))
    print(formatter.formatTime(record, "%A %d %B %Y"))


@differential
def test_default_formatter_renders_only_the_message(logging):
    """Formatter() defaults to '%(message)s' and a handler without formatter uses it."""
    import sys

    handler = logging.StreamHandler(sys.stdout)
    logger = logging.getLogger("bare")
    logger.addHandler(handler)
    logger.warning("only the message")
    handler.setFormatter(logging.Formatter(style="{"))
    logger.warning("brace default")
    handler.setFormatter(logging.Formatter(style="$"))
    logger.warning("dollar default")


@differential
def test_formatting_sets_message_and_asctime_on_the_record(logging):
    """Formatting stores message, asctime and exc_text on the record for later handlers."""
    import sys

    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record)

    first = logging.StreamHandler(sys.stdout)
    first.setFormatter(logging.Formatter("%(asctime)s %(message)s", datefmt="%Y"))
    first.addFilter(lambda record: setattr(record, "created", 1e9) or True)
    logger = logging.getLogger("side.effects")
    logger.addHandler(Keep())
    logger.addHandler(first)
    try:
        raise ValueError("kept")
    except ValueError:
        logger.exception("with %s", "args")
    record = seen[0]
    print(sorted(key for key in ("message", "asctime", "exc_text") if hasattr(record, key)))
    print(record.message, record.asctime)
    print(record.exc_text.splitlines()[-1])


@differential
def test_cached_exception_text_is_reused_by_every_handler(logging):
    """A record's exc_text is computed once and reused by a second handler's formatter."""
    import sys

    class Quoting(logging.Formatter):
        def formatException(self, exc_info):
            text = super().formatException(exc_info)
            return "\n".join(f"!! {line}" for line in text.splitlines())

    logger = logging.getLogger("cache")
    for formatter in (Quoting("%(message)s"), logging.Formatter("plain %(message)s")):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(formatter)
        logger.addHandler(handler)
    try:
        {}["key"]
    except KeyError:
        logger.exception("lookup failed")


@differential
def test_format_exception_and_format_stack_can_be_called_directly(logging):
    """formatException renders a traceback without trailing newline and formatStack is identity."""
    import sys

    formatter = logging.Formatter()

    def fail():
        raise RuntimeError("direct")

    try:
        fail()
    except RuntimeError:
        text = formatter.formatException(sys.exc_info())
    print(repr(text[-20:]))
    print(text)
    print(repr(formatter.formatStack("Stack (most recent call last):\n  frame")))
    print(repr(formatter.formatMessage(logging.makeLogRecord({"message": "m", "msg": "x"}))))


@differential
def test_buffering_formatter_wraps_a_batch_with_header_and_footer(logging):
    """BufferingFormatter joins formatted records between its header and footer."""

    class Framed(logging.BufferingFormatter):
        def formatHeader(self, records):
            return f"<{len(records)} records>\n"

        def formatFooter(self, records):
            return "</records>\n"

    records = [logging.makeLogRecord({"msg": f"item {index}\n"}) for index in range(3)]
    print(repr(logging.BufferingFormatter().format(records)))
    print(repr(logging.BufferingFormatter().format([])))
    print(Framed(logging.Formatter("- %(message)s")).format(records), end="")


@differential
def test_multiline_messages_and_unicode_pass_through_unchanged(logging):
    """Messages with newlines, tabs and non-ASCII characters are written verbatim."""
    import sys

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(levelname)s ▶ %(name)s: %(message)s"))
    logger = logging.getLogger("ünïcødé.日本")
    logger.addHandler(handler)
    logger.warning("line one\nline two\ttabbed")
    logger.warning("emoji %s and %r", "🐍", "café")
    logger.warning("combining: e\u0301 zero-width:\u200b| rtl: \u05d0\u05d1")


@differential
def test_brace_style_supports_attribute_and_index_lookups(logging):
    """A {-style format can reach into attributes and indexes of record fields."""
    import sys

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter(
            "{levelname.__class__.__name__}|{args[1]}|{name[0]}|{message!a}", style="{"
        )
    )
    logger = logging.getLogger("lookup")
    logger.addHandler(handler)
    logger.warning("%s and %s", "zéro", "one")


@differential
def test_a_single_mapping_argument_fills_keyed_placeholders(logging):
    """One non-empty mapping argument, a dict or any Mapping, fills %(key)s; others do not."""
    import collections
    import collections.abc
    import sys

    class Settings(collections.abc.Mapping):
        def __init__(self, **values):
            self.values = values

        def __getitem__(self, key):
            return self.values[key]

        def __iter__(self):
            return iter(self.values)

        def __len__(self):
            return len(self.values)

    class Truthless(Settings):
        def __bool__(self):
            raise RuntimeError("no truth here")

    logging.basicConfig(stream=sys.stdout, format="%(message)s")
    log = logging.getLogger("mapping")
    log.warning("user %(user)s", {"user": "ada"})
    log.warning("user %(user)s", Settings(user="grace"))
    log.warning("user %(user)s", collections.OrderedDict(user="linus"))
    log.warning("value %s", Settings())
    log.warning("value %s", "text")
    log.warning("value %s", 42)
    log.warning("value %s", (1, 2))
    log.warning("user %(user)s", Truthless(user="kay"))
