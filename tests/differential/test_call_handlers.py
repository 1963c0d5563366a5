"""The walk up the tree: what callHandlers reads from the record and the loggers, and when."""

from ._harness import differential


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
