"""A file handler whose file cannot be opened when a record comes. The
standard FileHandler and WatchedFileHandler open it before their error
handling starts, so the OSError reaches the logging call; the rotating
handlers open it inside theirs, so it goes to handleError."""

from ._harness import differential


@differential
def test_a_delayed_file_handler_raises_what_opening_its_file_raised(logging):
    """FileHandler(delay=True) in a directory that does not exist: each call raises."""
    import os

    handler = logging.FileHandler("missing/app.log", delay=True)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    after = logging.StreamHandler()
    after.setFormatter(logging.Formatter("after: %(message)s"))
    logger = logging.getLogger("delayed")
    logger.addHandler(handler)
    logger.addHandler(after)
    for attempt in range(2):
        try:
            logger.warning("attempt %d", attempt)
        except OSError as error:
            print(type(error).__name__, error.errno, os.path.relpath(error.filename))
        print("stream", handler.stream)
    record = logger.makeRecord("delayed", logging.ERROR, "f", 1, "direct", (), None)
    for call in (handler.handle, handler.emit):
        try:
            call(record)
        except OSError as error:
            print(call.__name__, type(error).__name__, error.errno)
    os.mkdir("missing")
    logger.warning("once the directory exists")
    handler.close()
    with open("missing/app.log") as file:
        print(repr(file.read()))


@differential(requires=["handlers"])
def test_a_watched_handler_whose_reopen_failed_raises_on_each_record(logging):
    """A failed reopen leaves no stream; each later record raises from the open until it works."""
    import os
    import shutil

    os.mkdir("logs")
    handler = logging.handlers.WatchedFileHandler("logs/app.log")
    logger = logging.getLogger("watched")
    logger.addHandler(handler)
    logger.warning("first")
    shutil.rmtree("logs")
    for attempt in range(3):
        try:
            logger.warning("while it is gone %d", attempt)
        except OSError as error:
            print(type(error).__name__, error.errno, os.path.relpath(error.filename))
        print("stream", handler.stream)
    os.mkdir("logs")
    logger.warning("back")
    logger.warning("and again")
    handler.close()
    with open("logs/app.log") as file:
        print(repr(file.read()))


@differential(requires=["handlers"])
def test_delayed_rotating_handlers_report_what_opening_their_file_raised(logging):
    """The rotating handlers open their file inside their error handling: reported, not raised."""
    import os

    rotating = logging.handlers.RotatingFileHandler(
        "missing/size.log", maxBytes=100, backupCount=1, delay=True
    )
    unlimited = logging.handlers.RotatingFileHandler("missing/plain.log", delay=True)
    timed = logging.handlers.TimedRotatingFileHandler("missing/timed.log", when="D", delay=True)
    logger = logging.getLogger("rotating")
    for handler in (rotating, unlimited, timed):
        logger.addHandler(handler)
    logger.warning("nowhere to go")
    os.mkdir("missing")
    logger.warning("now written")
    for handler in (rotating, unlimited, timed):
        handler.close()
    for name in sorted(os.listdir("missing")):
        with open(os.path.join("missing", name)) as file:
            print(name, repr(file.read()))
