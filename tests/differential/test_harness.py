"""The harness itself: normalisation, program extraction, the runner and failure reports."""

from pathlib import Path

import pytest

from ._harness import (
    Outcome,
    Program,
    differences,
    finish_runner,
    program_source,
    start_runner,
    text_diff,
)
from ._normalize import RunFacts, drop_implementation_frames, normalize

PACKAGE = "/site-packages/femtologging"
DIRECTORY = "/tmp/run/a/0001"
FACTS = RunFacts(directory=DIRECTORY, package=PACKAGE, pid=4321, thread=140000000000777)


def test_implementation_frames_are_dropped_and_user_frames_kept() -> None:
    """Frames inside the implementation go; the program's frames, even as callbacks, stay."""
    text = "\n".join(
        [
            "--- Logging error ---",
            "Traceback (most recent call last):",
            f'  File "{PACKAGE}/__init__.py", line 10, in emit',
            "    msg = self.format(record)",
            "          ^^^^^^^^^^^^^^^^^^^",
            '  File "/usr/lib/python3.11/string.py", line 5, in substitute',
            "    return pattern.sub(convert, template)",
            f'  File "{DIRECTORY}/program.py", line 3, in __str__',
            '    raise RuntimeError("x")',
            "RuntimeError: x",
            "Call stack:",
            '  File "/runner.py", line 1, in <module>',
            "    run()",
            f'  File "{DIRECTORY}/program.py", line 9, in <module>',
            '    logger.warning("m")',
            f'  File "{PACKAGE}/__init__.py", line 20, in warning',
            "    self._log(...)",
            f'  File "{DIRECTORY}/program.py", line 5, in emit',
            "    self.handleError(record)",
            "Message: 'm'",
        ]
    )
    assert drop_implementation_frames(text, PACKAGE, DIRECTORY).split("\n") == [
        "--- Logging error ---",
        "Traceback (most recent call last):",
        f'  File "{DIRECTORY}/program.py", line 3, in __str__',
        '    raise RuntimeError("x")',
        "RuntimeError: x",
        "Call stack:",
        '  File "/runner.py", line 1, in <module>',
        "    run()",
        f'  File "{DIRECTORY}/program.py", line 9, in <module>',
        '    logger.warning("m")',
        f'  File "{DIRECTORY}/program.py", line 5, in emit',
        "    self.handleError(record)",
        "Message: 'm'",
    ]


def test_a_traceback_header_left_without_frames_is_dropped() -> None:
    """A traceback of only implementation frames reads like one raised in native code."""
    stdlib_like = "\n".join(
        [
            "Traceback (most recent call last):",
            f'  File "{PACKAGE}/__init__.py", line 377, in getMessage',
            "    msg = msg % self.args",
            "TypeError: not all arguments converted during string formatting",
        ]
    )
    native_like = "TypeError: not all arguments converted during string formatting"
    assert drop_implementation_frames(stdlib_like, PACKAGE, DIRECTORY) == native_like
    assert drop_implementation_frames(native_like, PACKAGE, DIRECTORY) == native_like


def test_a_library_frame_native_code_called_first_counts_as_internal() -> None:
    """A traceback starting in a library (a pickle native code ran) reads like the standard one."""
    stdlib_like = "\n".join(
        [
            "Traceback (most recent call last):",
            f'  File "{PACKAGE}/handlers.py", line 677, in emit',
            "    s = self.makePickle(record)",
            '  File "/usr/lib/python3.11/copyreg.py", line 77, in _reduce_ex',
            "    state = base(self)",
            "TypeError: 'socket' object cannot be interpreted as an integer",
        ]
    )
    native_like = "\n".join(
        [
            "Traceback (most recent call last):",
            '  File "/usr/lib/python3.11/copyreg.py", line 77, in _reduce_ex',
            "    state = base(self)",
            "TypeError: 'socket' object cannot be interpreted as an integer",
        ]
    )
    expected = "TypeError: 'socket' object cannot be interpreted as an integer"
    assert drop_implementation_frames(stdlib_like, PACKAGE, DIRECTORY) == expected
    assert drop_implementation_frames(native_like, PACKAGE, DIRECTORY) == expected
    program_first = "\n".join(
        [
            "Traceback (most recent call last):",
            f'  File "{DIRECTORY}/program.py", line 3, in __str__',
            "    return json.dumps(self)",
            '  File "/usr/lib/python3.11/json/__init__.py", line 231, in dumps',
            "    return _default_encoder.encode(obj)",
            "TypeError: not serializable",
        ]
    )
    assert drop_implementation_frames(program_first, PACKAGE, DIRECTORY) == program_first


def test_indented_message_lines_are_not_mistaken_for_frames() -> None:
    """Lines indented by four spaces outside a traceback are ordinary output."""
    text = "header\n    indented message\nTraceback (most recent call last):\nnot a frame"
    assert drop_implementation_frames(text, PACKAGE, DIRECTORY) == (
        "header\n    indented message\nnot a frame"
    )


def test_normalize_replaces_directory_addresses_and_optionally_ids() -> None:
    """The run directory and reprs' addresses always vary; ids only when the program asks."""
    data = f"{DIRECTORY}/program.py <obj at 0x7f00ab> 0x1f 4321 14321 140000000000777\n".encode()
    assert normalize(data, FACTS) == (
        "<DIR>/program.py <obj at 0x<ADDRESS>> 0x1f 4321 14321 140000000000777\n"
    )
    assert normalize(data, FACTS, ids=True) == (
        "<DIR>/program.py <obj at 0x<ADDRESS>> 0x1f <PID> 14321 <THREAD>\n"
    )
    assert normalize(b"at 12:30", FACTS, patterns=(r"\d\d:\d\d",)) == "at <~>"


def test_normalize_keeps_undecodable_bytes_distinct() -> None:
    """Bytes that are not UTF-8 survive normalisation, so encodings are still compared."""
    assert normalize(b"caf\xe9", FACTS) != normalize("café".encode(), FACTS)


def test_program_source_is_the_dedented_body_after_the_docstring() -> None:
    """The program is the function body without its docstring, starting at column zero."""

    def example(logging):
        """Docstring."""
        import sys

        if sys:
            logging.warning("x")

    assert program_source(example) == 'import sys\n\nif sys:\n    logging.warning("x")\n'


def test_programs_that_import_logging_are_rejected() -> None:
    """Importing logging inside a program would bypass the implementation under test."""
    from ._harness import differential

    def importing(logging):
        """Docstring."""
        import logging.handlers  # noqa: F401

    with pytest.raises(TypeError, match="imports logging itself"):
        differential(importing)


def test_text_diff_makes_invisible_differences_visible() -> None:
    """Carriage returns and a missing final newline are spelled out in the diff."""
    report = text_diff("same\nline\n", "same\nline\r\n", "stdout")
    assert "line\\r" in report
    report = text_diff("end\n", "end", "stdout")
    assert "<no newline at end>" in report
    report = text_diff("a\rb\n", "a\rc\n", "stdout")
    assert "-a\\rb" in report and "+a\\rc" in report


def test_runner_reports_exit_codes_output_files_and_import_errors(tmp_path: Path) -> None:
    """The runner records exit code, streams and written files, and a failed import."""
    sources = [
        'import sys\nprint("out")\nprint("err", file=sys.stderr)\n'
        'open("made.txt", "w").write("data")\nsys.exit(logging.WARNING // 10)\n'
    ]
    [outcome] = finish_runner(*start_runner("logging", sources, tmp_path / "ok"))
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (3, b"out\n", b"err\n")
    assert outcome.files == {"made.txt": b"data"}
    assert outcome.facts is not None and outcome.facts.package.endswith("logging")
    [missing] = finish_runner(*start_runner("no_such_logging_module", sources, tmp_path / "no"))
    assert missing.facts is None and "ModuleNotFoundError" in (missing.import_error or "")


def test_differences_name_every_differing_part() -> None:
    """A report lists exit code, streams and files that differ, and nothing else."""
    program = Program("example", "")
    baseline = Outcome(0, b"a\n", b"", {"x.log": b"1", "y.log": b""}, FACTS, None)
    target = Outcome(1, b"a\n", b"warning\n", {"x.log": b"2", "z.log": b""}, FACTS, None)
    found = differences(program, baseline, target)
    prefixes = [
        "exit code: 0 (logging), 1 (",
        "stderr:",
        "file 'x.log':",
        "file 'y.log': written by logging only",
        "file 'z.log': written by ",
    ]
    assert len(found) == len(prefixes)
    for entry, prefix in zip(found, prefixes, strict=True):
        assert entry.startswith(prefix), entry
