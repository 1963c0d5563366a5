"""A call's arguments are held as the call passed them and made into the tuple
`LogRecord.args` holds only when something asks for it: whatever asks sees
what the standard library's record holds."""

import logging as std_logging

import femtologging
import pytest

CALLS = [
    ("no arguments", ()),
    ("%s", ("one",)),
    ("%s and %d", ("two", 2)),
    ("%s %s %s %s", ("a", "b", "c", "d")),
    ("%s %s %s %s %s %s", ("a", "b", "c", "d", "e", "f")),
    ("%(key)s", ({"key": "mapped"},)),
    ("%s", ({},)),
    ("%r and %s", (["a list"], 1.5)),
]


def records_of(library, name):
    """Each record a filter saw, as (args, getMessage()), and the logger."""
    seen = []

    class Seeing(library.Filter):
        def filter(self, record):
            seen.append((record.args, record.getMessage()))
            return True

    logger = library.getLogger(name)
    logger.handlers.clear()
    logger.propagate = False
    logger.setLevel(library.DEBUG)

    class Quiet(library.Handler):
        def emit(self, record):
            pass

    handler = Quiet()
    handler.addFilter(Seeing())
    logger.addHandler(handler)
    return logger, seen


@pytest.mark.parametrize(("msg", "args"), CALLS, ids=[msg for msg, _ in CALLS])
def test_a_filter_sees_the_args_and_message_the_standard_record_holds(msg, args):
    ours, ours_seen = records_of(femtologging, "call_args.ours")
    theirs, theirs_seen = records_of(std_logging, "call_args.theirs")
    ours.info(msg, *args)
    theirs.info(msg, *args)
    assert ours_seen == theirs_seen
    [(ours_args, _)], [(theirs_args, _)] = ours_seen, theirs_seen
    assert type(ours_args) is type(theirs_args)


def test_a_formatter_naming_args_and_a_python_formatter_see_the_tuple():
    lines = []

    class Collecting(femtologging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    logger = femtologging.getLogger("call_args.formatted")
    logger.handlers.clear()
    logger.propagate = False
    logger.setLevel(femtologging.DEBUG)
    handler = Collecting()
    handler.setFormatter(femtologging.Formatter("%(args)s|%(message)s"))
    logger.addHandler(handler)
    logger.info("%s took %d ms", "/items", 7)
    logger.info("%s and %s", {"not": "the mapping rule"}, "x")
    logger.info("%(key)s", {"key": "mapped"})
    assert lines == [
        "('/items', 7)|/items took 7 ms",
        "({'not': 'the mapping rule'}, 'x')|{'not': 'the mapping rule'} and x",
        "{'key': 'mapped'}|mapped",
    ]


def test_an_argument_that_fails_to_merge_is_reported_as_the_standard_library_does(capsys):
    logger = femtologging.getLogger("call_args.failing")
    logger.handlers.clear()
    logger.propagate = False
    logger.addHandler(femtologging.StreamHandler())
    logger.warning("%d items", "not a number")
    captured = capsys.readouterr()
    assert "TypeError: %d format: a real number is required, not str" in captured.err
    assert "Arguments: ('not a number',)" in captured.err
