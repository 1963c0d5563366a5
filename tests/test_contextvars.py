"""Values bound with femtologging.contextvars reach every record logged in their context."""

import asyncio
import io
import threading

import femtologging as logging
import pytest
from femtologging.contextvars import (
    bind_contextvars,
    bound_contextvars,
    clear_contextvars,
    get_contextvars,
    merge_contextvars,
    reset_contextvars,
    unbind_contextvars,
)


@pytest.fixture(autouse=True)
def empty_context():
    clear_contextvars()
    yield
    clear_contextvars()


def capture(name, fmt="%(message)s %(request_id)s"):
    """A logger whose records are formatted with `fmt` into a string."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(fmt))
    logger = logging.getLogger(f"contextvars.{name}")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    return logger, stream


class Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


def test_a_bound_value_is_an_attribute_and_a_format_field_of_the_record():
    """A bound key is a LogRecord attribute, and %(key)s formats it."""
    logger, stream = capture("field")
    records = Records()
    logger.addHandler(records)
    bind_contextvars(request_id="r-1", user=7)
    logger.info("served")
    assert stream.getvalue() == "served r-1\n"
    assert records.records[0].request_id == "r-1"
    assert records.records[0].user == 7


def test_with_block_binds_for_its_length_and_gives_back_the_previous_value():
    """bound_contextvars restores what the keys held before the block."""
    logger, stream = capture("with")
    bind_contextvars(request_id="outer")
    with bound_contextvars(request_id="inner", extra_key=1):
        logger.info("in")
        assert get_contextvars() == {"request_id": "inner", "extra_key": 1}
    logger.info("out")
    assert stream.getvalue() == "in inner\nout outer\n"
    assert get_contextvars() == {"request_id": "outer"}


def test_bound_contextvars_decorates_a_function():
    """As a decorator the values are bound while the function runs."""
    logger, stream = capture("decorator")

    @bound_contextvars(request_id="decorated")
    def work():
        logger.info("work")

    work()
    assert stream.getvalue() == "work decorated\n"
    assert get_contextvars() == {}


def test_unbind_clear_and_reset_remove_values():
    """unbind_contextvars, clear_contextvars and reset_contextvars undo binds."""
    tokens = bind_contextvars(a=1, b=2)
    unbind_contextvars("a", "never-bound")
    assert get_contextvars() == {"b": 2}
    more = bind_contextvars(b=3, c=4)
    reset_contextvars(**more)
    assert get_contextvars() == {"b": 2}
    reset_contextvars(**tokens)
    assert get_contextvars() == {}
    bind_contextvars(x=1)
    clear_contextvars()
    assert get_contextvars() == {}


def test_the_calls_own_extra_wins_and_record_attributes_are_left_out():
    """extra overrides a bound key; a bound 'message' or 'levelname' is ignored."""
    logger, stream = capture("extra", "%(levelname)s %(message)s %(request_id)s")
    bind_contextvars(request_id="bound", message="not mine", levelname="NOPE")
    logger.warning("own", extra={"request_id": "call"})
    logger.warning("bound")
    assert stream.getvalue() == "WARNING own call\nWARNING bound bound\n"


def test_each_thread_has_its_own_context():
    """A value bound in one thread is not seen by another."""
    logger = logging.getLogger("contextvars.threads")
    records = Records()
    logger.handlers[:] = [records]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    bind_contextvars(request_id="main")
    barrier = threading.Barrier(4)

    def serve(number):
        bind_contextvars(request_id=f"thread-{number}")
        barrier.wait()
        logger.info("served %d", number)

    threads = [threading.Thread(target=serve, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    logger.info("main")
    seen = {record.getMessage(): record.request_id for record in records.records}
    assert seen == {
        "served 0": "thread-0",
        "served 1": "thread-1",
        "served 2": "thread-2",
        "served 3": "thread-3",
        "main": "main",
    }


def test_each_asyncio_task_keeps_its_own_binding():
    """Tasks interleaved on one loop each log the value they bound."""
    logger = logging.getLogger("contextvars.tasks")
    records = Records()
    logger.handlers[:] = [records]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    bind_contextvars(request_id="before")

    async def serve(number):
        bind_contextvars(request_id=f"task-{number}")
        await asyncio.sleep(0)
        logger.info("served %d", number)
        await asyncio.sleep(0)
        logger.info("again %d", number)

    async def main():
        await asyncio.gather(*(serve(number) for number in range(3)))
        logger.info("after")

    asyncio.run(main())
    seen = [(record.getMessage(), record.request_id) for record in records.records]
    assert sorted(seen) == sorted(
        [(f"served {n}", f"task-{n}") for n in range(3)]
        + [(f"again {n}", f"task-{n}") for n in range(3)]
        + [("after", "before")]
    )


def test_a_make_record_override_gets_the_bound_values_as_extra():
    """A Logger subclass's makeRecord receives the bound keys in extra."""
    seen = []

    class Recording(logging.Logger):
        def makeRecord(self, *args, **kwargs):  # noqa: N802 - the standard name
            extra = args[8] if len(args) > 8 else kwargs.get("extra")
            seen.append(dict(extra or {}))
            return super().makeRecord(*args, **kwargs)

    logger = Recording("contextvars.make_record")
    logger.addHandler(logging.NullHandler())
    bind_contextvars(request_id="r-9")
    logger.warning("x", extra={"own": 1})
    assert seen == [{"own": 1, "request_id": "r-9"}]


def test_a_femto_file_handler_writes_the_bound_values(tmp_path):
    """A femto handler's line holds the bound value, formatted like extra."""
    path = tmp_path / "femto.log"
    handler = logging.FemtoFileHandler(str(path))
    handler.setFormatter(logging.Formatter("%(message)s %(request_id)s %(attempt)d"))
    logger = logging.getLogger("contextvars.femto")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    with bound_contextvars(request_id="femto-1", attempt=3):
        logger.info("queued")
    handler.close()
    assert path.read_text() == "queued femto-1 3\n"


def test_merge_contextvars_is_a_structlog_processor():
    """merge_contextvars adds the bound keys an event does not set."""
    bind_contextvars(request_id="r", event="not this")
    event = merge_contextvars(None, "info", {"event": "e", "k": 1})
    assert event == {"event": "e", "k": 1, "request_id": "r"}


def test_extra_and_bound_values_in_a_femto_template_give_the_standard_lines(tmp_path, capsys):
    """%(key)s of extra or bound values: a femto handler writes what a standard FileHandler
    writes, across value kinds, a missing key and a value the template does not suit."""
    import logging as std_logging

    fmt = "%(levelname)s %(message)s request=%(request_id)s attempt=%(attempt)s"
    written = []
    for module, handler_class in (
        (std_logging, std_logging.FileHandler),
        (logging, logging.FemtoFileHandler),
    ):
        path = tmp_path / f"{module.__name__}.log"
        handler = handler_class(str(path))
        handler.setFormatter(module.Formatter(fmt))
        logger = module.getLogger(f"contextvars.template.{module.__name__}")
        logger.handlers[:] = [handler]
        logger.setLevel(module.DEBUG)
        logger.propagate = False
        calls = [
            {"request_id": "r-1", "attempt": 1},
            {"request_id": "r-2", "attempt": 2},
            {"request_id": 3, "attempt": 2.5},
            {"request_id": None, "attempt": True},
            {"request_id": "r-4", "attempt": [1, 2]},
            {"request_id": "é", "attempt": 5},
        ]
        for number, extra in enumerate(calls):
            logger.info("call %d", number, extra=extra)
        if module is logging:
            with bound_contextvars(request_id="bound", attempt=6):
                logger.warning("bound")
        else:
            logger.warning("bound", extra={"request_id": "bound", "attempt": 6})
        handler.close()
        written.append(path.read_text())
    assert written[1] == written[0]
    assert written[0].count("\n") == 7


def test_a_json_formatter_on_a_femto_handler_writes_the_bound_values(tmp_path):
    """Bound values are extra fields of JsonFormatter's line, written by the worker."""
    import json

    path = tmp_path / "json.log"
    handler = logging.FemtoFileHandler(str(path))
    handler.setFormatter(logging.JsonFormatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("contextvars.json")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    with bound_contextvars(request_id="r-7", user={"id": 3}):
        logger.info("served", extra={"status": 200})
    handler.close()
    assert json.loads(path.read_text()) == {
        "levelname": "INFO",
        "message": "served",
        "status": 200,
        "request_id": "r-7",
        "user": {"id": 3},
    }
