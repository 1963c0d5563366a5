"""Stream, file, null and last-resort handlers, and the standard handlers module."""

from ._harness import differential


@differential
def test_stream_handler_defaults_to_stderr(logging):
    """A StreamHandler created without a stream writes to sys.stderr."""
    import sys

    logger = logging.getLogger("default.stream")
    logger.addHandler(logging.StreamHandler())
    logger.warning("to stderr")
    print("stdout untouched", file=sys.stdout)


@differential
def test_stream_handler_looks_up_sys_stderr_when_created(logging):
    """A default StreamHandler keeps the sys.stderr it saw at creation time."""
    import io
    import sys

    original = sys.stderr
    captured = io.StringIO()
    sys.stderr = captured
    logger = logging.getLogger("swapped")
    logger.addHandler(logging.StreamHandler())
    sys.stderr = original
    logger.warning("into the StringIO")
    print(repr(captured.getvalue()))


@differential
def test_stream_handler_writes_to_stdout_and_string_io(logging):
    """StreamHandlers write each record and a newline to stdout and to a StringIO."""
    import io
    import sys

    buffer = io.StringIO()
    logger = logging.getLogger("streams")
    logger.addHandler(logging.StreamHandler(sys.stdout))
    logger.addHandler(logging.StreamHandler(buffer))
    logger.warning("first")
    logger.error("second")
    print(repr(buffer.getvalue()))


@differential
def test_set_stream_swaps_streams_and_returns_the_old_one(logging):
    """setStream flushes and returns the previous stream, or None when it is unchanged."""
    import io
    import sys

    first, second = io.StringIO(), io.StringIO()
    handler = logging.StreamHandler(first)
    logger = logging.getLogger("swap")
    logger.addHandler(handler)
    logger.warning("one")
    print(handler.setStream(second) is first)
    print(handler.setStream(second))
    logger.warning("two")
    print(repr(first.getvalue()), repr(second.getvalue()), handler.stream is second)
    handler.setStream(sys.stdout)
    logger.warning("three")


@differential
def test_terminator_replaces_the_trailing_newline(logging):
    """A handler's terminator attribute is written after each record instead of a newline."""
    import sys

    handler = logging.StreamHandler(sys.stdout)
    logger = logging.getLogger("terminator")
    logger.addHandler(handler)
    print(repr(handler.terminator), repr(logging.StreamHandler.terminator))
    handler.terminator = ""
    logger.warning("no newline;")
    handler.terminator = "\r\n"
    logger.warning("crlf")
    handler.terminator = " <end>\n"
    logger.warning("custom")


@differential
def test_file_handler_mode_w_truncates_an_existing_file(logging):
    """FileHandler with mode 'w' truncates the file before writing."""
    with open("truncated.log", "w") as existing:
        existing.write("old content that must vanish\n")
    handler = logging.FileHandler("truncated.log", mode="w")
    logger = logging.getLogger("file.w")
    logger.addHandler(handler)
    logger.warning("fresh")
    handler.close()
    print(repr(handler.baseFilename.rsplit("/", 1)[-1]), handler.mode)


@differential
def test_file_handler_default_mode_appends(logging):
    """FileHandler appends to an existing file by default."""
    with open("appended.log", "w") as existing:
        existing.write("kept line\n")
    logger = logging.getLogger("file.a")
    logger.addHandler(logging.FileHandler("appended.log"))
    logger.warning("appended one")
    logger.warning("appended two")


@differential
def test_file_handler_with_delay_creates_the_file_on_first_emit(logging):
    """A delayed FileHandler creates its file only when the first record is emitted."""
    import os

    handler = logging.FileHandler("delayed.log", delay=True)
    logger = logging.getLogger("delay")
    logger.addHandler(handler)
    print(os.path.exists("delayed.log"), handler.stream)
    logger.info("below threshold, still no file")
    print(os.path.exists("delayed.log"))
    logger.warning("now the file exists")
    print(os.path.exists("delayed.log"))
    logging.FileHandler("never.log", delay=True).close()
    print(os.path.exists("never.log"))


@differential
def test_file_handler_encodes_with_latin_1(logging):
    """A latin-1 FileHandler writes single bytes and reports characters it cannot encode."""
    logger = logging.getLogger("latin")
    logger.addHandler(logging.FileHandler("latin.log", encoding="latin-1"))
    logger.warning("café ÿ")
    logger.warning("snake 🐍 cannot be encoded")
    logger.warning("after the error")


@differential
def test_file_handler_errors_argument_controls_unencodable_characters(logging):
    """The errors argument of FileHandler decides how unencodable characters are written."""
    for errors in ("replace", "backslashreplace", "xmlcharrefreplace", "ignore"):
        logger = logging.getLogger(errors)
        logger.addHandler(logging.FileHandler(f"{errors}.log", encoding="ascii", errors=errors))
        logger.warning("naïve → 🐍")


@differential
def test_file_handler_writes_utf_8(logging):
    """A utf-8 FileHandler writes multi-byte characters with the record's format."""
    handler = logging.FileHandler("utf8.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s:%(name)s:%(message)s"))
    logger = logging.getLogger("utf8.ログ")
    logger.addHandler(handler)
    logger.warning("Grüße, 世界, 🐍")


@differential
def test_closed_file_handler_in_mode_w_does_not_reopen(logging):
    """After close, an 'a' FileHandler reopens on emit but a 'w' one drops the record."""
    logger = logging.getLogger("reopen")
    for mode in ("a", "w"):
        handler = logging.FileHandler(f"closed-{mode}.log", mode=mode)
        logger.addHandler(handler)
        logger.warning("before close %s", mode)
        handler.close()
        logger.warning("after close %s", mode)
        logger.removeHandler(handler)
        handler.close()


@differential
def test_file_handler_repr_shows_its_absolute_path(logging):
    """A FileHandler's repr and baseFilename show the absolute path of its file."""
    import os

    handler = logging.FileHandler("shown.log", delay=True)
    handler.setLevel(logging.ERROR)
    print(repr(handler))
    print(handler.baseFilename == os.path.abspath("shown.log"))


@differential
def test_null_handler_swallows_records_and_disables_last_resort(logging):
    """A NullHandler emits nothing and its presence keeps lastResort quiet."""
    logger = logging.getLogger("library")
    logger.addHandler(logging.NullHandler())
    logger.warning("swallowed")
    logger.error("also swallowed")
    logging.getLogger("unconfigured").warning("printed by lastResort")


@differential
def test_last_resort_prints_warnings_and_above_as_bare_messages(logging):
    """Without handlers, lastResort prints WARNING and above as the bare message to stderr."""
    logger = logging.getLogger("nothing.configured")
    logger.setLevel(logging.DEBUG)
    logger.debug("debug")
    logger.info("info")
    logger.warning("warning %s", "formatted")
    logger.critical("critical")
    print(repr(logging.lastResort), logging.lastResort.level)


@differential
def test_without_last_resort_a_single_no_handlers_notice_is_printed(logging):
    """With lastResort set to None, 'No handlers could be found' is printed once."""
    logging.lastResort = None
    logging.getLogger("first.logger").warning("lost")
    logging.getLogger("second.logger").error("lost too")
    print("manager flag:", logging.root.manager.emittedNoHandlerWarning)


@differential
def test_handler_names_and_flush_and_close_are_reentrant(logging):
    """A handler's name is settable, and flush and close can be called repeatedly."""
    import io

    handler = logging.StreamHandler(io.StringIO())
    print(handler.name, handler.get_name())
    handler.set_name("console")
    print(handler.name)
    handler.name = "renamed"
    print(handler.get_name())
    handler.flush()
    handler.close()
    handler.close()
    handler.flush()
    print("ok")


@differential(min_version=(3, 12))
def test_handlers_are_found_by_name(logging):
    """getHandlerByName and getHandlerNames see named handlers until they are closed."""
    import io

    first = logging.StreamHandler(io.StringIO())
    first.name = "first"
    second = logging.NullHandler()
    second.name = "second"
    print(sorted(logging.getHandlerNames()))
    print(logging.getHandlerByName("first") is first, logging.getHandlerByName("missing"))
    first.close()
    print(sorted(logging.getHandlerNames()))


@differential(requires=("handlers",))
def test_rotating_file_handler_keeps_the_configured_backups(logging):
    """RotatingFileHandler rolls over by size and keeps backupCount numbered files."""
    handler = logging.handlers.RotatingFileHandler("rotating.log", maxBytes=40, backupCount=2)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("rotate")
    logger.addHandler(handler)
    for index in range(12):
        logger.warning("record number %02d", index)


@differential(requires=("handlers",))
def test_memory_handler_flushes_to_its_target_at_capacity_and_level(logging):
    """MemoryHandler buffers records and flushes them at capacity or at flushLevel."""
    import sys

    target = logging.StreamHandler(sys.stdout)
    target.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    memory = logging.handlers.MemoryHandler(3, flushLevel=logging.ERROR, target=target)
    logger = logging.getLogger("memory")
    logger.addHandler(memory)
    for index in range(4):
        logger.warning("buffered %d", index)
        print("after", index, len(memory.buffer))
    logger.error("flushes everything")
    print("buffer", len(memory.buffer))
    logger.warning("left for close")
    memory.close()
    print("closed", len(memory.buffer))


@differential(requires=("handlers",))
def test_queue_handler_and_listener_deliver_prepared_records(logging):
    """QueueHandler formats records into the queue and QueueListener hands them to handlers."""
    import queue
    import sys

    records = queue.Queue()
    sink = logging.StreamHandler(sys.stdout)
    sink.setFormatter(logging.Formatter("sink %(levelname)s %(message)s %(args)s"))
    listener = logging.handlers.QueueListener(records, sink)
    logger = logging.getLogger("queued")
    logger.addHandler(logging.handlers.QueueHandler(records))
    listener.start()
    logger.warning("one %s", "arg")
    try:
        raise KeyError("k")
    except KeyError:
        logger.exception("with traceback")
    listener.stop()


@differential(requires=("handlers",))
def test_watched_file_handler_reopens_a_moved_file(logging):
    """WatchedFileHandler notices its file was moved away and writes to a new one."""
    import os

    logger = logging.getLogger("watched")
    logger.addHandler(logging.handlers.WatchedFileHandler("watched.log"))
    logger.warning("into the original")
    os.rename("watched.log", "watched.log.moved")
    logger.warning("into a fresh file")


@differential(requires=("handlers",))
def test_buffering_handler_flushes_by_capacity(logging):
    """A BufferingHandler subclass is flushed whenever its buffer reaches capacity."""

    class Printing(logging.handlers.BufferingHandler):
        def flush(self):
            print("flush", [record.getMessage() for record in self.buffer])
            super().flush()

    handler = Printing(2)
    logger = logging.getLogger("buffering")
    logger.addHandler(handler)
    for index in range(5):
        logger.warning("item %d", index)
    print("before close", len(handler.buffer))
