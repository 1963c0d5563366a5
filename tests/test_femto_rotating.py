"""Rotating femto handlers: rollover on the worker, by size and by time,
compressed, shared by several processes, and never at the cost of a line."""

import datetime
import gzip
import os
import subprocess
import sys
import textwrap
import time

import femtologging as logging
import pytest


def fresh_logger(name, handler):
    logger = logging.get_logger(f"femto.rotating.{name}")
    for old in list(logger.handlers):
        logger.removeHandler(old)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logger.addHandler(handler)
    return logger


def read_lines(directory, prefix="app.log"):
    """Every line of every file of the set, oldest file first."""

    def age(name):
        suffix = name[len(prefix) :].removesuffix(".gz").lstrip(".")
        return -int(suffix) if suffix.isdigit() else (0 if not suffix else 1)

    names = sorted((n for n in os.listdir(directory) if n.startswith(prefix)), key=age)
    lines = []
    for name in names:
        if name.endswith(".lock"):
            continue
        opener = gzip.open if name.endswith(".gz") else open
        with opener(os.path.join(directory, name), "rb") as file:
            lines.extend(file.read().decode().splitlines())
    return names, lines


def test_size_rotation_keeps_exactly_the_newest_lines_in_files_under_the_limit(tmp_path):
    path = tmp_path / "app.log"
    options = logging.HandlerOptions(policy="block", rotation=(2_000, 4))
    handler = logging.FemtoRotatingFileHandler(
        path, options, formatter=logging.Formatter("%(message)s")
    )
    logger = fresh_logger("size", handler)
    for number in range(1_000):
        logger.info("line %04d ünïcödé", number)
    assert handler.flush()
    handler.close()
    names, lines = read_lines(tmp_path)
    assert names == ["app.log.4", "app.log.3", "app.log.2", "app.log.1", "app.log"]
    for name in names:
        size = os.path.getsize(tmp_path / name)
        assert 0 < size <= 2_000, (name, size)
    # Every line is 22 bytes of UTF-8 (18 characters): 90 fit in 2,000 bytes.
    assert len("line 0000 ünïcödé\n".encode()) == 22
    assert lines == [f"line {n:04d} ünïcödé" for n in range(1_000 - len(lines), 1_000)]
    assert len(lines) == 90 * 4 + 1_000 % 90
    assert handler.stats()["rotation_errors"] == 0


def test_the_builder_makes_the_same_handler(tmp_path):
    handler = (
        logging.RotatingFileHandlerBuilder(tmp_path / "app.log")
        .with_max_bytes(500)
        .with_backup_count(2)
        .with_overflow_policy(logging.OverflowPolicy.block())
        .with_formatter(lambda record: record["message"])
        .build()
    )
    assert isinstance(handler, logging.FemtoRotatingFileHandler)
    assert handler.options.rotation == (500, 2)
    logger = fresh_logger("builder", handler)
    for number in range(100):
        logger.info("record %03d", number)
    handler.close()
    names, lines = read_lines(tmp_path)
    assert names == ["app.log.2", "app.log.1", "app.log"]
    assert lines == [f"record {n:03d}" for n in range(100 - len(lines), 100)]


def test_rotation_zero_zero_never_rotates(tmp_path):
    handler = logging.FemtoRotatingFileHandler(
        tmp_path / "app.log", logging.HandlerOptions(policy="block")
    )
    logger = fresh_logger("off", handler)
    for number in range(500):
        logger.info("record %d", number)
    handler.close()
    assert os.listdir(tmp_path) == ["app.log"]
    assert len((tmp_path / "app.log").read_text().splitlines()) == 500


@pytest.mark.parametrize(
    "arguments, error, text",
    [
        ({"rotation": (1000, 0)}, ValueError, "both be above zero"),
        ({"rotation": (0, 3)}, ValueError, "both be above zero"),
        ({"rotation": (-1, 3)}, ValueError, "max_bytes must not be negative"),
        ({"rotation": 1000}, TypeError, "pair"),
        ({"rotation": ("10", 1)}, TypeError, "max_bytes must be an int"),
        ({"compress": "zstd"}, ValueError, "unknown compression 'zstd'"),
        ({"capacity": 0}, ValueError, "capacity"),
    ],
)
def test_bad_options_are_named(arguments, error, text):
    with pytest.raises(error, match=text):
        logging.HandlerOptions(**arguments)


def test_bad_schedules_raise_the_standard_errors(tmp_path):
    with pytest.raises(ValueError, match="Invalid rollover interval specified: X"):
        logging.FemtoTimedRotatingFileHandler(tmp_path / "a.log", when="x")
    with pytest.raises(ValueError, match="Invalid day specified for weekly rollover: W7"):
        logging.FemtoTimedRotatingFileHandler(tmp_path / "a.log", when="W7")
    with pytest.raises(ValueError, match="interval"):
        logging.FemtoTimedRotatingFileHandler(tmp_path / "a.log", interval=0)


def test_compressed_backups_hold_the_rotated_lines(tmp_path):
    options = logging.HandlerOptions(policy="block", rotation=(4_000, 3), compress="gzip")
    handler = logging.FemtoRotatingFileHandler(
        tmp_path / "app.log", options, formatter=logging.Formatter("%(message)s")
    )
    logger = fresh_logger("gzip", handler)
    for number in range(600):
        logger.info("compressed line %04d", number)
    handler.close()
    names, lines = read_lines(tmp_path)
    assert names == ["app.log.3.gz", "app.log.2.gz", "app.log.1.gz", "app.log"]
    assert lines == [f"compressed line {n:04d}" for n in range(600 - len(lines), 600)]
    assert len(lines) > 3 * 150


def test_a_failed_rollover_loses_nothing_and_is_reported(tmp_path):
    program = """
        import os
        import femtologging as logging
        os.makedirs("app.log.1/blocker")
        options = logging.HandlerOptions(policy="block", rotation=(300, 1))
        handler = logging.FemtoRotatingFileHandler("app.log", options)
        logger = logging.get_logger("blocked")
        logger.addHandler(handler)
        for number in range(50):
            logger.warning("record %02d", number)
        handler.flush()
        print(handler.stats()["rotation_errors"], handler.stats()["written"])
        handler.close()
    """
    result = run_python(program, tmp_path)
    assert result.returncode == 0, result.stderr
    errors, written = map(int, result.stdout.split())
    assert errors >= 1 and written == 50
    assert "rollover failed" in result.stderr and "app.log.1" in result.stderr
    lines = (tmp_path / "app.log").read_text().splitlines()
    assert lines == [f"blocked [WARNING] record {n:02d}" for n in range(50)]


def test_a_backup_that_cannot_be_renamed_costs_no_line_and_rotation_resumes(
    read_only_directories,
):
    """A genuine EACCES on the rename: the worker keeps appending to the live
    file, counts and reports the failure, and rolls over again once the
    directory may be written to."""
    directory = read_only_directories("logs")
    (directory.path / "app.log").write_text("")
    # The lock's sidecar must exist already: it cannot be created in there.
    (directory.path / "app.log.lock").write_text("")
    program = directory.path.parent / "program.py"
    program.write_text(
        textwrap.dedent(
            """
            import os
            import sys
            import time
            import femtologging as logging

            options = logging.HandlerOptions(
                policy="block", rotation=(300, 20), interprocess=True, compress="gzip"
            )
            handler = logging.FemtoRotatingFileHandler(
                "app.log", options, formatter=logging.Formatter("%(message)s")
            )
            logger = logging.get_logger("denied")
            logger.addHandler(handler)
            for number in range(40):
                logger.warning("record %04d", number)
            handler.flush()
            print(handler.stats()["rotation_errors"], flush=True)
            sys.stdin.readline()
            # A failed rollover is tried again a second later: log until it is.
            number = 40
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not any(
                os.path.exists(name) for name in ("app.log.1", "app.log.1.gz")
            ):
                logger.warning("record %04d", number)
                number += 1
                handler.flush()
                time.sleep(0.01)
            for number in range(number, number + 20):
                logger.warning("record %04d", number)
            handler.close()
            stats = handler.stats()
            print(number + 1, stats["written"], stats["rotation_errors"])
            """
        )
    )
    directory.deny()
    process = subprocess.Popen(
        [*directory.command, sys.executable, str(program)],
        cwd=directory.path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        failed_while_denied = process.stdout.readline()
    finally:
        directory.allow()
    output, errors = process.communicate("the directory is writable again\n", timeout=60)
    assert process.returncode == 0, errors
    assert int(failed_while_denied) >= 1
    logged, written, failed = map(int, output.split())
    assert written == logged and failed >= 1
    assert "rollover failed" in errors and "Permission denied" in errors, errors
    names, lines = read_lines(directory.path)
    assert lines == [f"record {n:04d}" for n in range(logged)]
    assert "app.log.1.gz" in names


def test_a_directory_removed_under_the_handler_is_survived(tmp_path):
    directory = tmp_path / "logs"
    directory.mkdir()
    options = logging.HandlerOptions(policy="block", rotation=(200, 2))
    handler = logging.FemtoRotatingFileHandler(directory / "app.log", options)
    logger = fresh_logger("vanishing", handler)
    logger.info("before")
    assert handler.flush()
    for name in os.listdir(directory):
        os.remove(directory / name)
    directory.rmdir()
    for number in range(20):
        logger.info("after %d", number)
    assert handler.flush()
    stats = handler.stats()
    handler.close()
    assert stats["rotation_errors"] >= 1
    assert stats["accepted"] == 21


def test_time_rotation_names_backups_by_date(tmp_path):
    handler = logging.FemtoTimedRotatingFileHandler(
        tmp_path / "app.log",
        when="s",
        backup_count=5,
        options=logging.HandlerOptions(policy="block"),
        formatter=logging.Formatter("%(message)s"),
    )
    logger = fresh_logger("timed", handler)
    logger.info("first second")
    assert handler.flush()
    started = time.time()
    time.sleep(1.1 - (started % 1.0) if started % 1.0 > 0.1 else 1.1)
    logger.info("later second")
    handler.close()
    names = sorted(os.listdir(tmp_path))
    assert len(names) == 2 and names[0] == "app.log", names
    suffix = names[1][len("app.log.") :]
    datetime.datetime.strptime(suffix, "%Y-%m-%d_%H-%M-%S")
    assert (tmp_path / names[1]).read_text() == "first second\n"
    assert (tmp_path / "app.log").read_text() == "later second\n"


def log_across_a_second(directory, name):
    """Logs "first" and "second" early in a second, through a worker held
    past its end by the formatter, then "third" in the next second. False
    when the machine stalled past the second before the first two went out."""
    started = time.time()
    if started % 1.0 > 0.5:
        time.sleep(1.0 - started % 1.0)
    boundary = int(time.time()) + 1

    def slow_format(record):
        if record["message"] == "first":
            time.sleep(max(0.0, boundary + 0.2 - time.time()))
        return record["message"]

    handler = logging.FemtoTimedRotatingFileHandler(
        directory / "app.log",
        when="s",
        options=logging.HandlerOptions(policy="block"),
        formatter=slow_format,
    )
    logger = fresh_logger(name, handler)
    logger.info("first")
    logger.info("second")
    in_time = time.time() < boundary
    time.sleep(max(0.0, boundary + 0.05 - time.time()))
    logger.info("third")
    handler.close()
    return in_time


def test_records_land_in_the_period_they_were_logged_in_however_late_written(tmp_path):
    """The worker is held past the second's end by its formatter: the records
    logged before then still belong to the old second's file."""
    for attempt in range(3):
        directory = tmp_path / f"attempt{attempt}"
        directory.mkdir()
        if log_across_a_second(directory, f"timed.late.{attempt}"):
            break
    else:
        pytest.fail("the machine stalled past the second three times running")
    names = sorted(os.listdir(directory))
    assert len(names) == 2 and names[0] == "app.log", names
    assert (directory / names[1]).read_text() == "first\nsecond\n"
    assert (directory / "app.log").read_text() == "third\n"


def test_the_timed_builder_takes_an_at_time(tmp_path):
    handler = (
        logging.TimedRotatingFileHandlerBuilder(tmp_path / "app.log")
        .with_when("midnight")
        .with_at_time(datetime.time(3, 30))
        .with_backup_count(7)
        .with_utc()
        .with_compression("gzip")
        .build()
    )
    assert isinstance(handler, logging.FemtoTimedRotatingFileHandler)
    logger = fresh_logger("timed.builder", handler)
    logger.info("kept")
    handler.close()
    assert (tmp_path / "app.log").read_text() == "femto.rotating.timed.builder [INFO] kept\n"


def run_python(source, directory, timeout=120):
    program = directory / "program.py"
    program.write_text(textwrap.dedent(source))
    return subprocess.run(
        [sys.executable, str(program)],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_four_processes_share_one_rotating_file(tmp_path):
    """With the interprocess lock: no line lost, none twice, no file past the
    limit, and every process's lines in its own order."""
    worker = textwrap.dedent(
        """
        import sys
        import femtologging as logging
        writer = sys.argv[1]
        options = logging.HandlerOptions(
            capacity=64, policy="block", rotation=(20_000, 200), interprocess=True
        )
        handler = logging.FemtoRotatingFileHandler("app.log", options)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger = logging.get_logger("shared")
        logger.addHandler(handler)
        for number in range(5_000):
            logger.warning("writer %s line %05d", writer, number)
        handler.close()
        """
    )
    (tmp_path / "worker.py").write_text(worker)
    processes = [
        subprocess.Popen(
            [sys.executable, "worker.py", str(n)], cwd=tmp_path, stderr=subprocess.PIPE
        )
        for n in range(4)
    ]
    for process in processes:
        assert process.wait(timeout=120) == 0, process.stderr.read().decode()
    names, lines = read_lines(tmp_path)
    for name in names:
        assert os.path.getsize(tmp_path / name) <= 20_000, name
    assert len(lines) == 4 * 5_000
    assert len(set(lines)) == len(lines), "a line was written twice"
    for writer in range(4):
        own = [line for line in lines if line.startswith(f"writer {writer} ")]
        assert own == [f"writer {writer} line {n:05d}" for n in range(5_000)]
    # Each rollover happened once: backups are numbered without gaps.
    backups = sorted(int(name.rsplit(".", 1)[1]) for name in names if name[-1].isdigit())
    assert backups == list(range(1, len(backups) + 1))


def assert_two_writers_shared_the_files(directory, lines_each, max_bytes):
    """The lines logged before the fork, then each writer's own lines in its
    order: none lost, none twice, no file past the limit, no backup missing."""
    names, lines = read_lines(directory)
    for name in names:
        assert os.path.getsize(directory / name) <= max_bytes, name
    assert lines[:20] == [f"before {n:03d}" for n in range(20)]
    assert len(lines) == 20 + 2 * lines_each
    assert len(set(lines)) == len(lines), "a line was written twice"
    for writer in ("parent", "child"):
        own = [line for line in lines if line.startswith(f"{writer} ")]
        assert own == [f"{writer} {n:04d}" for n in range(lines_each)], writer
    backups = sorted(int(name.rsplit(".", 1)[1]) for name in names if name[-1].isdigit())
    assert len(backups) > 10 and backups == list(range(1, len(backups) + 1))


SHARED_HANDLER = """
import os
import femtologging as logging

options = logging.HandlerOptions(policy="block", rotation=(2_000, 500), interprocess=True)
handler = logging.FemtoRotatingFileHandler(
    "app.log", options, formatter=logging.Formatter("%(message)s")
)
logger = logging.get_logger("forked")
logger.addHandler(handler)


def write(writer):
    for number in range(2_000):
        logger.warning("%s %04d", writer, number)


for number in range(20):
    logger.warning("before %03d", number)
"""


def test_a_forked_child_shares_the_rotating_file_under_its_own_lock(tmp_path):
    """After os.fork() the child's worker opens the lock's sidecar afresh: a
    lock inherited from the parent would be the parent's too, and the two
    would roll the same file over at once."""
    source = SHARED_HANDLER + textwrap.dedent(
        """
        pid = os.fork()
        write("child" if pid == 0 else "parent")
        if pid == 0:
            handler.flush()
            os._exit(0)
        print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
        handler.flush()
        handler.close()
        """
    )
    result = run_python(source, tmp_path)
    assert result.returncode == 0 and result.stdout == "0\n", result.stderr
    assert_two_writers_shared_the_files(tmp_path, 2_000, 2_000)


def test_a_forked_child_keeps_no_copy_of_the_parents_files(tmp_path):
    """The child closes the descriptors of the parent's worker: a copy of the
    lock would keep it held were the parent killed holding it, and a copy of
    the log file would keep a rotated-away file's disk space."""
    source = SHARED_HANDLER + textwrap.dedent(
        """
        def open_copies():
            names = {}
            for fd in os.listdir("/proc/self/fd"):
                try:
                    target = os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))
                except OSError:
                    continue
                names[target] = names.get(target, 0) + 1
            return names.get("app.log", 0), names.get("app.log.lock", 0)

        print("parent", *open_copies())
        pid = os.fork()
        if pid == 0:
            print("child", *open_copies(), flush=True)
            os._exit(0)
        os.waitpid(pid, 0)
        handler.close()
        """
    )
    result = run_python(source, tmp_path)
    assert result.returncode == 0, result.stderr
    # The child's own worker has the file and its lock open once each.
    assert result.stdout == "parent 1 1\nchild 1 1\n"


def test_a_multiprocessing_child_writes_everything_it_logged(tmp_path):
    """multiprocessing ends a forked child with os._exit, past atexit: the
    handler must still write what the child logged, without a flush of its own."""
    source = SHARED_HANDLER + textwrap.dedent(
        """
        import multiprocessing

        if __name__ == "__main__":
            child = multiprocessing.get_context("fork").Process(target=write, args=("child",))
            child.start()
            write("parent")
            child.join()
            print(child.exitcode)
            handler.close()
        """
    )
    result = run_python(source, tmp_path)
    assert result.returncode == 0 and result.stdout == "0\n", result.stderr
    assert_two_writers_shared_the_files(tmp_path, 2_000, 2_000)


def test_a_full_disk_during_rollover_is_counted_and_recovered_from(tiny_disk):
    filler = tiny_disk / "filler"
    filler.write_bytes(b"x" * (56 * 1024))
    options = logging.HandlerOptions(policy="block", rotation=(4_000, 2))
    handler = logging.FemtoRotatingFileHandler(
        tiny_disk / "app.log", options, formatter=logging.Formatter("%(message)s")
    )
    logger = fresh_logger("full", handler)
    line = "y" * 90
    for number in range(400):
        logger.info("%03d %s", number, line)
    # Records were lost, and the flush says so.
    assert handler.flush() is False
    full = handler.stats()
    assert full["write_errors"] >= 1 and full["failed"] >= 1, full
    # The written ones are the whole lines on the disk; a line the full disk
    # cut waits for its rest, counted neither way yet.
    names, _ = read_lines(tiny_disk)
    whole = sum((tiny_disk / name).read_bytes().count(b"\n") for name in names)
    assert full["written"] == whole, (full, whole)
    assert 399 <= full["written"] + full["failed"] <= 400
    # Space returns: the worker was never stopped, and the next lines land.
    filler.unlink()
    for number in range(400, 450):
        logger.info("%03d %s", number, line)
    assert handler.flush()
    after = handler.stats()
    handler.close()
    assert after["failed"] == full["failed"], after
    assert after["written"] + after["failed"] == 450, after
    names, lines = read_lines(tiny_disk)
    assert lines[-50:] == [f"{n:03d} {line}" for n in range(400, 450)]
    assert all(os.path.getsize(tiny_disk / name) <= 4_000 for name in names)
