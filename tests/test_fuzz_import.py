"""A fuzz suite for the importer: whatever the file, the result is a clean import or a
validation report — never a traceback, a hang or a partial write. Bounded for CI (about a
minute); ``python benchmarks/fuzz_import.py --examples 5000`` runs the same checks longer."""

from __future__ import annotations

from fuzz_files import CATALOGUE, hostile_files
from helpers import count_rows
from hypothesis import HealthCheck, given, settings

from app.evidence import validate, write
from instruments.errors import ReadinessError

FAST = settings(
    max_examples=100,
    deadline=20_000,  # ms per file (on a busy shared machine): a hang fails the test
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
    derandomize=True,
)


def import_or_report(engine, data: bytes, name: str) -> str:
    """Validate then write; 'imported', 'refused' (nothing written) or an exception."""
    before = count_rows(engine)
    v = validate(data, name, "staff_survey", catalogue=CATALOGUE)
    if not v.ok:
        assert v.problems and all(str(p) for p in v.problems)
        assert len(v.summary) <= len(v.problems)
    try:
        write(engine, v, area="FUZ", wave="w1", catalogue=CATALOGUE, imported_by="fuzz")
    except ReadinessError:
        assert count_rows(engine) == before, "a refused file left rows behind"
        return "refused"
    assert count_rows(engine)["responses"] == before["responses"] + len(v.rows)
    return "imported"


@FAST
@given(file=hostile_files)
def test_any_file_imports_cleanly_or_is_reported(sqlite_engine, file):
    data, name = file
    assert import_or_report(sqlite_engine, data, name) in {"imported", "refused"}
