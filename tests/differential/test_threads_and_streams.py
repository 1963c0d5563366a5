"""Ordering with other output, durability of written records, threads and tasks."""

from ._harness import differential


@differential
def test_records_and_prints_interleave_in_call_order_on_stdout(logging):
    """Records written to sys.stdout interleave with print() output exactly in call order."""
    import sys

    logger = logging.getLogger("order")
    logger.addHandler(logging.StreamHandler(sys.stdout))
    print("before", end=" ")
    logger.warning("record one")
    print("between")
    sys.stdout.write("partial line ")
    logger.warning("record two")
    print("after")


@differential
def test_records_and_writes_interleave_in_call_order_on_stderr(logging):
    """Records written to sys.stderr interleave with direct writes to sys.stderr."""
    import sys

    logger = logging.getLogger("order.stderr")
    logger.addHandler(logging.StreamHandler())
    sys.stderr.write("direct one\n")
    logger.warning("record")
    sys.stderr.write("direct two\n")


@differential
def test_a_file_record_is_readable_as_soon_as_the_call_returns(logging):
    """After a FileHandler call returns, the record is already in the file."""
    handler = logging.FileHandler("durable.log")
    logger = logging.getLogger("durable")
    logger.addHandler(handler)
    for index in range(3):
        logger.warning("record %d", index)
        with open("durable.log") as reader:
            print(repr(reader.read()))


@differential
def test_a_stream_handler_writes_to_the_stream_it_was_given(logging):
    """A handler keeps writing to the stream object it was created with after sys.stdout changes."""
    import contextlib
    import io
    import sys

    before = logging.StreamHandler(sys.stdout)
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        during = logging.StreamHandler(sys.stdout)
        logger = logging.getLogger("redirect")
        logger.addHandler(before)
        logger.addHandler(during)
        logger.warning("inside the redirect")
    logger.warning("after the redirect")
    print(repr(captured.getvalue()))


@differential
def test_a_stream_with_only_write_is_accepted(logging):
    """Any object with a write method can be a handler's stream, even without flush."""

    class Collector:
        def __init__(self):
            self.parts = []

        def write(self, text):
            self.parts.append(text)

    collector = Collector()
    logger = logging.getLogger("duck")
    logger.addHandler(logging.StreamHandler(collector))
    logger.warning("duck typed")
    print(collector.parts)


@differential
def test_records_from_threads_carry_the_thread_name(logging):
    """Records logged from named threads report the thread's name, in join order."""
    import sys
    import threading

    logging.basicConfig(stream=sys.stdout, format="%(threadName)s %(message)s")

    def work(index):
        logging.warning("work item %d", index)

    for index in range(3):
        thread = threading.Thread(target=work, args=(index,), name=f"worker-{index}")
        thread.start()
        thread.join()
    logging.warning("main again")


@differential
def test_concurrent_threads_lose_no_records(logging):
    """Records from many threads logging at once all arrive, each line intact."""
    import os
    import threading

    handler = logging.FileHandler("threads.log")
    handler.setFormatter(logging.Formatter("%(threadName)s %(message)s"))
    logger = logging.getLogger("threads")
    logger.addHandler(handler)

    def work(index):
        for line in range(200):
            logger.warning("thread %d line %03d", index, line)

    threads = [threading.Thread(target=work, args=(n,), name=f"t{n}") for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    handler.close()
    with open("threads.log") as reader:
        lines = reader.read().splitlines()
    expected = [f"t{n} thread {n} line {line:03d}" for n in range(4) for line in range(200)]
    print(len(lines), sorted(lines) == sorted(expected))
    # The interleaving differs from run to run, so the file itself is not compared.
    os.remove("threads.log")


@differential(min_version=(3, 12))
def test_records_from_asyncio_tasks_carry_the_task_name(logging):
    """From Python 3.12, records logged inside an asyncio task carry its name as taskName."""
    import asyncio
    import sys

    logging.basicConfig(stream=sys.stdout, format="%(taskName)s %(message)s")

    async def job():
        logging.warning("inside a task")

    async def main():
        await asyncio.create_task(job(), name="job-1")
        logging.logAsyncioTasks = False
        await asyncio.create_task(job(), name="job-2")

    logging.warning("outside any task")
    asyncio.run(main())


@differential
def test_thread_names_follow_renames_subclasses_replacements_and_foreign_threads(logging):
    """threadName is current_thread().name at the call: after a rename, from a Thread
    subclass with its own name property, through a replaced current_thread, and from a
    thread started without threading (a dummy thread)."""
    import _thread
    import io
    import re
    import threading

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(threadName)s|%(message)s"))
    logger = logging.getLogger("thread.names")
    logger.addHandler(handler)
    main = threading.current_thread()
    logger.warning("main")
    main.name = "renamed-main"
    logger.warning("after a rename")
    main.name = "MainThread"

    class Labelled(threading.Thread):
        @property
        def name(self):
            return "label-" + self._name

        @name.setter
        def name(self, value):
            self._name = value

    worker = Labelled(target=lambda: logger.warning("in a subclass"), name="w")
    worker.start()
    worker.join()
    plain = threading.Thread(target=lambda: logger.warning("in a thread"), name="plain")
    plain.start()
    plain.join()

    done = threading.Event()

    def foreign():
        logger.warning("in a foreign thread")
        done.set()

    _thread.start_new_thread(foreign, ())
    done.wait(10)

    class Stand:
        name = "stand-in"

    original = threading.current_thread
    threading.current_thread = lambda: Stand()
    try:
        logger.warning("through a replaced current_thread")
    finally:
        threading.current_thread = original
    logger.warning("restored")
    print(re.sub(r"Dummy-\d+", "Dummy-N", stream.getvalue()))


@differential
def test_process_ids_follow_a_fork_and_a_replaced_getpid(logging):
    """process is os.getpid() at the call: the child's own after os.fork(), and what a
    replacement of os.getpid returns while it is in place."""
    import io
    import os

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(process)d|%(message)s"))
    logger = logging.getLogger("process.ids")
    logger.addHandler(handler)
    logger.warning("parent")
    print(stream.getvalue() == f"{os.getpid()}|parent\n")
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:
        stream.seek(0)
        stream.truncate()
        logger.warning("child")
        os.write(writer, str(stream.getvalue() == f"{os.getpid()}|child\n").encode())
        os._exit(0)
    os.close(writer)
    os.waitpid(child, 0)
    with os.fdopen(reader) as answer:
        print("child:", answer.read())
    stream.seek(0)
    stream.truncate()
    logger.warning("parent again")
    print(stream.getvalue() == f"{os.getpid()}|parent again\n")
    original = os.getpid
    os.getpid = lambda: 4242424242
    try:
        logger.warning("replaced")
    finally:
        os.getpid = original
    print(stream.getvalue().splitlines()[-1])
