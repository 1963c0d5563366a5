"""basicConfig and its keywords."""

from ._harness import differential


@differential
def test_default_basic_config_writes_level_name_and_message_to_stderr(logging):
    """basicConfig() installs a stderr handler with 'LEVEL:name:message' at WARNING."""
    logging.basicConfig()
    logging.info("hidden")
    logging.warning("root warning")
    logging.getLogger("child").error("child error")
    print(logging.root.handlers, logging.root.level)


@differential
def test_module_level_functions_call_basic_config_implicitly(logging):
    """Logging through the root with no handlers configures it with the defaults first."""
    print(len(logging.root.handlers))
    logging.error("configures root")
    print(len(logging.root.handlers), logging.root.handlers[0].formatter._fmt)
    logging.getLogger("x").warning("uses the new handler")


@differential
def test_basic_config_with_filename_filemode_and_encoding(logging):
    """basicConfig(filename, filemode, encoding) writes records to a new file."""
    with open("app.log", "w") as existing:
        existing.write("overwritten\n")
    logging.basicConfig(filename="app.log", filemode="w", encoding="utf-16", level="INFO")
    logging.info("in utf-16: %s", "é")
    print(type(logging.root.handlers[0]).__name__, logging.root.handlers[0].encoding)


@differential
def test_basic_config_appends_by_default_and_uses_locale_encoding(logging):
    """basicConfig(filename) appends and uses the locale encoding when none is given."""
    with open("append.log", "w") as existing:
        existing.write("kept\n")
    logging.basicConfig(filename="append.log")
    logging.warning("appended ü")
    handler = logging.root.handlers[0]
    print(handler.mode, handler.encoding, handler.errors)


@differential
def test_basic_config_errors_applies_to_the_file(logging):
    """basicConfig(errors=...) sets the error handler for unencodable characters in the file."""
    logging.basicConfig(filename="ascii.log", encoding="ascii", errors="replace")
    logging.warning("naïve 🐍")
    print(logging.root.handlers[0].errors)


@differential
def test_basic_config_format_datefmt_and_brace_style(logging):
    """basicConfig(format, datefmt, style) builds the formatter of the new handler."""
    import sys

    logging.basicConfig(
        stream=sys.stdout,
        format="{asctime} {levelname:<7} {message}",
        datefmt="%d/%m/%Y %H:%M",
        style="{",
    )
    logging.root.handlers[0].addFilter(lambda record: setattr(record, "created", 86400.0) or 1)
    logging.warning("braced")


@differential
def test_basic_config_dollar_style_and_numeric_level(logging):
    """basicConfig(style='$', level=15) uses a Template format and a numeric level."""
    import sys

    logging.basicConfig(stream=sys.stdout, style="$", level=15, format="$levelname:$message")
    logging.log(15, "fifteen")
    logging.debug("debug hidden")
    print(logging.root.level, logging.getLevelName(15))


@differential
def test_basic_config_default_format_follows_the_style(logging):
    """Without format, basicConfig uses the default format of the chosen style."""
    import sys

    logging.basicConfig(stream=sys.stdout, style="{")
    logging.warning("brace default")
    print(logging.root.handlers[0].formatter._fmt)


@differential
def test_basic_config_handlers_keep_their_own_formatters(logging):
    """basicConfig(handlers) formats only handlers that have no formatter yet."""
    import sys

    preset = logging.StreamHandler(sys.stdout)
    preset.setFormatter(logging.Formatter("preset: %(message)s"))
    plain = logging.StreamHandler(sys.stdout)
    logging.basicConfig(handlers=[preset, plain], format="configured: %(message)s")
    logging.warning("both")


@differential
def test_basic_config_is_a_no_op_once_root_has_handlers(logging):
    """A second basicConfig call changes nothing, not even the level."""
    import sys

    logging.basicConfig(stream=sys.stdout, format="first %(message)s")
    logging.basicConfig(stream=sys.stderr, format="second %(message)s", level=logging.DEBUG)
    logging.debug("hidden")
    logging.warning("still first")
    print(logging.root.level, len(logging.root.handlers))


@differential
def test_basic_config_force_replaces_and_closes_old_handlers(logging):
    """basicConfig(force=True) closes and removes existing root handlers first."""
    import sys

    logging.basicConfig(filename="old.log", format="old %(message)s")
    old = logging.root.handlers[0]
    logging.warning("to the old file")
    logging.basicConfig(stream=sys.stdout, format="new %(message)s", force=True)
    logging.warning("to stdout")
    print(old.stream, len(logging.root.handlers))


@differential
def test_basic_config_rejects_conflicting_arguments(logging):
    """basicConfig raises ValueError with the same texts for conflicting or unknown arguments."""
    import io
    import os

    attempts = [
        {"stream": io.StringIO(), "filename": "x.log"},
        {"handlers": [logging.NullHandler()], "stream": io.StringIO()},
        {"handlers": [logging.NullHandler()], "filename": "x.log"},
        {"style": "?"},
        {"stream": io.StringIO(), "colour": "red", "size": 3},
        {"stream": io.StringIO(), "level": "LOUD"},
        {"stream": io.StringIO(), "format": "{message}", "style": "%"},
    ]
    for kwargs in attempts:
        try:
            logging.basicConfig(**kwargs, force=True)
        except Exception as error:
            print(sorted(kwargs), type(error).__name__, error)
        else:
            print(sorted(kwargs), "accepted")
    print(os.path.exists("x.log"))
