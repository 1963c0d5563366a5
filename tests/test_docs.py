"""Every Python block in the README and in docs/ runs, and prints what the
text says it prints; every public name is in the reference.

A ```python block is a whole program, run from a file `example.py` in a
fresh interpreter, in an empty directory. A ```output block right after it
is what the program must print on stdout, exactly; without one it must
print nothing. Either way it must exit with status 0 and write nothing on
stderr, unless a ```stderr block follows (after the output block, if any),
which stderr must then equal. In either, `...` stands for any text within a
line (a temporary path, a count that varies from run to run).
A block that only shows a fragment (a signature, a configuration key) is
written as ```text or ```ini, which this does not run. A whole program that
needs what a test cannot give it (a server elsewhere, a certificate) is
written as ```python not-run: it is compiled, not run; keep those few.
"""

import os
import pathlib
import re
import subprocess
import sys
import types

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```([\w -]*)\n(.*?)^```\n", re.DOTALL | re.MULTILINE)


def _fences(document):
    """(info string, body, line, match) of each fenced block of `document`."""
    text = document.read_text(encoding="utf-8")
    return text, [
        (match.group(1).strip(), match.group(2), text.count("\n", 0, match.start()) + 1, match)
        for match in FENCE.finditer(text)
    ]


def _blocks(document):
    """(line, program, expected stdout, expected stderr) for each python
    block of `document` that runs."""
    text, fences = _fences(document)
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


def _not_run(document):
    """(line, program) for each ```python not-run block of `document`."""
    _, fences = _fences(document)
    for kind, body, line, _ in fences:
        if kind == "python not-run":
            yield line, body


CASES = [
    pytest.param(program, output, errors, id=f"{document.name}:{line}")
    for document in DOCUMENTS
    for line, program, output, errors in _blocks(document)
]
NOT_RUN = [
    pytest.param(program, id=f"{document.name}:{line}")
    for document in DOCUMENTS
    for line, program in _not_run(document)
]


def test_the_documents_have_examples():
    """The documents show programs that run, and few that do not."""
    assert len(CASES) >= 8
    assert len(NOT_RUN) <= len(CASES) // 4


def test_every_fenced_block_says_what_it_is():
    """A block without an info string, or with one this file does not know,
    would be skipped silently."""
    known = {"python", "python not-run", "output", "stderr", "text", "ini", "sh"}
    for document in DOCUMENTS:
        _, fences = _fences(document)
        for kind, _, line, _ in fences:
            assert kind in known, f"{document.name}:{line}: ```{kind}"


def test_the_readme_runs_its_quick_start_and_keeps_its_two_commands():
    """The README's set-up commands are `make demo` and `make test`, and
    its quick start is one of the programs run here."""
    readme = [case for case in CASES if case.id.startswith("README.md:")]
    assert readme, "README.md has no python block"
    _, fences = _fences(ROOT / "README.md")
    commands = [body for kind, body, _, _ in fences if kind == "sh"][0]
    assert [line.split("#")[0].strip() for line in commands.splitlines()] == [
        "make demo",
        "make test",
    ]


def test_the_readme_links_into_docs_and_every_link_resolves():
    """Each relative link of the README and docs/ names a file that exists."""
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
            assert (document.parent / target).exists(), f"{document.name}: {target}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/reference.md)" in readme and "(docs/guide.md)" in readme


@pytest.mark.parametrize("program", NOT_RUN)
def test_a_program_shown_but_not_run_compiles(program):
    compile(program, "<document>", "exec")


def _public_names():
    """Every public name of the three modules, as a user would import it."""
    import femtologging
    import femtologging.config
    import femtologging.handlers

    names = set(femtologging.__all__)
    for module in (femtologging.handlers, femtologging.config):
        names |= {
            name
            for name, value in vars(module).items()
            if not name.startswith("_") and not isinstance(value, types.ModuleType)
        }
    return names


def test_every_public_name_is_in_the_reference():
    """docs/reference.md names every public name of `femtologging`,
    `femtologging.handlers` and `femtologging.config` (as `name`)."""
    reference = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"`([A-Za-z_][\w.]*)", reference))
    shown |= {name.rsplit(".", 1)[-1] for name in shown}
    missing = sorted(_public_names() - shown)
    assert not missing, missing


@pytest.mark.parametrize(("program", "output", "errors"), CASES)
def test_a_documented_example_runs_and_prints_what_the_text_says(tmp_path, program, output, errors):
    environment = dict(os.environ, PYTHONPATH=str(ROOT / "python"))
    # Run from a file, as a reader would, so that tracebacks show their
    # source lines on every version (with -c, 3.11 shows none and 3.13 does);
    # the file sits beside the working directory, which starts empty.
    script = tmp_path / "example.py"
    script.write_text(program, encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=work,
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
