"""File handlers on a full disk. A file-size limit (RLIMIT_FSIZE) stands in
for it: Python ignores SIGXFSZ, so a write past the limit fails with EFBIG,
and one that crosses it is cut short, as on a disk that fills up. The reports
printed meanwhile are kept in memory, since the limit binds the program's
own output files too, and printed once it is lifted."""

from ._harness import differential


@differential
def test_file_handler_writes_the_lines_a_short_full_spell_refused(logging):
    """A FileHandler keeps up to a buffer's worth of refused lines and writes them later."""
    import io
    import os
    import resource
    import sys

    handler = logging.FileHandler("app.log")
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("full")
    logger.addHandler(handler)
    hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]

    def log(numbers, width=95):
        for number in numbers:
            logger.warning("%03d %s", number, "y" * width)

    def full_spell(room, numbers, width=95):
        reports, stderr = io.StringIO(), sys.stderr
        sys.stderr = reports
        resource.setrlimit(resource.RLIMIT_FSIZE, (os.path.getsize("app.log") + room, hard))
        log(numbers, width)
        resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
        sys.stderr = stderr
        print("reports:", reports.getvalue().count("--- Logging error ---"))
        sys.stderr.write(reports.getvalue())

    log(range(10))
    # Room for half a line: the next one is cut, fifteen are refused.
    full_spell(50, range(10, 25))
    log(range(25, 28))
    # No room at all, and more refused than a buffer holds.
    full_spell(0, range(28, 100))
    log(range(100, 103))
    # Lines longer than the buffer.
    full_spell(3000, range(103, 110), width=6000)
    log(range(110, 113))
    handler.close()
    with open("app.log") as file:
        print([line[:3] + " " + str(len(line)) for line in file.read().split("\n")])


@differential
def test_file_handler_on_a_disk_that_fills_and_frees_at_random(logging):
    """Full spells with little or no room, short lines and lines longer than the buffer."""
    import io
    import random
    import resource
    import sys

    hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
    reports, stderr = io.StringIO(), sys.stderr
    for seed in range(12):
        rng = random.Random(seed)
        handler = logging.FileHandler(f"run{seed:02d}.log")
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger = logging.getLogger(f"run{seed}")
        logger.addHandler(handler)
        number = 0
        for _ in range(rng.randint(1, 4)):
            limit = rng.choice([hard, rng.randint(0, 20_000)])
            sys.stderr = reports
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
            for _ in range(rng.randint(1, 60)):
                short, long = rng.randint(0, 200), rng.randint(3000, 9000)
                width = rng.choice([short, short, long])
                logger.warning("%04d %s", number, "y" * width)
                number += 1
            resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
            sys.stderr = stderr
        handler.close()
        print(seed, number, "reports:", reports.getvalue().count("--- Logging error ---"))
        reports.seek(0)
        reports.truncate()
