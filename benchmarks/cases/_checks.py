"""Correctness checks: the output must be what the standard library writes for the same calls."""

from __future__ import annotations

import re
from types import ModuleType

# The default `asctime` of logging.Formatter, e.g. "2024-05-01 12:34:56,789".
_ASCTIME = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}"

# Libraries known to get the asctime wrong, keyed by module name. Their asctime is not compared
# (anything up to 80 characters, newlines included, is accepted); the level, name, message and
# the number of records still are, and the report flags their numbers with the reason.
ASCTIME_NOT_COMPARED: dict[str, str] = {
    "picologging": (
        "picologging 0.9.3 writes an uninitialized buffer as the default asctime "
        "(microsoft/picologging#203), so asctime is not compared"
    ),
}


class CheckFailed(Exception):
    """The output of a case is not what the standard library writes for the same calls."""


def record_pattern(library: ModuleType, level: str, name: str, message: str) -> str:
    """Return a regex for one formatted record, without its newline; `message` is a regex."""
    asctime = _ASCTIME
    if library.__name__ in ASCTIME_NOT_COMPARED:
        asctime = r"(?s:.{0,80}?)"
    return rf"{asctime} {level} {re.escape(name)}: {message}"


def expect_records(text: str, record: str, count: int) -> list[re.Match[str]]:
    """Check that `text` is exactly `count` records, each matching `record` and a newline.

    Records are matched one after the other rather than by splitting lines, so a record whose
    message spans lines (a traceback) is checked the same way as a one-line record.
    """
    compiled = re.compile(record + "\n")
    matches = []
    position = 0
    for number in range(1, count + 1):
        match = compiled.match(text, position)
        if match is None:
            if position == len(text):
                raise CheckFailed(f"expected {count} records, got {number - 1}")
            excerpt = text[position : position + 300]
            raise CheckFailed(f"record {number} of {count} is not as expected: {excerpt!r}")
        matches.append(match)
        position = match.end()
    if position != len(text):
        extra = text[position:]
        raise CheckFailed(
            f"{extra.count(chr(10))} unexpected lines after {count} records: {extra[:200]!r}"
        )
    return matches


def read_text(path: str) -> str:
    """Read a log file as bytes decoded, without translating '\\r\\n', which fails the checks."""
    with open(path, "rb") as file:
        data = file.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        # Typically two writers interleaving inside one multi-byte write.
        excerpt = data[max(0, error.start - 60) : error.start + 60]
        raise CheckFailed(f"the file is not UTF-8 at byte {error.start}: {excerpt!r}") from None


def expect_worker_sequences(matches: list[re.Match[str]], workers: int) -> None:
    """Check that the records of each worker are its sequence numbers 0, 1, 2, ... in order.

    Each match has the worker's number as group 1 and the record's sequence number as group 2,
    so a record lost, duplicated or written out of order is caught.
    """
    expected_next = [0] * workers
    for match in matches:
        worker, sequence = int(match[1]), int(match[2])
        if worker >= workers or sequence != expected_next[worker]:
            raise CheckFailed(
                f"worker {worker} wrote record {sequence} where record "
                f"{expected_next[worker] if worker < workers else '?'} was due"
            )
        expected_next[worker] += 1
