"""Every name of the running Python's `logging` and `logging.handlers`
(module globals, `__all__`, class and instance attributes) exists in
femtologging's, so a name the standard library adds is a failing test here."""

import logging
import logging.handlers
import os
import threading

import femtologging
import femtologging.handlers
import pytest


def _names(thing):
    return {name for name in dir(thing) if not (name.startswith("__") and name.endswith("__"))}


@pytest.mark.parametrize(
    ("standard", "ours"),
    [(logging, femtologging), (logging.handlers, femtologging.handlers)],
    ids=["logging", "logging.handlers"],
)
def test_every_module_name_of_the_standard_library_exists(standard, ours):
    """dir() of the standard module is contained in ours."""
    assert sorted(_names(standard) - _names(ours)) == []


def test_all_holds_the_standard_names():
    """`__all__` lists every name the running Python's lists (the femto
    names it adds are checked by test_public_names.py)."""
    assert sorted(set(logging.__all__) - set(femtologging.__all__)) == []
    assert not hasattr(logging.handlers, "__all__") or sorted(
        femtologging.handlers.__all__
    ) == sorted(logging.handlers.__all__)


def _standard_classes():
    for module, ours in ((logging, femtologging), (logging.handlers, femtologging.handlers)):
        for name in sorted(dir(module)):
            value = getattr(module, name)
            if isinstance(value, type) and value.__module__ == module.__name__:
                yield pytest.param(value, getattr(ours, name, None), id=f"{module.__name__}.{name}")


@pytest.mark.parametrize(("standard", "ours"), list(_standard_classes()))
def test_every_class_has_the_standard_attributes(standard, ours):
    """Each class of the standard modules exists and has every attribute the standard one has."""
    assert ours is not None
    assert sorted(_names(standard) - _names(ours)) == []


def _instances(module, directory):
    handlers = module.handlers
    return {
        "Logger": module.getLogger("names.logger"),
        "RootLogger": module.getLogger(),
        "Manager": module.Logger.manager,
        "PlaceHolder": module.PlaceHolder(None),
        "LogRecord": module.LogRecord("n", 20, "p", 1, "m", (), None),
        "Formatter": module.Formatter(),
        "BufferingFormatter": module.BufferingFormatter(),
        "Filter": module.Filter("a"),
        "LoggerAdapter": module.LoggerAdapter(module.getLogger("names.adapter"), {}),
        "Handler": module.Handler(),
        "StreamHandler": module.StreamHandler(),
        "NullHandler": module.NullHandler(),
        "FileHandler": module.FileHandler(os.path.join(directory, "f"), delay=True),
        "RotatingFileHandler": handlers.RotatingFileHandler(
            os.path.join(directory, "r"), delay=True
        ),
        "TimedRotatingFileHandler": handlers.TimedRotatingFileHandler(
            os.path.join(directory, "t"), delay=True
        ),
        "WatchedFileHandler": handlers.WatchedFileHandler(os.path.join(directory, "w"), delay=True),
        "BufferingHandler": handlers.BufferingHandler(3),
        "MemoryHandler": handlers.MemoryHandler(3),
        "QueueHandler": handlers.QueueHandler(None),
        "QueueListener": handlers.QueueListener(None),
        "SocketHandler": handlers.SocketHandler("127.0.0.1", 9),
        "DatagramHandler": handlers.DatagramHandler("127.0.0.1", 9),
        "SysLogHandler": handlers.SysLogHandler(("127.0.0.1", 9)),
        "HTTPHandler": handlers.HTTPHandler("127.0.0.1:9", "/"),
        "SMTPHandler": handlers.SMTPHandler("127.0.0.1", "a@b", ["c@d"], "subject"),
    }


def test_every_instance_has_the_standard_attributes(tmp_path):
    """An object of each standard class has every attribute the standard one has."""
    standard = _instances(logging, str(tmp_path / "standard"))
    ours = _instances(femtologging, str(tmp_path / "ours"))
    missing = {
        kind: sorted(_names(standard[kind]) - _names(ours[kind]))
        for kind in standard
        if _names(standard[kind]) - _names(ours[kind])
    }
    for made in (*standard.values(), *ours.values()):
        if isinstance(made, logging.Handler | femtologging.Handler):
            made.close()
    assert missing == {}


def test_every_handler_lock_is_registered_for_fork(tmp_path):
    """Each handler's lock is in `_at_fork_reinit_lock_weakset`, as code that forks expects."""
    made = [
        femtologging.Handler(),
        femtologging.StreamHandler(),
        femtologging.FileHandler(str(tmp_path / "f.log"), delay=True),
        femtologging.handlers.RotatingFileHandler(str(tmp_path / "r.log"), delay=True),
        femtologging.handlers.TimedRotatingFileHandler(str(tmp_path / "t.log"), delay=True),
        femtologging.handlers.WatchedFileHandler(str(tmp_path / "w.log"), delay=True),
        femtologging.handlers.MemoryHandler(3),
        femtologging.handlers.QueueHandler(None),
        femtologging.handlers.SocketHandler("127.0.0.1", 9),
        femtologging.handlers.SysLogHandler(("127.0.0.1", 9)),
        femtologging.FemtoFileHandler(str(tmp_path / "femto.log")),
    ]
    try:
        registered = set(femtologging._at_fork_reinit_lock_weakset)
        assert [type(handler).__name__ for handler in made if handler not in registered] == []
    finally:
        for handler in made:
            handler.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
# 3.12+ warns that forking a process with threads may deadlock: the point here.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_child_forked_while_another_thread_holds_a_handler_lock_can_take_it(tmp_path):
    """A handler's lock held by another thread at fork time is free in the child,
    through `_after_at_fork_child_reinit_locks`."""
    handler = femtologging.FileHandler(str(tmp_path / "child.log"))
    logger = femtologging.getLogger("fork.locks")
    logger.addHandler(handler)
    held = threading.Event()
    release = threading.Event()

    def hold():
        with handler.lock:
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    try:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                if handler.lock.acquire(timeout=5):
                    logger.warning("from the child")
                    handler.close()
                    code = 0
            finally:
                os._exit(code)
        release.set()
        _, status = os.waitpid(pid, 0)
    finally:
        release.set()
        holder.join()
        logger.removeHandler(handler)
        handler.close()
    assert os.waitstatus_to_exitcode(status) == 0
    assert (tmp_path / "child.log").read_text() == "from the child\n"
