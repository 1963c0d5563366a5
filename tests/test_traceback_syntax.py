"""A SyntaxError made natively reads byte for byte as `traceback.format_exception` prints it.

Its own layout (the `File` line, the offending text, the caret line, the message with the file
when there is no line) differs between 3.11/3.12 and 3.13 in how the caret span is bounded; each
case is compared with the running Python's `traceback`, and a property test does the same over
random positions and texts.
"""

import importlib
import pathlib
import sys

import pytest
from femtologging import _femtologging as native
from hypothesis import given, settings
from hypothesis import strategies as st
from test_traceback_text import assert_falls_back, assert_native, caught

_counter = iter(range(1_000_000))

SOURCES = [
    "1 +",
    "x = (1,\n 2",
    "  f(**)",
    "def f(:\n  pass",
    "a b c",
    "x = 'abc",
    "\tif x\n",
    "print 1",
    "f(a for a in b, c)",
    "x = 1 +\\\n 2 +",
    "if True:\n\tx = 1\n        y = 2\n",
    "f'{1 +}'",
    "é = ü +",
    "return",
    "x = [1, 2\ny = 3",
    "class C:\npass",
    "nonlocal x",
    "del f()",
]


@pytest.mark.parametrize("source", SOURCES)
def test_errors_from_compile_read_as_traceback_prints_them(source):
    assert_native(caught(compile, source, "<src>", "exec"))


def test_an_import_of_a_broken_module_reads_as_traceback_prints_it(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    name = f"tb_broken_{next(_counter)}"
    (tmp_path / f"{name}.py").write_text("def fine():\n    return 1\n\ndef broken(:\n    pass\n")
    assert_native(caught(importlib.import_module, name))


def test_a_syntax_error_in_a_chain_with_notes_and_in_a_group():
    def reraise():
        try:
            compile("a b", "<cfg>", "eval")
        except SyntaxError as error:
            error.add_note("while reading the configuration")
            raise ValueError("bad configuration") from error

    assert_native(caught(reraise))
    errors = [caught(compile, source, "<src>", "exec") for source in SOURCES[:4]]
    assert_native(ExceptionGroup("several", errors))


def test_attributes_of_other_types_are_left_to_traceback():
    # traceback prints these through str() (a path object, a bool line, a number as message).
    assert_falls_back(SyntaxError("flag", ("f.py", True, 1, "text\n", 3, 2)))
    assert_falls_back(SyntaxError("path", (pathlib.PurePosixPath("d/f.py"), 3, 1, "t\n", 3, 2)))
    assert_falls_back(SyntaxError(404, ("f.py", 3, 1, "text\n", 3, 2)))


_NUMBERS = st.one_of(st.none(), st.integers(-3, 45))
_TEXTS = st.one_of(
    st.none(),
    st.text(alphabet=" \t\n\x0c\x0bxyé(+", max_size=12),
    st.sampled_from(["  x = 1 +\n", "\tif x:\n", "abc\n\n", "a\nb\n", "line\r\n"]),
)


@settings(max_examples=400, deadline=None)
@given(
    kind=st.sampled_from([SyntaxError, IndentationError, TabError]),
    message=st.one_of(st.none(), st.sampled_from(["", "invalid syntax", "two\nlines"])),
    filename=st.one_of(st.none(), st.sampled_from(["", "f.py", "<string>", "dir/ü.py"])),
    lineno=_NUMBERS,
    offset=_NUMBERS,
    text=_TEXTS,
    end_lineno=_NUMBERS,
    end_offset=_NUMBERS,
)
def test_random_positions_and_texts_match_traceback(
    kind, message, filename, lineno, offset, text, end_lineno, end_offset
):
    error = kind(message, (filename, lineno, offset, text, end_lineno, end_offset))
    assert native.format_exception_text(error, None) is not None
    assert_native(error)


def test_the_version_specific_bound_applies():
    # 3.13 cuts a caret span that reaches past the text at the text's end; earlier versions
    # print it whole. The native text follows the running version either way.
    error = SyntaxError("msg", ("file.py", 2, 40, "short\n", 2, 50))
    assert_native(error)
    text = native.format_exception_text(error, None)
    if sys.version_info >= (3, 13):
        assert text.endswith("    short\n         ^\nSyntaxError: msg")
    else:
        assert text.endswith("    short\n         ^^^^^^^^^^\nSyntaxError: msg")
