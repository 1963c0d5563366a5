"""Exception groups made natively read byte for byte as `traceback.format_exception` prints them.

Groups nest, carry chains inside and around them, share members, and run past the width (15
members) and depth (10 levels) that `traceback` prints; every case is compared with the running
Python's `traceback`, and a property test does the same over random trees.
"""

import importlib
import io
import logging as std_logging
import sys

import femtologging
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_traceback_text import assert_native, caught, expected

_counter = iter(range(1_000_000))

# Built from a file so every frame has a source line (and, where the running Python draws
# them, carets) inside the group's margin.
_BUILDER = """
class Custom(Exception):
    pass


class Unprintable(Exception):
    def __str__(self):
        raise ValueError


KINDS = {
    "ValueError": ValueError,
    "KeyError": KeyError,
    "Custom": Custom,
    "Unprintable": Unprintable,
    "KeyboardInterrupt": KeyboardInterrupt,
}


def descend(depth, error):
    if depth:
        return descend(depth - 1, error)
    raise error


def raised(error, depth):
    try:
        descend(depth, error)
    except BaseException as caught_error:
        return caught_error


def build(plan, pool):
    if plan["kind"] == "shared" and pool:
        return pool[plan["pick"] % len(pool)]
    if plan["kind"] == "group":
        members = [build(member, pool) for member in plan["members"]]
        error = BaseExceptionGroup(plan["message"], members)
    else:
        error = KINDS.get(plan["kind"], ValueError)(plan["message"])
    for note in plan["notes"]:
        error.add_note(note)
    if plan["link"] is not None:
        earlier = build(plan["link"], pool)
        if plan["how"] == "cause":
            error.__cause__ = earlier
        else:
            error.__context__ = earlier
            error.__suppress_context__ = plan["how"] == "suppressed"
    if plan["depth"] is not None:
        error = raised(error, plan["depth"])
    pool.append(error)
    return error


def recurse(n):
    if n == 0:
        raise ValueError("bottom")
    return recurse(n - 1)


def recursion_group():
    errors = []
    for depth in (2, 30):
        try:
            recurse(depth)
        except ValueError as error:
            errors.append(error)
    raise ExceptionGroup("recursion", errors)
"""


@pytest.fixture(scope="module")
def builder(tmp_path_factory):
    directory = tmp_path_factory.mktemp("groups")
    name = f"tb_groups_{next(_counter)}"
    (directory / f"{name}.py").write_text(_BUILDER)
    sys.path.insert(0, str(directory))
    try:
        yield importlib.import_module(name)
    finally:
        sys.path.remove(str(directory))


def plan(kind="ValueError", message="m", members=(), notes=(), link=None, how="context", depth=0):
    return {
        "kind": kind,
        "message": message,
        "members": list(members),
        "notes": list(notes),
        "link": link,
        "how": how,
        "depth": depth,
        "pick": 0,
    }


def group(message, members, **fields):
    return plan("group", message, members, **fields)


def test_a_raised_group_boxes_each_member_with_its_own_traceback(builder):
    tree = group(
        "outer",
        [plan(depth=1), plan("KeyError", "k", depth=None), plan("Custom", "c", depth=4)],
        notes=["a note\nof two lines"],
    )
    assert_native(builder.build(tree, []))


def test_groups_nest_and_the_innermost_last_member_closes_the_box(builder):
    inner = group("inner", [plan(depth=2), plan("KeyError", "x", depth=None)], depth=1)
    tree = group("outer", [plan("Custom", "first"), inner], depth=0)
    assert_native(builder.build(tree, []))


def test_chains_inside_members_and_around_the_group(builder):
    member = plan("ValueError", "b", link=plan("KeyError", "a"), how="context")
    caused = plan("Custom", "c", link=plan("ValueError", "root", depth=3), how="cause")
    suppressed = plan("KeyError", "s", link=plan("ValueError", "hidden"), how="suppressed")
    tree = group("g", [member, caused, suppressed], link=plan("RuntimeError", "before"))
    assert_native(builder.build(tree, []))
    # A plain exception raised while a group was handled.
    assert_native(builder.build(plan("Custom", "after", link=group("ctx", [plan()])), []))


def test_a_last_member_whose_context_is_a_group_leaves_the_outer_box_open(builder):
    # traceback hands the closing line to the group printed inside the last member, so the
    # outer box has no closing line of its own; the native text does the same.
    last = plan("Custom", "tt", link=group("cg", [plan(depth=0)], depth=0))
    tree = group("holder", [plan("KeyError", "k", depth=None), last], depth=None)
    error = builder.build(tree, [])
    assert_native(error)
    assert expected(error).count("+------------------------------------") == 1


def test_a_member_seen_earlier_in_the_tree_is_printed_without_its_chain_again(builder):
    pool = []
    shared = builder.build(plan("ValueError", "b", link=plan("KeyError", "a"), depth=2), pool)
    tree = group("shared", [plan("shared"), plan("shared"), plan("shared", link=None)])
    tree["members"][2]["pick"] = 1
    error = builder.build(tree, [shared, shared.__context__])
    assert_native(error)


@pytest.mark.parametrize("width", [14, 15, 16, 17, 40])
def test_members_past_fifteen_are_counted(builder, width):
    tree = group("wide", [plan(message=str(number), depth=None) for number in range(width)])
    assert_native(builder.build(tree, []))


@pytest.mark.parametrize("levels", [9, 10, 11, 12, 15])
def test_groups_nested_past_ten_levels_print_the_depth_mark(builder, levels):
    tree = plan("ValueError", "leaf", depth=None)
    for level in range(levels):
        tree = group(f"level {level}", [tree], depth=None if level % 2 else 0)
    assert_native(builder.build(tree, []))


def test_messages_with_line_breaks_python_counts_get_the_margin_on_each_piece(builder):
    message = "carriage\rreturn\x0bvertical\x0cfeed\u2028separator\r\nend\n"
    tree = group("odd\rlines", [plan(message=message), plan("Unprintable", depth=1)])
    assert_native(builder.build(tree, []))


def test_base_exception_groups_and_subclasses_print_their_names(builder):
    assert_native(builder.build(group("base", [plan("KeyboardInterrupt", "")]), []))

    class Collected(ExceptionGroup):
        pass

    def collect():
        raise Collected("sub", [KeyError(1)])

    assert_native(caught(collect))


def test_recursion_inside_a_member_is_folded_within_the_margin(builder):
    assert_native(caught(builder.recursion_group))


def test_logger_exception_writes_a_group_as_the_standard_library_does(builder):
    error = builder.build(group("logged", [plan(depth=1), plan("Custom", "c")], depth=0), [])
    lines = []
    for library in (std_logging, femtologging):
        stream = io.StringIO()
        logger = library.getLogger(f"tb.groups.{next(_counter)}")
        logger.propagate = False
        handler = library.StreamHandler(stream)
        logger.addHandler(handler)
        logger.error("failed", exc_info=error)
        logger.removeHandler(handler)
        lines.append(stream.getvalue())
    assert lines[0] == lines[1]
    assert "+-+---------------- 1 ----------------" in lines[1]


def test_syntax_errors_inside_a_group_keep_their_own_layout():
    error = caught(compile, "1 +", "<input>", "exec")
    assert_native(BaseExceptionGroup("holds one", [error, KeyError("k")]))


_TEXT = st.text(alphabet="ab \n\r\x0bé", max_size=6)
_LEAF_KINDS = st.sampled_from(["ValueError", "KeyError", "Custom", "Unprintable", "shared"])
_DEPTHS = st.one_of(st.none(), st.integers(0, 5))


def _plans():
    def node(kind, members):
        return st.fixed_dictionaries(
            {
                "kind": kind,
                "message": _TEXT,
                "members": members,
                "notes": st.lists(_TEXT, max_size=2),
                "link": st.none(),
                "how": st.sampled_from(["cause", "context", "suppressed"]),
                "depth": _DEPTHS,
                "pick": st.integers(0, 20),
            }
        )

    leaves = node(_LEAF_KINDS, st.just([]))

    def extend(children):
        grouped = node(st.just("group"), st.lists(children, min_size=1, max_size=4))
        linked = st.tuples(st.one_of(grouped, leaves), children).map(
            lambda pair: {**pair[0], "link": pair[1]}
        )
        return st.one_of(grouped, linked)

    return st.recursive(leaves, extend, max_leaves=12)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tree=_plans())
def test_random_trees_of_groups_and_chains_match_traceback(builder, tree):
    error = builder.build(tree, [])
    assert_native(error)
