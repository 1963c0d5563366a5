"""FemtoStreamHandler writes to the stream in force, as StreamHandler does:
the process's own by its descriptor, any other through its write()."""

import contextlib
import io
import subprocess
import sys

import femtologging as logging
import pytest


def fresh_logger(name):
    logger = logging.getLogger(f"femto.stream.{name}")
    logger.handlers[:] = []
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger


def test_a_stream_redirected_when_the_handler_is_made_gets_the_records():
    """With stdout redirected, FemtoStreamHandler("stdout") writes to the redirection."""
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        handler = logging.FemtoStreamHandler("stdout", policy="block")
    logger = fresh_logger("redirected")
    logger.addHandler(handler)
    for number in range(50):
        logger.info("record %d", number)
    assert handler.flush()
    handler.close()
    expected = "".join(f"femto.stream.redirected [INFO] record {n}\n" for n in range(50))
    assert captured.getvalue() == expected


def test_any_object_with_write_is_a_stream():
    """A StringIO given directly is written from the worker."""
    stream = io.StringIO()
    handler = logging.FemtoStreamHandler(stream, formatter=logging.Formatter("%(message)s"))
    logger = fresh_logger("object")
    logger.addHandler(handler)
    logger.info("to the object")
    assert handler.flush()
    handler.close()
    assert stream.getvalue() == "to the object\n"
    assert handler.stream is stream


def test_pytest_capture_sees_the_records(capsys):
    """Made while pytest captures stderr, the handler writes into the capture."""
    handler = logging.FemtoStreamHandler(formatter=logging.Formatter("%(levelname)s %(message)s"))
    logger = fresh_logger("captured")
    logger.addHandler(handler)
    logger.warning("seen by capsys")
    assert handler.flush()
    handler.close()
    assert capsys.readouterr().err == "WARNING seen by capsys\n"


def test_the_process_stream_is_written_by_its_descriptor_with_the_same_bytes():
    """The real stderr gets the lines, interleaved in order with print()."""
    program = (
        "import sys\n"
        "import femtologging as logging\n"
        "handler = logging.FemtoStreamHandler(policy='block', "
        "formatter=logging.Formatter('%(message)s'))\n"
        "log = logging.getLogger('app'); log.addHandler(handler)\n"
        "log.warning('first'); handler.flush()\n"
        "print('between', file=sys.stderr, flush=True)\n"
        "log.warning('last')\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, timeout=60)
    assert done.returncode == 0
    assert done.stderr == b"first\nbetween\nlast\n"


@pytest.mark.parametrize(
    "stream, error", [("stdin", ValueError), (42, TypeError), (object(), TypeError)]
)
def test_something_that_is_not_a_stream_is_refused_where_given(stream, error):
    """A stream name other than stderr/stdout, or an object without write(), is refused."""
    with pytest.raises(error, match="FemtoStreamHandler"):
        logging.FemtoStreamHandler(stream)
