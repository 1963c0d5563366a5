"""Values bound through structlog.contextvars reach femtologging.structured events."""

import asyncio
import io
import json
import re
import sys
import threading

import pytest
import structlog
import structlog.contextvars as structlog_contextvars
from femtologging import contextvars as femto_contextvars
from femtologging import structured

_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z")


@pytest.fixture(autouse=True)
def fresh_contexts():
    structlog_contextvars.clear_contextvars()
    femto_contextvars.clear_contextvars()
    yield
    structlog_contextvars.clear_contextvars()
    femto_contextvars.clear_contextvars()
    saved, sys.stdout = sys.stdout, sys.__stdout__
    try:
        structured.configure()
    finally:
        sys.stdout = saved
    structlog.reset_defaults()


def our_lines(log_events, fmt="json"):
    stream = io.StringIO()
    saved, sys.stdout = sys.stdout, stream
    try:
        structured.configure(fmt=fmt)
        log_events(structured.get_logger)
        assert structured._flush()
    finally:
        sys.stdout = saved
    return _TIMESTAMP.sub("T", stream.getvalue())


def structlog_lines(log_events, fmt="json"):
    """Stock structlog's lines for the same calls, merging its own context."""
    output = io.StringIO()
    renderer = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog_contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(20),
        logger_factory=structlog.PrintLoggerFactory(output),
    )
    log_events(structlog.get_logger)
    structlog.reset_defaults()
    return _TIMESTAMP.sub("T", output.getvalue())


def bound_through_structlog(get_logger):
    structlog_contextvars.bind_contextvars(zone="eu", request_id="r-1", attempt=2, user="ann")
    get_logger().info("served", status=200)
    get_logger().info("own key wins", user="own")
    structlog_contextvars.unbind_contextvars("zone")
    get_logger().info("unbound one")
    structlog_contextvars.clear_contextvars()
    get_logger().info("cleared")


@pytest.mark.parametrize("fmt", ["json", "pretty"])
def test_values_bound_through_structlog_join_events_as_its_merge_contextvars_adds_them(fmt):
    """The same bytes as structlog's own chain: its keys in its order, after the call's."""
    ours = our_lines(bound_through_structlog, fmt)
    assert ours == structlog_lines(bound_through_structlog, fmt)
    assert "r-1" in ours


def test_a_key_bound_in_both_stores_takes_femtologgings_value():
    """femtologging.contextvars is merged first; structlog's value does not replace it."""

    def events(get_logger):
        femto_contextvars.bind_contextvars(request_id="femto")
        structlog_contextvars.bind_contextvars(request_id="structlog", tenant="t-1")
        get_logger().info("both")

    [line] = our_lines(events).splitlines()
    assert json.loads(line) == {
        "request_id": "femto",
        "event": "both",
        "tenant": "t-1",
        "level": "info",
        "timestamp": "T",
    }


def test_each_thread_sees_what_it_bound_through_structlog():
    """A thread's events carry its own structlog bindings and no other thread's."""
    started = threading.Barrier(4)

    def events(get_logger):
        def work(index):
            structlog_contextvars.bind_contextvars(worker=index)
            started.wait()
            get_logger().info("working")

        threads = [threading.Thread(target=work, args=(index,)) for index in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        get_logger().info("main")

    lines = [json.loads(line) for line in our_lines(events).splitlines()]
    assert sorted(line.get("worker", -1) for line in lines) == [-1, 0, 1, 2, 3]
    assert [line for line in lines if line["event"] == "main"][0].keys() == {
        "event",
        "level",
        "timestamp",
    }


def test_each_asyncio_task_sees_its_own_structlog_bindings_and_what_it_inherited():
    """A task starts with its creator's bindings; what it binds stays in the task."""

    def events(get_logger):
        async def handle(request_id):
            structlog_contextvars.bind_contextvars(request_id=request_id)
            await asyncio.sleep(0)
            await get_logger().ainfo("handled")

        async def main():
            structlog_contextvars.bind_contextvars(service="catalog")
            await asyncio.gather(handle("r-1"), handle("r-2"))
            await get_logger().ainfo("done")

        asyncio.run(main())

    lines = [json.loads(line) for line in our_lines(events).splitlines()]
    handled = sorted(
        (line["request_id"], line["service"]) for line in lines if line["event"] == "handled"
    )
    assert handled == [("r-1", "catalog"), ("r-2", "catalog")]
    [done] = [line for line in lines if line["event"] == "done"]
    assert "request_id" not in done
    assert done["service"] == "catalog"
