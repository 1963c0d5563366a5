"""`logging.handlers.TimedRotatingFileHandler`: its schedule, its backups, its hooks."""

from ._harness import differential


@differential(requires=["handlers"])
def test_timed_handler_attributes_for_every_when(logging):
    """Each `when` sets its interval, suffix and extMatch; rolloverAt starts from the mtime."""
    import datetime
    import os

    with open("app.log", "w") as file:
        file.write("old\n")
    os.utime("app.log", (1_700_000_000, 1_700_000_000))
    whens = ["s", "M", "h", "D", "midnight", "MIDNIGHT"] + [f"w{day}" for day in range(7)]
    for when in whens:
        for interval, utc, at_time in (
            (1, False, None),
            (3, True, None),
            (2, False, datetime.time(13, 45, 7)),
        ):
            handler = logging.handlers.TimedRotatingFileHandler(
                "app.log", when=when, interval=interval, backupCount=4, utc=utc, atTime=at_time
            )
            print(
                repr(handler.when),
                handler.interval,
                handler.suffix,
                handler.extMatch.pattern,
                handler.extMatch.flags,
                getattr(handler, "dayOfWeek", None),
                handler.backupCount,
                handler.utc,
                handler.atTime,
                handler.rolloverAt,
                handler.mode,
                handler.encoding,
            )
            handler.close()


@differential(requires=["handlers"])
def test_timed_handler_rejects_a_bad_when(logging):
    """Unknown units and weekly rollovers without a valid day raise the standard ValueErrors."""
    for when in ("X", "W", "W7", "w10", "Wx", "midnightx", "", "days"):
        try:
            logging.handlers.TimedRotatingFileHandler("app.log", when=when, delay=True)
        except ValueError as error:
            print(repr(when), type(error).__name__, error)
    try:
        logging.handlers.TimedRotatingFileHandler("app.log", when=None, delay=True)
    except AttributeError as error:
        print("None", type(error).__name__)


@differential(requires=["handlers"])
def test_timed_compute_rollover_across_daylight_saving_changes(logging):
    """computeRollover around the spring and autumn changes of a European zone, every unit."""
    import datetime
    import os
    import time

    os.environ["TZ"] = "CET-1CEST,M3.5.0,M10.5.0/3"
    time.tzset()
    with open("app.log", "w") as file:
        file.write("")
    os.utime("app.log", (1_700_000_000, 1_700_000_000))
    cases = [
        ("H", 1, False, None),
        ("D", 1, False, None),
        ("MIDNIGHT", 1, False, None),
        ("MIDNIGHT", 2, False, None),
        ("MIDNIGHT", 1, False, datetime.time(2, 30)),
        ("MIDNIGHT", 1, False, datetime.time(23, 59, 59)),
        ("MIDNIGHT", 1, True, datetime.time(1, 0)),
        ("W6", 1, False, None),
        ("W0", 2, False, datetime.time(3, 0)),
        ("W5", 1, False, datetime.time(2, 0)),
        ("W6", 1, True, None),
    ]
    for change in (1_711_843_200, 1_729_987_200):
        for when, interval, utc, at_time in cases:
            handler = logging.handlers.TimedRotatingFileHandler(
                "app.log", when=when, interval=interval, utc=utc, atTime=at_time, delay=True
            )
            offsets = [
                handler.computeRollover(moment) - moment
                for moment in range(change - 2 * 86400, change + 2 * 86400, 3600)
            ]
            print(when, interval, utc, at_time, offsets)
            exact = [
                handler.computeRollover(moment)
                for moment in (change + 3599, change + 3600, change + 7199, change + 86400)
            ]
            fractional = handler.computeRollover(change + 0.75)
            print(exact, fractional, type(fractional).__name__)
            handler.close()


@differential(requires=["handlers"])
def test_timed_first_rollover_from_the_file_modification_time(logging):
    """The first rolloverAt counts from an existing file's mtime, nanoseconds and all."""
    import datetime
    import os

    for mtime_ns in (
        1_700_000_000_000_000_000,
        1_700_000_000_999_999_999,
        1_700_006_399_999_999_900,
        1_699_999_999_500_000_000,
    ):
        with open("app.log", "w") as file:
            file.write("")
        os.utime("app.log", ns=(mtime_ns, mtime_ns))
        for when, at_time in (("S", None), ("MIDNIGHT", None), ("W3", datetime.time(6, 40))):
            handler = logging.handlers.TimedRotatingFileHandler(
                "app.log", when=when, atTime=at_time
            )
            print(mtime_ns, when, handler.rolloverAt)
            handler.close()


@differential(requires=["handlers"])
def test_timed_forced_rollovers_keep_backup_count_backups(logging):
    """Rollovers forced through rolloverAt name backups by interval and delete the oldest."""
    import os
    import time

    for name in (
        "app.log.2020-01-01",
        "app.log.2020-01-02.gz",
        "app.log.2020-01-03_10",
        "app.log.junk",
        "app.log2.2020-01-04",
        "app.2020-01-05.log",
        "app.log.2020-01-06.bak2",
        "other.log.2020-01-01",
    ):
        with open(name, "w") as file:
            file.write(name + "\n")
    handler = logging.handlers.TimedRotatingFileHandler("app.log", when="D", backupCount=3)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("timed")
    logger.addHandler(handler)
    logger.warning("first")
    start = 1_600_000_000
    for step in range(5):
        handler.rolloverAt = start + step * 86400
        logger.warning("after rollover %d", step)
        print(step, handler.rolloverAt > time.time(), handler.rolloverAt - time.time() <= 86400)
    print([os.path.basename(path) for path in handler.getFilesToDelete()])
    handler.close()
    for name in sorted(os.listdir(".")):
        with open(name) as file:
            print(name, repr(file.read()))


@differential(requires=["handlers"])
def test_timed_backup_count_with_seconds_and_utc(logging):
    """Second and minute units with utc: suffixes carry the time, deletion sorts by name."""
    import os

    for when, utc in (("S", True), ("M", False), ("H", True)):
        folder = "logs-" + when
        os.mkdir(folder)
        path = os.path.join(folder, "app.log")
        handler = logging.handlers.TimedRotatingFileHandler(
            path, when=when, interval=5, backupCount=2, utc=utc
        )
        logger = logging.getLogger("units." + when)
        logger.addHandler(handler)
        for step in range(4):
            handler.rolloverAt = 1_650_000_000 + step * 7000
            logger.error("record %d", step)
        handler.close()
        print(when, sorted(os.listdir(folder)))


@differential(requires=["handlers"])
def test_timed_namer_renames_backups_and_still_finds_them(logging):
    """With a namer, backups get its names and the old ones are recognised through it."""
    import os

    def namer(default_name):
        directory, base = os.path.split(default_name)
        stem, _, date = base.partition(".log.")
        return os.path.join(directory, stem + "." + date + ".log")

    for name in ("app.2019-12-30.log", "app.2019-12-31.log", "app.notes.log", "app.log.2019-12-29"):
        with open(name, "w") as file:
            file.write(name + "\n")
    handler = logging.handlers.TimedRotatingFileHandler("app.log", when="midnight", backupCount=3)
    handler.namer = namer
    logger = logging.getLogger("named")
    logger.addHandler(handler)
    for step in range(3):
        handler.rolloverAt = 1_577_880_000 + step * 86400
        logger.warning("day %d", step)
    print(sorted(os.listdir(".")))
    print([os.path.basename(path) for path in handler.getFilesToDelete()])
    handler.close()


@differential(requires=["handlers"])
def test_timed_rotator_and_namer_are_called_with_the_backup_name(logging):
    """rotation_filename and rotate are called once per rollover, with the dated name."""
    import os

    calls = []

    def rotator(source, dest):
        calls.append(("rotate", os.path.basename(source), os.path.basename(dest)))
        with open(source) as old, open(dest, "w") as new:
            new.write(old.read().upper())
        os.remove(source)

    def namer(name):
        calls.append(("namer", os.path.basename(name)))
        return name + ".txt"

    handler = logging.handlers.TimedRotatingFileHandler("app.log", when="H", backupCount=5)
    handler.rotator = rotator
    handler.namer = namer
    logger = logging.getLogger("hooks")
    logger.addHandler(handler)
    logger.warning("before")
    handler.rolloverAt = 1_500_000_000
    logger.warning("after")
    handler.close()
    print(calls)
    for name in sorted(os.listdir(".")):
        with open(name) as file:
            print(name, repr(file.read()))


@differential(requires=["handlers"])
def test_timed_existing_backup_is_replaced_or_the_rollover_skipped(logging):
    """A backup name already taken: 3.11 replaces the file, 3.13 leaves everything as it is."""
    import os
    import time

    with open("app.log.2020-05-05", "w") as file:
        file.write("someone else's backup\n")
    handler = logging.handlers.TimedRotatingFileHandler("app.log", when="D", backupCount=1)
    logger = logging.getLogger("existing")
    logger.addHandler(handler)
    logger.warning("one")
    past = 1_588_723_200
    handler.rolloverAt = past
    logger.warning("two")
    print(handler.rolloverAt == past, handler.rolloverAt > time.time())
    logger.warning("three")
    handler.close()
    for name in sorted(os.listdir(".")):
        with open(name) as file:
            print(name, repr(file.read()))


@differential(requires=["handlers"])
def test_timed_user_suffix_and_ext_match(logging):
    """A reassigned suffix and extMatch name the backups and pick which ones are old."""
    import os
    import re

    for name in ("app.log.20200101", "app.log.20200102", "app.log.2020-01-03", "app.log.x2020"):
        with open(name, "w") as file:
            file.write("")
    handler = logging.handlers.TimedRotatingFileHandler("app.log", when="D", backupCount=2)
    handler.suffix = "%Y%m%d"
    handler.extMatch = re.compile(r"^\d{8}$")
    logger = logging.getLogger("suffix")
    logger.addHandler(handler)
    handler.rolloverAt = 1_600_000_000
    logger.warning("rolled")
    print(sorted(os.listdir(".")))
    handler.extMatch = re.compile(r"\d{4}-\d{2}-\d{2}|\d{8}", re.ASCII)
    print([os.path.basename(path) for path in handler.getFilesToDelete()])
    handler.backupCount = 0
    print([os.path.basename(path) for path in handler.getFilesToDelete()])
    handler.close()


@differential(requires=["handlers"])
def test_timed_reassigned_interval_and_when(logging):
    """computeRollover reads interval, utc and atTime as they are now."""
    import datetime

    handler = logging.handlers.TimedRotatingFileHandler(
        "app.log", when="midnight", delay=True, utc=True
    )
    print(handler.computeRollover(1_700_000_000))
    handler.atTime = datetime.time(6, 30, 15)
    print(handler.computeRollover(1_700_000_000))
    handler.utc = False
    print(handler.computeRollover(1_700_000_000))
    handler.interval = 3 * 86400
    print(handler.computeRollover(1_700_000_000))
    handler.when = "S"
    print(handler.computeRollover(1_700_000_000), handler.computeRollover(currentTime=1.5))
    handler.interval = 2.5
    print(handler.computeRollover(10))
    handler.close()


@differential(requires=["handlers"])
def test_timed_subclass_overrides_are_called(logging):
    """A subclass's shouldRollover, doRollover, computeRollover and getFilesToDelete run."""
    import os

    class Scripted(logging.handlers.TimedRotatingFileHandler):
        def shouldRollover(self, record):
            print("should", record.getMessage())
            return record.getMessage().startswith("roll")

        def doRollover(self):
            print("doRollover from", self.rolloverAt)
            self.rolloverAt = 1_400_000_000 + 3600
            super().doRollover()

        def computeRollover(self, currentTime):
            print("computeRollover", type(currentTime).__name__)
            return 42

        def getFilesToDelete(self):
            found = super().getFilesToDelete()
            print("getFilesToDelete", [os.path.basename(path) for path in found])
            return found

    with open("app.log.2014-05-13_20", "w") as file:
        file.write("")
    handler = Scripted("app.log", when="H", backupCount=1)
    print(handler.rolloverAt)
    logger = logging.getLogger("scripted")
    logger.addHandler(handler)
    logger.warning("plain")
    logger.warning("roll now")
    print(handler.rolloverAt == 42, (handler.rolloverAt - 42) % 3600)
    handler.close()
    print(sorted(os.listdir(".")))


@differential(requires=["handlers"])
def test_timed_handler_with_delay_opens_on_the_first_record(logging):
    """delay=True: no file until a record, and none again after a rollover until the next."""
    import os

    handler = logging.handlers.TimedRotatingFileHandler("app.log", when="M", delay=True)
    print(os.path.exists("app.log"), handler.stream)
    logger = logging.getLogger("delayed")
    logger.addHandler(handler)
    logger.warning("first")
    print(sorted(os.listdir(".")))
    handler.rolloverAt = 1_234_567_890
    handler.doRollover()
    print(sorted(os.listdir(".")), handler.stream)
    logger.warning("second")
    print(sorted(os.listdir(".")))
    handler.close()


@differential(requires=["handlers"])
def test_timed_handler_follows_a_patched_clock(logging):
    """A patched time.time drives the schedule: first rollover, backup name, next rollover."""
    import os
    import time

    os.environ["TZ"] = "CET-1CEST,M3.5.0,M10.5.0/3"
    time.tzset()
    now = [1_711_800_000.25]
    time.time = lambda: now[0]
    handler = logging.handlers.TimedRotatingFileHandler(
        "app.log", when="midnight", backupCount=2, delay=True
    )
    print(handler.rolloverAt)
    logger = logging.getLogger("clock")
    logger.addHandler(handler)
    record = logging.makeLogRecord({"msg": "probe"})
    for moment in (1_711_800_000.25, 1_711_839_599.9, 1_711_839_600, 1_711_926_000, 1_712_100_000):
        now[0] = moment
        print(moment, handler.shouldRollover(record))
        logger.warning("at %s", moment)
        print(handler.rolloverAt, sorted(os.listdir(".")))
    handler.close()


@differential(requires=["handlers"])
def test_timed_handler_never_rolls_a_special_file(logging):
    """A device is never rolled over: the schedule just moves past now."""
    import time

    handler = logging.handlers.TimedRotatingFileHandler("/dev/null", when="S")
    handler.rolloverAt = 1_000
    record = logging.makeLogRecord({"msg": "probe"})
    print(handler.shouldRollover(record), handler.rolloverAt > time.time() - 5)
    handler.close()


@differential(requires=["handlers"])
def test_timed_handler_with_fractional_intervals(logging):
    """A fractional interval keeps its fraction in every rollover time, and a
    rollover with one schedules the next one interval on."""
    import os
    import time

    for when, interval in (("S", 1.5), ("H", 0.5), ("MIDNIGHT", 1.5), ("W2", 0.5)):
        handler = logging.handlers.TimedRotatingFileHandler(
            f"{when}.log", when=when, interval=interval, delay=True, utc=True
        )
        print(when, handler.interval, handler.computeRollover(1_700_000_000))
        handler.close()
    handler = logging.handlers.TimedRotatingFileHandler("app.log", when="S", backupCount=2)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("fractional")
    logger.addHandler(handler)
    logger.warning("first")
    handler.interval = 2.5
    handler.rolloverAt = 0
    logger.warning("second")
    print("fraction", handler.rolloverAt % 1, handler.rolloverAt > time.time())
    handler.close()
    print(sorted(name for name in os.listdir(".") if not name.startswith("app.log.")))


@differential(requires=["handlers"])
def test_file_handlers_take_a_bytes_file_name(logging):
    """open() takes bytes, and so do the file handlers."""
    import os

    plain = logging.FileHandler(b"plain.log")
    watched = logging.handlers.WatchedFileHandler(b"watched.log")
    logger = logging.getLogger("bytes")
    logger.addHandler(plain)
    logger.addHandler(watched)
    logger.warning("to both")
    os.rename("watched.log", "watched.log.old")
    logger.warning("after the move")
    print(plain.baseFilename == os.path.abspath(b"plain.log"))
    plain.close()
    watched.close()
