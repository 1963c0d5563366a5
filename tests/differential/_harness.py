"""Declare differential programs, run them under two implementations, compare the bytes.

A differential test is written as a function whose *body* is the program::

    @differential
    def test_warning_reaches_stderr_through_last_resort(logging):
        \"\"\"A warning logged with no handler configured is printed by lastResort.\"\"\"
        logging.getLogger("app").warning("disk %d%% full", 93)

The function is never called: its body (without the docstring) is written to a
real ``program.py`` and run by ``_runner.py`` once with the standard library
and once with the implementation under test, each bound to the name
``logging``. The parameter only tells readers (and linters) where ``logging``
comes from. The test then compares exit codes, stdout, stderr and every file
the program wrote.
"""

import ast
import difflib
import importlib.util
import inspect
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from ._normalize import DEFAULT_ASCTIME, RunFacts, normalize

BASELINE = "logging"
TARGET = os.environ.get("FEMTO_DIFF_TARGET", "femtologging")
RUNNER = Path(__file__).with_name("_runner.py")

# A fixed environment, so both runs see the same encodings, locale and zone.
# The zone is UTC+05:30 (spelled as a POSIX rule, so no tz database is needed)
# so that local time and UTC render differently.
_ENVIRONMENT_OVERRIDES = {
    "LC_ALL": "C.UTF-8",
    "PYTHONIOENCODING": "utf-8",
    "PYTHONHASHSEED": "0",
    "PYTHONDONTWRITEBYTECODE": "1",
    "TZ": "IST-5:30",
}
_ENVIRONMENT_REMOVED = (
    "PYTHONWARNINGS",
    "PYTHONDEVMODE",
    "PYTHONUTF8",
    "PYTHONSTARTUP",
    "PYTHONINSPECT",
    "PYTHONFAULTHANDLER",
    "PYTHONTRACEMALLOC",
    "PYTHONASYNCIODEBUG",
    "PYTHONBREAKPOINT",
    "PYTHONUNBUFFERED",
)

# Limits that keep a failure report readable when outputs are large.
_MAX_DIFF_LINES = 80
_MAX_LINE_CHARS = 200


@dataclass(frozen=True)
class Program:
    """One program and how to compare its two runs."""

    name: str
    source: str
    ids: bool = False
    patterns: tuple[str, ...] = ()
    min_version: tuple[int, int] = (3, 11)

    def applies(self) -> bool:
        return sys.version_info[:2] >= self.min_version


@dataclass(frozen=True)
class Outcome:
    """Everything one run of one program produced."""

    exit_code: int
    stdout: bytes
    stderr: bytes
    files: dict[str, bytes]
    facts: RunFacts | None
    import_error: str | None


def program_source(function: Callable[..., object]) -> str:
    """Return the body of ``function`` after its docstring, dedented."""
    source = textwrap.dedent(inspect.getsource(function))
    definition = ast.parse(source).body[0]
    assert isinstance(definition, ast.FunctionDef)
    docstring = definition.body[0]
    if not (isinstance(docstring, ast.Expr) and isinstance(docstring.value, ast.Constant)):
        raise TypeError(f"{function.__name__} needs a one-sentence docstring")
    if len(definition.body) < 2:
        raise TypeError(f"{function.__name__} has no program after its docstring")
    lines = source.splitlines(keepends=True)
    body = "".join(lines[docstring.end_lineno : definition.end_lineno])
    return textwrap.dedent(body)


def _reject_logging_imports(name: str, source: str) -> None:
    """Programs must use the injected ``logging``; importing it would bypass the target."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        else:
            continue
        if any(module == "logging" or module.startswith("logging.") for module in modules):
            raise TypeError(f"{name} imports logging itself; use the injected name")


def differential(
    function: Callable[..., object] | None = None,
    *,
    ids: bool = False,
    time: bool = False,
    patterns: Iterable[str] = (),
    min_version: tuple[int, int] = (3, 11),
    requires: Iterable[str] = (),
    prelude: str = "",
):
    """Turn a function whose body is a program into a differential test.

    ``prelude`` is source put before the body (code several programs share,
    such as a server they talk to).

    ``requires`` names submodules (``"handlers"``, ``"config"``) the program
    uses; while the implementation under test has not got one yet, the test
    is skipped and says so.

    ``ids`` replaces the process id and main thread id by placeholders
    (wherever those numbers appear, so other numbers printed by such a program
    should be below 300 or above 4194304, the range no pid can take),
    ``time`` replaces timestamps in the default ``asctime`` shape, and
    ``patterns`` are further regular expressions replaced on both sides.
    """

    def decorate(function: Callable[..., object]):
        source = textwrap.dedent(prelude) + program_source(function)
        _reject_logging_imports(function.__name__, source)
        all_patterns = tuple(patterns) + ((DEFAULT_ASCTIME,) if time else ())
        program = Program(function.__name__, source, ids, all_patterns, min_version)

        def test(differential_outcomes: dict[str, tuple[Outcome, Outcome]]) -> None:
            baseline, target = differential_outcomes[program.name]
            assert_same(program, baseline, target)

        test.__name__ = function.__name__
        test.__qualname__ = function.__qualname__
        test.__doc__ = function.__doc__
        test.__module__ = function.__module__
        test.differential_program = program
        if not program.applies():
            version = ".".join(map(str, min_version))
            test = pytest.mark.skip(reason=f"{program.name} needs Python {version}+")(test)
        missing = [name for name in requires if not _has_submodule(TARGET, name)]
        if missing:
            modules = ", ".join(f"{TARGET}.{name}" for name in missing)
            test = pytest.mark.skip(reason=f"{program.name} needs {modules}, not written yet")(test)
        return test

    return decorate if function is None else decorate(function)


def _has_submodule(package: str, name: str) -> bool:
    try:
        return importlib.util.find_spec(f"{package}.{name}") is not None
    except ImportError:
        return False


def _environment() -> dict[str, str]:
    environment = {
        key: value for key, value in os.environ.items() if key not in _ENVIRONMENT_REMOVED
    }
    environment.update(_ENVIRONMENT_OVERRIDES)
    return environment


def start_runner(module: str, sources: list[str], folder: Path, timeout: int = 20):
    """Prepare one directory per source under ``folder`` and start a runner on them.

    Returns the runner's process and the list of directories, in source order.
    """
    directories = []
    for index, source in enumerate(sources):
        directory = folder / f"{index:04d}"
        (directory / "work").mkdir(parents=True)
        (directory / "program.py").write_text(source, encoding="utf-8")
        directories.append(str(directory))
    manifest = folder / "manifest.json"
    # The two runners run side by side, so each takes half of the processors.
    jobs = max(1, len(os.sched_getaffinity(0)) // 2)
    manifest.write_text(
        json.dumps({"target": module, "jobs": jobs, "timeout": timeout, "directories": directories})
    )
    process = subprocess.Popen(
        [sys.executable, str(RUNNER), str(manifest)],
        env=_environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    return process, directories


def collect_outcome(directory: str) -> Outcome:
    """Read back what the runner left in one program's directory."""
    folder = Path(directory)
    status = json.loads((folder / "status.json").read_text())
    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    files = {}
    work = folder / "work"
    for path in sorted(work.rglob("*")):
        if path.is_file():
            files[str(path.relative_to(work))] = path.read_bytes()
    facts = None
    if "package" in meta:
        facts = RunFacts(directory, meta["package"], meta["pid"], meta["thread"])
    return Outcome(
        exit_code=status["exit_code"],
        stdout=(folder / "stdout").read_bytes(),
        stderr=(folder / "stderr").read_bytes(),
        files=files,
        facts=facts,
        import_error=meta.get("import_error"),
    )


def finish_runner(process: subprocess.Popen, directories: list[str]) -> list[Outcome]:
    output, _ = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"runner failed ({process.returncode}):\n{output.decode()}")
    return [collect_outcome(directory) for directory in directories]


def run_pairs(sources: list[str], root: Path, timeout: int = 20) -> list[tuple[Outcome, Outcome]]:
    """Run every source under the baseline and the target, both runners at once.

    The two sides use directories of equal length (``a/NNNN`` and ``b/NNNN``),
    so a path padded by a format width pads the same way on both sides.
    """
    root = root.resolve()
    baseline = start_runner(BASELINE, sources, root / "a", timeout)
    target = start_runner(TARGET, sources, root / "b", timeout)
    return list(zip(finish_runner(*baseline), finish_runner(*target), strict=True))


def _visible(line: str) -> str:
    """Show a diff line with invisible or undecodable characters escaped."""
    body = line[:-1] if line.endswith("\n") else line
    shown = body.encode("utf-8", "backslashreplace").decode("utf-8")
    shown = shown.encode("unicode_escape").decode("ascii") if not shown.isprintable() else shown
    if len(shown) > _MAX_LINE_CHARS:
        shown = f"{shown[:_MAX_LINE_CHARS]}... ({len(shown)} characters)"
    return shown if line.endswith("\n") else shown + "  <no newline at end>"


def _lines(text: str) -> list[str]:
    """Split after each newline only, so a stray carriage return stays visible in its line."""
    return [line for line in re.split(r"(?<=\n)", text) if line]


def text_diff(expected: str, actual: str, what: str) -> str:
    """A bounded unified diff between two normalised texts."""
    lines = list(
        difflib.unified_diff(
            _lines(expected),
            _lines(actual),
            fromfile=f"{what} ({BASELINE})",
            tofile=f"{what} ({TARGET})",
            n=2,
        )
    )
    shown = [_visible(line) for line in lines[:_MAX_DIFF_LINES]]
    if len(lines) > _MAX_DIFF_LINES:
        shown.append(f"... {len(lines) - _MAX_DIFF_LINES} more diff lines")
    sizes = f"{what}: {len(expected)} characters ({BASELINE}), {len(actual)} ({TARGET})"
    return sizes + "\n" + "\n".join(shown)


def _exit_status(code: int) -> str:
    """An exit code, or the signal that killed the program (SIGALRM means it timed out)."""
    if code >= 0:
        return str(code)
    name = signal.Signals(-code).name
    return f"{code} ({name}{', timed out' if name == 'SIGALRM' else ''})"


def differences(program: Program, baseline: Outcome, target: Outcome) -> list[str]:
    """Describe every way the target's run differs from the baseline's, after normalising."""
    if baseline.facts is None:
        raise RuntimeError(f"{BASELINE} failed to import:\n{baseline.import_error}")
    if target.facts is None:
        error = (target.import_error or "").strip().splitlines()[-1:]
        return [f"{TARGET} could not be imported: {''.join(error)}"]

    def same(expected: bytes, actual: bytes) -> tuple[str, str] | None:
        """None when equal after normalisation, else both normalised texts."""
        if expected == actual:
            return None
        assert baseline.facts is not None and target.facts is not None
        options = {"ids": program.ids, "patterns": program.patterns}
        cleaned = normalize(expected, baseline.facts, **options)
        other = normalize(actual, target.facts, **options)
        return None if cleaned == other else (cleaned, other)

    found = []
    if baseline.exit_code != target.exit_code:
        found.append(
            f"exit code: {_exit_status(baseline.exit_code)} ({BASELINE}), "
            f"{_exit_status(target.exit_code)} ({TARGET})"
        )
    for what in ("stdout", "stderr"):
        texts = same(getattr(baseline, what), getattr(target, what))
        if texts is not None:
            found.append(text_diff(*texts, what))
    names = sorted(set(baseline.files) | set(target.files))
    for name in names:
        if name not in target.files:
            found.append(f"file {name!r}: written by {BASELINE} only")
        elif name not in baseline.files:
            found.append(f"file {name!r}: written by {TARGET} only")
        else:
            texts = same(baseline.files[name], target.files[name])
            if texts is not None:
                found.append(text_diff(*texts, f"file {name!r}"))
    return found


def assert_same(program: Program, baseline: Outcome, target: Outcome) -> None:
    found = differences(program, baseline, target)
    if found:
        report = "\n\n".join(found)
        pytest.fail(f"{program.name}: {TARGET} differs from {BASELINE}\n\n{report}", pytrace=False)
