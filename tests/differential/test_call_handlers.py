"""The walk up the tree: what callHandlers reads from the record and the loggers, and when."""

from ._harness import differential


@differential
def test_a_handler_filter_that_changes_levelno_is_seen_by_later_handlers(logging):
    """Each handler's level is compared with levelno as the previous handlers left it."""
    import sys

    class SetLevel:
        def __init__(self, level):
            self.level = level

        def filter(self, record):
            record.levelno = self.level
            return True

    def handler(label, level=logging.NOTSET, *filters):
        result = logging.StreamHandler(sys.stdout)
        result.setLevel(level)
        result.setFormatter(logging.Formatter(f"{label} %(levelno)s %(levelname)s %(message)s"))
        for one in filters:
            result.addFilter(one)
        return result

    logger = logging.getLogger("walk")
    logger.propagate = False
    logger.addHandler(handler("lowers", logging.NOTSET, SetLevel(logging.DEBUG)))
    logger.addHandler(handler("at-warning", logging.WARNING))
    logger.addHandler(handler("raises", logging.NOTSET, SetLevel(logging.ERROR)))
    logger.addHandler(handler("at-error", logging.ERROR))
    logger.addHandler(handler("to-float", logging.NOTSET, SetLevel(45.5)))
    logger.addHandler(handler("at-45", 45))
    logger.addHandler(handler("at-46", 46))
    logger.warning("lowered, then raised")

    # A filter on a handler of the logger itself reaches the handlers of
    # its parents; one on a parent's handler reaches the grandparent's.
    top = logging.getLogger("top")
    top.propagate = False
    top.addHandler(handler("top-at-warning", logging.WARNING))
    middle = logging.getLogger("top.middle")
    middle.addHandler(handler("middle-at-info", logging.INFO, SetLevel(logging.INFO)))
    middle.addHandler(handler("middle-at-error", logging.ERROR))
    bottom = logging.getLogger("top.middle.bottom")
    bottom.addHandler(handler("bottom-raises", logging.NOTSET, SetLevel(logging.CRITICAL)))
    bottom.info("raised below, lowered above")
    bottom.error("error")

    # A level that cannot be compared raises out of the logging call.
    broken = logging.getLogger("broken")
    broken.propagate = False
    broken.addHandler(handler("unset", logging.NOTSET, SetLevel(None)))
    broken.addHandler(handler("after", logging.NOTSET))
    try:
        broken.warning("levelno becomes None")
    except TypeError as error:
        print("TypeError:", error)


@differential
def test_levelno_changed_by_an_emit_or_a_handle_is_seen_by_later_handlers(logging):
    """A handler whose emit or handle changes record.levelno changes what later handlers let in."""
    import sys

    class Relabel(logging.Handler):
        def __init__(self, level):
            super().__init__()
            self.new_level = level

        def emit(self, record):
            print("emit saw", record.levelno)
            record.levelno = self.new_level

    class Demote(logging.Handler):
        def handle(self, record):
            print("handle saw", record.levelno)
            record.levelno = logging.DEBUG
            return True

    def stream(label, level):
        result = logging.StreamHandler(sys.stdout)
        result.setLevel(level)
        result.setFormatter(logging.Formatter(f"{label} %(levelno)s %(message)s"))
        return result

    parent = logging.getLogger("parent")
    parent.propagate = False
    parent.addHandler(stream("parent-at-info", logging.INFO))
    child = logging.getLogger("parent.child")
    child.addHandler(Relabel(logging.CRITICAL))
    child.addHandler(stream("child-at-critical", logging.CRITICAL))
    child.addHandler(Demote())
    child.addHandler(stream("child-at-warning", logging.WARNING))
    child.warning("passed along")
    print(child.isEnabledFor(logging.WARNING))


@differential
def test_propagate_is_read_after_the_logger_s_handlers_ran(logging):
    """A handler that switches its logger's propagate in emit decides where the record goes."""
    import sys

    class Switch(logging.Handler):
        def __init__(self, logger, value):
            super().__init__()
            self.logger = logger
            self.value = value

        def emit(self, record):
            print(f"{self.logger.name} handler sets propagate={self.value}")
            self.logger.propagate = self.value

    root_handler = logging.StreamHandler(sys.stdout)
    root_handler.setFormatter(logging.Formatter("root got %(name)s %(message)s"))
    logging.root.addHandler(root_handler)

    closing = logging.getLogger("closing")
    closing.addHandler(Switch(closing, False))
    closing.warning("first: stops here, as the switch ran before the walk went on")
    closing.warning("second: propagate is already off")

    opening = logging.getLogger("opening")
    opening.propagate = False
    opening.addHandler(Switch(opening, True))
    opening.warning("first: reaches the root")
    opening.warning("second: reaches the root")

    # The parent is read after the handlers too.
    elsewhere = logging.getLogger("elsewhere")
    elsewhere.propagate = False
    other = logging.StreamHandler(sys.stdout)
    other.setFormatter(logging.Formatter("elsewhere got %(name)s %(message)s"))
    elsewhere.addHandler(other)

    class Reparent(logging.Handler):
        def emit(self, record):
            print("reparenting", record.name)
            logging.getLogger(record.name).parent = elsewhere

    moving = logging.getLogger("moving")
    moving.addHandler(Reparent())
    moving.warning("goes to the new parent")


@differential
def test_last_resort_is_tested_for_truth_and_its_level_compared_as_it_is(logging):
    """lastResort may be any object: a false one is none, a true one's level is compared as is."""

    class Last:
        level = 29.5

        def handle(self, record):
            print("last resort got", record.levelno, record.getMessage())

    logging.lastResort = Last()
    logging.getLogger("a").info("below 29.5")
    logging.getLogger("a").warning("above 29.5")
    logging.lastResort = 0
    logging.getLogger("b").warning("no last resort: one notice")
    logging.getLogger("c").warning("and no second one")
    print(logging.root.manager.emittedNoHandlerWarning)


@differential
def test_propagate_and_disabled_keep_what_is_assigned_and_are_tested_when_read(logging):
    """propagate and disabled give back what was assigned; its truth is asked where it is used."""
    import sys

    class Flag:
        def __init__(self, value):
            self.value = value

        def __bool__(self):
            print("asked", self.value)
            return self.value

    class Broken:
        def __bool__(self):
            raise ValueError("no truth")

    logging.basicConfig(stream=sys.stdout, format="root %(name)s %(message)s")
    logger = logging.getLogger("truth")
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("own %(name)s %(message)s"))
    logger.addHandler(handler)
    for value in (0, 1, "", "yes", None):
        logger.propagate = value
        logger.disabled = 0
        print(repr(logger.propagate), repr(logger.disabled), logger.hasHandlers())
        logger.warning("propagate=%r", value)
    logger.propagate = Flag(False)
    logger.warning("flag false")
    logger.propagate = Flag(True)
    logger.warning("flag true")
    logger.disabled = Flag(False)
    logger.warning("disabled flag false")
    print(logger.isEnabledFor(30))
    logger.disabled = Flag(True)
    logger.warning("disabled flag true")
    logger.disabled = False
    logger.propagate = Broken()
    try:
        logger.warning("broken propagate")
    except ValueError as error:
        print("ValueError:", error)
    logger.propagate = True
    logger.disabled = Broken()
    record = logging.makeLogRecord({"msg": "made"})
    for call in (
        lambda: logger.warning("x"),
        lambda: logger.isEnabledFor(10),
        lambda: logger.handle(record),
    ):
        try:
            call()
        except ValueError as error:
            print("ValueError:", error)
