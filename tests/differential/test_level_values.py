"""Levels that are not small ints: numbers beyond a C int, bools, floats, int subclasses."""

from ._harness import differential


@differential
def test_levels_beyond_a_c_int_are_compared_and_recorded_exactly(logging):
    """log, setLevel, isEnabledFor and getEffectiveLevel take any int, and records keep it."""
    import sys

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter("%(levelno)s|%(levelno)d|%(levelno)x|%(levelname)s|%(message)s")
    )
    brace = logging.StreamHandler(sys.stdout)
    brace.setFormatter(logging.Formatter("{levelno:>24,} {levelname} {message}", style="{"))
    logger = logging.getLogger("big")
    logger.propagate = False
    logger.addHandler(handler)
    logger.addHandler(brace)
    logger.log(2**40, "above every threshold")
    logger.log(2**70, "beyond 64 bits")
    logger.log(-(2**40), "below the threshold: dropped")
    print(logger.isEnabledFor(2**70), logger.isEnabledFor(-(2**70)), logger.isEnabledFor(2**31))

    logger.setLevel(-(2**50))
    logger.log(-(2**40), "kept once the level is lower still")
    print(logger.level, logger.getEffectiveLevel(), logger.isEnabledFor(-(2**55)))

    logger.setLevel(2**40)
    print(logger.level, logger.getEffectiveLevel(), logger.isEnabledFor(2**39))
    logger.critical("dropped below 2**40")
    logger.log(2**40, "kept at 2**40")
    child = logging.getLogger("big.child")
    print(child.getEffectiveLevel(), child.isEnabledFor(2**40), child.isEnabledFor(2**40 - 1))
    child.log(2**41, "a child inherits the level")

    logging.addLevelName(2**40, "HUGE")
    logger.log(2**40, "now with a name")
    print(logging.getLevelName(2**40), logging.getLevelName("HUGE"))

    # Around the ends of a 64-bit integer.
    for level in (2**63 - 2, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1):
        logger.setLevel(level)
        enabled = [logger.isEnabledFor(value) for value in (2**63 - 2, 2**63 - 1, 2**63)]
        print(level, logger.getEffectiveLevel() == level, enabled)
        logger.log(2**63 - 1, "at 2**63 - 1")

    print(logging.Logger("made", 2**40).level, logging.Handler(2**40).level)


@differential
def test_disable_takes_any_integer_threshold(logging):
    """disable() keeps the level it is given, however large, and bools as bools."""
    import sys

    logging.basicConfig(stream=sys.stdout, level=1, format="%(levelno)s %(message)s")
    logging.disable(2**40)
    print(logging.root.manager.disable)
    logging.critical("hidden")
    logging.log(2**40, "hidden at the threshold")
    logging.log(2**40 + 1, "shown above it")
    print(logging.root.isEnabledFor(2**70), logging.getLogger("x").isEnabledFor(2**40))
    logging.disable(True)
    print(repr(logging.root.manager.disable))
    logging.log(1, "hidden at 1")
    logging.log(2, "shown at 2")
    logging.disable(-(2**70))
    print(logging.root.manager.disable)
    logging.log(1, "shown again")
    for level in (1.5, None, "NOPE"):
        try:
            logging.disable(level)
        except (TypeError, ValueError) as error:
            print(type(error).__name__, error)
    print(logging.root.manager.disable)


@differential
def test_level_attributes_hold_whatever_is_assigned(logging):
    """Logger and handler levels assigned as attributes are kept and compared as they are."""
    import sys

    def stream(label):
        result = logging.StreamHandler(sys.stdout)
        result.setFormatter(logging.Formatter(f"{label} %(levelno)s %(message)s"))
        return result

    logger = logging.getLogger("attributes")
    logger.propagate = False
    handler = stream("float-handler")
    logger.addHandler(handler)
    logger.setLevel(1)

    handler.level = 20.5
    print(repr(handler.level), repr(handler))
    logger.info("dropped by the handler at 20.5")
    logger.log(21, "kept by the handler at 20.5")
    handler.level = 2**70
    print(handler.level, repr(handler))
    logger.critical("dropped by the handler at 2**70")
    logger.log(2**70, "kept by the handler at 2**70")
    handler.setLevel(2**40)
    print(handler.level, repr(handler))
    handler.level = True
    print(repr(handler.level), repr(handler))
    logger.log(1, "kept by the handler at True")
    handler.setLevel(logging.NOTSET)

    floating = logging.getLogger("attributes.float")
    floating.level = 20.5
    logging.root.manager._clear_cache()
    print(repr(floating.level), repr(floating.getEffectiveLevel()), repr(floating))
    print(floating.isEnabledFor(20), floating.isEnabledFor(21), floating.isEnabledFor(20.5))
    floating.info("dropped at 20.5")
    floating.log(21, "kept at 20.5")
    below = logging.getLogger("attributes.float.below")
    print(repr(below.getEffectiveLevel()), below.isEnabledFor(20))

    # A false level is NOTSET: the parent's counts.
    for value in (0.0, None, False, ""):
        floating.level = value
        logging.root.manager._clear_cache()
        print(repr(floating.level), repr(floating.getEffectiveLevel()))
    floating.setLevel(True)
    print(repr(floating.level), repr(floating.getEffectiveLevel()), floating.isEnabledFor(1))

    # A level that cannot be compared raises when it is compared.
    floating.level = "INFO"
    logging.root.manager._clear_cache()
    for call in (lambda: floating.isEnabledFor(20), lambda: floating.info("never")):
        try:
            call()
        except TypeError as error:
            print("TypeError:", error)
    floating.setLevel(logging.NOTSET)
    handler.level = None
    try:
        logger.warning("never")
    except TypeError as error:
        print("TypeError:", error)


@differential
def test_is_enabled_for_compares_any_level_like_the_standard_library(logging):
    """isEnabledFor takes floats and other objects, and raises the comparison's own errors."""
    logger = logging.getLogger("any")
    for level in (20.5, 30.0, 29.9, True, 2**70, -(2**70)):
        print(repr(level), logger.isEnabledFor(level))
    for level in ("x", None, [1], (30,)):
        try:
            print(repr(level), logger.isEnabledFor(level))
        except TypeError as error:
            print(repr(level), "TypeError:", error)
    logger.disabled = True
    print(logger.isEnabledFor([1]), logger.isEnabledFor(None))


@differential
def test_bools_and_int_subclasses_are_kept_as_levels(logging):
    """log(True, ...) and an IntEnum level record the object itself, named by getLevelName."""
    import enum
    import sys

    class Loudness(enum.IntEnum):
        LOUD = 35
        QUIET = 5

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter("%(levelno)s|%(levelno)r|%(levelno)d|%(levelname)s|%(message)s")
    )
    logger = logging.getLogger("typed")
    logger.propagate = False
    logger.addHandler(handler)
    logger.log(Loudness.LOUD, "an IntEnum level")
    logger.log(Loudness.QUIET, "dropped below WARNING")
    logging.addLevelName(Loudness.LOUD, "LOUD")
    logger.log(35, "the name registered under the enum")
    logger.setLevel(Loudness.QUIET)
    print(repr(logger.level), repr(logger.getEffectiveLevel()))
    logger.log(True, "a bool level is dropped")
    logger.setLevel(True)
    print(repr(logger.level), repr(logger.getEffectiveLevel()))
    logger.log(True, "a bool level")
    logger.log(False, "dropped")
    logging.addLevelName(1, "ONE")
    logger.log(True, "True is named as 1 is")


@differential
def test_stacklevel_is_compared_and_counted_down_like_the_standard_library(logging):
    """A float, a huge or a negative stacklevel picks the frame the standard loop picks."""
    import sys
    from decimal import Decimal
    from fractions import Fraction

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(funcName)s:%(lineno)d %(message)s"))
    logger = logging.getLogger("stack")
    logger.propagate = False
    logger.addHandler(handler)

    def inner(stacklevel):
        logger.warning("stacklevel=%r", stacklevel, stacklevel=stacklevel)

    def middle(stacklevel):
        inner(stacklevel)

    def outer(stacklevel):
        middle(stacklevel)

    # (A stacklevel that is not above 0 names a frame inside the logging
    # package itself: its file and line differ between implementations.)
    for value in (1, 1.5, 2, 2.0, 2.5, 0.5, True, Fraction(3, 2), Decimal("2.1")):
        outer(value)
    # Past the outermost frame the walk stops there, as at 10**6.
    huge = (2**70, float("inf"), 10**6)
    print(len({logger.findCaller(stacklevel=value)[1:3] for value in huge}))
    for value in ("2", None, [1]):
        try:
            outer(value)
        except TypeError as error:
            print(repr(value), "TypeError:", error)
    logger._log(logging.WARNING, "direct _log with stacklevel=2.5", (), stacklevel=2.5)
    logger._log(logging.WARNING, "direct _log with stack_info=0", (), stack_info=0)
    print(logger.findCaller(stack_info=0, stacklevel=1.5)[1:])

    # Without source lookup the stacklevel is never read.
    logging._srcfile = None
    logger.warning("no caller lookup", stacklevel="never compared")


@differential
def test_records_made_with_any_level_keep_it(logging):
    """LogRecord, makeRecord and makeLogRecord keep the level object and name it with '%'."""
    import sys

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(levelno)r %(levelname)s %(message)s"))
    logger = logging.getLogger("made")
    logger.propagate = False
    logger.addHandler(handler)
    for level in (2**50, 20.5, True, "INFO", None, (1,), (1, 2), {"a": 1}):
        try:
            record = logging.LogRecord("made", level, __file__, 1, "%s", (repr(level),), None)
            print(repr(record.levelno), repr(record.levelname))
            logger.handle(record)
        except TypeError as error:
            print(repr(level), "TypeError:", error)
    record = logger.makeRecord("made", 2**50, __file__, 2, "from makeRecord", (), None)
    logger.handle(record)
    logger.handle(logging.makeLogRecord({"levelno": 2**60, "msg": "from makeLogRecord"}))
