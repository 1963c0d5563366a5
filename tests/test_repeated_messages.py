"""A message logged again and again is merged as `msg % args` every time."""

import io
import logging as std_logging

import femtologging

ARGUMENTS = [
    ("/api", 1),
    ("/api/items", 42),
    ("/x", -7),
    (None, True),
    ("/y", 2.5),
    (3, 4),
    ("/z", "not a number"),  # %d of a str: the standard error report
    ("/after", 8),
    ("/too", 1, "many"),
    ("/few",),
    ("/end", 9),
]


def run(module, capsys):
    stream = io.StringIO()
    handler = module.StreamHandler(stream)
    handler.setFormatter(module.Formatter("%(levelname)s %(message)s"))
    logger = module.getLogger("repeated")
    logger.handlers[:] = [handler]
    logger.propagate = False
    for arguments in ARGUMENTS * 3:
        logger.warning("request %s took %d ms", *arguments)
    errors = capsys.readouterr().err
    # The report names each library's own files; keep what the user reads.
    errors = [line for line in errors.splitlines() if not line.startswith("  File")]
    return stream.getvalue(), errors


def test_repeated_messages_match_the_standard_library(capsys):
    standard, standard_errors = run(std_logging, capsys)
    femto, femto_errors = run(femtologging, capsys)
    assert femto == standard
    assert standard.count("\n") == 24
    assert [line for line in femto_errors if "Error" in line] == [
        line for line in standard_errors if "Error" in line
    ]
    assert sum("--- Logging error ---" in line for line in femto_errors) == 9


def run_mapping(module):
    stream = io.StringIO()
    handler = module.StreamHandler(stream)
    logger = module.getLogger("repeated.mapping")
    logger.handlers[:] = [handler]
    logger.propagate = False
    for number in range(5):
        logger.warning("user %(user)s logged in %(count)d times", {"user": "ann", "count": number})
        logger.warning("plain %s after a mapping", number)
    return stream.getvalue()


def test_repeated_mapping_messages_match_the_standard_library():
    """A `%(key)s` message has no compiled form; it is merged every time,
    and the plain message logged in between still is too."""
    assert run_mapping(femtologging) == run_mapping(std_logging)
