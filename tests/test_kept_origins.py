"""A record refers to its logger's name, its level's name and its call site by
address (they are kept for the life of the process, up to a bound, then
reference-counted): every record still says which logger, level and line it
came from, beyond the bound too, and after its logger is gone."""

import subprocess
import sys
import textwrap


def run_python(source, tmp_path):
    program = tmp_path / "program.py"
    program.write_text(textwrap.dedent(source))
    return subprocess.run(
        [sys.executable, str(program)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_records_from_more_loggers_and_code_than_are_kept_name_their_own(tmp_path):
    """2,500 loggers (over the 2,048 origins kept) and 4,500 code objects (over
    the 4,096 call sites kept), each logging, then the first ones again: every
    line names its own logger, level, function and line."""
    result = run_python(
        """
        import femtologging as logging

        handler = logging.FemtoFileHandler("out.log", capacity=256, policy="block")
        handler.setFormatter(
            logging.Formatter("%(name)s %(levelname)s %(funcName)s %(lineno)d %(message)s")
        )
        root = logging.getLogger("kept")
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)
        for number in range(2500):
            logger = logging.getLogger(f"kept.logger{number}")
            level = (logging.INFO, logging.WARNING)[number % 2]
            logger.log(level, "logger %d", number)
        for number in range(4500):
            body = f"def site{number}(log):\\n    log.info('site %d', {number})\\n"
            source = "\\n" * number + body
            scope = {}
            exec(compile(source, f"generated{number}.py", "exec"), scope)
            scope[f"site{number}"](root)
        for number in range(3):
            logging.getLogger(f"kept.logger{number}").error("again %d", number)
        handler.close()
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    source = (tmp_path / "program.py").read_text().splitlines()
    first = 1 + next(i for i, text in enumerate(source) if "logger.log(level" in text)
    again = 1 + next(i for i, text in enumerate(source) if ".error(" in text)
    lines = (tmp_path / "out.log").read_text().splitlines()
    assert len(lines) == 2500 + 4500 + 3
    for number, line in enumerate(lines[:2500]):
        level = ("INFO", "WARNING")[number % 2]
        assert line == f"kept.logger{number} {level} <module> {first} logger {number}"
    for number, line in enumerate(lines[2500:7000]):
        assert line == f"kept INFO site{number} {number + 2} site {number}"
    for number, line in enumerate(lines[7000:]):
        assert line == f"kept.logger{number} ERROR <module> {again} again {number}"


def test_a_logger_collected_while_its_records_are_queued_loses_none(tmp_path):
    """Loggers made outside the manager are collected while their records
    wait in a small queue: every record is written, with its logger's name."""
    result = run_python(
        """
        import gc
        import femtologging as logging

        handler = logging.FemtoFileHandler("out.log", capacity=16, policy="block")
        handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        for number in range(200):
            logger = logging.Logger(f"transient{number}", logging.DEBUG)
            logger.addHandler(handler)
            for sequence in range(20):
                logger.debug("record %d", sequence)
            del logger
            gc.collect()
        handler.close()
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "out.log").read_text().splitlines()
    expected = [
        f"transient{number} DEBUG record {sequence}"
        for number in range(200)
        for sequence in range(20)
    ]
    assert lines == expected
