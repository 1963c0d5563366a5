"""Lines a femto handler's worker formats match the standard library's."""

import logging as std_logging
import re
import sys
import threading

import femtologging as logging

FORMATS = [
    ("%(levelname)s:%(name)s:%(module)s.%(funcName)s:%(lineno)d:%(message)s", "%"),
    ("{levelno:03d} {filename} {pathname} | {message!s:>30}", "{"),
    ("$levelname $name: $message", "$"),
    ("%(name)-10s %(levelname)-8s %(created)f %(msecs)03d %(message)s", "%"),
]


def pair(name, tmp_path, fmt, style):
    """A standard logger and a femto one, each writing `fmt` to its own file."""
    loggers = []
    for module, handler_class in (
        (std_logging, std_logging.FileHandler),
        (logging, logging.FemtoFileHandler),
    ):
        path = tmp_path / f"{module.__name__}.log"
        handler = handler_class(str(path))
        handler.setFormatter(module.Formatter(fmt, style=style))
        logger = module.getLogger(f"formatting.{name}")
        logger.handlers[:] = [handler]
        logger.setLevel(module.DEBUG)
        logger.propagate = False
        loggers.append((logger, handler, path))
    return loggers


def lines_of(loggers):
    texts = []
    for _, handler, path in loggers:
        handler.close()
        texts.append(path.read_text())
    return texts


def log_everything(loggers):
    for logger, _, _ in loggers:  # one source line: the same lineno for both
        logger.info("request %s took %d ms", "/api/items", 42)
    for logger, _, _ in loggers:
        logger.warning("plain text with 100%% and %s", None)
    for logger, _, _ in loggers:
        logger.error("ünïcødé %.3f %r", 2.5, "quoted")
    for logger, _, _ in loggers:
        logger.debug("no arguments at all %s")
    for logger, _, _ in loggers:
        logger.info("with a stack", stack_info=True)
    try:
        raise ValueError("boom")
    except ValueError:
        for logger, _, _ in loggers:
            logger.exception("failed: %s", "yes")


def test_worker_formatted_lines_match_the_standard_library(tmp_path):
    for index, (fmt, style) in enumerate(FORMATS):
        directory = tmp_path / str(index)
        directory.mkdir()
        loggers = pair(f"same{index}", directory, fmt, style)
        log_everything(loggers)
        standard, femto = lines_of(loggers)
        if "%(created)f" in fmt:
            # Times differ between the two calls; compare the shape.
            standard = re.sub(r"\d+\.\d{6} \d{3}", "T", standard)
            femto = re.sub(r"\d+\.\d{6} \d{3}", "T", femto)
        assert femto == standard, fmt
        assert "Traceback (most recent call last)" in femto
        assert "Stack (most recent call last)" in femto


def test_asctime_is_formatted_on_the_worker_like_format_time(tmp_path):
    path = tmp_path / "asctime.log"
    handler = logging.FemtoFileHandler(str(path))
    formatter = logging.Formatter("%(asctime)s|%(message)s")
    handler.setFormatter(formatter)
    logger = logging.getLogger("formatting.asctime")
    logger.handlers[:] = [handler]
    logger.propagate = False
    records = []

    class Keep(logging.Filter):
        def filter(self, record):
            records.append(formatter.formatTime(record))
            return True

    logger.addFilter(Keep())
    for number in range(50):
        logger.warning("n=%d", number)
    handler.close()
    expected = [f"{asctime}|n={number}" for number, asctime in enumerate(records)]
    assert path.read_text().splitlines() == expected


def test_a_template_unfit_for_the_record_is_reported_on_the_caller(tmp_path, capsys):
    path = tmp_path / "unfit.log"
    handler = logging.FemtoFileHandler(str(path))
    handler.setFormatter(logging.Formatter("%(name)d %(message)s"))
    logger = logging.getLogger("formatting.unfit")
    logger.handlers[:] = [handler]
    logger.propagate = False
    for _ in range(3):
        logger.warning("never written")
    handler.close()
    assert path.read_text() == ""
    errors = capsys.readouterr().err
    assert errors.count("--- Logging error ---") == 3
    assert "TypeError" in errors
    assert handler.stats()["rejected"] == 0


def test_changing_the_formatter_takes_effect_on_the_next_record(tmp_path):
    path = tmp_path / "changed.log"
    handler = logging.FemtoFileHandler(str(path))
    formatter = logging.Formatter("one %(message)s")
    handler.setFormatter(formatter)
    logger = logging.getLogger("formatting.changed")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.warning("a")
    logger.warning("b")
    formatter._style._fmt = "two %(message)s"
    logger.warning("c")
    formatter.datefmt = "%H"
    formatter._style._fmt = "three %(threadName)s %(message)s"
    logger.warning("d")
    handler.setFormatter(logging.Formatter("four {message}", style="{"))
    logger.warning("e")
    handler.close()
    assert path.read_text().splitlines() == [
        "one a",
        "one b",
        "two c",
        "three MainThread d",
        "four e",
    ]


def test_a_formatter_function_runs_on_the_worker_with_the_record_fields(tmp_path, capfd):
    path = tmp_path / "function.log"
    threads = []

    def render(record):
        threads.append(threading.get_ident())
        if record["message"] == "explode":
            raise RuntimeError("the formatter failed")
        fields = ("levelname", "name", "lineno", "message")
        return "|".join(str(record[field]) for field in fields) + f"|{record.get('user')}"

    handler = logging.FileHandlerBuilder(str(path)).with_formatter(render).build()
    logger = logging.getLogger("formatting.function")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    line = sys._getframe().f_lineno + 1
    logger.warning("user %s logged in", "ada", extra={"user": "ada"})
    logger.error("explode")
    logger.info("after the failure")
    handler.close()
    assert path.read_text().splitlines() == [
        f"WARNING|formatting.function|{line}|user ada logged in|ada",
        f"INFO|formatting.function|{line + 2}|after the failure|None",
    ]
    assert threads and threading.get_ident() not in threads
    stats = handler.stats()
    assert stats["rejected"] == 1
    assert stats["written"] == 2
    errors = capfd.readouterr().err
    assert "RuntimeError: the formatter failed" in errors
    assert "1 record rejected since the last notice, 1 in total" in errors
    assert "closed with 1 of 3 records never written (1 could not be formatted)" in errors


def test_changes_to_the_formatter_class_and_instance_take_effect_on_the_next_record(tmp_path):
    path = tmp_path / "class_changed.log"
    handler = logging.FemtoFileHandler(str(path))

    class Custom(logging.Formatter):
        pass

    formatter = Custom("%(asctime)s|%(message)s")
    handler.setFormatter(formatter)
    logger = logging.getLogger("formatting.class_changed")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.warning("a")
    logger.warning("b")
    Custom.default_msec_format = "%s.%03d"
    logger.warning("c")
    del Custom.default_msec_format
    logger.warning("d")
    formatter.default_msec_format = "%s;%03d"
    logger.warning("e")
    del formatter.default_msec_format
    Custom.formatMessage = lambda self, record: "message " + record.getMessage()
    logger.warning("f")
    del Custom.formatMessage
    logger.warning("g")
    handler.close()
    separators = [
        (line[19], line.rsplit("|", 1)[-1]) if "|" in line else (None, line)
        for line in path.read_text().splitlines()
    ]
    assert separators == [
        (",", "a"),
        (",", "b"),
        (".", "c"),
        (",", "d"),
        (";", "e"),
        (None, "message f"),
        (",", "g"),
    ]


def test_levels_a_worker_record_cannot_hold_are_formatted_on_the_caller(tmp_path):
    loggers = pair("odd_levels", tmp_path, "%(levelno)s %(levelno)r %(levelname)s %(message)s", "%")
    for level in (2**31 - 1, 2**31, 2**40, -(2**70), True, 35):
        for logger, _, _ in loggers:
            logger.setLevel(-(2**80))
            logger.log(level, "at %r", level)
    standard, femto = lines_of(loggers)
    assert femto == standard
    assert "1099511627776 1099511627776 Level 1099511627776 at 1099511627776" in femto
    assert "True True Level True at True" in femto
