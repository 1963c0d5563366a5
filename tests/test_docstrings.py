"""Every public class, method and function of both faces says what it does
in its docstring, so that `help()` is useful."""

import inspect
import types

import femtologging
import femtologging.config
import femtologging.handlers
import pytest

MODULES = (femtologging, femtologging.handlers, femtologging.config)


def _public(module):
    """The module's public names and values: `__all__` where there is one,
    else every name without a leading underscore that is not a module."""
    names = getattr(module, "__all__", None) or [
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    ]
    return [(name, getattr(module, name)) for name in names]


def _ours(value):
    """Defined by femtologging (not a standard-library class that
    `logging.config` re-exports, such as `ThreadingTCPServer`)."""
    return (getattr(value, "__module__", None) or "").startswith("femtologging")


def _defining_class(cls, name):
    for klass in cls.__mro__:
        if name in vars(klass):
            return klass
    return None


def _documented(value):
    if isinstance(value, staticmethod | classmethod):
        value = value.__func__
    documentation = getattr(value, "__doc__", None)
    return bool(documentation and documentation.strip())


def _is_api(value):
    """A method, function or property: what help() lists with a text.
    Plain attributes (a native class's fields) are left out."""
    return callable(value) or isinstance(value, property | staticmethod | classmethod)


def _surface():
    """(qualified name, value) of every public function, class and method
    of the three modules that femtologging defines. A class's methods are
    those it or a femtologging base defines: methods inherited from
    `object` or from a standard-library base (`threading.Thread`) are the
    standard library's to document. `__init__` counts as a method: help()
    shows its docstring under the constructor's signature."""
    seen = set()
    for module in MODULES:
        for name, value in _public(module):
            if not (inspect.isclass(value) or callable(value)) or not _ours(value):
                continue
            if id(value) in seen:
                continue
            seen.add(id(value))
            qualified = f"{module.__name__}.{name}"
            yield qualified, value
            if not inspect.isclass(value):
                continue
            for attribute in dir(value):
                if attribute.startswith("_") and attribute != "__init__":
                    continue
                owner = _defining_class(value, attribute)
                if owner is None or owner is object or not _ours(owner):
                    continue
                member = vars(owner)[attribute]
                if inspect.isclass(member) or not _is_api(member):
                    continue
                # Named after the class that defines it, so an inherited
                # method is reported once.
                where = f"{owner.__module__}.{owner.__qualname__}.{attribute}"
                if where in seen:
                    continue
                seen.add(where)
                yield where, member


SURFACE = list(_surface())


def test_the_public_surface_is_walked():
    """The walk finds both faces: the standard classes and the femto ones."""
    names = {name for name, _ in SURFACE}
    assert len(SURFACE) > 250
    for expected in (
        "femtologging.Logger.info",
        "femtologging.getLogger",
        "femtologging.FemtoHandler.flush",
        "femtologging.FileHandlerBuilder.with_flush_interval",
        "femtologging.RotatingFileHandler.doRollover",
        "femtologging.config.dictConfig",
    ):
        assert expected in names, expected


def test_every_public_callable_has_a_docstring():
    missing = [name for name, value in SURFACE if not _documented(value)]
    assert not missing, f"{len(missing)} without a docstring: {missing}"


@pytest.mark.parametrize(
    "value",
    [
        femtologging.Logger,
        femtologging.Handler,
        femtologging.Formatter,
        femtologging.Filter,
        femtologging.LogRecord,
        femtologging.getLogger,
        femtologging.basicConfig,
        femtologging.OverflowPolicy,
        femtologging.FemtoFileHandler,
        femtologging.handlers.RotatingFileHandler,
    ],
    ids=lambda value: value.__qualname__,
)
def test_help_shows_the_docstring(value):
    """help() on the main names prints their docstring's first line."""
    text = inspect.getdoc(value)
    assert text
    rendered = __import__("pydoc").render_doc(value, renderer=__import__("pydoc").plaintext)
    assert text.splitlines()[0] in rendered
