"""Malformed messages and arguments, unencodable text, re-entrancy and huge records."""

from ._harness import differential


@differential
def test_wrong_argument_type_is_reported_with_message_and_arguments(logging):
    """A %d placeholder given a string prints a logging error report and continues."""
    import sys

    logging.basicConfig(stream=sys.stdout, format="%(message)s")

    def report():
        logging.getLogger("types").warning("%d apples", "x")

    report()
    print("continues")


@differential
def test_argument_count_mismatches_are_reported(logging):
    """Too few or too many arguments for the placeholders print logging error reports."""
    import sys

    logging.basicConfig(stream=sys.stdout, format="%(message)s")
    logging.warning("%s and %s", "only one")
    logging.warning("no placeholders", "extra")
    logging.warning("%(key)s", "not a mapping")
    logging.warning("%(key)s", {"other": 1})
    logging.warning("%z unknown conversion", 1)
    logging.warning("fine %s", "after all that")


@differential
def test_message_without_arguments_is_not_interpolated(logging):
    """A message is only %-formatted when arguments are given, so lone % signs survive."""
    import sys

    logging.basicConfig(stream=sys.stdout, format="%(message)s")
    logging.warning("100% sure %s %d")
    logging.warning("%%s stays doubled")
    logging.warning("%%s is halved", ())
    logging.warning("%s", ())
    logging.warning("tuple as the only argument: %s", (1, 2))
    logging.warning("%s %s", *(1, 2))


@differential
def test_a_single_mapping_argument_is_used_for_named_placeholders(logging):
    """A single non-empty mapping argument feeds %(name)s placeholders; an empty one does not."""
    import collections
    import sys

    logging.basicConfig(stream=sys.stdout, format="%(message)s")
    logging.warning("%(user)s logged in from %(ip)s", {"user": "bob", "ip": "::1"})
    logging.warning("positional dict: %s", {"a": 1})
    logging.warning("empty dict: %s", {})
    logging.warning("ordered: %(k)s", collections.OrderedDict(k="v"))
    logging.warning("two dicts: %s %s", {"a": 1}, {"b": 2})
    record = logging.makeLogRecord({"msg": "%(a)s", "args": ({"a": 1},)})
    try:
        record.getMessage()
    except TypeError as error:
        print("makeLogRecord does not unwrap a mapping:", record.args, error)


@differential
def test_non_string_messages_are_converted_with_str(logging):
    """Messages that are not strings are rendered with str(), including None and bytes."""
    import sys

    class Point:
        def __init__(self, x, y):
            self.x, self.y = x, y

        def __str__(self):
            return f"Point({self.x}, {self.y})"

    logging.basicConfig(stream=sys.stdout, format="%(levelname)s %(message)s")
    for message in (None, 42, 3.5, ["a", 1], {"k": "v"}, b"bytes", Point(1, 2), ValueError("e")):
        logging.warning(message)
    logging.warning(Point(3, 4), "ignored argument")
    logging.warning(b"%s", "x")


@differential
def test_message_whose_str_raises_is_reported_with_the_user_frame(logging):
    """A message object whose __str__ raises yields a report that shows the user's __str__."""
    import sys

    class Unprintable:
        def __str__(self):
            raise RuntimeError("cannot render")

        def __repr__(self):
            return "<Unprintable>"

    logging.basicConfig(stream=sys.stdout, format="%(message)s")
    logging.warning(Unprintable())
    logging.warning("argument: %s", Unprintable())
    print("survived")


@differential
def test_unprintable_arguments_make_the_report_say_so(logging):
    """When even the arguments cannot be shown, the report says it cannot print them."""

    class Hopeless:
        def __str__(self):
            raise RuntimeError("no str")

        def __repr__(self):
            raise RuntimeError("no repr")

    logging.getLogger("hopeless").warning("%s", Hopeless())
    print("survived")


@differential
def test_lone_surrogates_fail_in_a_utf_8_file_but_not_in_string_io(logging):
    """A lone surrogate cannot be encoded to a utf-8 file or stdout but is kept by StringIO."""
    import io
    import sys

    buffer = io.StringIO()
    logger = logging.getLogger("surrogates")
    logger.addHandler(logging.FileHandler("strict.log", encoding="utf-8"))
    logger.addHandler(
        logging.FileHandler("escaped.log", encoding="utf-8", errors="surrogateescape")
    )
    logger.addHandler(logging.StreamHandler(buffer))
    logger.addHandler(logging.StreamHandler(sys.stdout))
    logger.warning("bad \udcff \ud800 end")
    logger.warning("escapable \udcff only")
    logger.warning("good")
    print(ascii(buffer.getvalue()))


@differential
def test_logging_from_inside_emit_reaches_other_handlers(logging):
    """A handler that logs to another logger from inside emit does not deadlock or lose records."""
    import sys

    audit = logging.getLogger("audit")
    audit.propagate = False
    audit_handler = logging.StreamHandler(sys.stdout)
    audit_handler.setFormatter(logging.Formatter("audit: %(message)s"))
    audit.addHandler(audit_handler)

    class Auditing(logging.StreamHandler):
        def emit(self, record):
            audit.warning("emitting %s", record.getMessage())
            super().emit(record)

    handler = Auditing(sys.stdout)
    handler.setFormatter(logging.Formatter("app: %(message)s"))
    app = logging.getLogger("app")
    app.addHandler(handler)
    app.warning("one")
    app.warning("two")


@differential
def test_recursive_logging_into_the_same_handler_is_allowed(logging):
    """A handler may log to its own logger from emit, guarded by the user against recursion."""
    import sys

    class Echo(logging.StreamHandler):
        depth = 0

        def emit(self, record):
            super().emit(record)
            if Echo.depth < 2:
                Echo.depth += 1
                logging.getLogger("echo").warning("echo %d of %s", Echo.depth, record.msg)

    logging.getLogger("echo").addHandler(Echo(sys.stdout))
    logging.getLogger("echo").warning("start")


@differential
def test_logging_from_inside_str_of_an_argument(logging):
    """An argument whose __str__ logs a record of its own is rendered in a consistent order."""
    import sys

    logging.basicConfig(stream=sys.stdout, format="%(name)s %(message)s")

    class Chatty:
        def __str__(self):
            logging.getLogger("inner").warning("rendering Chatty")
            return "Chatty"

    logging.getLogger("outer").warning("value %s", Chatty())


@differential
def test_huge_message_is_written_in_full(logging):
    """A 10 MB message is written completely to a file, stdout and a StringIO."""
    import io
    import sys

    buffer = io.StringIO()
    logger = logging.getLogger("huge")
    logger.addHandler(logging.FileHandler("huge.log"))
    logger.addHandler(logging.StreamHandler(buffer))
    logger.addHandler(logging.StreamHandler(sys.stdout))
    payload = "0123456789abcdéf" * (10 * 1024 * 1024 // 16)
    logger.warning("start %s end", payload)
    print(len(buffer.getvalue()), buffer.getvalue().endswith("f end\n"))


@differential
def test_raise_exceptions_false_silences_logging_errors(logging):
    """With raiseExceptions False, formatting and emit errors are silently ignored."""
    import sys

    logging.raiseExceptions = False
    logging.basicConfig(stream=sys.stdout, format="%(message)s")
    logging.warning("%d", "x")
    logging.warning("%s %s", "one")
    logger = logging.getLogger("strict")
    logger.addHandler(logging.FileHandler("ascii.log", encoding="ascii"))
    logger.warning("ünicode")
    logging.warning("visible")


@differential
def test_writing_to_a_closed_stream_is_a_logging_error(logging):
    """Emitting to a closed stream reports the ValueError through handleError."""
    import io

    stream = io.StringIO()
    logger = logging.getLogger("closed")
    logger.addHandler(logging.StreamHandler(stream))
    stream.close()
    logger.warning("into a closed stream")
    print("continues")


@differential
def test_a_none_stderr_silences_error_reports(logging):
    """With sys.stderr set to None, handleError prints nothing and logging goes on."""
    import sys

    saved = sys.stderr
    sys.stderr = None
    logging.getLogger("none").warning("%d", "x")
    logging.getLogger("none").warning("nowhere: lastResort has no stream")
    sys.stderr = saved
    print("back")
