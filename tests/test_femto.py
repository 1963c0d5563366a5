"""The femto face: handlers that write on a worker thread, and lose nothing silently."""

import os
import re
import subprocess
import sys
import textwrap
import threading
import time

import femtologging as logging
import pytest

LINE = re.compile(r"^femto\.\w+ \[(INFO|WARNING|ERROR)\] worker (\d) record (\d+)$")


def fresh_logger(name):
    logger = logging.get_logger(f"femto.{name}")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    return logger


def run_python(source, tmp_path, timeout=60):
    """Runs a program in a fresh interpreter; returns the completed process."""
    program = tmp_path / "program.py"
    program.write_text(textwrap.dedent(source))
    return subprocess.run(
        [sys.executable, str(program)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class Gate:
    """A Python handler object that blocks in `handle` until opened."""

    def __init__(self):
        self.opened = threading.Event()
        self.entered = threading.Event()
        self.records = []

    def handle(self, logger, level, message):
        self.entered.set()
        self.opened.wait(10)
        self.records.append((logger, level, message))


def test_block_policy_writes_exactly_every_line_from_four_threads(tmp_path):
    path = tmp_path / "block.log"
    handler = logging.FemtoFileHandler(path, capacity=64, policy="block")
    logger = fresh_logger("block")
    logger.add_handler(handler)

    def work(worker):
        for sequence in range(5000):
            logger.info("worker %d record %d", worker, sequence)

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    handler.close()
    lines = path.read_text().splitlines()
    assert len(lines) == 20000
    seen = {worker: [] for worker in range(4)}
    for line in lines:
        match = LINE.match(line)
        assert match, f"interleaved or damaged line: {line!r}"
        seen[int(match.group(2))].append(int(match.group(3)))
    for worker in range(4):
        assert seen[worker] == list(range(5000))
    stats = handler.stats()
    assert (stats["accepted"], stats["written"], stats["dropped"]) == (20000, 20000, 0)


def test_the_line_is_written_by_the_worker_and_flush_waits_for_it(tmp_path):
    path = tmp_path / "flush.log"
    handler = logging.FemtoFileHandler(str(path))
    logger = fresh_logger("flush")
    logger.add_handler(handler)
    logger.warning("worker %d record %d", 1, 2)
    assert handler.flush() is True
    assert path.read_text() == "femto.flush [WARNING] worker 1 record 2\n"
    handler.close()


def test_drop_policy_counts_drops_through_a_logger_and_raises_on_direct_handle():
    gate = Gate()
    logger = fresh_logger("drop")
    logger.add_handler(gate)
    kind = type(logger.handlers[-1])
    logger.remove_handler(gate)
    wrapper = kind(gate, capacity=4)
    logger.addHandler(wrapper)
    try:
        sent = 50
        logger.info("worker %d record %d", 0, 0)
        # Once the worker is stuck on the first record, the queue can only
        # fill up; else a worker scheduled late could empty it after the loop.
        assert gate.entered.wait(10)
        for number in range(1, sent):
            logger.info("worker %d record %d", 0, number)  # never raises
        stats = wrapper.stats()
        assert stats["dropped"] > 0
        assert stats["accepted"] + stats["dropped"] == sent
        record = logging.makeLogRecord({"name": "femto.drop", "msg": "direct", "levelno": 20})
        with pytest.raises(RuntimeError, match="full"):
            wrapper.handle(record)
    finally:
        gate.opened.set()
        assert wrapper.flush()
        logger.removeHandler(wrapper)
    stats = wrapper.stats()
    assert len(gate.records) == stats["accepted"] == stats["written"]


def test_timeout_policy_waits_then_drops():
    gate = Gate()
    logger = fresh_logger("timeout")
    logger.add_handler(gate)
    # The same kind of worker as add_handler makes, with a timeout policy.
    wrapper = logger.handlers[-1]
    logger.remove_handler(gate)
    handler = type(wrapper)(gate, capacity=1, policy="timeout:50")
    logger.addHandler(handler)
    started = time.monotonic()
    for number in range(5):
        logger.info("worker %d record %d", 0, number)
    elapsed = time.monotonic() - started
    stats = handler.stats()
    assert stats["dropped"] >= 1
    assert stats["accepted"] + stats["dropped"] == 5
    # Each drop waited the whole timeout first.
    assert elapsed >= 0.05 * stats["dropped"]
    gate.opened.set()
    assert handler.flush()
    logger.removeHandler(handler)
    handler.close()


def test_flush_times_out_on_a_stuck_worker_and_returns_false():
    gate = Gate()
    logger = fresh_logger("stuck")
    logger.add_handler(gate)
    wrapper = logger.handlers[-1]
    logger.info("worker %d record %d", 0, 0)
    started = time.monotonic()
    assert wrapper.flush() is False
    assert 0.9 <= time.monotonic() - started < 5
    gate.opened.set()
    assert wrapper.flush() is True
    logger.remove_handler(gate)


def test_python_handler_errors_are_printed_counted_and_the_program_goes_on(capfd):
    class Failing:
        def __init__(self):
            self.calls = 0

        def handle(self, logger, level, message):
            self.calls += 1
            if message == "bad":
                raise ValueError("handler exploded")

    failing = Failing()
    logger = fresh_logger("failing")
    logger.add_handler(failing)
    wrapper = logger.handlers[-1]
    logger.info("bad")
    logger.info("good")
    assert wrapper.flush()
    assert failing.calls == 2
    assert wrapper.stats()["handler_errors"] == 1
    assert "ValueError: handler exploded" in capfd.readouterr().err
    logger.remove_handler(failing)


def test_a_python_handler_may_log_from_inside_handle():
    class Echo:
        def __init__(self, logger):
            self.logger = logger
            self.seen = []

        def handle(self, logger, level, message):
            self.seen.append(message)
            if not message.startswith("echo"):
                self.logger.info("echo of %s", message)

    logger = fresh_logger("echo")
    echo = Echo(logger)
    logger.add_handler(echo)
    wrapper = logger.handlers[-1]
    logger.info("first")
    deadline = time.monotonic() + 5
    while len(echo.seen) < 2 and time.monotonic() < deadline:
        wrapper.flush()
    assert echo.seen == ["first", "echo of first"]
    logger.remove_handler(echo)


def test_a_record_after_close_is_written_at_once_as_a_standard_file_handler_would(tmp_path):
    """After close() the handler writes on the caller's thread, reopening its file."""
    path = tmp_path / "closed.log"
    handler = logging.FemtoFileHandler(path, mode="w")
    logger = fresh_logger("closed")
    logger.add_handler(handler)
    logger.info("worker %d record %d", 0, 0)
    handler.close()
    handler.close()
    logger.info("worker %d record %d", 0, 1)
    record = logging.makeLogRecord(
        {"name": "femto.closed", "msg": "direct", "levelno": 20, "levelname": "INFO"}
    )
    handler.handle(record)
    # Written when the calls returned; mode "w" does not truncate again.
    assert path.read_text().splitlines() == [
        "femto.closed [INFO] worker 0 record 0",
        "femto.closed [INFO] worker 0 record 1",
        "femto.closed [INFO] direct",
    ]
    stats = handler.stats()
    assert (stats["accepted"], stats["written"], stats["dropped"]) == (3, 3, 0)
    assert handler.flush() is True


def test_bad_settings_are_refused_with_a_clear_message(tmp_path):
    with pytest.raises(ValueError, match="invalid overflow policy"):
        logging.FemtoFileHandler(tmp_path / "x.log", policy="sometimes")
    with pytest.raises(ValueError, match="positive"):
        logging.FemtoFileHandler(tmp_path / "x.log", policy="timeout:0")
    with pytest.raises(ValueError, match="capacity"):
        logging.FemtoFileHandler(tmp_path / "x.log", capacity=0)
    with pytest.raises(ValueError, match="unknown formatter identifier 'fancy'"):
        logging.StreamHandlerBuilder().with_formatter("fancy")
    with pytest.raises(OSError):
        logging.FemtoFileHandler(tmp_path / "missing-dir" / "x.log")


def test_builders_and_a_callable_formatter(tmp_path):
    path = tmp_path / "built.log"
    handler = (
        logging.FileHandlerBuilder(str(path))
        .with_capacity(8)
        .with_flush_interval(3)
        .with_overflow_policy(logging.OverflowPolicy.block())
        .with_formatter(lambda record: f"{record['levelname']}|{record['message']}")
        .build()
    )
    assert (handler.capacity, handler.flush_interval, handler.policy) == (8, 3, "block")
    logger = fresh_logger("built")
    logger.add_handler(handler)
    for number in range(7):
        logger.error("n=%d", number)
    assert handler.flush()
    assert path.read_text().splitlines() == [f"ERROR|n={number}" for number in range(7)]
    handler.close()


def test_log_takes_registered_level_names_and_refuses_other_strings(tmp_path):
    path = tmp_path / "levels.log"
    handler = logging.FemtoFileHandler(path)
    logger = fresh_logger("levels")
    logger.add_handler(handler)
    logging.addLevelName(25, "NOTICE")
    logger.log("WARN", "by WARN")
    logger.log("NOTICE", "by a custom name")
    logger.log(40, "by number")
    with pytest.raises(TypeError, match="level must be an integer"):
        logger.log("10", "a number in a string")
    handler.close()
    assert path.read_text().splitlines() == [
        "femto.levels [WARNING] by WARN",
        "femto.levels [NOTICE] by a custom name",
        "femto.levels [ERROR] by number",
    ]


def test_exit_writes_everything_still_queued(tmp_path):
    result = run_python(
        """
        import femtologging as logging
        handler = logging.FemtoFileHandler("exit.log", policy="block")
        logger = logging.get_logger("exit")
        logger.add_handler(handler)
        for number in range(20000):
            logger.warning("record %d", number)
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "exit.log").read_text().splitlines()
    assert lines == [f"exit [WARNING] record {number}" for number in range(20000)]


def test_exit_writes_everything_a_formatter_function_still_has_to_format(tmp_path):
    result = run_python(
        """
        import femtologging as logging
        handler = (
            logging.FileHandlerBuilder("exit.log")
            .with_overflow_policy("block")
            .with_formatter(lambda record: record["levelname"] + ":" + record["message"])
            .build()
        )
        logger = logging.get_logger("exit")
        logger.add_handler(handler)
        for number in range(5000):
            logger.warning("record %d", number)
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "exit.log").read_text().splitlines()
    assert lines == [f"WARNING:record {number}" for number in range(5000)]


def test_exit_does_not_hang_on_a_stuck_python_handler(tmp_path):
    result = run_python(
        """
        import threading
        import femtologging as logging

        class Stuck:
            def handle(self, logger, level, message):
                threading.Event().wait()

        logger = logging.get_logger("stuck")
        logger.add_handler(Stuck())
        logger.warning("never finishes")
        print("main done")
        """,
        tmp_path,
        timeout=30,
    )
    assert "main done" in result.stdout


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_after_fork_the_child_logs_and_nothing_is_written_twice(tmp_path):
    result = run_python(
        """
        import os
        import femtologging as logging
        handler = logging.FemtoFileHandler("fork.log", policy="block")
        logger = logging.get_logger("fork")
        logger.add_handler(handler)
        for number in range(1000):
            logger.warning("parent before %d", number)
        pid = os.fork()
        if pid == 0:
            for number in range(500):
                logger.warning("child %d", number)
            handler.close()
            os._exit(0)
        os.waitpid(pid, 0)
        for number in range(200):
            logger.warning("parent after %d", number)
        handler.close()
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "fork.log").read_text().splitlines()
    assert len(lines) == 1700
    assert len(set(lines)) == 1700
    assert sum(line.startswith("fork [WARNING] child") for line in lines) == 500


def test_a_full_disk_is_counted_and_writing_recovers(tmp_path):
    result = run_python(
        """
        import resource, signal
        import femtologging as logging
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        handler = logging.FemtoFileHandler("full.log", policy="block")
        logger = logging.get_logger("full")
        logger.add_handler(handler)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, hard))
        for number in range(200):
            logger.warning("before %04d", number)
            handler.flush()
        stats = handler.stats()
        print("errors", stats["write_errors"], "failed", stats["failed"])
        resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
        open("full.log", "w").close()
        for number in range(10):
            logger.warning("after %d", number)
        print("flushed", handler.flush())
        handler.close()
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    errors, failed = re.search(r"errors (\d+) failed (\d+)", result.stdout).groups()
    assert int(errors) > 0 and int(failed) > 0
    assert "flushed True" in result.stdout
    assert "write failed" in result.stderr
    lines = (tmp_path / "full.log").read_text().splitlines()
    assert lines[-10:] == [f"full [WARNING] after {number}" for number in range(10)]


def test_the_file_deleted_under_the_handler_does_not_stop_it(tmp_path):
    path = tmp_path / "deleted.log"
    handler = logging.FemtoFileHandler(path)
    logger = fresh_logger("deleted")
    logger.add_handler(handler)
    logger.info("worker %d record %d", 0, 0)
    assert handler.flush()
    os.unlink(path)
    for number in range(100):
        logger.info("worker %d record %d", 0, number)
    assert handler.flush() is True
    assert handler.stats()["write_errors"] == 0
    handler.close()


# Every line is 44 bytes; the file-size limit (a full disk) cuts the 23rd.
# The rotating file rolls over once space returns, after the cut line's rest.
CUT_BY_A_FULL_DISK = """
import json, os, resource
import femtologging as logging
KIND = {kind!r}
soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
if KIND == "file":
    handler = logging.FemtoFileHandler("full.log", policy="block")
elif KIND == "rotating":
    options = logging.HandlerOptions(policy="block", rotation=(2_000, 2))
    handler = logging.FemtoRotatingFileHandler("full.log", options)
handler.setFormatter(logging.Formatter("%(message)s"))
logger = logging.get_logger("cut")
logger.add_handler(handler)
logger.warning("line 000 %s", "x" * 34)
report = {{"first": handler.flush()}}
resource.setrlimit(resource.RLIMIT_FSIZE, (1000, hard))
for number in range(1, 60):
    logger.warning("line %03d %s", number, "x" * 34)
report["full"] = handler.flush()
report["full stats"] = handler.stats()
with open("full.log", "rb") as file:
    report["full file"] = file.read().decode()
report["still full"] = handler.flush()
resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
for number in range(60, 100):
    logger.warning("line %03d %s", number, "y" * 34)
report["after"] = handler.flush()
report["after stats"] = handler.stats()
handler.close()
print(json.dumps(report))
"""


@pytest.mark.parametrize("kind", ["file", "rotating"])
def test_a_full_disk_cuts_no_line_and_the_counts_match_the_file(tmp_path, kind):
    """A write the full disk stops mid-line keeps the rest of that line and
    writes it first once there is room, so no line is glued to a cut one;
    whole lines count as written, the lines after the cut one as failed, and
    a flush after a loss says so."""
    result = run_python(CUT_BY_A_FULL_DISK.format(kind=kind), tmp_path)
    assert result.returncode == 0, result.stderr
    report = __import__("json").loads(result.stdout)
    assert report["first"] is True
    assert report["full"] is False and report["still full"] is False
    full = report["full stats"]
    whole = report["full file"].count("\n")
    assert report["full file"][-1] != "\n", "the limit should cut a line"
    assert full["written"] == whole == 22, full
    # The cut line is neither written nor lost yet.
    assert full["failed"] == 60 - whole - 1, full
    assert report["after"] is True
    after = report["after stats"]
    assert (after["written"], after["failed"]) == (whole + 41, full["failed"]), after
    names = sorted(os.listdir(tmp_path), reverse=True)
    names = [name for name in names if name.startswith("full.log")]
    assert names == (["full.log"] if kind == "file" else ["full.log.1", "full.log"])
    if kind == "rotating":
        assert all((tmp_path / name).stat().st_size <= 2_000 for name in names)
    lines = [line for name in names for line in (tmp_path / name).read_text().splitlines()]
    before = [f"line {number:03d} {'x' * 34}" for number in range(whole + 1)]
    assert lines == before + [f"line {number:03d} {'y' * 34}" for number in range(60, 100)]
