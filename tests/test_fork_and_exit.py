"""Femto handlers across fork, multiprocessing, garbage collection and the
very end of a program: every record is written or counted, and nothing
waits on a thread that is not there."""

import subprocess
import sys
import textwrap

import pytest


def run(source, *arguments, timeout=60):
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(source), *map(str, arguments)],
        capture_output=True,
        timeout=timeout,
    )
    return completed


def test_one_handler_that_cannot_reopen_after_fork_does_not_stop_the_others(tmp_path):
    """After fork, only the handler whose directory is gone fails, and it counts its losses."""
    completed = run(
        """
        import os, shutil, sys, time
        import femtologging as logging

        folder = sys.argv[1]
        os.mkdir(os.path.join(folder, "gone"))
        paths = [os.path.join(folder, "gone", "first.log")]
        paths += [os.path.join(folder, f"handler{index}.log") for index in range(5)]
        handlers = [logging.FemtoFileHandler(path, capacity=16, policy="block") for path in paths]
        logger = logging.getLogger("app")
        for handler in handlers:
            logger.addHandler(handler)
        logger.warning("before fork")
        for handler in handlers:
            handler.flush()
        shutil.rmtree(os.path.join(folder, "gone"))
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            # More records than the queue holds: a handler left on its
            # parent's worker would block here for ever.
            for index in range(100):
                logger.warning("child %d", index)
            for handler in handlers[1:]:
                assert handler.flush(), handler
            handlers[0].flush()
            stats = handlers[0].stats()
            print("failed", stats["failed"], "written", stats["written"], flush=True)
            # Under the close-on-drop stall of 5 s, or well under it.
            print("stalled", time.monotonic() - started > 4, flush=True)
            sys.exit(0)
        _, status = os.waitpid(pid, 0)
        print("child exit", os.waitstatus_to_exitcode(status), flush=True)
        """,
        tmp_path,
        timeout=30,
    )
    stdout = completed.stdout.decode().splitlines()
    assert stdout == ["failed 100 written 0", "stalled False", "child exit 0"], completed.stderr
    assert b"cannot reopen after fork" in completed.stderr
    assert b"Invalid argument" not in completed.stderr
    expected = ["app [WARNING] before fork"] + [f"app [WARNING] child {i}" for i in range(100)]
    for index in range(5):
        lines = (tmp_path / f"handler{index}.log").read_text().splitlines()
        assert lines == expected


@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
def test_a_multiprocessing_child_that_imports_femtologging_itself_writes_everything(
    tmp_path, method
):
    """A child that imports femtologging in its target writes every record before it ends."""
    (tmp_path / "child_task.py").write_text(
        textwrap.dedent(
            """
            def work(path, number):
                import femtologging as logging

                handler = logging.FemtoFileHandler(
                    path, capacity=1_000_000, policy="block",
                    formatter=lambda record: record["message"],
                )
                logger = logging.getLogger(f"child{number}")
                logger.addHandler(handler)
                for index in range(20_000):
                    logger.warning("line %d", index)
            """
        )
    )
    completed = run(
        """
        import multiprocessing, os, sys

        sys.path.insert(0, sys.argv[1])
        import child_task

        if __name__ == "__main__":
            context = multiprocessing.get_context(sys.argv[2])
            processes = [
                context.Process(
                    target=child_task.work,
                    args=(os.path.join(sys.argv[1], f"child{number}.log"), number),
                )
                for number in range(2)
            ]
            for process in processes:
                process.start()
            for process in processes:
                process.join()
            print([process.exitcode for process in processes])
        """,
        tmp_path,
        method,
    )
    assert completed.stdout == b"[0, 0]\n", completed.stderr
    expected = [f"line {index}" for index in range(20_000)]
    for number in range(2):
        assert (tmp_path / f"child{number}.log").read_text().splitlines() == expected


@pytest.mark.parametrize("kind", ["formatter function", "handler object"])
def test_a_handler_dropped_without_close_writes_its_queue_without_freezing(tmp_path, kind):
    """Dropping a femto handler whose worker needs the interpreter writes its queue at once."""
    completed = run(
        """
        import gc, sys, time
        import femtologging as logging

        path, kind = sys.argv[1], sys.argv[2]
        logger = logging.getLogger("app")
        logger.propagate = False
        if kind == "formatter function":
            handler = logging.FemtoFileHandler(
                path, capacity=100_000, policy="block",
                formatter=lambda record: record["message"],
            )
            logger.addHandler(handler)
        else:
            class Writer:
                def __init__(self, path):
                    self.file = open(path, "w")
                def handle(self, logger, level, message):
                    self.file.write(message + "\\n")
                    self.file.flush()
            writer = Writer(path)
            logger.add_handler(writer)
            handler = logger.handlers[-1]
            logger.__dict__["_femto_wrappers"].clear()
        # Fewer than the queue of an object's handler holds.
        for index in range(1000):
            logger.warning("line %d", index)
        logger.removeHandler(handler)
        started = time.monotonic()
        del handler
        gc.collect()
        elapsed = time.monotonic() - started
        # Read while this thread still holds the interpreter: the worker
        # cannot have written anything since.
        with open(path) as file:
            print(len(file.read().splitlines()), flush=True)
        # The close gave up after 5 s when it waited holding the interpreter.
        print("stalled", elapsed > 4, flush=True)
        """,
        tmp_path / "app.log",
        kind,
    )
    assert completed.stdout.decode().split("\n")[:2] == ["1000", "stalled False"], completed.stderr


LATE = """
import atexit, sys

def late():
    logger.warning("from an atexit hook that ran after femtologging's")

atexit.register(late)
import femtologging as logging

logger = logging.getLogger("app")
logger.propagate = False
handler = logging.{handler}
logger.addHandler(handler)
logger.warning("during the program")
{after}
"""


@pytest.mark.parametrize(
    "handler",
    [
        "FemtoFileHandler(sys.argv[1])",
        "FemtoRotatingFileHandler(sys.argv[1], logging.HandlerOptions(rotation=(1000, 2)))",
        "FemtoFileHandler(sys.argv[1], formatter=lambda r: 'app [%(levelname)s] %(message)s' % r)",
    ],
)
def test_records_after_the_exit_hooks_and_after_shutdown_are_written(tmp_path, handler):
    """Records logged after shutdown() or from a late exit hook reach the file."""
    path = tmp_path / "app.log"
    completed = run(
        LATE.format(
            handler=handler,
            after='logging.shutdown()\nlogger.warning("after shutdown")',
        ),
        path,
    )
    assert completed.returncode == 0
    assert completed.stderr == b""
    assert path.read_text().splitlines() == [
        "app [WARNING] during the program",
        "app [WARNING] after shutdown",
        "app [WARNING] from an atexit hook that ran after femtologging's",
    ]


def test_a_python_handler_object_gets_records_after_shutdown(tmp_path):
    """An object given to add_handler is still called, on the caller's thread, after shutdown."""
    completed = run(
        """
        import threading
        import femtologging as logging

        class Collector:
            def handle(self, logger, level, message):
                on_caller = threading.current_thread() is threading.main_thread()
                print(logger, level, message, on_caller, flush=True)

        logger = logging.getLogger("app")
        logger.add_handler(Collector())
        logger.warning("before")
        logging.shutdown()
        logger.warning("after")
        """
    )
    assert completed.stdout.decode().splitlines() == [
        "app WARNING before False",
        "app WARNING after True",
    ], completed.stderr


@pytest.mark.parametrize("module", ["logging", "femtologging"])
def test_a_record_logged_from_del_late_in_shutdown_reaches_the_file(tmp_path, module):
    """A FileHandler closed at exit reopens its file for a record from __del__ at shutdown."""
    (tmp_path / "holder.py").write_text("held = None\n")
    completed = run(
        f"""
        import sys
        sys.path.insert(0, sys.argv[1])
        # Imported before {module}: emptied after it, late in shutdown,
        # when builtins and sys.modules are gone.
        import holder
        import {module} as logging

        class LogsWhenCollected:
            def __init__(self, logger):
                self.logger = logger

            def __del__(self):
                self.logger.warning("from __del__ at shutdown")

        logging.basicConfig(filename=sys.argv[1] + "/late.log", format="%(message)s")
        holder.held = LogsWhenCollected(logging.getLogger("late"))
        logging.getLogger("late").warning("during the program")
        """,
        tmp_path,
    )
    assert completed.stderr == b""
    lines = (tmp_path / "late.log").read_text().splitlines()
    assert lines == ["during the program", "from __del__ at shutdown"]
