"""Tracebacks made natively read byte for byte as `traceback.format_exception` prints them.

Each test raises a real exception, then compares `Formatter.formatException` (and the native
renderer behind it) with the running Python's `traceback`. Where the native renderer leaves an
exception to `traceback` (name suggestions, ...), the test says so and still compares.
"""

import importlib
import io
import logging as std_logging
import os
import random
import sys
import textwrap
import traceback

import femtologging
import pytest
from femtologging import _femtologging as native

_counter = iter(range(1_000_000))


def expected(exc):
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return text.removesuffix("\n")


def assert_native(exc):
    """The native text is made (no fallback) and equals the standard library's."""
    text = native.format_exception_text(exc, exc.__traceback__)
    assert text is not None, "fell back to traceback"
    assert text == expected(exc)
    ei = (type(exc), exc, exc.__traceback__)
    standard = std_logging.Formatter().formatException(ei)
    assert femtologging.Formatter().formatException(ei) == standard


def assert_falls_back(exc):
    """The native renderer declines, and the formatter's text is still the standard one."""
    assert native.format_exception_text(exc, exc.__traceback__) is None
    ei = (type(exc), exc, exc.__traceback__)
    assert femtologging.Formatter().formatException(ei) == expected(exc)


def caught(function, *args):
    try:
        function(*args)
    except BaseException as exc:  # noqa: BLE001 - every kind is under test
        return exc
    raise AssertionError("did not raise")


@pytest.fixture
def write_module(tmp_path, monkeypatch):
    """Writes a module into a fresh directory on sys.path and imports it."""
    monkeypatch.syspath_prepend(str(tmp_path))

    def write(source):
        name = f"tb_case_{next(_counter)}"
        path = tmp_path / f"{name}.py"
        path.write_text(textwrap.dedent(source))
        module = importlib.import_module(name)
        module.PATH = path
        return module

    yield write


def test_a_simple_exception_from_a_module_reads_as_traceback_prints_it(write_module):
    module = write_module(
        """
        def fail(value):
            raise ValueError(f"bad value {value!r}")

        def outer():
            return fail(3)
        """
    )
    assert_native(caught(module.outer))


def test_an_exception_never_raised_has_no_stack_and_an_empty_message_prints_the_type_alone():
    assert_native(ValueError("not raised"))
    assert_native(KeyError())
    assert_native(caught(lambda: (_ for _ in ()).throw(RuntimeError)))


def test_explicit_causes_and_implicit_contexts_print_in_chain_order(write_module):
    module = write_module(
        """
        def cause():
            try:
                {}["missing"]
            except KeyError as error:
                raise LookupError("wrapped") from error

        def context():
            try:
                cause()
            except LookupError:
                raise RuntimeError("while handling")

        def suppressed():
            try:
                context()
            except RuntimeError:
                raise TypeError("fresh start") from None
        """
    )
    assert_native(caught(module.cause))
    assert_native(caught(module.context))
    assert_native(caught(module.suppressed))


def test_a_cycle_of_contexts_is_printed_once(write_module):
    first = ValueError("first")
    second = RuntimeError("second")
    first.__context__ = second
    second.__context__ = first
    assert_native(first)


def test_notes_are_printed_line_by_line_and_a_failing_str_is_named():
    class Unprintable(Exception):
        def __str__(self):
            raise RuntimeError("no")

    class NoteObject:
        def __str__(self):
            return "an object note"

    def fail():
        error = Unprintable()
        error.add_note("first note")
        error.add_note("two\nlines")
        error.__notes__.append(NoteObject())
        raise error

    assert_native(caught(fail))
    error = ValueError("tuple notes")
    error.__notes__ = ("a", "b")
    assert_native(error)
    error.__notes__ = "a string is not a list of notes"
    assert_falls_back(error)


def test_type_names_carry_the_module_except_builtins_and_main():
    class Local(Exception):
        pass

    assert_native(Local("here"))
    Local.__module__ = "__main__"
    assert_native(Local("main"))
    Local.__module__ = 42
    assert_native(Local("unknown module"))


def test_deep_recursion_is_folded_into_previous_line_repeated(write_module):
    module = write_module(
        """
        def down(n):
            if n == 0:
                raise OverflowError("bottom")
            return down(n - 1)

        def forever(n):
            return forever(n + 1)
        """
    )
    assert_native(caught(module.down, 2))
    assert_native(caught(module.down, 4))
    assert_native(caught(module.down, 50))
    assert_native(caught(module.forever, 0))


def test_lambdas_comprehensions_and_nested_functions_name_their_frames(write_module):
    module = write_module(
        """
        def comprehension():
            return [1 // (x - x) for x in range(3)]

        def generator():
            return sum(1 // (x - x) for x in range(3))

        def nested():
            def inner():
                local = lambda: {}["key"]
                return local()
            return inner()
        """
    )
    for function in (module.comprehension, module.generator, module.nested):
        assert_native(caught(function))


def test_an_edited_source_file_reads_as_linecache_now_sees_it(write_module):
    module = write_module(
        """
        def fail():
            raise ValueError("edited")
        """
    )
    exc = caught(module.fail)
    assert_native(exc)
    module.PATH.write_text("# a comment now longer than before\n# second\n# third\n")
    assert_native(exc)
    module.PATH.unlink()
    assert_native(exc)


def test_a_file_edited_between_two_failures_gives_the_new_line(write_module):
    module = write_module(
        """
        def fail():
            raise ValueError("one")
        """
    )
    assert_native(caught(module.fail))
    module.PATH.write_text('\ndef fail():\n    raise KeyError("a different line entirely")\n')
    stat = module.PATH.stat()
    os.utime(module.PATH, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    assert_native(caught(module.fail))


def test_carets_under_operators_subscripts_and_calls_match(write_module):
    module = write_module(
        """
        def divide(a, b):
            return a / b

        def index(items):
            return items["a"]["b"]

        def call():
            value = divide(1, 0)
            return value

        def spread(items):
            return (items[0]
                    + items[1]
                    + divide(1,
                             0))

        def wide():
            return "\u4e2d\u6587" + 1
        """
    )
    assert_native(caught(module.divide, 1, 0))
    assert_native(caught(module.index, {"a": {}}))
    assert_native(caught(module.call))
    assert_native(caught(module.spread, [1, 2]))
    assert_native(caught(module.wide))


def test_code_without_a_file_and_lines_with_odd_whitespace(write_module):
    namespace = {}
    source = "def fail():\n    raise ValueError('from a string')\n"
    exec(compile(source, "<generated>", "exec"), namespace)
    assert_native(caught(namespace["fail"]))
    module = write_module("def fail():\n    x = 1\x0c; raise ValueError('formfeed')\n")
    exc = caught(module.fail)
    assert native.format_exception_text(exc, exc.__traceback__) in (None, expected(exc))
    assert femtologging.Formatter().formatException((type(exc), exc, exc.__traceback__)) == (
        expected(exc)
    )
    module = write_module("def fail():\n    raise ValueError('separators')  # \x1f\u3000\x1c\n")
    assert_native(caught(module.fail))


def test_groups_and_syntax_errors_are_native():
    # Every shape of each: tests/test_traceback_groups.py, tests/test_traceback_syntax.py.
    def group():
        raise ExceptionGroup("several", [ValueError("a"), KeyError("b")])

    assert_native(caught(group))
    assert_native(caught(compile, "1 +", "<input>", "exec"))
    try:
        raise ValueError("inside")
    except ValueError:
        context_group = caught(group)
    assert_native(context_group)


def test_name_suggestions_read_as_each_python_makes_them(write_module):
    # 3.12 and later add "Did you mean" and "Did you forget to import" to these messages.
    module = write_module(
        """
        import collections

        def local_typo():
            counter = 3
            return countr

        def unknown_name():
            return undefined_namex

        def forgot_import():
            return math.pi

        def module_attribute():
            return collections.OrderedDic

        def method_typo():
            return [].apend(1)

        def import_typo():
            from collections import OrderedDic

        def missing_module():
            import nonexistent_module_xyz

        def on_none():
            return None.foo

        def noted():
            try:
                return countr
            except NameError as error:
                error.add_note("while counting")
                raise AttributeError("wrapped", name="countr", obj=[]) from error
        """
    )
    functions = [
        module.local_typo,
        module.unknown_name,
        module.forgot_import,
        module.module_attribute,
        module.method_typo,
        module.import_typo,
        module.missing_module,
        module.on_none,
        module.noted,
    ]
    for function in functions:
        assert_native(caught(function))
    typo = caught(module.local_typo)
    text = native.format_exception_text(typo, typo.__traceback__)
    suggested = "NameError: name 'countr' is not defined. Did you mean: 'counter'?"
    assert text.endswith(suggested) == (sys.version_info >= (3, 12))
    assert_native(NameError("made by hand", name="x"))
    assert_native(AttributeError("made by hand"))


@pytest.mark.parametrize("limit", [None, -2, 0, 1, 2, 3, 50])
def test_a_traceback_limit_keeps_the_frames_traceback_keeps(write_module, monkeypatch, limit):
    module = write_module(
        """
        def deeper(n):
            if n:
                return deeper(n - 1)
            raise KeyError("bottom")

        def chained():
            try:
                deeper(4)
            except KeyError as error:
                raise ExceptionGroup("group", [error, ValueError("v")]) from error
        """
    )
    error = caught(module.chained)
    frame = sys._getframe()
    monkeypatch.setattr(sys, "tracebacklimit", limit, raising=False)
    assert_native(error)
    assert native.format_stack_text(frame) == "".join(traceback.format_stack(frame))


def test_a_traceback_limit_of_another_type_is_left_to_traceback(monkeypatch):
    monkeypatch.setattr(sys, "tracebacklimit", True, raising=False)
    assert_falls_back(caught(lambda: 1 / 0))


def test_logger_exception_writes_the_standard_traceback(tmp_path):
    stream = io.StringIO()
    logger = femtologging.getLogger(f"tb.{next(_counter)}")
    handler = femtologging.StreamHandler(stream)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        {}["key"]
    except KeyError as exc:
        logger.exception("failed %d", 1)
        wanted = "failed 1\n" + expected(exc) + "\n"
    assert stream.getvalue() == wanted


def _chain_program(rng):
    """Raises a random chain of exceptions through random call depths."""
    kinds = ["ValueError", "KeyError", "RuntimeError", "Custom", "Unprintable"]

    def raise_one(level):
        kind = rng.choice(kinds)
        depth = rng.randrange(0, 6)
        links = ["cause", "context", "suppressed", "none", "cause_none"]
        link = rng.choice(links) if level else "none"
        notes = [f"note {level}.{i}" for i in range(rng.randrange(0, 3))]
        return kind, depth, link, notes

    return [raise_one(level) for level in range(rng.randrange(1, 5))]


def test_random_nested_chains_match_traceback(write_module):
    module = write_module(
        """
        class Custom(Exception):
            pass

        class Unprintable(Exception):
            def __str__(self):
                raise ValueError

        def descend(depth, kind, message, notes):
            if depth:
                return descend(depth - 1, kind, message, notes)
            error = {"Custom": Custom, "Unprintable": Unprintable}.get(kind) or __builtins__[kind]
            error = error(message)
            for note in notes:
                error.add_note(note)
            raise error

        def run(plan, index=0):
            kind, depth, link, notes = plan[index]
            if index + 1 == len(plan):
                descend(depth, kind, f"level {index}", notes)
            try:
                run(plan, index + 1)
            except Exception as inner:
                if link == "cause":
                    try:
                        descend(depth, kind, f"level {index}", notes)
                    except Exception as outer:
                        raise outer from inner
                if link == "cause_none":
                    try:
                        descend(depth, kind, f"level {index}", notes)
                    except Exception as outer:
                        raise outer from None
                if link == "suppressed":
                    try:
                        descend(depth, kind, f"level {index}", notes)
                    except Exception as outer:
                        outer.__suppress_context__ = True
                        raise outer
                descend(depth, kind, f"level {index}", notes)
        """
    )
    rng = random.Random(15)
    for _ in range(150):
        plan = _chain_program(rng)
        assert_native(caught(module.run, plan))


def test_a_subclass_that_overrides_format_exception_is_still_called():
    class Short(femtologging.Formatter):
        def formatException(self, ei):
            return f"short: {ei[1]!r}"

    stream = io.StringIO()
    logger = femtologging.getLogger(f"tb.{next(_counter)}")
    handler = femtologging.StreamHandler(stream)
    handler.setFormatter(Short())
    logger.addHandler(handler)
    logger.propagate = False
    try:
        raise ValueError("v")
    except ValueError:
        logger.exception("failed")
    assert stream.getvalue() == "failed\nshort: ValueError('v')\n"


def test_stack_info_reads_as_print_stack_writes_it(write_module):
    module = write_module(
        """
        import sys

        def here():
            return sys._getframe()

        def recurse(n):
            if n == 0:
                return here()
            return recurse(n - 1)
        """
    )
    for frame in (module.here(), module.recurse(2), module.recurse(30)):
        assert native.format_stack_text(frame) == "".join(traceback.format_stack(frame))


def test_stack_info_on_a_record_matches_the_standard_library():
    outputs = []
    for library in (std_logging, femtologging):
        stream = io.StringIO()
        logger = library.getLogger(f"tb.stack.{next(_counter)}")
        handler = library.StreamHandler(stream)
        logger.addHandler(handler)
        logger.propagate = False
        for _ in range(2):
            logger.warning("with stack", stack_info=True)
        logger.removeHandler(handler)
        outputs.append(stream.getvalue())
    assert outputs[0].count("Stack (most recent call last):") == 2
    assert outputs[1] == outputs[0]


def test_messages_of_every_shape_and_exceptions_from_native_code(write_module):
    class StrNotText(Exception):
        def __str__(self):
            return 42

    class Interrupted(KeyboardInterrupt):
        pass

    module = write_module(
        """
        def parse():
            return int("not a number")

        def reraise():
            try:
                parse()
            except ValueError as error:
                raise error

        def generator():
            yield 1
            raise StopIteration

        def run_generator():
            return list(generator())
        """
    )
    assert_native(ValueError("two\nlines and a trailing newline\n"))
    assert_native(ValueError("caf\u00e9 \u4e2d\u6587 \U0001f600"))
    assert_native(ValueError("x" * 10_000))
    assert_native(StrNotText())
    assert_native(caught(lambda: (_ for _ in ()).throw(Interrupted("stop"))))
    assert_native(caught(module.parse))
    assert_native(caught(module.reraise))
    assert_native(caught(module.run_generator))
    assert_native(caught(module.reraise).with_traceback(None))


def test_a_replaced_traceback_or_linecache_function_is_honoured(monkeypatch):
    import linecache

    exc = caught(lambda: {}["key"])
    assert_native(exc)
    monkeypatch.setattr(linecache, "getline", lambda *args, **kwargs: "replaced\n")
    assert_falls_back(exc)
    assert "    replaced\n" in expected(exc)
    monkeypatch.undo()
    original = traceback.StackSummary.format_frame_summary
    monkeypatch.setattr(
        traceback.StackSummary,
        "format_frame_summary",
        lambda self, summary, **kwargs: original(self, summary, **kwargs).upper(),
    )
    assert_falls_back(exc)
    monkeypatch.undo()
    assert_native(exc)
