"""The importer's fuzz suite, run longer than CI's minute: many hostile files through
validation and writing into a new SQLite store, each a clean import or a report, never a
traceback, a hang (over 20 s per file) or a partial write; fails if memory grows by 300 MB.

    python benchmarks/fuzz_import.py [--examples 5000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fuzz_files import hostile_files  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from test_fuzz_import import import_or_report  # noqa: E402

from survey.store.engine import open_store  # noqa: E402

LIMIT_MB = 300


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000)
    args = parser.parse_args()
    outcomes: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as folder:
        engine = open_store(f"sqlite:///{folder}/fuzz.db")

        @settings(
            max_examples=args.examples,
            deadline=20_000,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(file=hostile_files)
        def run(file):
            outcome = import_or_report(engine, *file)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1

        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start = time.process_time()
        run()
        seconds = time.process_time() - start
        engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    grown = peak - baseline  # the libraries themselves take the baseline
    print(
        f"{sum(outcomes.values()):,} files: {outcomes}; {seconds:.0f} CPU s; peak memory "
        f"{peak:.0f} MB, {grown:.0f} MB above the {baseline:.0f} MB after start-up "
        f"(target < {LIMIT_MB} MB above)"
    )
    return 0 if grown < LIMIT_MB else 1


if __name__ == "__main__":
    sys.exit(main())
