"""Runs every selected differential program once per implementation, in two batches."""

import pytest

from ._harness import Outcome, Program, run_pairs


@pytest.fixture(scope="session")
def differential_outcomes(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[Outcome, Outcome]]:
    """Outcomes (baseline, target) of every selected differential program, by name."""
    programs: dict[str, Program] = {}
    for item in request.session.items:
        program = getattr(getattr(item, "function", None), "differential_program", None)
        if isinstance(program, Program) and program.applies():
            if programs.setdefault(program.name, program) is not program:
                raise ValueError(f"two differential programs are named {program.name}")
    names = list(programs)
    sources = [programs[name].source for name in names]
    pairs = run_pairs(sources, tmp_path_factory.mktemp("differential"))
    return dict(zip(names, pairs, strict=True))
