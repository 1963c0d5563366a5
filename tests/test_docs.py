"""Every Python block in the README and in docs/ runs, and prints what the
text says it prints.

A ```python block is a whole program, run in a fresh interpreter in an empty
directory. A ```output block right after it is what the program must print
on stdout, exactly; without one it must print nothing. Either way it must
exit with status 0 and write nothing on stderr, unless a ```stderr block
follows (after the output block, if any), which stderr must then equal.
In either, `...` stands for any text within a line (a temporary path, a
count that varies from run to run).
A block that only shows a fragment (a signature, a configuration key) is
written as ```text or ```ini, which this does not run.
"""

import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCUMENTS = sorted((ROOT / "docs").glob("*.md"))
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.DOTALL | re.MULTILINE)


def _blocks(document):
    """(line, program, expected stdout, expected stderr) for each python
    block of `document`."""
    text = document.read_text(encoding="utf-8")
    fences = [
        (match.group(1), match.group(2), text.count("\n", 0, match.start()) + 1, match)
        for match in FENCE.finditer(text)
    ]
    for index, (kind, body, line, match) in enumerate(fences):
        if kind != "python":
            continue
        expected = {"output": "", "stderr": ""}
        end = match.end()
        for follower_kind, follower_body, _, follower in fences[index + 1 : index + 3]:
            if follower_kind not in expected or text[end : follower.start()].strip():
                break
            expected[follower_kind] = follower_body
            end = follower.end()
        yield line, body, expected["output"], expected["stderr"]


CASES = [
    pytest.param(program, output, errors, id=f"{document.name}:{line}")
    for document in DOCUMENTS
    for line, program, output, errors in _blocks(document)
]


def test_the_documents_have_examples():
    assert len(CASES) >= 8


@pytest.mark.parametrize(("program", "output", "errors"), CASES)
def test_a_documented_example_runs_and_prints_what_the_text_says(tmp_path, program, output, errors):
    environment = dict(os.environ, PYTHONPATH=str(ROOT / "python"))
    # Run from a file, as a reader would: every Python then shows the source
    # lines of a traceback (3.13 also shows them for `-c`, 3.11 does not).
    (tmp_path / "example.py").write_text(program, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "example.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
    )
    assert done.returncode == 0, done.stderr
    assert _matches(errors, done.stderr), done.stderr
    assert _matches(output, done.stdout), done.stdout


def _matches(expected, actual):
    """`actual` equals `expected`, where `...` in it matches any text
    within a line."""
    pattern = ".*?".join(re.escape(part) for part in expected.split("..."))
    pattern = pattern.replace(".*?", "[^\\n]*?")
    return re.fullmatch(pattern, actual) is not None
