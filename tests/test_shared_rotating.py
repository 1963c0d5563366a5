"""The standard face's RotatingFileHandler shared: by threads whose rollovers
run Python code, and, with `interprocess=True`, by several processes."""

import os
import subprocess
import sys
import textwrap
import threading
import time

import femtologging as logging
import femtologging.handlers
import pytest


def read_set(directory, prefix="app.log"):
    """Every line of the numbered set, oldest file first, and each file's size."""

    def age(name):
        suffix = name[len(prefix) :].lstrip(".")
        return -int(suffix) if suffix else 0

    names = sorted(
        (n for n in os.listdir(directory) if n.startswith(prefix) and not n.endswith(".lock")),
        key=age,
    )
    lines = []
    sizes = {}
    for name in names:
        data = (directory / name).read_bytes()
        sizes[name] = len(data)
        lines.extend(data.decode().splitlines())
    return names, sizes, lines


def check_set(directory, writers, per_writer, max_bytes):
    names, sizes, lines = read_set(directory)
    assert all(size <= max_bytes for size in sizes.values()), sizes
    assert len(lines) == writers * per_writer, (len(lines), names)
    assert len(set(lines)) == len(lines), "a line was written twice"
    for writer in range(writers):
        own = [line for line in lines if line.startswith(f"writer {writer} ")]
        assert own == [f"writer {writer} line {n:05d}" for n in range(per_writer)]
    # Each rollover happened once: backups are numbered without gaps.
    backups = sorted(int(name.rsplit(".", 1)[1]) for name in names if name != "app.log")
    assert backups == list(range(1, len(backups) + 1))


def test_threads_rolling_over_through_a_python_namer_lose_nothing(tmp_path):
    """The namer yields the interpreter mid-rollover; the other threads wait
    on the handler's lock, as with the standard library."""
    handler = femtologging.handlers.RotatingFileHandler(
        tmp_path / "app.log", maxBytes=3_000, backupCount=100
    )
    handler.setFormatter(logging.Formatter("%(message)s"))

    def namer(default_name):
        time.sleep(0.00005)
        return default_name

    handler.namer = namer
    logger = logging.getLogger("shared.threads")
    logger.propagate = False
    logger.addHandler(handler)

    def write(writer):
        for number in range(1_500):
            logger.warning("writer %d line %05d", writer, number)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    logger.removeHandler(handler)
    handler.close()
    check_set(tmp_path, 4, 1_500, 3_000)


WRITER = """
import sys
import femtologging as logging
import femtologging.handlers

writer = int(sys.argv[1])
handler = femtologging.handlers.RotatingFileHandler(
    "app.log", maxBytes=20_000, backupCount=500, interprocess=True
)
handler.setFormatter(logging.Formatter("%(message)s"))
logger = logging.getLogger("shared")
logger.addHandler(handler)
for number in range(4_000):
    logger.warning("writer %d line %05d", writer, number)
handler.close()
"""


def run_four_writers(directory, source):
    """Runs `source` in four processes at once, numbered 0 to 3; each must
    end cleanly and print nothing on stderr."""
    (directory / "writer.py").write_text(textwrap.dedent(source))
    processes = [
        subprocess.Popen(
            [sys.executable, "writer.py", str(n)], cwd=directory, stderr=subprocess.PIPE
        )
        for n in range(4)
    ]
    for process in processes:
        assert process.wait(timeout=120) == 0, process.stderr.read().decode()
        assert process.stderr.read() == b""


def test_four_processes_share_one_set_of_files(tmp_path):
    run_four_writers(tmp_path, WRITER)
    check_set(tmp_path, 4, 4_000, 20_000)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_forked_children_take_the_lock_for_themselves(tmp_path):
    """A lock inherited through fork would be shared with the parent; each
    child must open its own for the processes to exclude one another."""
    handler = femtologging.handlers.RotatingFileHandler(
        tmp_path / "app.log", maxBytes=5_000, backupCount=500, interprocess=True
    )
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("shared.fork")
    logger.propagate = False
    logger.addHandler(handler)
    logger.warning("writer 0 line 00000")
    children = []
    for writer in (1, 2, 3):
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                for number in range(2_000):
                    logger.warning("writer %d line %05d", writer, number)
                handler.flush()
            except BaseException:
                code = 1
            os._exit(code)
        children.append(pid)
    for number in range(1, 2_000):
        logger.warning("writer 0 line %05d", number)
    for pid in children:
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    logger.removeHandler(handler)
    handler.close()
    check_set(tmp_path, 4, 2_000, 5_000)


HOLDER = """
import os
import time
import femtologging as logging
import femtologging.handlers

handler = femtologging.handlers.RotatingFileHandler(
    "app.log", maxBytes=100, backupCount=3, interprocess=True
)
logger = logging.getLogger("holder")
logger.addHandler(handler)
child = os.fork()
if child == 0:
    time.sleep(60)
    os._exit(0)
with open("child.pid", "w") as file:
    file.write(str(child))


def namer(default_name):
    open("in-rollover", "w").close()
    time.sleep(60)
    return default_name


handler.namer = namer
for number in range(10):
    logger.warning("holder line %d %s", number, "x" * 40)
"""

LATECOMER = """
import femtologging as logging
import femtologging.handlers

handler = femtologging.handlers.RotatingFileHandler(
    "app.log", maxBytes=100, backupCount=3, interprocess=True
)
logging.getLogger("late").addHandler(handler)
logging.getLogger("late").warning("written after the holder died")
handler.close()
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_writer_killed_holding_the_lock_does_not_leave_it_held_by_its_children(tmp_path):
    """The holder is killed mid-rollover while a child it forked lives on: the
    child closed its copy of the lock at the fork, so the lock dies with the
    holder and the next writer goes on."""
    (tmp_path / "holder.py").write_text(textwrap.dedent(HOLDER))
    (tmp_path / "late.py").write_text(textwrap.dedent(LATECOMER))
    holder = subprocess.Popen([sys.executable, "holder.py"], cwd=tmp_path)
    child = None
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "in-rollover").exists():
            assert holder.poll() is None, "the holder ended before its rollover"
            assert time.monotonic() < deadline, "the holder never reached its rollover"
            time.sleep(0.02)
        child = int((tmp_path / "child.pid").read_text())
        holder.kill()
        holder.wait(timeout=10)
        late = subprocess.run(
            [sys.executable, "late.py"], cwd=tmp_path, capture_output=True, timeout=20
        )
        assert late.returncode == 0, late.stderr.decode()
    finally:
        holder.kill()
        if child is not None:
            try:
                os.kill(child, 9)
            except ProcessLookupError:
                pass
    assert (tmp_path / "app.log").read_text().endswith("written after the holder died\n")


TIMED_WRITER = """
import sys
import time
import femtologging as logging
import femtologging.handlers

writer = int(sys.argv[1])
handler = femtologging.handlers.TimedRotatingFileHandler("app.log", when="S", interprocess=True)
handler.setFormatter(logging.Formatter("%(message)s"))
logger = logging.getLogger("shared.timed")
logger.addHandler(handler)
for number in range(400):
    logger.warning("writer %d line %05d", writer, number)
    time.sleep(0.005)
handler.close()
"""


def test_four_processes_share_time_rotated_files(tmp_path):
    """Each second's rollover happens once: a process that finds the backup
    already made follows the others to the fresh file instead of replacing
    the backup (3.11 and 3.12 would replace it, and lose its lines)."""
    run_four_writers(tmp_path, TIMED_WRITER)
    names = sorted(n for n in os.listdir(tmp_path) if n.startswith("app.log."))
    backups = [name for name in names if name != "app.log.lock"]
    assert backups, "two seconds of writing rolled nothing over"
    lines = []
    for name in [*backups, "app.log"]:
        own = (tmp_path / name).read_text().splitlines()
        for writer in range(4):
            numbers = [line for line in own if line.startswith(f"writer {writer} ")]
            assert numbers == sorted(numbers), name
        lines.extend(own)
    assert len(lines) == 4 * 400
    assert sorted(lines) == sorted(
        f"writer {writer} line {n:05d}" for writer in range(4) for n in range(400)
    )
