"""Shutdown at exit, warnings capture and handler life cycles."""

from ._harness import differential


@differential
def test_shutdown_at_exit_flushes_and_closes_handlers_in_reverse_order(logging):
    """At exit, logging flushes and closes every live handler, newest first."""

    class Noisy(logging.Handler):
        def emit(self, record):
            print("emit", self.name, record.getMessage())

        def flush(self):
            print("flush", self.name)

        def close(self):
            print("close", self.name)
            super().close()

    logger = logging.getLogger("noisy")
    for name in ("first", "second", "third"):
        handler = Noisy()
        handler.name = name
        logger.addHandler(handler)
    logger.warning("hello")
    print("end of program")


@differential(requires=("handlers",))
def test_memory_handler_is_flushed_to_its_file_at_exit(logging):
    """Records buffered in a MemoryHandler reach its file target when the program exits."""
    target = logging.FileHandler("buffered.log")
    target.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    memory = logging.handlers.MemoryHandler(100, flushLevel=logging.CRITICAL, target=target)
    logger = logging.getLogger("buffered")
    logger.addHandler(memory)
    for index in range(5):
        logger.warning("buffered %d", index)
    print(open("buffered.log").read() == "")


@differential
def test_exit_with_an_uncaught_exception_still_flushes_files(logging):
    """An uncaught exception ends the program with code 1 after logged files are complete."""
    handler = logging.FileHandler("crash.log", delay=True)
    logger = logging.getLogger("crash")
    logger.addHandler(handler)
    logger.error("about to crash")
    raise RuntimeError("crash")


@differential
def test_sys_exit_code_is_preserved_after_shutdown(logging):
    """sys.exit(3) exits with code 3 after handlers are flushed."""
    import sys

    logging.basicConfig(filename="exit.log", format="%(message)s")
    logging.warning("exiting")
    sys.exit(3)


@differential
def test_explicit_shutdown_closes_handlers_but_loggers_keep_working(logging):
    """logging.shutdown() closes handlers; a closed FileHandler in mode 'a' reopens on use."""
    import sys

    logger = logging.getLogger("after.shutdown")
    logger.addHandler(logging.FileHandler("reopened.log"))
    stream_handler = logging.StreamHandler(sys.stdout)
    logger.addHandler(stream_handler)
    logger.warning("before")
    logging.shutdown()
    logger.warning("after")
    print("done")


@differential
def test_capture_warnings_routes_warnings_to_the_py_warnings_logger(logging):
    """captureWarnings(True) logs warnings on 'py.warnings' and False restores stderr output."""
    import sys
    import warnings

    warnings.simplefilter("always")
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(name)s|%(levelname)s|%(message)s|%(args)s"))
    logging.getLogger("py.warnings").addHandler(handler)
    logging.captureWarnings(True)
    warnings.warn("captured", UserWarning, stacklevel=1)
    warnings.warn_explicit("explicit", DeprecationWarning, "somefile.py", 12)
    logging.captureWarnings(True)
    warnings.warn("still captured once", stacklevel=1)
    logging.captureWarnings(False)
    warnings.warn("back to stderr", stacklevel=1)
    logging.captureWarnings(False)


@differential
def test_captured_warnings_get_a_null_handler_and_propagate_to_root(logging):
    """captureWarnings gives 'py.warnings' a NullHandler, so only root handlers print them."""
    import sys
    import warnings

    logging.basicConfig(stream=sys.stdout, format="%(name)s:%(levelname)s:%(message)s")
    logging.captureWarnings(True)
    print(logging.getLogger("py.warnings").handlers)
    warnings.warn("through root", RuntimeWarning, stacklevel=1)
    logging.getLogger("py.warnings").propagate = False
    warnings.warn("swallowed by the NullHandler", RuntimeWarning, stacklevel=1)


@differential
def test_closing_a_handler_removes_it_from_shutdown(logging):
    """A handler closed by the program is not closed a second time at exit."""
    import gc

    class Counting(logging.Handler):
        closes = 0

        def emit(self, record):
            pass

        def close(self):
            Counting.closes += 1
            print("close call", Counting.closes)
            super().close()

    handler = Counting()
    logging.getLogger("counting").addHandler(handler)
    handler.close()
    logging.getLogger("counting").removeHandler(handler)
    del handler
    gc.collect()
    print("end")


@differential
def test_flush_errors_at_shutdown_are_ignored(logging):
    """shutdown ignores OSError and ValueError raised while flushing or closing a handler."""

    class Fragile(logging.Handler):
        def emit(self, record):
            print("emitted", record.msg)

        def flush(self):
            raise OSError("disk gone")

        def close(self):
            print("closing")
            raise ValueError("already closed")

    logging.getLogger("fragile").addHandler(Fragile())
    logging.getLogger("fragile").warning("before exit")


@differential
def test_records_after_shutdown_reach_files_and_streams(logging):
    """After shutdown(), a FileHandler reopens its file and a StreamHandler goes on writing."""
    import sys

    file_handler = logging.FileHandler("after.log")
    stream_handler = logging.StreamHandler(sys.stdout)
    logger = logging.getLogger("after")
    logger.addHandler(file_handler)
    logger.addHandler(stream_handler)
    logger.warning("before shutdown")
    logging.shutdown()
    logger.warning("after shutdown")
