"""basicConfig(background=True): the standard lines, written by a worker."""

import io
import subprocess
import sys
import textwrap

import femtologging
import pytest
from conftest import normalise

PROGRAM = """
import sys
import {module} as logging
logging.basicConfig({target}, format="%(levelname)s:%(name)s:%(lineno)d:%(message)s",
                    level=logging.INFO{background})
log = logging.getLogger("app.db")
for number in range(2000):
    log.info("query %d took %.1f ms", number, number / 10)
log.debug("not shown")
try:
    1 / 0
except ZeroDivisionError:
    log.exception("failed")
logging.warning("root %s", "too")
"""


def run(tmp_path, module, target, background):
    source = PROGRAM.format(
        module=module, target=target, background=", background=True" if background else ""
    )
    # The same program path for both runs: tracebacks name it.
    program = tmp_path / "program.py"
    program.write_text(textwrap.dedent(source))
    return subprocess.run(
        [sys.executable, str(program)], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )


def test_background_file_gets_the_standard_librarys_bytes(tmp_path):
    for module, background in (("logging", False), ("femtologging", True)):
        done = run(tmp_path, module, f"filename={module + '.log'!r}, filemode='w'", background)
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
    standard = (tmp_path / "logging.log").read_bytes()
    femto = (tmp_path / "femtologging.log").read_bytes()
    assert femto.count(b"\n") > 2000
    assert femto == standard


def test_background_stderr_gets_the_standard_librarys_bytes(tmp_path):
    outputs = []
    for module, background in (("logging", False), ("femtologging", True)):
        done = run(tmp_path, module, "stream=sys.stderr", background)
        assert done.returncode == 0
        outputs.append(done.stderr)
    assert outputs[0].count("\n") > 2000
    assert outputs[1] == outputs[0]


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"handlers": [femtologging.NullHandler()]}, "pass femto handlers"),
        ({"filename": "x.log", "errors": "surrogateescape"}, 'errors="backslashreplace"'),
        ({"filename": "x.log", "encoding": "latin-1"}, "writes UTF-8"),
        ({"filename": "x.log", "filemode": "ab"}, 'mode "a" or "w"'),
    ],
)
def test_background_refuses_what_it_cannot_do(arguments, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = femtologging.getLogger()
    saved = root.handlers[:]
    root.handlers[:] = []
    try:
        with pytest.raises(ValueError, match=message):
            femtologging.basicConfig(background=True, **arguments)
        assert root.handlers == []
    finally:
        root.handlers[:] = saved


SURROGATES = """
import contextlib, io, sys
import {module} as logging
{setup}
logging.basicConfig({target}, format="%(levelname)s %(message)s"{background})
name = b"caf\\xff.txt".decode("utf-8", "surrogateescape")
logging.warning("opening %s", name)
logging.warning("name " + name)
logging.warning("plain")
{after}
"""


@pytest.mark.parametrize(
    "target, setup, after",
    [
        ("filename='app.log'", "", ""),
        ("filename='app.log', errors='strict'", "", ""),
        ("stream=sys.stderr", "", ""),
        ("stream=sys.stdout", "", ""),
        # The process's stdout with a strict error handler: the standard report.
        ("stream=sys.stdout", "sys.stdout.reconfigure(errors='strict')", ""),
        # Written through the stream object, whose own error handler decides.
        (
            "stream=sys.stdout",
            "sys.stdout.reconfigure(errors='surrogateescape')",
            "",
        ),
    ],
)
def test_lone_surrogates_are_written_as_the_standard_library_writes_them(
    tmp_path, target, setup, after
):
    """Surrogate-escaped file names reach files and streams as the standard handlers write them."""
    outputs = []
    for module, background in (("logging", ""), ("femtologging", ", background=True")):
        folder = tmp_path / module
        folder.mkdir()
        program = folder / "program.py"
        program.write_text(
            SURROGATES.format(
                module=module, setup=setup, target=target, background=background, after=after
            )
        )
        done = subprocess.run(
            [sys.executable, str(program)],
            cwd=folder,
            capture_output=True,
            timeout=60,
            env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"},
        )
        log = folder / "app.log"
        # The standard library's own frames show in its tracebacks, not ours.
        stderr = normalise(done.stderr.decode("utf-8", "backslashreplace"), str(folder))
        outputs.append(
            (done.returncode, done.stdout, stderr, log.read_bytes() if log.exists() else None)
        )
    assert outputs[1] == outputs[0]
    returncode, stdout, stderr, log = outputs[0]
    assert b"WARNING plain" in stdout + stderr.encode() + (log or b"")


REDIRECTED = """
import contextlib, io, sys
import {module} as logging

captured = io.StringIO()
with contextlib.redirect_{stream}(captured):
    logging.basicConfig(format="%(levelname)s:%(name)s:%(message)s", level=logging.INFO,
                        stream=sys.{stream}{background})
log = logging.getLogger("app")
for number in range(1000):
    log.info("record %d", number)
logging.shutdown()
print(len(captured.getvalue().splitlines()), repr(captured.getvalue()[-30:]), file=sys.__stderr__)
"""


@pytest.mark.parametrize("stream", ["stderr", "stdout"])
def test_a_redirected_standard_stream_gets_the_records(tmp_path, stream):
    """background=True writes to the sys.stderr or sys.stdout in force, as StreamHandler does."""
    outputs = []
    for module, background in (("logging", ""), ("femtologging", ", background=True")):
        program = tmp_path / f"run_{module}.py"
        program.write_text(REDIRECTED.format(module=module, stream=stream, background=background))
        done = subprocess.run(
            [sys.executable, str(program)], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        outputs.append((done.stdout, done.stderr))
    assert outputs[0][1].startswith("1000 ")
    assert outputs[1] == outputs[0]


def test_background_writes_to_any_stream_object_from_its_worker():
    """A stream that is neither stdout nor stderr is written by the worker through its write()."""
    root = femtologging.getLogger()
    saved = root.handlers[:]
    root.handlers[:] = []
    stream = io.StringIO()
    try:
        femtologging.basicConfig(stream=stream, format="%(message)s", background=True)
        handler = root.handlers[0]
        assert isinstance(handler, femtologging.FemtoHandler)
        for number in range(100):
            root.warning("record %d", number)
        assert handler.flush()
        assert stream.getvalue() == "".join(f"record {number}\n" for number in range(100))
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:] = saved
