"""The typed examples of tests/typing (which `make lint` type-checks) run,
and the one written for `logging` writes the same under femtologging."""

import importlib.util
import re
from pathlib import Path

import pytest

_TYPING = Path(__file__).parent / "typing"


def _load(name, example, as_femtologging=False):
    """An example as a module; with `as_femtologging`, its `logging` imports
    turned to femtologging's, as scripts/check-types turns them."""
    path = _TYPING / example
    source = path.read_text(encoding="utf-8")
    if as_femtologging:
        # Same line count, so line numbers and tracebacks agree.
        source = re.sub(r"^import logging$", "import femtologging as logging", source, flags=re.M)
        source = re.sub(
            r"^( *)import logging\.(handlers|config)$",
            r"\1import femtologging.\2",
            source,
            flags=re.M,
        )
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader=None))
    exec(compile(source, str(path), "exec"), module.__dict__)
    return module


def test_the_standard_example_writes_the_same_under_both(tmp_path):
    """standard_face() gives the same lines and the same rotating file under
    femtologging as under `logging`."""
    femto = _load("standard_face_femto", "standard_face.py", as_femtologging=True)
    assert femto.logging.__name__ == "femtologging"
    standard = _load("standard_face_standard", "standard_face.py")
    (tmp_path / "femto").mkdir()
    (tmp_path / "standard").mkdir()
    lines = femto.standard_face(tmp_path / "femto")
    assert lines == standard.standard_face(tmp_path / "standard")
    assert lines[:3] == [
        "INFO:app.standard:request /items took 42 ms",
        "DEBUG:app.standard:with extra",
        "ERROR:app.standard:failed",
    ]
    assert "ValueError: boom" in lines
    # The last record twice: from the logger's stream handler, then from the
    # MemoryHandler handing it to the same handler at close.
    assert lines[-3:] == [
        "WARNING:app.queued:through a queue",
        "WARNING:app.standard:held, then handed on",
        "WARNING:app.standard:held, then handed on",
    ]
    written = (tmp_path / "femto" / "rotating.log").read_text(encoding="utf-8")
    assert written == (tmp_path / "standard" / "rotating.log").read_text(encoding="utf-8")
    assert written == "to the file as well\n"


def test_the_femto_example_writes_every_record(tmp_path):
    """femto_face() writes its three records through the worker and counts them."""
    counters = _load("femto_face", "femto_face.py").femto_face(tmp_path)
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
        _load("standard_face_femto", "standard_face.py", as_femtologging=True).configuration()
        assert root.level == femtologging.INFO
        assert [type(handler).__name__ for handler in root.handlers] == ["StreamHandler"]
    finally:
        for handler in root.handlers[:]:
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
