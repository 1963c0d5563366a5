"""SIGTERM and SIGHUP end a process without `atexit`; femto handlers write
what they hold first, and the process still ends by the signal."""

import signal
import subprocess
import sys
import textwrap

import pytest

RECORDS = 100_000

# Logs RECORDS lines through a handler set up by SETUP (which binds
# `handler` and `logger`), then the signal comes while most are still queued:
# a formatter function on the worker makes the worker the slow side.
PROGRAM = """
import os, signal, sys, time
import femtologging as logging

path = sys.argv[1]
{setup}
for index in range({records}):
    logger.info("line %d", index)
{before_signal}
os.kill(os.getpid(), signal.{signal})
# The default action of these signals never returns here.
time.sleep(10)
print("still running", flush=True)
"""

SLOW_WORKER = """
handler = logging.FemtoFileHandler(
    path, capacity=1_000_000, policy="block",
    formatter=lambda record: record["message"],
)
logger = logging.getLogger("app")
logger.propagate = False
logger.addHandler(handler)
logger.setLevel(logging.INFO)
"""

BACKGROUND = """
logging.basicConfig(filename=path, level=logging.INFO, format="%(message)s", background=True)
logger = logging.getLogger("app")
"""


def run(
    tmp_path, setup, signal_name="SIGTERM", before_signal="", records=RECORDS, end_at_once=False
):
    path = tmp_path / "app.log"
    program = PROGRAM
    if end_at_once:
        program = program[: program.index("# The default action")]
    source = program.format(
        setup=textwrap.dedent(setup),
        records=records,
        before_signal=textwrap.dedent(before_signal),
        signal=signal_name,
    )
    completed = subprocess.run(
        [sys.executable, "-c", source, str(path)], capture_output=True, timeout=120
    )
    lines = path.read_text().splitlines() if path.exists() else []
    return completed, lines


def expected_lines(records=RECORDS):
    return [f"line {index}" for index in range(records)]


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGHUP"])
def test_every_queued_record_is_written_before_the_signal_ends_the_process(tmp_path, signal_name):
    """What a femto handler still held is in the file, and the signal ended the process."""
    completed, lines = run(tmp_path, SLOW_WORKER, signal_name)
    assert completed.returncode == -getattr(signal, signal_name), completed.stderr
    assert lines == expected_lines()
    assert b"still running" not in completed.stdout


def test_a_program_that_ends_while_the_signal_drains_loses_nothing(tmp_path):
    """When the program ends during the drain, its exit hooks wait for the same workers."""
    completed, lines = run(
        tmp_path, SLOW_WORKER, before_signal="", records=RECORDS, end_at_once=True
    )
    # Ended by the signal, or by the program itself if its exit came first.
    assert completed.returncode in (-signal.SIGTERM, 0), completed.stderr
    assert b"rejected" not in completed.stderr
    assert lines == expected_lines()


def test_a_background_basic_config_loses_nothing_to_sigterm(tmp_path):
    """basicConfig(background=True) writes every record before SIGTERM ends the process."""
    completed, lines = run(tmp_path, BACKGROUND)
    assert completed.returncode == -signal.SIGTERM, completed.stderr
    assert lines == expected_lines()


def test_the_application_sees_the_default_disposition(tmp_path):
    """signal.getsignal still reports SIG_DFL once a femto handler is running."""
    completed, lines = run(
        tmp_path,
        SLOW_WORKER,
        before_signal="""
        print(signal.getsignal(signal.SIGTERM) is signal.SIG_DFL, flush=True)
        print(signal.getsignal(signal.SIGHUP) is signal.SIG_DFL, flush=True)
        """,
        records=10,
    )
    assert completed.stdout.split() == [b"True", b"True"]
    assert completed.returncode == -signal.SIGTERM
    assert lines == expected_lines(10)


def test_an_application_handler_installed_before_is_left_alone(tmp_path):
    """A SIGTERM handler set before the first femto handler still runs."""
    setup = (
        textwrap.dedent(
            """
            def on_term(number, frame):
                print("application handler", flush=True)
                sys.exit(3)
            signal.signal(signal.SIGTERM, on_term)
            """
        )
        + SLOW_WORKER
    )
    completed, lines = run(tmp_path, setup)
    assert completed.stdout.splitlines() == [b"application handler"]
    assert completed.returncode == 3
    # sys.exit runs the exit hooks, which write the rest.
    assert lines == expected_lines()


def test_an_application_handler_installed_after_replaces_the_drain(tmp_path):
    """A SIGTERM handler set after the femto handler started is the one that runs."""
    setup = SLOW_WORKER + textwrap.dedent(
        """
        def on_term(number, frame):
            print("application handler", flush=True)
            os._exit(4)
        signal.signal(signal.SIGTERM, on_term)
        """
    )
    completed, _ = run(tmp_path, setup, records=10)
    assert completed.stdout.splitlines() == [b"application handler"]
    assert completed.returncode == 4


def test_an_ignored_sighup_stays_ignored(tmp_path):
    """A process started with SIGHUP ignored (nohup) is not ended by SIGHUP."""
    setup = "signal.signal(signal.SIGHUP, signal.SIG_IGN)\n" + SLOW_WORKER
    completed, lines = run(
        tmp_path,
        setup,
        "SIGHUP",
        before_signal="signal.signal(signal.SIGALRM, lambda *a: sys.exit(0)); signal.alarm(1)",
        records=10,
    )
    assert completed.returncode == 0, completed.stderr
    assert lines == expected_lines(10)


def test_a_forked_child_drains_its_own_handlers_on_sigterm(tmp_path):
    """A child forked after the handler started writes its records before SIGTERM ends it."""
    child_path = tmp_path / "child.log"
    completed, lines = run(
        tmp_path,
        SLOW_WORKER,
        before_signal=f"""
        logger.info("parent done")
        pid = os.fork()
        if pid == 0:
            child = logging.FemtoFileHandler(
                {str(child_path)!r}, capacity=1_000_000, policy="block",
                formatter=lambda record: record["message"],
            )
            logger.removeHandler(handler)
            logger.addHandler(child)
            for index in range({RECORDS}):
                logger.info("child %d", index)
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(10)
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        print("child", os.WTERMSIG(status) if os.WIFSIGNALED(status) else "exit", flush=True)
        """,
    )
    assert completed.stdout.splitlines() == [f"child {int(signal.SIGTERM)}".encode()]
    assert completed.returncode == -signal.SIGTERM
    assert lines == expected_lines() + ["parent done"]
    assert child_path.read_text().splitlines() == [f"child {index}" for index in range(RECORDS)]
