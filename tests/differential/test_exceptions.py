"""Exception information, stack information and caller lookup with stacklevel."""

from ._harness import differential


@differential
def test_exception_logs_the_current_traceback_at_error_level(logging):
    """logger.exception inside an except block appends the traceback to an ERROR record."""
    import sys

    logging.basicConfig(
        stream=sys.stdout, format="%(levelname)s %(funcName)s:%(lineno)d %(message)s"
    )

    def divide(a, b):
        return a / b

    def handle():
        try:
            divide(1, 0)
        except ZeroDivisionError:
            logging.getLogger("calc").exception("could not divide %d by %d", 1, 0)

    handle()


@differential
def test_exc_info_true_attaches_the_exception_at_any_level(logging):
    """exc_info=True attaches the handled exception to records of any level."""
    import sys

    logging.basicConfig(stream=sys.stdout, level=logging.DEBUG, format="%(levelname)s %(message)s")
    try:
        int("not a number")
    except ValueError:
        logging.debug("debug with traceback", exc_info=True)
        logging.warning("warning with traceback", exc_info=1)
        logging.info("explicitly without", exc_info=False)


@differential
def test_exc_info_accepts_an_exception_instance_or_a_tuple(logging):
    """exc_info accepts an exception instance (raised or not) or a sys.exc_info() tuple."""
    import sys

    logging.basicConfig(stream=sys.stdout, format="%(message)s")
    try:
        raise LookupError("raised")
    except LookupError as error:
        caught = error
        info = sys.exc_info()
    logging.error("instance", exc_info=caught)
    logging.error("tuple", exc_info=info)
    logging.error("never raised", exc_info=OSError(2, "No such file"))
    logging.error("empty tuple-like", exc_info=(None, None, None))


@differential
def test_exception_outside_an_except_block_logs_none(logging):
    """logger.exception with no exception being handled appends 'NoneType: None'."""
    import sys

    logging.basicConfig(stream=sys.stdout, format="%(levelname)s %(message)s")
    logging.exception("nothing is being handled")
    logging.getLogger("named").exception("nor here", exc_info=False)


@differential
def test_chained_exceptions_show_cause_and_context(logging):
    """Tracebacks of chained exceptions show both explicit causes and implicit contexts."""
    import sys

    logging.basicConfig(stream=sys.stdout, format="%(message)s")

    def load():
        try:
            {}["config"]
        except KeyError as error:
            raise RuntimeError("cannot load") from error

    def start():
        try:
            load()
        except RuntimeError:
            raise SystemError("cannot start")  # noqa: B904 - the implicit context is the point

    try:
        start()
    except SystemError:
        logging.exception("startup failed")
    try:
        try:
            raise ValueError("inner")
        except ValueError as error:
            raise TypeError("outer") from error
    except TypeError as error:
        error.__suppress_context__ = True
        error.__cause__ = None
        logging.exception("suppressed context")


@differential
def test_exception_notes_and_groups_are_rendered(logging):
    """Exception notes and exception groups render as the traceback module prints them."""
    import sys

    logging.basicConfig(stream=sys.stdout, format="%(message)s")
    try:
        error = ValueError("with notes")
        error.add_note("first note")
        error.add_note("second note")
        raise error
    except ValueError:
        logging.exception("notes")
    try:
        raise ExceptionGroup("several", [KeyError("a"), OSError("b")])
    except ExceptionGroup:
        logging.exception("group")


@differential
def test_exception_whose_str_fails_is_still_logged(logging):
    """An exception whose __str__ raises is rendered with the traceback module's placeholder."""
    import sys

    logging.basicConfig(stream=sys.stdout, format="%(message)s")

    class Broken(Exception):
        def __str__(self):
            raise RuntimeError("no str")

    try:
        raise Broken()
    except Broken:
        logging.exception("broken exception")


@differential
def test_stack_info_appends_the_callers_stack(logging):
    """stack_info=True appends 'Stack (most recent call last):' and the caller's frames."""
    import sys

    logging.basicConfig(stream=sys.stdout, format="%(funcName)s %(message)s")

    def outer():
        inner()

    def inner():
        logging.getLogger("stacky").warning("where am I", stack_info=True)

    outer()
    try:
        raise KeyError("both")
    except KeyError:
        logging.error("exception and stack", exc_info=True, stack_info=True)


@differential
def test_stacklevel_two_and_three_report_the_helpers_callers(logging):
    """stacklevel=2 and 3 attribute records to the callers of one and two helper functions."""
    import sys

    logging.basicConfig(
        stream=sys.stdout,
        format="%(filename)s:%(lineno)d %(funcName)s %(module)s %(message)s",
    )
    logger = logging.getLogger("helpers")

    def log_here(message):
        logger.warning(message)

    def log_for_caller(message):
        logger.warning(message, stacklevel=2)

    def log_for_callers_caller(message):
        logger.warning(message, stacklevel=3)

    def wrapper(message):
        log_for_callers_caller(message)

    def application():
        log_here("level one")
        log_for_caller("level two")
        wrapper("level three")

    application()
    log_for_caller("from module level")


@differential
def test_stacklevel_with_stack_info_starts_the_stack_at_the_reported_frame(logging):
    """With stacklevel, stack_info starts at the frame the record is attributed to."""
    import sys

    logging.basicConfig(stream=sys.stdout, format="%(funcName)s:%(lineno)d %(message)s")

    def helper():
        logging.warning("attributed to caller", stacklevel=2, stack_info=True)

    def caller():
        helper()

    caller()


@differential
def test_stacklevel_beyond_the_outermost_frame_stops_there(logging):
    """A stacklevel deeper than the stack attributes the record to the outermost frame."""
    import os
    import sys

    logging.basicConfig(stream=sys.stdout, format="%(pathname)s|%(funcName)s|%(message)s")
    logging.warning("very deep", stacklevel=50)
    print(os.path.basename(sys.argv[0]))


@differential
def test_stacklevel_through_a_logger_adapter_counts_user_frames(logging):
    """LoggerAdapter methods do not count as frames for stacklevel or caller lookup."""
    import sys

    logging.basicConfig(stream=sys.stdout, format="%(funcName)s:%(lineno)d %(message)s")
    adapter = logging.LoggerAdapter(logging.getLogger("adapted"), {})

    def helper():
        adapter.warning("helper's caller", stacklevel=2)

    def caller():
        adapter.warning("direct")
        helper()
        adapter.log(logging.ERROR, "via log")

    caller()


@differential
def test_caller_of_methods_and_lambdas_uses_the_code_name(logging):
    """funcName is the code object's name for methods, lambdas, comprehensions and nested code."""
    import sys

    logging.basicConfig(stream=sys.stdout, format="%(funcName)s:%(lineno)d %(message)s")
    log = logging.getLogger("names")

    class Service:
        def method(self):
            log.warning("method")

        @classmethod
        def build(cls):
            log.warning("classmethod")

        @property
        def value(self):
            log.warning("property")
            return 1

    Service().method()
    Service.build()
    Service().value  # noqa: B018 - the property logs
    (lambda: log.warning("lambda"))()
    [log.warning("comprehension %d", n) for n in range(1)]

    def generator():
        yield log.warning("generator")

    list(generator())


@differential
def test_an_error_in_emit_is_reported_with_the_standard_traceback_and_call_stack(logging):
    """handleError's report on stderr: a chained error with carets and a group raised in emit."""

    class Failing(logging.Handler):
        def emit(self, record):
            table = {"rows": [1, 2]}
            try:
                return table["rows"][record.args[0]] / 0
            except ZeroDivisionError as error:
                if record.args[0]:
                    # The context is part of what the report shows.
                    raise ExceptionGroup("emit failed", [error, KeyError(record.args[0])])  # noqa: B904
                raise RuntimeError("emit failed") from error

    def log_from_a_helper(value):
        logging.getLogger("app").warning("value %d", value)

    logging.getLogger("app").addHandler(Failing())
    log_from_a_helper(0)
    log_from_a_helper(1)
