"""Run programs under one logging implementation, each in a forked child.

Usage: ``python _runner.py MANIFEST``, where the manifest is a JSON object::

    {"target": "femtologging", "jobs": 1, "timeout": 20, "directories": [...]}

Each directory holds ``program.py`` and an empty ``work/`` folder. The child
for a directory imports the target module, binds it to the name ``logging`` in
the program's globals (with its ``handlers`` and ``config`` submodules loaded
when they exist) and runs the program as ``__main__`` with ``work/`` as the
current directory and its stdout and stderr redirected to files next to it.

Children are forked *before* the target is imported, so every program starts
from the same pristine interpreter, and a child leaves the interpreter the
ordinary way, so ``atexit`` handlers, stream flushing and an uncaught
exception's traceback behave as in a process of its own. The parent writes
``status.json`` (the exit code, negative for a signal) for each directory.
"""

import gc
import json
import os
import signal
import sys
import time

# Exit code of a child whose target module could not be imported.
IMPORT_FAILED = 97

# Standard-library modules that logging and its submodules import. The parent
# imports them once so each child does not pay for them again; none of them
# starts a thread or opens a resource at import, so forking after importing
# them is equivalent to importing them in the child.
PRELOADED = (
    "collections.abc", "errno", "functools", "io", "pickle", "queue", "re", "socket",
    "socketserver", "string", "struct", "threading", "time", "traceback", "warnings", "weakref",
)  # fmt: skip


def _reap(children):
    """Wait for one child and record its exit status and duration in its directory."""
    pid, status = os.wait()
    directory, started = children.pop(pid)
    result = {
        "exit_code": os.waitstatus_to_exitcode(status),
        "seconds": round(time.monotonic() - started, 4),
    }
    with open(os.path.join(directory, "status.json"), "w") as handle:
        json.dump(result, handle)


def fork_children(manifest):
    """Fork one child per directory; return the directory in a child, None in the parent."""
    pending = list(manifest["directories"])
    children = {}
    while pending or children:
        while pending and len(children) < manifest["jobs"]:
            directory = pending.pop(0)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                return directory
            children[pid] = (directory, time.monotonic())
        _reap(children)
    return None


def _redirect(directory):
    """Point file descriptors 0, 1 and 2 at /dev/null and the output files."""
    targets = (
        (0, os.devnull, os.O_RDONLY),
        (1, os.path.join(directory, "stdout"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
        (2, os.path.join(directory, "stderr"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
    )
    for descriptor, path, flags in targets:
        opened = os.open(path, flags, 0o644)
        os.dup2(opened, descriptor)
        os.close(opened)


def _import_target(target):
    """Import the implementation and whichever of its handlers/config submodules exist."""
    import importlib

    module = importlib.import_module(target)
    for submodule in ("handlers", "config"):
        qualified = f"{target}.{submodule}"
        try:
            importlib.import_module(qualified)
        except ModuleNotFoundError as error:
            if error.name != qualified:
                raise
    return module


def _write_meta(directory, meta):
    with open(os.path.join(directory, "meta.json"), "w") as handle:
        json.dump(meta, handle)


def run_program(manifest, directory):
    """Run ``program.py`` of one directory in this (child) process."""
    signal.alarm(manifest["timeout"])
    _redirect(directory)
    os.chdir(os.path.join(directory, "work"))
    program = os.path.join(directory, "program.py")
    sys.argv = [program]
    sys.path[0] = directory
    try:
        logging = _import_target(manifest["target"])
    except BaseException:
        import traceback

        _write_meta(directory, {"import_error": traceback.format_exc()})
        os._exit(IMPORT_FAILED)

    import _thread
    import types

    _write_meta(
        directory,
        {
            "pid": os.getpid(),
            "thread": _thread.get_ident(),
            "package": os.path.dirname(os.path.abspath(logging.__file__)),
        },
    )
    main = types.ModuleType("__main__")
    main.__file__ = program
    main.logging = logging
    # Keep the runner's own module alive while the program replaces it as __main__.
    runner = sys.modules["__main__"]
    sys.modules["__main__"] = main
    with open(program, encoding="utf-8") as handle:
        code = compile(handle.read(), program, "exec")
    exec(code, main.__dict__)
    del runner


if __name__ == "__main__":
    import importlib

    for _name in PRELOADED:
        importlib.import_module(_name)
    # Children then never scan (and so never copy) the parent's objects.
    gc.freeze()
    with open(sys.argv[1]) as manifest_file:
        MANIFEST = json.load(manifest_file)
    DIRECTORY = fork_children(MANIFEST)
    if DIRECTORY is not None:
        run_program(MANIFEST, DIRECTORY)
