"""Rewrite what legitimately differs between two runs of the same program.

Everything not listed here must be byte-identical between the standard library
and the implementation under test:

* traceback frames that belong to the logging implementation itself (and any
  non-program frames those frames called), because the standard library shows
  frames of ``logging/__init__.py`` where a native implementation has none;
* the program's own directory, which differs per run but has the same length;
* object addresses in reprs (``<... at 0x7f...>``);
* on request, the process id and main thread id, and text matching
  program-specific patterns such as wall-clock timestamps.
"""

import re
from dataclasses import dataclass

# A traceback frame header as printed by the traceback module.
_FRAME = re.compile(r'  File "(?P<path>[^"]*)", line \d+, in ')
# Lines that continue a frame: its source line, the caret line under it, or
# the "[Previous line repeated N more times]" summary.
_FRAME_CONTINUATION = re.compile(r"    |  \[Previous line repeated ")
_TRACEBACK_HEADER = "Traceback (most recent call last):"
_ADDRESS = re.compile(r"(?<= at )0x[0-9a-fA-F]+")

# The shape of an ``asctime`` rendered with the default date format.
DEFAULT_ASCTIME = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"


@dataclass(frozen=True)
class RunFacts:
    """What the runner reported about one run, needed to normalise its output."""

    directory: str
    package: str
    pid: int
    thread: int


def _is_inside(path: str, folder: str) -> bool:
    return path.startswith(folder.rstrip("/") + "/")


def drop_implementation_frames(text: str, package: str, directory: str) -> str:
    """Remove traceback frames that show the logging implementation's internals.

    A frame is internal when its file is inside ``package``. Frames that an
    internal frame called (deeper in the same traceback) are internal too,
    unless they are the program's own code, such as a ``__str__`` or an
    overridden ``emit`` called back by the library. The first frame of a
    traceback that is neither the program's nor the implementation's (a
    ``copyreg`` frame of a pickle that failed) was called by native code of
    the implementation, which shows no frame, and counts as internal too. A
    "Traceback" header left without any frame is removed as well, since an
    exception raised inside native code carries no frames at all.
    """
    kept: list[str] = []
    in_frames = False  # the previous line was a frame or a frame's continuation
    inside_implementation = False
    dropping_frame = False
    header_index: int | None = None  # where an unconfirmed "Traceback" header sits
    first_frame = False  # the next frame is the first of a traceback
    for line in text.split("\n"):
        frame = _FRAME.match(line)
        if frame is not None:
            path = frame.group("path")
            called_natively = first_frame and not _is_inside(path, directory)
            first_frame = False
            inside_implementation = (
                inside_implementation or called_natively or _is_inside(path, package)
            )
            dropping_frame = inside_implementation and not _is_inside(path, directory)
            if not dropping_frame:
                kept.append(line)
                header_index = None
            in_frames = True
            continue
        if in_frames and _FRAME_CONTINUATION.match(line):
            if not dropping_frame:
                kept.append(line)
            continue
        # Any other line ends the current run of frames.
        if header_index is not None:
            del kept[header_index]
        in_frames = inside_implementation = dropping_frame = False
        header_index = len(kept) if line == _TRACEBACK_HEADER else None
        first_frame = line == _TRACEBACK_HEADER
        kept.append(line)
    if header_index is not None:
        del kept[header_index]
    return "\n".join(kept)


def _replace_number(text: str, number: int, token: str) -> str:
    return re.sub(rf"(?<!\d){number}(?!\d)", token, text)


def normalize(
    data: bytes,
    facts: RunFacts,
    *,
    ids: bool = False,
    patterns: tuple[str, ...] = (),
) -> str:
    """Return ``data`` as text with run-specific details replaced by placeholders.

    Bytes that are not UTF-8 survive as surrogate escapes, so an encoding
    difference still shows up as a difference.
    """
    text = data.decode("utf-8", "surrogateescape")
    text = drop_implementation_frames(text, facts.package, facts.directory)
    text = text.replace(facts.directory, "<DIR>")
    text = _ADDRESS.sub("0x<ADDRESS>", text)
    if ids:
        text = _replace_number(text, facts.thread, "<THREAD>")
        text = _replace_number(text, facts.pid, "<PID>")
    for pattern in patterns:
        text = re.sub(pattern, "<~>", text)
    return text
