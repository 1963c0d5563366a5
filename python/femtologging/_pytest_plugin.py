"""A pytest plugin (registered under the `pytest11` entry point) that lets
pytest's logging capture see femtologging's records.

pytest captures by putting its handlers (`caplog`'s, the one that fills the
"Captured log" sections, live logging's) on the standard library's root
logger for each phase of a test, and `caplog.set_level`/`at_level` set the
standard loggers' levels. Here, for the same phase, the same handlers are
put on femtologging's root logger (with its level lowered as far as pytest
lowered the standard root's), and `caplog`'s level changes are made on the
femtologging logger of the same name too, and undone with pytest's.

With `femtologging.capture_stdlib()` on, the standard loggers already are
femtologging's, and there is nothing to add.
"""

import contextlib
import logging

import pytest

import femtologging


def _pytest_handlers(logger):
    return [handler for handler in logger.handlers if type(handler).__module__ == "_pytest.logging"]


@contextlib.contextmanager
def _pytest_handlers_on_femtologging_root():
    standard_root = logging.getLogger()
    root = femtologging.getLogger()
    added = [handler for handler in _pytest_handlers(standard_root) if handler not in root.handlers]
    for handler in added:
        root.addHandler(handler)
    level = root.level
    lowered = standard_root.level < level
    if lowered:
        root.setLevel(standard_root.level)
    try:
        yield
    finally:
        for handler in added:
            root.removeHandler(handler)
        if lowered:
            root.setLevel(level)


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_setup(item):
    with _pytest_handlers_on_femtologging_root():
        return (yield)


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_call(item):
    with _pytest_handlers_on_femtologging_root():
        return (yield)


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_teardown(item, nextitem):
    with _pytest_handlers_on_femtologging_root():
        return (yield)


def pytest_configure(config):
    from _pytest.logging import LogCaptureFixture

    if getattr(LogCaptureFixture, "_femtologging_levels", False):
        return
    set_level = LogCaptureFixture.set_level
    at_level = LogCaptureFixture.at_level
    finalize = LogCaptureFixture._finalize

    def set_level_too(self, level, logger=None):
        initial = self.__dict__.setdefault("_femtologging_initial_levels", {})
        twin = femtologging.getLogger(logger)
        initial.setdefault(logger, twin.level)
        set_level(self, level, logger)
        twin.setLevel(level)

    @contextlib.contextmanager
    def at_level_too(self, level, logger=None):
        twin = femtologging.getLogger(logger)
        original = twin.level
        with at_level(self, level, logger):
            twin.setLevel(level)
            try:
                yield
            finally:
                twin.setLevel(original)

    def finalize_too(self):
        finalize(self)
        for name, level in self.__dict__.pop("_femtologging_initial_levels", {}).items():
            femtologging.getLogger(name).setLevel(level)

    set_level_too.__doc__ = set_level.__doc__
    at_level_too.__doc__ = at_level.__doc__
    LogCaptureFixture.set_level = set_level_too
    LogCaptureFixture.at_level = at_level_too
    LogCaptureFixture._finalize = finalize_too
    LogCaptureFixture._femtologging_levels = True
