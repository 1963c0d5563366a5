"""The rotating and watched file handlers of `logging.handlers`."""

from ._harness import differential


@differential(requires=["handlers"])
def test_rotating_file_handler_keeps_the_newest_lines_in_numbered_backups(logging):
    """Size rollover: each file stays under maxBytes, backups shift up, the oldest go."""
    import os

    handler = logging.handlers.RotatingFileHandler("app.log", maxBytes=300, backupCount=3)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger("rotating")
    logger.addHandler(handler)
    for number in range(200):
        logger.warning("record %d with ünïcödé", number)
    handler.close()
    for name in sorted(os.listdir(".")):
        if name.startswith("app.log"):
            with open(name, "rb") as file:
                print(name, file.read())


@differential(requires=["handlers"])
def test_rotating_file_handler_rolls_an_existing_file_over_by_its_size(logging):
    """A file that already holds bytes counts towards maxBytes, and mode is forced to 'a'."""
    import os

    with open("app.log", "w") as file:
        file.write("x" * 90 + "\n")
    handler = logging.handlers.RotatingFileHandler("app.log", mode="w", maxBytes=100, backupCount=1)
    print(handler.mode)
    logger = logging.getLogger("existing")
    logger.addHandler(handler)
    logger.warning("twelve chars")
    handler.close()
    for name in sorted(os.listdir(".")):
        if name.startswith("app.log"):
            with open(name) as file:
                print(name, repr(file.read()))


@differential(requires=["handlers"])
def test_rotating_file_handler_with_a_record_longer_than_max_bytes(logging):
    """An oversized record: 3.11 and 3.12 roll even an empty file over, 3.13 does not."""
    import os

    handler = logging.handlers.RotatingFileHandler("app.log", maxBytes=10, backupCount=2)
    logger = logging.getLogger("oversized")
    logger.addHandler(handler)
    logger.warning("far longer than ten characters")
    logger.warning("again longer than ten characters")
    handler.close()
    for name in sorted(os.listdir(".")):
        if name.startswith("app.log"):
            with open(name) as file:
                print(name, repr(file.read()))


@differential(requires=["handlers"])
def test_rotating_file_handler_without_backups_or_limit_never_rotates(logging):
    """backupCount=0 reopens the same file; maxBytes=0 never checks: no backups either way."""
    import os

    for name, max_bytes, backups in (("a.log", 50, 0), ("b.log", 0, 3)):
        handler = logging.handlers.RotatingFileHandler(
            name, maxBytes=max_bytes, backupCount=backups
        )
        logger = logging.getLogger("never." + name)
        logger.addHandler(handler)
        for number in range(20):
            logger.warning("line %d", number)
        handler.close()
    print(sorted(os.listdir(".")))
    print(len(open("a.log").read().splitlines()), len(open("b.log").read().splitlines()))


@differential(requires=["handlers"])
def test_rotating_file_handler_calls_namer_and_rotator(logging):
    """A namer renames every backup, a rotator moves the live file: both are called as set."""
    import os

    calls = []

    def namer(default_name):
        calls.append(("namer", os.path.basename(default_name)))
        return default_name + ".bak"

    def rotator(source, dest):
        calls.append(("rotator", os.path.basename(source), os.path.basename(dest)))
        with open(source) as old, open(dest, "w") as new:
            new.write(old.read().upper())
        os.remove(source)

    handler = logging.handlers.RotatingFileHandler("app.log", maxBytes=40, backupCount=2)
    handler.namer = namer
    handler.rotator = rotator
    logger = logging.getLogger("hooks")
    logger.addHandler(handler)
    for number in range(6):
        logger.warning("message %d", number)
    handler.close()
    print(calls)
    for name in sorted(os.listdir(".")):
        with open(name) as file:
            print(name, repr(file.read()))


@differential(requires=["handlers"])
def test_rotating_file_handler_subclass_decides_when_to_roll(logging):
    """A subclass's shouldRollover and doRollover are the ones called, record by record."""

    class EveryThird(logging.handlers.RotatingFileHandler):
        def shouldRollover(self, record):
            print("should", record.getMessage())
            return record.getMessage().endswith("3")

        def doRollover(self):
            print("rolling")
            super().doRollover()

    handler = EveryThird("app.log", maxBytes=1_000_000, backupCount=1)
    logger = logging.getLogger("subclass")
    logger.addHandler(handler)
    for number in range(5):
        logger.warning("n%d", number)
    handler.close()
    print(repr(open("app.log").read()), repr(open("app.log.1").read()))


@differential(requires=["handlers"])
def test_base_rotating_handler_subclass_and_delay(logging):
    """A BaseRotatingHandler subclass with delay=True opens the file on the first record."""
    import os

    class Counting(logging.handlers.BaseRotatingHandler):
        def __init__(self, filename):
            super().__init__(filename, "a", delay=True)
            self.count = 0

        def shouldRollover(self, record):
            self.count += 1
            return self.count % 2 == 0

        def doRollover(self):
            if self.stream:
                self.stream.close()
                self.stream = None
            self.rotate(self.baseFilename, self.rotation_filename(self.baseFilename + ".old"))

    handler = Counting("app.log")
    print(os.path.exists("app.log"), isinstance(handler, logging.FileHandler))
    logger = logging.getLogger("base")
    logger.addHandler(handler)
    for number in range(3):
        logger.warning("n%d", number)
    handler.close()
    print(sorted(os.listdir(".")))
    print(repr(open("app.log").read()), repr(open("app.log.old").read()))


@differential(requires=["handlers"])
def test_rotating_file_handler_reports_a_backup_it_cannot_replace(logging):
    """A directory where a backup belongs: the error goes to handleError, the program goes on."""
    import os

    os.makedirs("app.log.1/inside")
    handler = logging.handlers.RotatingFileHandler("app.log", maxBytes=30, backupCount=1)
    errors = []
    handler.handleError = lambda record: errors.append(record.getMessage())
    logger = logging.getLogger("blocked")
    logger.addHandler(handler)
    for number in range(4):
        logger.warning("record number %d", number)
    handler.close()
    print(errors)
    print(repr(open("app.log").read()))


@differential(requires=["handlers"])
def test_rotating_file_handler_after_its_file_was_removed(logging):
    """The live file removed by someone else: the next rollover still leaves the right files."""
    import os

    handler = logging.handlers.RotatingFileHandler("app.log", maxBytes=60, backupCount=2)
    logger = logging.getLogger("removed")
    logger.addHandler(handler)
    logger.warning("first line")
    os.remove("app.log")
    for number in range(8):
        logger.warning("line %d", number)
    handler.close()
    for name in sorted(os.listdir(".")):
        print(name, repr(open(name).read()))


@differential(requires=["handlers"])
def test_rotating_file_handler_backup_count_lowered_between_runs(logging):
    """A second run with fewer backups leaves the older backups of the first run alone."""
    import os

    for backups in (4, 2):
        handler = logging.handlers.RotatingFileHandler("app.log", maxBytes=40, backupCount=backups)
        logger = logging.getLogger(f"run{backups}")
        logger.addHandler(handler)
        for number in range(12):
            logger.warning("run %d line %d", backups, number)
        handler.close()
        logger.removeHandler(handler)
    for name in sorted(os.listdir(".")):
        print(name, repr(open(name).read()))


@differential(requires=["handlers"])
def test_watched_file_handler_reopens_after_logrotate(logging):
    """Moved away or deleted, the file is created again on the next record."""
    import os

    handler = logging.handlers.WatchedFileHandler("app.log")
    logger = logging.getLogger("watched")
    logger.addHandler(handler)
    logger.warning("before the move")
    os.rename("app.log", "app.log.1")
    logger.warning("after the move")
    os.remove("app.log")
    logger.warning("after the removal")
    print(handler.dev != -1, handler.ino != -1)
    handler.close()
    for name in sorted(os.listdir(".")):
        print(name, repr(open(name).read()))


@differential(requires=["handlers"])
def test_watched_file_handler_with_delay_and_a_subclass(logging):
    """delay=True has no stream to stat yet; a subclass's reopenIfNeeded is called per record."""

    class Noisy(logging.handlers.WatchedFileHandler):
        def reopenIfNeeded(self):
            print("checking", self.stream is not None)
            super().reopenIfNeeded()

    handler = Noisy("app.log", delay=True)
    print(handler.dev, handler.ino, handler.stream)
    logger = logging.getLogger("noisy")
    logger.addHandler(handler)
    logger.warning("one")
    logger.warning("two")
    handler.close()
    print(repr(open("app.log").read()))


@differential(requires=["handlers"])
def test_rotating_file_handler_whose_directory_disappears(logging):
    """The directory removed under the handler, then made again: each failed
    rollover is reported, and writing resumes in the new directory."""
    import os
    import shutil

    os.mkdir("logs")
    handler = logging.handlers.RotatingFileHandler("logs/app.log", maxBytes=40, backupCount=2)
    handler.handleError = lambda record: print("error for", record.getMessage())
    logger = logging.getLogger("vanished")
    logger.addHandler(handler)
    logger.warning("before the directory went")
    shutil.rmtree("logs")
    for number in range(3):
        logger.warning("while it is gone %d", number)
    os.mkdir("logs")
    for number in range(3):
        logger.warning("after it came back %d", number)
    handler.close()
    for name in sorted(os.listdir("logs")):
        print(name, repr(open(os.path.join("logs", name)).read()))


@differential(requires=["handlers"])
def test_timed_and_watched_handlers_whose_directory_disappears(logging):
    """The same for a time-rotating handler forced to roll over, and for a
    watched handler, which reopens its file on each record."""
    import os
    import shutil

    os.mkdir("logs")
    timed = logging.handlers.TimedRotatingFileHandler("logs/timed.log", when="S", backupCount=2)
    watched = logging.handlers.WatchedFileHandler("logs/watched.log")
    for handler in (timed, watched):
        handler.handleError = lambda record: print("error for", record.getMessage())
    logger = logging.getLogger("vanished.both")
    logger.addHandler(timed)
    logger.addHandler(watched)
    logger.warning("first")
    shutil.rmtree("logs")
    timed.rolloverAt = 0
    logger.warning("while it is gone")
    os.mkdir("logs")
    logger.warning("after it came back")
    timed.close()
    watched.close()
    for name in sorted(os.listdir("logs")):
        print(name, repr(open(os.path.join("logs", name)).read()))


@differential(requires=["handlers"])
def test_rotating_file_handler_never_rolls_a_special_file(logging):
    """A handler writing to /dev/null (directly or through a link) never rolls
    it over, whatever its size limit, with or without delay."""
    import os

    os.symlink(os.devnull, "app.log")
    for path, delay in ((os.devnull, False), (os.devnull, True), ("app.log", True)):
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=10, backupCount=1, delay=delay
        )
        logger = logging.getLogger("special")
        logger.handlers[:] = [handler]
        for number in range(4):
            logger.warning("a record longer than ten characters %d", number)
        record = logging.makeLogRecord({"msg": "x" * 40})
        print(path == os.devnull, delay, handler.shouldRollover(record))
        handler.close()
    print(sorted(os.listdir(".")))


@differential(requires=["handlers"])
def test_rotating_file_handler_formats_each_record_for_the_test_and_the_write(logging):
    """The size test formats the record, and so does the write: a formatter
    that counts its calls sees both, and a changing one writes its second text."""

    class Counting(logging.Formatter):
        calls = 0

        def format(self, record):
            Counting.calls += 1
            return f"{Counting.calls} {super().format(record)}"

    handler = logging.handlers.RotatingFileHandler("app.log", maxBytes=60, backupCount=2)
    handler.setFormatter(Counting("%(message)s"))
    logger = logging.getLogger("counting")
    logger.addHandler(handler)
    for number in range(5):
        logger.warning("record %d", number)
    handler.close()
    print(Counting.calls)
    for name in ("app.log", "app.log.1", "app.log.2"):
        print(name, repr(open(name).read()))
