"""Generated formats and messages render to the same bytes under both implementations.

Each property runs in three steps so that hundreds of examples cost two
processes instead of two per example: hypothesis first generates the examples
(deterministically), both implementations then render all of them in one
program each, and finally hypothesis replays the examples against those
results. Only examples that were not pre-rendered, which happens while
hypothesis shrinks a failure, are rendered one at a time.
"""

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ._harness import BASELINE, TARGET, Outcome, program_source, run_pairs, text_diff
from ._normalize import normalize

SETTINGS = settings(
    max_examples=200,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Standard record attributes, grouped by the type of their value.
STRING_ATTRIBUTES = [
    "name", "levelname", "pathname", "filename", "module", "funcName", "threadName",
    "processName", "message", "asctime",
] + (["taskName"] if sys.version_info >= (3, 12) else [])  # fmt: skip
INTEGER_ATTRIBUTES = ["levelno", "lineno", "thread", "process"]
FLOAT_ATTRIBUTES = ["created", "msecs", "relativeCreated"]
ALL_CONVERSIONS = "diouxXeEfFgGcrsa"
CONVERSIONS = {
    **{name: "rsa" for name in STRING_ATTRIBUTES},
    **{name: "diouxXeEfFgGrsa" for name in INTEGER_ATTRIBUTES},
    **{name: "diueEfFgGrsa" for name in FLOAT_ATTRIBUTES},
}
INTEGER_TYPES = ["", "b", "c", "d", "o", "x", "X", "n", "e", "f", "g", "%"]
FLOAT_TYPES = ["", "e", "E", "f", "F", "g", "G", "%"]
BRACE_TYPES = {
    **{name: ["", "s"] for name in STRING_ATTRIBUTES},
    **{name: INTEGER_TYPES for name in INTEGER_ATTRIBUTES},
    **{name: FLOAT_TYPES for name in FLOAT_ATTRIBUTES},
}
# Attributes whose values differ between two runs unless a filter pins them. A
# filter makes both implementations build a Python record, so the properties
# that leave these out run without one: they check the native rendering.
UNPINNED_ATTRIBUTES = {"created", "msecs", "relativeCreated", "asctime", "thread", "process"}
RUN_STABLE_ATTRIBUTES = sorted(set(CONVERSIONS) - UNPINNED_ATTRIBUTES)
LOGGER_NAMES = ["", "app", "app.db.pool", "ünï.cødé"]
LEVELS = [5, 10, 20, 25, 30, 40, 50]

literal_text = st.text(max_size=6)
# Arguments of a message: what users typically pass.
arguments = st.one_of(
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=8),
    st.booleans(),
    st.none(),
)


@st.composite
def percent_placeholders(draw: st.DrawFn, attributes: list[str] | None = None) -> str:
    """One %(attribute)... placeholder with random flags, width, precision and conversion."""
    attribute = draw(st.sampled_from(attributes or sorted(CONVERSIONS)))
    flags = draw(st.text(alphabet="-+ #0", max_size=3))
    width = draw(st.one_of(st.just(""), st.integers(0, 24).map(str)))
    precision = draw(st.one_of(st.just(""), st.integers(0, 12).map(lambda value: f".{value}")))
    # Mostly a conversion that suits the value; sometimes any, to exercise the error path.
    mismatched = draw(st.integers(0, 9)) == 0
    conversion = draw(st.sampled_from(ALL_CONVERSIONS if mismatched else CONVERSIONS[attribute]))
    return f"%({attribute}){flags}{width}{precision}{conversion}"


@st.composite
def brace_placeholders(draw: st.DrawFn, attributes: list[str] | None = None) -> str:
    """One {attribute:spec} placeholder with a format spec that suits the value's type.

    Strings (and any value after a !r, !s or !a conversion) take fill, alignment,
    width and precision; numbers also take sign, '#', zero padding and grouping.
    """
    attribute = draw(st.sampled_from(attributes or sorted(BRACE_TYPES)))
    conversion = draw(st.sampled_from(["", "", "", "!r", "!s", "!a"]))
    textual = bool(conversion) or attribute in STRING_ATTRIBUTES
    align = draw(st.sampled_from(["", "<", ">", "^"] if textual else ["", "<", ">", "^", "="]))
    fill = draw(st.sampled_from(["", "*", " ", "ä", "0"])) if align else ""
    width = draw(st.one_of(st.just(""), st.integers(1, 24).map(str)))
    precision = st.integers(0, 8).map(lambda value: f".{value}")
    if textual:
        kind = draw(st.sampled_from(["", "s"]))
        spec = f"{fill}{align}{width}{draw(st.one_of(st.just(''), precision))}{kind}"
    else:
        kind = draw(st.sampled_from(BRACE_TYPES[attribute]))
        sign = draw(st.sampled_from(["", "+", "-", " "]))
        alternate = draw(st.sampled_from(["", "#"])) if kind not in ("", "c", "n") else ""
        zero = draw(st.sampled_from(["", "0"]))
        grouping = draw(st.sampled_from(["", ",", "_"])) if kind not in ("c", "n") else ""
        allows_precision = attribute in FLOAT_ATTRIBUTES or kind in "eEfFgG%"
        digits = draw(st.one_of(st.just(""), precision)) if allows_precision and kind else ""
        spec = f"{fill}{align}{sign}{alternate}{zero}{width}{grouping}{digits}{kind}"
    return "{" + attribute + conversion + (":" + spec if spec else "") + "}"


def formats(placeholder: st.SearchStrategy[str], escape: Callable[[str], str]):
    """Format strings alternating literal text (escaped for the style) with placeholders."""
    pieces = st.lists(st.tuples(literal_text.map(escape), placeholder), max_size=4)
    return st.tuples(pieces, literal_text.map(escape)).map(
        lambda parts: "".join(text + field for text, field in parts[0]) + parts[1]
    )


# Message placeholders and the arguments that suit them.
MESSAGE_PLACEHOLDERS = {
    "%s": arguments,
    "%r": arguments,
    "%a": arguments,
    "%-6s": arguments,
    "%d": st.integers(-(10**12), 10**12),
    "%x": st.integers(0, 10**6),
    "%5.2f": st.floats(allow_nan=False, allow_infinity=False, width=32),
}


@st.composite
def messages(draw: st.DrawFn) -> tuple[str, list[object]]:
    """A %-style message with placeholders and one argument per placeholder.

    Arguments mostly suit their placeholder; sometimes they are of any type.
    """
    placeholders = st.sampled_from(sorted(MESSAGE_PLACEHOLDERS) + ["%%"])
    parts = draw(st.lists(st.tuples(literal_text, placeholders), max_size=3))
    message = "".join(text.replace("%", "%%") + field for text, field in parts)
    values = []
    for _, field in parts:
        if field != "%%":
            mismatched = draw(st.integers(0, 9)) == 0
            values.append(draw(arguments if mismatched else MESSAGE_PLACEHOLDERS[field]))
    return message, values


def examples(format_strategy: st.SearchStrategy[str], style: str, pinned: bool = True):
    """Complete examples: format, style, logger name, level, message, arguments, and
    whether a filter pins the record's clock and ids."""
    return st.builds(
        lambda fmt, name, level, message: [fmt, style, name, level, message[0], message[1], pinned],
        format_strategy,
        st.sampled_from(LOGGER_NAMES),
        st.sampled_from(LEVELS),
        messages(),
    )


def _render_examples(logging, examples):
    """Render every example with a fresh formatter and print the results as JSON."""
    import io
    import json
    import sys

    stream = io.StringIO()
    pinned_handler = logging.StreamHandler(stream)
    plain_handler = logging.StreamHandler(stream)

    def pin(record):
        record.created = 1700000000.123456
        record.msecs = 123.0
        record.relativeCreated = 4567.891
        record.thread = 140000000000001
        record.process = 4242
        return True

    pinned_handler.addFilter(pin)
    results = []
    for fmt, style, name, level, message, arguments, pinned in examples:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        handler = pinned_handler if pinned else plain_handler
        logger.addHandler(handler)
        logger.propagate = False
        logger.setLevel(1)
        stream.seek(0)
        stream.truncate()
        try:
            handler.setFormatter(logging.Formatter(fmt, style=style))
        except Exception as error:
            results.append(["rejected", type(error).__name__, str(error)])
            continue
        errors = io.StringIO()
        sys.stderr = errors
        try:
            logger.log(level, message, *arguments)
        finally:
            sys.stderr = sys.__stderr__
        results.append(["rendered", stream.getvalue(), errors.getvalue()])
    print(json.dumps(results))


_PROGRAM_BODY = program_source(_render_examples)


def _program(batch: list[list[object]]) -> str:
    """The program source rendering ``batch``: the examples as JSON, then the fixed body."""
    return f"import json\n\nexamples = json.loads({json.dumps(batch)!r})\n{_PROGRAM_BODY}"


def _results(outcome: Outcome) -> list[tuple[str, ...]]:
    """Each example's rendering from one run, with run-specific details normalised."""
    if outcome.facts is None:
        raise AssertionError(f"could not import the implementation:\n{outcome.import_error}")
    if outcome.exit_code != 0:
        raise AssertionError(
            f"rendering program failed:\n{outcome.stderr.decode(errors='replace')}"
        )
    facts = outcome.facts
    return [
        tuple(normalize(text.encode("utf-8", "surrogatepass"), facts) for text in entry)
        for entry in json.loads(outcome.stdout)
    ]


# Parts of an example's result, in the order the program reports them.
_RESULT_PARTS = {"rendered": ("kind", "output", "logging errors"), "rejected": ("kind", "error")}


class Renderer:
    """Renders examples with both implementations, in one batch up front or one by one."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.runs = 0
        self.known: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def render(self, batch: list[list[object]]) -> None:
        self.runs += 1
        ((baseline, target),) = run_pairs([_program(batch)], self.root / f"run{self.runs}")
        for example, expected, actual in zip(
            batch, _results(baseline), _results(target), strict=True
        ):
            self.known[json.dumps(example)] = (expected, actual)

    def differing(self) -> list[list[object]]:
        """The pre-rendered examples whose results differ, smallest first."""
        found = [json.loads(key) for key, (one, other) in self.known.items() if one != other]
        return sorted(found, key=lambda example: len(json.dumps(example)))

    def describe(self, example: list[object]) -> str:
        """A readable account of how one example's results differ, part by part."""
        expected, actual = self.known[json.dumps(example)]
        lines = [f"example (format, style, logger, level, message, arguments): {example!r}"]
        if len(expected) != len(actual) or expected[0] != actual[0]:
            return "\n".join(lines + [f"{BASELINE}: {expected!r}", f"{TARGET}: {actual!r}"])
        for part, one, other in zip(_RESULT_PARTS[expected[0]], expected, actual, strict=True):
            if one != other:
                lines.append(text_diff(one, other, part))
        return "\n".join(lines)

    def check(self, example: list[object]) -> None:
        key = json.dumps(example)
        if key not in self.known:
            self.render([example])
        expected, actual = self.known[key]
        assert expected == actual, self.describe(example)


def check_property(strategy: st.SearchStrategy[list[object]], root: Path) -> None:
    """Generate examples from ``strategy``, render them in one batch, then compare each.

    A failure lists the smallest differing examples. With FEMTO_DIFF_SHRINK=1,
    hypothesis then replays the examples and shrinks the first failure, which
    renders every shrinking step on its own and so takes a while.
    """
    collected: list[list[object]] = []
    renderer = Renderer(root)
    check: Callable[[list[object]], None] = collected.append

    @SETTINGS
    @given(strategy)
    def replay(example: list[object]) -> None:
        check(example)

    replay()
    renderer.render(collected)
    differing = renderer.differing()
    if not differing:
        return
    if os.environ.get("FEMTO_DIFF_SHRINK") == "1":
        check = renderer.check
        replay()
    shown = "\n\n".join(renderer.describe(example) for example in differing[:3])
    pytest.fail(
        f"{len(differing)} of {len(renderer.known)} examples differ; the smallest:\n\n{shown}",
        pytrace=False,
    )


def test_percent_formats_with_random_flags_render_identically(tmp_path: Path) -> None:
    """Random %-style formats over standard attributes render the same bytes."""
    check_property(
        examples(formats(percent_placeholders(), lambda text: text.replace("%", "%%")), "%"),
        tmp_path,
    )


def test_brace_formats_with_random_specs_render_identically(tmp_path: Path) -> None:
    """Random {-style formats with fill, alignment, sign and type render the same bytes."""
    escape = lambda text: text.replace("{", "{{").replace("}", "}}")  # noqa: E731
    check_property(examples(formats(brace_placeholders(), escape), "{"), tmp_path)


def test_percent_formats_render_identically_on_the_native_path(tmp_path: Path) -> None:
    """Random %-style formats over the attributes stable across runs, with no filter."""
    check_property(
        examples(
            formats(
                percent_placeholders(RUN_STABLE_ATTRIBUTES),
                lambda text: text.replace("%", "%%"),
            ),
            "%",
            pinned=False,
        ),
        tmp_path,
    )


def test_brace_formats_render_identically_on_the_native_path(tmp_path: Path) -> None:
    """Random {-style formats over the attributes stable across runs, with no filter."""
    escape = lambda text: text.replace("{", "{{").replace("}", "}}")  # noqa: E731
    check_property(
        examples(formats(brace_placeholders(RUN_STABLE_ATTRIBUTES), escape), "{", pinned=False),
        tmp_path,
    )
