"""Cold paths the native code calls back into: what only Python can answer."""

import io
import re
import string
import traceback

from . import _femtologging as _native


def format_stack(frame):
    """The stack_info text for a call made from this frame."""
    # Made natively, byte for byte what `traceback.print_stack` writes;
    # `None` where only `traceback` can make it.
    stack = _native.format_stack_text(frame)
    if stack is not None:
        text = "Stack (most recent call last):\n" + stack
    else:
        with io.StringIO() as buffer:
            buffer.write("Stack (most recent call last):\n")
            traceback.print_stack(frame, file=buffer)
            text = buffer.getvalue()
    if text[-1] == "\n":
        text = text[:-1]
    return text


def open_delayed_file(handler):
    """FileHandler with delay=True: open on the first record, as 3.11+ does."""
    if handler.mode != "w" or not handler._closed:
        handler.stream = handler._open()


# Only templates whose verdict hinges on Unicode character classes (a
# non-ASCII field name, say) come here; the core validates everything else.
_PERCENT_DIRECTIVE = re.compile(
    r"%\(\w+\)[#0+ -]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxefgcrsa%]", re.IGNORECASE
)
_BRACE_FIELD_NAME = re.compile(r"^(?:\d+|\w+)(?:\.\w+|\[[^]]+\])*$")
_BRACE_FORMAT_SPEC = re.compile(
    r"^(?:.?[<>=^])?[+ -]?#?0?(?:\d+|\{\w+\})?[,_]?(?:\.(?:\d+|\{\w+\}))?[bcdefgnosx%]?$"
)


def validate_template(symbol, fmt):
    """Formatter(validate=True) for a template the core left to Python."""
    if symbol == "%":
        if _PERCENT_DIRECTIVE.search(fmt) is None:
            raise ValueError(f"Invalid format '{fmt}' for '%' style")
        return
    named = False
    try:
        for _literal, name, spec, conversion in string.Formatter().parse(fmt):
            if name:
                if _BRACE_FIELD_NAME.match(name) is None:
                    raise ValueError(f"invalid field name/expression: {name!r}")
                named = True
            if conversion and conversion not in "rsa":
                raise ValueError(f"invalid conversion: {conversion!r}")
            if spec and _BRACE_FORMAT_SPEC.match(spec) is None:
                raise ValueError(f"bad specifier: {spec!r}")
    except ValueError as error:
        raise ValueError(f"invalid format: {error}") from None
    if not named:
        raise ValueError("invalid format: no fields")
