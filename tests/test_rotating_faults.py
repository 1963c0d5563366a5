"""The standard face's rotating handlers under faults that a differential
program cannot set up for itself: a directory it may not write to, a disk
that fills up. Each program runs under the standard library and under
femtologging, and both must print, report and write the same."""

import os
import re

import pytest
from conftest import run_program

# Renames fail in the directory; the files already there stay writable.
PERMISSION_PROGRAM = """
import os

__import__(logging.__name__ + ".handlers")
handler = logging.handlers.RotatingFileHandler("app.log", maxBytes=60, backupCount=2)
handler.setFormatter(logging.Formatter("%(message)s"))
logger = logging.getLogger("denied")
logger.addHandler(handler)
for number in range(6):
    logger.warning("record number %d", number)
    print(number, "no stream" if handler.stream is None else "stream open")
try:
    handler.doRollover()
except OSError as error:
    names = [os.path.basename(error.filename), os.path.basename(error.filename2)]
    print("doRollover:", type(error).__name__, error.errno, error.strerror, names)
logger.warning("after the direct call")
handler.close()
logger.removeHandler(handler)

# timed.log was last changed long ago: the first record is due to roll it over.
timed = logging.handlers.TimedRotatingFileHandler("timed.log", when="S", backupCount=2)
timed.setFormatter(logging.Formatter("%(message)s"))
logger.addHandler(timed)
for number in range(2):
    logger.warning("timed record %d", number)
    print("timed", number, "no stream" if timed.stream is None else "stream open")
timed.close()
for name in sorted(os.listdir(".")):
    with open(name) as file:
        print(name, repr(file.read()))
"""


def test_a_backup_that_cannot_be_renamed_is_reported_and_the_program_goes_on(
    read_only_directories,
):
    """The standard library reports each failed rollover through handleError,
    and the record that triggered it is lost. The rollover closed the stream
    first, so every later record reopens the full file, tries (and fails) to
    roll it over again and is lost too, while a direct doRollover() raises the
    PermissionError to its caller. femtologging must do exactly that."""
    runs = {}
    for module, name in (("logging", "stdlib"), ("femtologging", "femto")):
        directory = read_only_directories(name)
        (directory.path / "app.log").write_text("")
        (directory.path / "app.log.1").write_text("old backup\n")
        (directory.path / "timed.log").write_text("")
        os.utime(directory.path / "timed.log", (1_600_000_000, 1_600_000_000))
        directory.deny()
        try:
            runs[module] = run_program(
                module, PERMISSION_PROGRAM, directory.path, directory.command
            )
        finally:
            directory.allow()
    expected, actual = runs["logging"], runs["femtologging"]
    # What the standard library does: four records on the rotating handler
    # and both on the timed one are lost, each with its report.
    assert expected.stderr.count("--- Logging error ---") == 6, expected.stderr
    denied = "PermissionError: [Errno 13] Permission denied: '<dir>/app.log.1' -> '<dir>/app.log.2'"
    assert expected.stderr.count(denied) == 4, expected.stderr
    assert "app.log 'record number 0\\nrecord number 1\\nrecord number 2\\n'" in expected.stdout
    assert "app.log.1 'old backup\\n'" in expected.stdout
    assert "doRollover: PermissionError 13 Permission denied ['app.log.1', 'app.log.2']" in (
        expected.stdout
    )
    assert actual.stdout == expected.stdout
    assert actual.stderr == expected.stderr
    assert actual.files == expected.files


# Every line is 100 bytes: three digits, a space, 95 letters and the newline.
FULL_DISK_PROGRAM = """
import os

__import__(logging.__name__ + ".handlers")
handler = logging.handlers.RotatingFileHandler("app.log", maxBytes=MAX_BYTES, backupCount=2)
handler.setFormatter(logging.Formatter("%(message)s"))
logger = logging.getLogger("full")
logger.addHandler(handler)


def log(numbers):
    for number in numbers:
        logger.warning("%03d %s", number, "y" * 95)


def fill():
    \"\"\"Takes every free block, or every free inode, of the disk.\"\"\"
    taken = []
    try:
        if FILL == "blocks":
            taken.append("filler")
            with open("filler", "wb", buffering=0) as filler:
                while True:
                    filler.write(b"x" * 512)
        while True:
            open(f"inode{len(taken)}", "x").close()
            taken.append(f"inode{len(taken)}")
    except OSError as error:
        print("filled:", error.strerror)
    return taken


log(range(BEFORE))
taken = fill()
log(range(BEFORE, BEFORE + WHILE_FULL))
for name in taken:
    os.remove(name)
log(range(BEFORE + WHILE_FULL, BEFORE + WHILE_FULL + AFTER))
handler.close()
print("done")
"""

FULL_DISKS = {
    # The fresh file after a rollover gets no block: its first line waits
    # in the stream and lands once space returns.
    "no block for the fresh file": dict(MAX_BYTES=4000, BEFORE=20, WHILE_FULL=100, AFTER=80),
    # A line crosses the last page the file has: its head is written, its
    # tail waits in the stream; it must never be glued to a later line.
    "a line cut by the full disk": dict(MAX_BYTES=6000, BEFORE=10, WHILE_FULL=50, AFTER=20),
    # No inode: the rollover renames the file but cannot create a fresh one.
    "no inode for the fresh file": dict(MAX_BYTES=1000, BEFORE=5, WHILE_FULL=15, AFTER=20),
}


@pytest.mark.parametrize("case", list(FULL_DISKS))
def test_a_full_disk_around_a_rollover_is_met_as_the_standard_library_meets_it(tiny_disks, case):
    """While the disk is full every record is reported through handleError and
    the program goes on; once space returns the newest lines land, whole and
    in order, and no file is over maxBytes. The standard library keeps the
    bytes of a write the disk refused and writes them first when it can;
    femtologging must leave the same bytes in the same files."""
    settings = FULL_DISKS[case]
    fill = "inodes" if "inode" in case else "blocks"
    source = "".join(f"{name} = {value!r}\n" for name, value in settings.items())
    source += f"FILL = {fill!r}\n" + FULL_DISK_PROGRAM
    runs, files = {}, {}
    for module, name in (("logging", "stdlib"), ("femtologging", "femto")):
        # A few inodes are enough for the program's files, and soon gone.
        disk = tiny_disks(name, "nr_inodes=32" if fill == "inodes" else "")
        runs[module] = run_program(module, source, disk)
        files[module] = {path.name: path.read_bytes() for path in sorted(disk.iterdir())}

    total = settings["BEFORE"] + settings["WHILE_FULL"] + settings["AFTER"]
    for module, run in runs.items():
        assert run.stdout == "filled: No space left on device\ndone\n", (module, run.stderr)
        assert run.stderr.count("--- Logging error ---") >= 1, module
        assert re.search(r"^OSError: \[Errno 28\] No space left on device", run.stderr, re.M)
        names = sorted(files[module], key=lambda name: -int(name[8:] or 0))
        assert names[-1] == "app.log" and set(names) <= {"app.log.2", "app.log.1", "app.log"}
        lines = b"".join(files[module][name] for name in names).decode().splitlines()
        assert all(re.fullmatch(r"\d{3} y{95}", line) for line in lines), (module, lines)
        numbers = [int(line[:3]) for line in lines]
        assert numbers == sorted(numbers), (module, numbers)
        newest = list(range(total - settings["AFTER"], total))
        assert numbers[-settings["AFTER"] :] == newest, (module, numbers)
        for name in names:
            assert len(files[module][name]) <= settings["MAX_BYTES"], (module, name)
    expected, actual = runs["logging"], runs["femtologging"]
    assert actual.stderr == expected.stderr
    assert files["femtologging"] == files["logging"]
