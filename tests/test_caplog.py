"""pytest's `caplog` and its "Captured log" sections see femtologging's records:
a real pytest run over a small test file, which passes and fails where it should."""

import subprocess
import sys
import textwrap

_TESTS = """
import femtologging
import pytest

log = femtologging.getLogger("app")


def test_caplog_sees_a_warning(caplog):
    log.warning("disk %d%% full", 93)
    assert caplog.record_tuples == [("app", femtologging.WARNING, "disk 93% full")]
    assert "disk 93% full" in caplog.text


def test_set_level_lets_debug_through(caplog):
    caplog.set_level(femtologging.DEBUG, logger="app")
    log.debug("detail")
    assert caplog.messages == ["detail"]


def test_set_level_is_undone_after_the_test(caplog):
    assert femtologging.getLogger("app").level == femtologging.NOTSET
    log.debug("hidden")
    assert caplog.records == []


def test_at_level_applies_inside_the_block_only(caplog):
    with caplog.at_level(femtologging.INFO, logger="app"):
        log.info("inside")
    log.info("outside")
    assert caplog.messages == ["inside"]


def test_caplog_get_records_of_setup(caplog, noisy_fixture):
    assert [r.getMessage() for r in caplog.get_records("setup")] == ["set up"]


@pytest.fixture
def noisy_fixture():
    log.warning("set up")


def test_fails_and_shows_the_captured_log(caplog):
    log.error("the record pytest shows")
    assert caplog.messages == ["something else"]
"""


def test_a_pytest_run_sees_femtologging_records(tmp_path):
    """Five tests that read caplog pass; the one that must fail fails and its
    report shows the femtologging record in "Captured log call"."""
    (tmp_path / "test_with_caplog.py").write_text(textwrap.dedent(_TESTS))
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "test_with_caplog.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 1, output
    assert "1 failed, 5 passed" in output, output
    assert "FAILED test_with_caplog.py::test_fails_and_shows_the_captured_log" in output
    captured = output.split("Captured log call", 1)[1]
    assert "ERROR    app:test_with_caplog.py:" in captured
    assert "the record pytest shows" in captured


def test_without_the_plugin_caplog_sees_nothing(tmp_path):
    """The same file run with the plugin disabled fails the tests that read
    caplog: the plugin is what connects them."""
    (tmp_path / "test_with_caplog.py").write_text(textwrap.dedent(_TESTS))
    completed = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"),
            *("-p", "no:femtologging", "test_with_caplog.py"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = completed.stdout + completed.stderr
    assert "FAILED test_with_caplog.py::test_caplog_sees_a_warning" in output, output
