"""The typed examples of tests/typing (which `make lint` type-checks against
the stubs) run, and do what the standard library does with the same code."""

import importlib.util
from pathlib import Path

import pytest

_EXAMPLE = Path(__file__).parent / "typing" / "both_faces.py"


def _load(name, imports_from):
    """The example as a module, its `femtologging` imports bound to
    `imports_from` ("femtologging" or the standard "logging")."""
    source = _EXAMPLE.read_text(encoding="utf-8")
    if imports_from == "logging":
        # Same line count, so line numbers and tracebacks agree.
        source = source.replace("import femtologging as logging\n", "import logging\n")
        source = source.replace("import femtologging.handlers\n", "import logging.handlers\n")
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader=None))
    exec(compile(source, str(_EXAMPLE), "exec"), module.__dict__)
    return module


def test_the_standard_face_example_writes_what_the_standard_library_writes(tmp_path):
    """standard_face() gives the same lines and the same rotating file under
    femtologging as under `logging`."""
    femto = _load("both_faces_femto", "femtologging")
    standard = _load("both_faces_standard", "logging")
    (tmp_path / "femto").mkdir()
    (tmp_path / "standard").mkdir()
    lines = femto.standard_face(tmp_path / "femto")
    expected = standard.standard_face(tmp_path / "standard")
    assert lines == expected
    assert lines[:3] == [
        "INFO:app.standard:request /items took 42 ms",
        "DEBUG:app.standard:with extra",
        "ERROR:app.standard:failed",
    ]
    assert "ValueError: boom" in lines
    assert lines[-1] == "WARNING:app.queued:through a queue"
    written = (tmp_path / "femto" / "rotating.log").read_text(encoding="utf-8")
    assert written == (tmp_path / "standard" / "rotating.log").read_text(encoding="utf-8")
    assert written == "to the file as well\n"


def test_the_femto_face_example_writes_every_record(tmp_path):
    """femto_face() writes its three records through the worker and counts them."""
    counters = _load("both_faces_femto", "femtologging").femto_face(tmp_path)
    assert counters["written"] == 3
    assert counters["dropped"] == counters["failed"] == 0
    assert (tmp_path / "femto.log").read_text(encoding="utf-8").splitlines() == [
        "app.femto [INFO] a level given by its name",
        "app.femto [INFO] request /items took 42 ms",
        "app.femto [WARNING] to the collector",
    ]
    assert (tmp_path / "rotating-femto.log").read_text(encoding="utf-8") == (
        "WARNING to the collector\n"
    )


def test_the_configuration_example_configures_the_root_logger():
    """configuration() applies a dictConfig written for `logging` (once
    femtologging.config exists)."""
    pytest.importorskip("femtologging.config")
    import femtologging

    root = femtologging.getLogger()
    saved = root.handlers[:], root.level
    try:
        _load("both_faces_femto", "femtologging").configuration()
        assert root.level == femtologging.INFO
        assert [type(handler).__name__ for handler in root.handlers] == ["StreamHandler"]
    finally:
        for handler in root.handlers[:]:
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
