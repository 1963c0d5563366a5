"""Shared helpers: run one program under the standard library and under femtologging."""

import os
import re
import subprocess
import sys
import textwrap

import pytest

_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}")
_ADDRESS = re.compile(r"0x[0-9a-f]+")


def _drop_library_frames(text):
    """Removes traceback frames inside the logging implementation itself."""
    kept = []
    skipping = False
    for line in text.splitlines(keepends=True):
        if line.startswith("  File "):
            skipping = "/logging/" in line or "/femtologging/" in line
            if skipping:
                continue
        elif skipping and line.startswith("    "):
            continue
        else:
            skipping = False
        kept.append(line)
    return "".join(kept)


def normalise(text, directory):
    text = text.replace(directory, "<dir>")
    text = _TIMESTAMP.sub("<time>", text)
    text = _ADDRESS.sub("0x?", text)
    return _drop_library_frames(text)


class Run:
    def __init__(self, stdout, stderr, files):
        self.stdout = stdout
        self.stderr = stderr
        self.files = files


def run_program(module, source, directory):
    """Runs `source` with `logging` bound to `module`; returns its output and files."""
    os.makedirs(directory, exist_ok=True)
    program = os.path.join(directory, "program.py")
    with open(program, "w", encoding="utf-8") as handle:
        handle.write(f"import {module} as logging\n")
        handle.write(textwrap.dedent(source))
    completed = subprocess.run(
        [sys.executable, program],
        cwd=directory,
        capture_output=True,
        timeout=60,
    )
    files = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith(".log"):
            with open(os.path.join(directory, name), "rb") as handle:
                files[name] = normalise(handle.read().decode("utf-8", "replace"), directory)
    return Run(
        normalise(completed.stdout.decode("utf-8", "backslashreplace"), directory),
        normalise(completed.stderr.decode("utf-8", "backslashreplace"), directory),
        files,
    )


@pytest.fixture
def same_as_stdlib(tmp_path):
    """Asserts a program prints and writes the same under both implementations."""

    def check(source):
        expected = run_program("logging", source, str(tmp_path / "stdlib"))
        actual = run_program("femtologging", source, str(tmp_path / "femto"))
        # The two runs live in different directories; compare with the names folded.
        assert actual.stderr == expected.stderr
        assert actual.stdout == expected.stdout
        assert actual.files == expected.files
        return actual

    return check
