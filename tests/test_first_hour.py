"""What a newcomer meets first: errors that name their own call and value,
counts of lost records that are said out loud, and the options and return
value of `add_handler` for a plain Python object."""

import subprocess
import sys
import textwrap

import femtologging
import pytest


def _quiet_logger(name):
    logger = femtologging.getLogger(name)
    logger.setLevel(femtologging.INFO)
    logger.propagate = False
    return logger


def test_dropped_records_are_counted_since_the_last_notice_and_reported_once_at_close(
    tmp_path, capfd
):
    handler = femtologging.FemtoFileHandler(tmp_path / "drop.log", capacity=1, policy="drop")
    logger = _quiet_logger("first_hour.drops")
    logger.addHandler(handler)
    for number in range(5000):
        logger.info("record %d", number)
    handler.close()
    handler.close()
    logger.removeHandler(handler)
    stats = handler.stats()
    assert stats["dropped"] > 0
    assert stats["written"] + stats["dropped"] == 5000
    errors = capfd.readouterr().err.splitlines()
    name = f"file {tmp_path / 'drop.log'}"
    assert errors[0] == (
        f"femtologging: {name}: queue full; 1 record dropped since the last notice, 1 in total"
    )
    closing = [line for line in errors if "closed with" in line]
    assert closing == [
        f"femtologging: {name}: closed with {stats['dropped']} of 5000 records never written "
        f"({stats['dropped']} dropped at the queue)"
    ]
    # The name is said once, not "femtologging: femtologging file".
    assert not any("femtologging: femtologging" in line for line in errors)


def test_a_handler_that_lost_nothing_says_nothing_at_close(tmp_path, capfd):
    handler = femtologging.FemtoFileHandler(tmp_path / "fine.log", policy="block")
    logger = _quiet_logger("first_hour.fine")
    logger.addHandler(handler)
    for number in range(100):
        logger.info("record %d", number)
    handler.close()
    logger.removeHandler(handler)
    assert capfd.readouterr().err == ""
    assert len((tmp_path / "fine.log").read_text().splitlines()) == 100


def test_records_dropped_and_never_closed_are_reported_at_interpreter_exit(tmp_path):
    program = textwrap.dedent(
        f"""
        import femtologging
        handler = femtologging.FemtoFileHandler({str(tmp_path / "exit.log")!r}, capacity=1)
        logger = femtologging.getLogger("exit")
        logger.setLevel("INFO")
        logger.addHandler(handler)
        for number in range(3000):
            logger.info("record %d", number)
        print(handler.stats()["dropped"])
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    dropped = int(done.stdout)
    closing = [line for line in done.stderr.splitlines() if "closed with" in line]
    assert closing == [
        f"femtologging: file {tmp_path / 'exit.log'}: closed with {dropped} of 3000 records "
        f"never written ({dropped} dropped at the queue)"
    ]
    assert len((tmp_path / "exit.log").read_text().splitlines()) == 3000 - dropped


def test_a_file_that_cannot_be_opened_raises_what_open_raises(tmp_path):
    missing = tmp_path / "no" / "such" / "dir" / "app.log"
    with pytest.raises(FileNotFoundError) as raised:
        femtologging.FemtoFileHandler(missing)
    assert raised.value.errno == 2
    assert raised.value.filename == str(missing)
    assert str(raised.value) == f"[Errno 2] No such file or directory: '{missing}'"


def test_errors_name_the_users_call_not_internals(tmp_path):
    with pytest.raises(TypeError) as raised:
        femtologging.FemtoFileHandler(tmp_path / "a.log", colour=True)
    assert str(raised.value) == (
        "FemtoFileHandler.__init__() got an unexpected keyword argument 'colour'"
    )
    assert "<locals>" not in repr(femtologging.FemtoFileHandler)
    assert femtologging.FemtoFileHandler.__module__ == "femtologging"

    with pytest.raises(ValueError, match=r"FemtoFileHandler\(encoding='latin-1'\): femto"):
        femtologging.FemtoFileHandler(tmp_path / "a.log", encoding="latin-1")
    femtologging.FemtoFileHandler(tmp_path / "a.log", encoding="UTF8").close()

    builder = femtologging.RotatingFileHandlerBuilder(str(tmp_path / "r.log")).with_max_bytes(300)
    with pytest.raises(ValueError) as raised:
        builder.build()
    message = str(raised.value)
    assert "with_max_bytes(300)" in message and "with_backup_count(n)" in message
    assert "rotation=" not in message
    assert not (tmp_path / "r.log").exists()


@pytest.mark.parametrize(
    "make",
    [
        lambda: femtologging.OverflowPolicy("bogus"),
        lambda: femtologging.FileHandlerBuilder("x.log").with_overflow_policy("sometimes"),
        lambda: femtologging.HandlerOptions(policy="timeout:0"),
    ],
)
def test_an_invalid_policy_is_refused_where_it_is_written(make):
    with pytest.raises(ValueError, match="invalid overflow policy"):
        make()


def test_policies_are_written_in_one_canonical_form():
    assert femtologging.OverflowPolicy(" Block ") == femtologging.OverflowPolicy.block()
    assert str(femtologging.OverflowPolicy("TIMEOUT:250")) == "timeout:250"


class _Collector:
    def __init__(self):
        self.records = []

    def handle(self, logger, level, message):
        self.records.append((logger, level, message))


def test_add_handler_returns_a_handler_for_a_python_object_with_the_femto_options():
    logger = _quiet_logger("first_hour.collector")
    collector = _Collector()
    handler = logger.add_handler(collector, capacity=8, policy="block", flush_timeout_ms=5000)
    assert isinstance(handler, femtologging.FemtoPythonHandler)
    assert (handler.capacity, handler.policy) == (8, "block")
    assert logger.add_handler(collector) is handler
    for number in range(200):
        logger.info("call %d", number)
    # No sleeping: flush waits for every queued call.
    assert handler.flush() is True
    assert collector.records == [
        ("first_hour.collector", "INFO", f"call {number}") for number in range(200)
    ]
    assert handler.stats()["written"] == 200
    logger.remove_handler(collector)
    assert handler.closed


def test_add_handler_returns_a_handler_it_was_given_and_refuses_options_for_it(tmp_path):
    logger = _quiet_logger("first_hour.given")
    handler = femtologging.FileHandler(tmp_path / "given.log")
    assert logger.add_handler(handler) is handler
    with pytest.raises(TypeError, match="options are for objects with handle"):
        logger.add_handler(handler, capacity=4)
    with pytest.raises(TypeError, match=r"add_handler\(42\)"):
        logger.add_handler(42)
    logger.removeHandler(handler)
    handler.close()
