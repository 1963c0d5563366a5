"""Subclasses and replacements of loggers, records, handlers, formatters and filters."""

from ._harness import differential


@differential
def test_logger_class_with_custom_make_record_is_used_for_new_loggers(logging):
    """setLoggerClass makes getLogger build the subclass, whose makeRecord runs per record."""
    import sys

    class Stamping(logging.Logger):
        def makeRecord(self, *args, **kwargs):
            record = super().makeRecord(*args, **kwargs)
            record.stamp = "S"
            return record

    before = logging.getLogger("before")
    logging.setLoggerClass(Stamping)
    after = logging.getLogger("after")
    print(type(before).__name__, type(after).__name__, logging.getLoggerClass().__name__)
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(stamp)s %(name)s %(funcName)s %(message)s"))
    after.addHandler(handler)
    after.warning("stamped")
    print(type(logging.getLogger("after.child").parent).__name__)


@differential
def test_logger_subclass_overriding_log_keeps_caller_information(logging):
    """A Logger subclass overriding _log still reports the user's call site."""
    import sys

    class Prefixed(logging.Logger):
        def _log(self, level, msg, args, **kwargs):
            super()._log(level, "[prefixed] " + msg, args, **kwargs)

    logging.setLoggerClass(Prefixed)
    logging.basicConfig(stream=sys.stdout, format="%(funcName)s:%(lineno)d %(message)s")

    def work():
        logging.getLogger("prefixed").warning("quiet %s", "words")

    work()


@differential
def test_logger_subclass_overriding_log_receives_the_call_keywords(logging):
    """A Logger subclass overriding _log gets the call's keywords, by name, as given."""
    import sys

    class Reporting(logging.Logger):
        def _log(self, level, msg, args, **kwargs):
            print(sorted(kwargs.items(), key=lambda item: item[0]))
            super()._log(level, msg, args, **kwargs)

    logging.setLoggerClass(Reporting)
    logging.basicConfig(stream=sys.stdout, format="%(user)s %(message)s")
    logger = logging.getLogger("reporting")
    logger.warning("one %s", "arg", extra={"user": "alice"}, stacklevel=1)
    logger.error("two", extra={"user": "bob"}, stack_info=False)
    logger.log(logging.ERROR, msg="three", extra={"user": "carol"})


@differential
def test_set_logger_class_rejects_non_logger_classes(logging):
    """setLoggerClass raises TypeError naming the class that is not a Logger subclass."""

    class NotALogger:
        pass

    try:
        logging.setLoggerClass(NotALogger)
    except TypeError as error:
        print(error)
    print(logging.getLoggerClass() is logging.Logger)


@differential
def test_handler_subclass_overriding_emit_receives_records(logging):
    """A Handler subclass overriding emit receives every record that passes the levels."""

    class Collecting(logging.Handler):
        def __init__(self):
            super().__init__(logging.INFO)
            self.lines = []

        def emit(self, record):
            self.lines.append((record.levelname, self.format(record), record.lineno))

    handler = Collecting()
    handler.setFormatter(logging.Formatter("%(name)s|%(message)s"))
    logger = logging.getLogger("collect")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    logger.debug("below the handler")
    logger.info("kept %d", 1)
    logger.error("kept %d", 2)
    print(handler.lines)


@differential
def test_base_handler_emit_raises_not_implemented(logging):
    """The base Handler's emit raises NotImplementedError, which escapes to the caller."""
    logger = logging.getLogger("abstract")
    logger.addHandler(logging.Handler())
    try:
        logger.warning("nobody emits this")
    except NotImplementedError as error:
        print(type(error).__name__, error)


@differential
def test_handler_subclass_error_goes_through_handle_error(logging):
    """An emit that calls handleError prints a logging error naming the user's frames."""

    class Failing(logging.Handler):
        def emit(self, record):
            try:
                raise ConnectionError("remote end gone")
            except ConnectionError:
                self.handleError(record)

    logger = logging.getLogger("failing")
    logger.addHandler(Failing())
    logger.warning("lost %s", "record")


@differential
def test_handle_error_can_be_overridden(logging):
    """A handler's handleError override decides what a failed emit prints."""
    import sys

    class Quiet(logging.StreamHandler):
        def handleError(self, record):
            print("handled:", sys.exc_info()[0].__name__, record.msg)

    logger = logging.getLogger("quiet")
    logger.addHandler(Quiet(sys.stdout))
    logger.warning("%d items", "many")


@differential
def test_formatter_subclass_overrides_format_time_and_exception(logging):
    """A Formatter subclass's format, formatTime and formatException are all honoured."""
    import sys

    class Custom(logging.Formatter):
        def format(self, record):
            return "<" + super().format(record) + ">"

        def formatTime(self, record, datefmt=None):
            return f"T{int(record.created) % 1000}"

        def formatException(self, exc_info):
            return f"EXC {exc_info[0].__name__}: {exc_info[1]}"

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(Custom("%(asctime)s %(message)s"))
    handler.addFilter(lambda record: setattr(record, "created", 1234567.0) or True)
    logger = logging.getLogger("custom.formatter")
    logger.addHandler(handler)
    logger.warning("plain")
    try:
        raise ValueError("bad")
    except ValueError:
        logger.exception("with exception")


@differential
def test_filter_subclass_and_callables_can_reject_and_modify(logging):
    """Filter subclasses, functions and lambdas filter records and can modify them."""
    import sys

    class OnlyEven(logging.Filter):
        def filter(self, record):
            return record.args[0] % 2 == 0

    def tag(record):
        record.msg = "tagged " + record.msg
        return True

    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(tag)
    logger = logging.getLogger("filters")
    logger.addFilter(OnlyEven())
    logger.addFilter(lambda record: record.levelno >= logging.WARNING)
    logger.addHandler(handler)
    for number in range(4):
        logger.warning("number %d", number)
        logger.info("info %d", number)
    print(len(logger.filters), len(handler.filters))


@differential
def test_filters_by_name_accept_the_logger_and_its_descendants(logging):
    """Filter('a.b') accepts a.b and a.b.c but rejects a, a.bc and others; Filter() accepts all."""
    import sys

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(name)s"))
    handler.addFilter(logging.Filter("a.b"))
    for name in ("a", "a.b", "a.b.c", "a.bc", "b", "a.b.c.d"):
        logger = logging.getLogger(name)
        logger.propagate = False
        logger.addHandler(handler)
        logger.warning("x")
    record = logging.makeLogRecord({"name": "anything"})
    print(logging.Filter().filter(record), logging.Filter("").filter(record))
    print(bool(logging.Filter("any").filter(record)), logging.Filter("anything").filter(record))


@differential
def test_filters_are_deduplicated_and_removable(logging):
    """addFilter ignores a filter already present and removeFilter tolerates absent ones."""
    import sys

    def reject(record):
        return False

    logger = logging.getLogger("filterer")
    logger.addHandler(logging.StreamHandler(sys.stdout))
    logger.addFilter(reject)
    logger.addFilter(reject)
    print(len(logger.filters))
    logger.warning("rejected")
    logger.removeFilter(reject)
    logger.removeFilter(reject)
    logger.warning("accepted")
    print(logger.filter(logging.makeLogRecord({})))


@differential
def test_filter_exceptions_escape_to_the_caller(logging):
    """An exception raised by a filter is not caught by logging and ends the program."""
    import sys

    def explode(record):
        raise RuntimeError("filter exploded")

    logger = logging.getLogger("explode")
    logger.addHandler(logging.StreamHandler(sys.stdout))
    logger.addFilter(explode)
    print("before")
    logger.warning("never written")


@differential(min_version=(3, 12))
def test_filter_may_return_a_replacement_record(logging):
    """From Python 3.12 a handler filter returning a LogRecord replaces the record."""
    import copy
    import sys

    def redact(record):
        replacement = copy.copy(record)
        replacement.msg = "[redacted]"
        replacement.args = ()
        return replacement

    redacting = logging.StreamHandler(sys.stdout)
    redacting.setFormatter(logging.Formatter("redacting: %(message)s"))
    redacting.addFilter(redact)
    plain = logging.StreamHandler(sys.stdout)
    plain.setFormatter(logging.Formatter("plain: %(message)s"))
    logger = logging.getLogger("redact")
    logger.addHandler(redacting)
    logger.addHandler(plain)
    logger.warning("secret %s", "hunter2")
    print(bool(redacting.filter(logging.makeLogRecord({}))))


@differential
def test_log_record_factory_can_add_attributes(logging):
    """setLogRecordFactory wraps record creation, and getLogRecordFactory returns it."""
    import sys

    original = logging.getLogRecordFactory()
    counter = iter(range(100))

    def factory(*args, **kwargs):
        record = original(*args, **kwargs)
        record.sequence = next(counter)
        return record

    logging.setLogRecordFactory(factory)
    print(logging.getLogRecordFactory() is factory, original is logging.LogRecord)
    logging.basicConfig(stream=sys.stdout, format="#%(sequence)d %(message)s")
    logging.warning("first")
    logging.warning("second")
    made = logging.makeLogRecord({"msg": "made"})
    print(hasattr(made, "sequence"))


@differential
def test_log_record_subclass_can_change_get_message(logging):
    """A LogRecord subclass installed as factory can change how messages are built."""
    import sys

    class BraceRecord(logging.LogRecord):
        def getMessage(self):
            return str(self.msg).format(*self.args)

    logging.setLogRecordFactory(BraceRecord)
    logging.basicConfig(stream=sys.stdout, format="%(levelname)s %(message)s")
    logging.warning("hello {} and {}", "brace", "args")
    print(isinstance(logging.makeLogRecord({}), BraceRecord))


@differential
def test_make_log_record_builds_records_from_dicts(logging):
    """makeLogRecord fills defaults and overrides them with the given attributes."""
    record = logging.makeLogRecord({"msg": "%s-%s", "args": ("a", "b"), "custom": 1})
    print(record.getMessage(), record.custom, record.levelname, record.levelno, record.name)
    print(record.lineno, record.pathname, record.filename, record.module, record.funcName)
    print(record.exc_info, record.exc_text, record.stack_info, record.args)
    empty = logging.makeLogRecord({})
    print(repr(empty.msg), empty.args, empty.getMessage() == "", str(empty))
    direct = logging.LogRecord("n", 20, "/p/mod.py", 7, "m %d", (1,), None, "fn", "stack")
    print(direct.getMessage(), direct.module, direct.filename, direct.funcName, direct.stack_info)
    print(direct.levelname, direct.processName, direct.threadName)


@differential
def test_handler_subclass_records_and_formats_are_consistent(logging):
    """Records passed to a custom handler carry the same attributes as stdlib records."""

    seen = []

    class Recorder(logging.Handler):
        def emit(self, record):
            seen.append(record)

    logger = logging.getLogger("record.attributes")
    logger.addHandler(Recorder())
    logger.warning("look at %s", "me", extra={"extra_key": 1})
    record = seen[0]
    keys = sorted(
        key for key in vars(record) if key not in ("thread", "process", "created", "msecs")
    )
    print(keys)
    print(record.msg, record.args, record.levelno, record.extra_key, record.exc_info)
    print(record.filename, record.module, record.lineno, record.funcName, record.stack_info)
    print(type(record.created).__name__, type(record.msecs).__name__, type(record.thread).__name__)


@differential
def test_records_and_loggers_survive_pickling(logging):
    """LogRecords pickle with their attributes and loggers pickle as references by name."""
    import pickle

    record = logging.makeLogRecord({"msg": "pickled %s", "args": ("arg",), "custom": [1, 2]})
    copy = pickle.loads(pickle.dumps(record))
    print(type(copy).__name__, copy.getMessage(), copy.custom, copy.levelname, copy.name)
    logger = logging.getLogger("pickled.logger")
    print(pickle.loads(pickle.dumps(logger)) is logger)
    print(pickle.loads(pickle.dumps(logging.root)) is logging.root)


@differential
def test_directly_constructed_loggers_live_outside_the_tree(logging):
    """A Logger built with its constructor has no parent and is unknown to getLogger."""
    import sys

    lonely = logging.Logger("lonely", logging.INFO)
    print(lonely.parent, lonely.level, logging.getLogger("lonely") is lonely)
    lonely.info("no handler: info is dropped")
    lonely.warning("no handler: lastResort prints this")
    lonely.addHandler(logging.StreamHandler(sys.stdout))
    lonely.info("now to stdout")


@differential
def test_handle_applies_filters_and_the_disabled_flag(logging):
    """Logger.handle passes a ready record to handlers unless filtered or disabled."""
    import sys

    logger = logging.getLogger("handled")
    logger.addHandler(logging.StreamHandler(sys.stdout))
    record = logging.makeLogRecord({"name": "handled", "msg": "built by hand", "levelno": 10})
    logger.handle(record)
    logger.addFilter(lambda record: "drop" not in record.msg)
    logger.handle(logging.makeLogRecord({"msg": "please drop me"}))
    logger.disabled = True
    logger.handle(record)
    logger.critical("disabled loggers ignore everything")
    logger.disabled = False
    logger.critical("enabled again")


@differential
def test_find_caller_reports_the_callers_frame(logging):
    """Logger.findCaller returns the filename, line, function and stack of its caller."""
    import os

    logger = logging.getLogger("finder")

    def probe():
        path, line, function, stack = logger.findCaller(stack_info=True)
        print(os.path.basename(path), line, function)
        print(stack)
        path, line, function, stack = logger.findCaller(stacklevel=2)
        print(os.path.basename(path), line, function, stack)

    probe()


@differential
def test_record_factory_and_source_file_switched_between_calls(logging):
    """setLogRecordFactory and _srcfile take effect on the call after each change."""
    import sys

    original = logging.getLogRecordFactory()

    def tagged(*args, **kwargs):
        record = original(*args, **kwargs)
        record.msg = "tagged " + str(record.msg)
        return record

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(funcName)s %(message)s"))
    logger = logging.getLogger("switched")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    source = logging._srcfile

    def log_all():
        for round_number in range(3):
            logger.info("plain %d", round_number)
            logging.setLogRecordFactory(tagged)
            logger.info("factory %d", round_number)
            logging.setLogRecordFactory(original)
            logging._srcfile = None
            logger.info("no caller %d", round_number)
            logging._srcfile = source
            logger.info("caller again %d", round_number)

    log_all()
