"""Import benchmark: a staff-survey file of 10,000 respondents into the embedded database.

Target: under 15 s from reading the file to the committed transaction.

    python benchmarks/bench_import.py [--respondents 10000]
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from app.evidence import import_file
from instruments.catalogue import default_catalogue
from instruments.columns import columns
from survey.store.engine import open_store

TARGET_SECONDS = 15.0


def write_survey(path: Path, respondents: int, seed: int = 1) -> None:
    """A valid staff-survey file with realistic gaps (5 % of answers, some trust targets)."""
    cat = default_catalogue()
    cols = columns(cat, "staff_survey")
    rng = np.random.default_rng(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.id for c in cols])
        for i in range(respondents):
            row = []
            skip_targets = set(rng.choice(cat.sector_codes, size=6, replace=False))
            for c in cols:
                if c.id == "respondent_id":
                    row.append(f"R{i:06d}")
                elif c.kind in {"sector", "choice"}:
                    row.append(c.options[rng.integers(len(c.options))] if c.required else "")
                elif c.kind == "yes_no":
                    row.append("yes" if rng.random() < 0.5 else "no")
                elif c.kind == "likert":
                    target = c.id.split("_", 1)[1].rsplit("_", 1)[0] if c.scale == "trust" else ""
                    blank = target in skip_targets or rng.random() < 0.05
                    row.append("" if blank else str(rng.integers(c.low, c.high + 1)))
                elif c.kind == "true_false":
                    row.append("true" if rng.random() < 0.5 else "false")
                else:
                    row.append("")
            writer.writerow(row)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--respondents", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "survey.csv"
        write_survey(path, args.respondents)
        engine = open_store(f"sqlite:///{tmp}/bench.db")
        start = time.perf_counter()
        result = import_file(engine, path, instrument="staff_survey", area="BENCH", wave="2026-1")
        seconds = time.perf_counter() - start
        engine.dispose()
    ok = seconds < TARGET_SECONDS
    print(
        f"import {result.rows} respondents ({path.name}) into SQLite: {seconds:.2f} s "
        f"(target < {TARGET_SECONDS:.0f} s) {'OK' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
