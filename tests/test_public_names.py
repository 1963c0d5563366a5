"""The package's public names: `__all__` of both faces, `__version__`, and
the types shipped with it."""

import importlib.metadata
import importlib.resources
import logging
import logging.handlers
import stat
import tomllib
import types
from pathlib import Path

import femtologging
import femtologging.handlers

FEMTO_FACE = {
    "get_logger",
    "FemtoHandler",
    "FemtoStreamHandler",
    "FemtoFileHandler",
    "FemtoRotatingFileHandler",
    "FemtoTimedRotatingFileHandler",
    "FemtoSocketHandler",
    "StreamHandlerBuilder",
    "FileHandlerBuilder",
    "RotatingFileHandlerBuilder",
    "TimedRotatingFileHandlerBuilder",
    "SocketHandlerBuilder",
    "HandlerOptions",
    "OverflowPolicy",
    "HandlerConfigError",
    "FemtoPythonHandler",
    "JsonFormatter",
    "capture_stdlib",
}

_REPOSITORY = Path(__file__).parent.parent


def test_all_is_the_running_pythons_logging_all_and_the_femto_face():
    """`__all__` holds exactly `logging.__all__` of this Python plus the femto names."""
    assert len(femtologging.__all__) == len(set(femtologging.__all__))
    assert set(femtologging.__all__) == set(logging.__all__) | FEMTO_FACE


def test_star_import_gives_both_faces():
    """`from femtologging import *` binds every standard and femto name."""
    namespace = {}
    exec("from femtologging import *", namespace)
    for name in logging.__all__:
        assert namespace[name] is getattr(femtologging, name)
    assert namespace["FemtoFileHandler"] is femtologging.FemtoFileHandler
    assert namespace["get_logger"] is femtologging.get_logger


def _defined_by_standard_handlers():
    """The public names `logging.handlers` defines: not the modules it
    imports, nor the `stat` constants it takes for its own use."""
    return {
        name
        for name, value in vars(logging.handlers).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name not in vars(stat)
    }


def test_handlers_all_is_what_the_standard_handlers_module_defines():
    """`femtologging.handlers.__all__` names the standard module's classes and
    ports, and each is there."""
    assert set(femtologging.handlers.__all__) == _defined_by_standard_handlers()
    namespace = {}
    exec("from femtologging.handlers import *", namespace)
    assert namespace["RotatingFileHandler"] is femtologging.handlers.RotatingFileHandler
    assert namespace["DEFAULT_TCP_LOGGING_PORT"] == logging.handlers.DEFAULT_TCP_LOGGING_PORT


def test_version_is_the_packages_and_the_cargo_workspaces():
    """`__version__` is the installed package's version, which is the
    workspace's in Cargo.toml (pyproject.toml has none of its own)."""
    assert femtologging.__version__ == importlib.metadata.version("femtologging")
    with open(_REPOSITORY / "Cargo.toml", "rb") as handle:
        workspace = tomllib.load(handle)["workspace"]["package"]
    assert femtologging.__version__ == workspace["version"]
    with open(_REPOSITORY / "pyproject.toml", "rb") as handle:
        project = tomllib.load(handle)["project"]
    assert "version" not in project and "version" in project["dynamic"]


def test_the_package_ships_its_types():
    """py.typed and a stub for each public module sit in the package."""
    package = importlib.resources.files("femtologging")
    for name in ("py.typed", "__init__.pyi", "handlers.pyi", "config.pyi"):
        assert package.joinpath(name).is_file(), name


def test_make_record_takes_the_standard_keyword_names():
    """`Logger.makeRecord(fn=...)` by keyword, as the standard signature names it."""
    logger = femtologging.getLogger("public.names")
    record = logger.makeRecord(
        name="n", level=20, fn="file.py", lno=3, msg="m %s", args=("x",), exc_info=None
    )
    assert (record.pathname, record.lineno, record.getMessage()) == ("file.py", 3, "m x")
