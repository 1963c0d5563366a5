"""basicConfig(background=True): the standard lines, written by a worker."""

import io
import subprocess
import sys
import textwrap

import femtologging
import pytest

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
        ({"stream": io.StringIO()}, "writes to a file, sys.stdout or sys.stderr"),
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
