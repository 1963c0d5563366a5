"""The standard face: the same program gives the same bytes as with `logging`."""

import io
import os

import femtologging


def test_stream_handler_formats_like_the_standard_library(same_as_stdlib):
    """Levels, names, caller fields and %-args come out identical."""
    run = same_as_stdlib(
        """
        import sys
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter(
            "%(levelname)-8s|%(name)s|%(module)s:%(lineno)d|%(funcName)s|%(message)s"))
        log = logging.getLogger("app.db")
        log.addHandler(handler)
        log.setLevel(logging.DEBUG)
        def work():
            log.debug("debug %s", 1)
            log.info("request %s took %d ms", "/api/items", 42)
            log.warning("mapping %(a)s", {"a": 1})
            log.error("error")
            log.critical("critical")
            log.log(25, "custom level")
        work()
        """
    )
    assert run.stdout.count("\n") == 6


def test_hierarchy_propagation_and_levels(same_as_stdlib):
    """Records propagate to ancestors' handlers unless propagate is false."""
    same_as_stdlib(
        """
        import sys
        root_handler = logging.StreamHandler(sys.stdout)
        root_handler.setFormatter(logging.Formatter("root saw %(name)s %(message)s"))
        logging.getLogger().addHandler(root_handler)
        logging.getLogger().setLevel(logging.INFO)
        child = logging.getLogger("a.b.c")
        parent = logging.getLogger("a")
        parent_handler = logging.StreamHandler(sys.stdout)
        parent_handler.setFormatter(logging.Formatter("a saw %(name)s %(message)s"))
        parent.addHandler(parent_handler)
        child.info("one")
        child.debug("hidden")
        parent.propagate = False
        child.info("two")
        logging.getLogger("a.b").setLevel(logging.ERROR)
        child.warning("hidden by a.b")
        child.error("three")
        print(child.parent.name, child.getEffectiveLevel(), logging.getLogger("a.b.c") is child)
        logging.disable(logging.ERROR)
        child.error("disabled")
        child.critical("still shown")
        """
    )


def test_exceptions_and_stack_info(same_as_stdlib):
    """exception(), exc_info and stack_info render the same tracebacks."""
    same_as_stdlib(
        """
        import sys
        logging.basicConfig(stream=sys.stdout, format="%(levelname)s:%(message)s")
        log = logging.getLogger("x")
        def fail():
            raise ValueError("bad value")
        try:
            fail()
        except ValueError as error:
            log.exception("caught")
            log.error("with instance", exc_info=error)
        log.info("no exception", exc_info=True)
        log.warning("stack", stack_info=True)
        """
    )


def test_stacklevel_points_at_the_callers_caller(same_as_stdlib):
    """stacklevel=2 reports the line that called the helper."""
    same_as_stdlib(
        """
        import sys
        logging.basicConfig(stream=sys.stdout, format="%(funcName)s:%(lineno)d %(message)s")
        def helper(message):
            logging.getLogger("h").warning(message, stacklevel=2)
        def caller():
            helper("from caller")
        caller()
        adapter = logging.LoggerAdapter(logging.getLogger("h"), {"k": "v"})
        adapter.warning("through an adapter")
        """
    )


def test_extra_adds_attributes_and_refuses_to_clobber(same_as_stdlib):
    """extra fields reach the format; overwriting a record attribute is a KeyError."""
    same_as_stdlib(
        """
        import sys
        logging.basicConfig(stream=sys.stdout, format="%(user)s %(message)s")
        log = logging.getLogger("x")
        log.warning("hello", extra={"user": "bob"})
        for key in ("message", "asctime", "lineno"):
            try:
                log.warning("clobber", extra={key: 1})
            except KeyError as error:
                print("KeyError", error)
        """
    )


def test_bad_input_is_reported_and_the_program_goes_on(same_as_stdlib):
    """Format errors and failing __str__ give the standard report on stderr."""
    same_as_stdlib(
        """
        import sys
        logging.basicConfig(stream=sys.stdout)
        log = logging.getLogger("x")
        class Broken:
            def __str__(self):
                raise RuntimeError("no str")
        log.warning("%d", "x")
        log.warning(Broken())
        log.warning(None)
        log.warning(12345)
        log.warning("lone \\udc80 surrogate")
        print("still running")
        """
    )


def test_basic_config_writes_a_file(same_as_stdlib):
    """basicConfig(filename=...) writes the same bytes to the file."""
    run = same_as_stdlib(
        """
        logging.basicConfig(filename="out.log", filemode="w", level=logging.INFO,
                            format="%(levelname)s %(name)s %(message)s")
        logging.info("first")
        logging.getLogger("pkg").warning("second %s", "arg")
        logging.debug("hidden")
        """
    )
    assert run.files["out.log"] == "INFO root first\nWARNING pkg second arg\n"


def test_file_handler_line_is_on_disk_when_the_call_returns(tmp_path):
    """A FileHandler's line is in the file as soon as logger.info() returns."""
    path = tmp_path / "app.log"
    handler = femtologging.FileHandler(path)
    handler.setFormatter(femtologging.Formatter("%(levelname)s %(message)s"))
    logger = femtologging.getLogger("on_disk")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("first")
        assert path.read_bytes() == b"WARNING first\n"
        logger.error("second %d", 2)
        assert path.read_bytes() == b"WARNING first\nERROR second 2\n"
    finally:
        logger.removeHandler(handler)
        handler.close()
    assert handler.stream is None


def test_subclass_overrides_are_called(tmp_path):
    """Python subclasses of Handler and Formatter have their overrides run."""
    seen = []

    class Collecting(femtologging.Handler):
        def emit(self, record):
            seen.append((record.levelname, self.format(record)))

    class Upper(femtologging.Formatter):
        def format(self, record):
            return super().format(record).upper()

    handler = Collecting()
    handler.setFormatter(Upper("%(name)s %(message)s"))
    logger = femtologging.getLogger("subclassed")
    logger.addHandler(handler)
    logger.propagate = False
    logger.warning("hello %s", "world")
    logger.removeHandler(handler)
    assert seen == [("WARNING", "SUBCLASSED HELLO WORLD")]


def test_get_logger_returns_one_logger_per_name():
    """getLogger is idempotent and builds the dotted tree."""
    child = femtologging.getLogger("tree.child")
    parent = femtologging.getLogger("tree")
    assert femtologging.getLogger("tree.child") is child
    assert child.parent is parent
    assert parent.parent is femtologging.getLogger()
    assert isinstance(child, femtologging.Logger)
    assert issubclass(femtologging.FileHandler, femtologging.StreamHandler)
    assert issubclass(femtologging.StreamHandler, femtologging.Handler)


def test_stream_handler_writes_to_string_io():
    """StreamHandler writes each record and the terminator to its stream."""
    stream = io.StringIO()
    handler = femtologging.StreamHandler(stream)
    handler.terminator = "|"
    logger = femtologging.getLogger("stringio")
    logger.addHandler(handler)
    logger.propagate = False
    logger.warning("a")
    logger.error("b %s", "c")
    logger.removeHandler(handler)
    assert stream.getvalue() == "a|b c|"
    assert os.path.basename(femtologging._srcfile) == "__init__.py"
