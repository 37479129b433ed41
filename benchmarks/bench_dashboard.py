"""Dashboard benchmark on a national-scale database: 300 areas x 500 respondents.

Targets: the area profile page re-renders in under 300 ms warm and under 3 s cold; the
portfolio page re-renders in under 1 s warm. Pages are driven with Streamlit's AppTest, each
measurement in a fresh process so that "cold" means no cache of any kind in memory.

    python benchmarks/bench_dashboard.py [--areas 300 --per-area 500] [--db PATH]

The database is built once through the normal import path (a few minutes) and kept at
``--db`` (default ``benchmarks/results/national.db``) for later runs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

TARGETS = {"profile_cold": 3.0, "profile_warm": 0.3, "portfolio_warm": 1.0}

_PROBE = r"""
import json, sys, time
from streamlit.testing.v1 import AppTest
from survey.store.accounts import Account

role, area, reruns = sys.argv[1], sys.argv[2] or None, int(sys.argv[3])
at = AppTest.from_file(sys.argv[4], default_timeout=900)
at.session_state["account"] = Account("bench", role, area)
start = time.perf_counter()
at.run()
cold = time.perf_counter() - start
assert not at.exception, [e.value for e in at.exception]
warm = []
for _ in range(reruns):
    start = time.perf_counter()
    at.run()
    warm.append(time.perf_counter() - start)
assert not at.exception, [e.value for e in at.exception]
print(json.dumps({"cold": cold, "warm": sorted(warm)[len(warm) // 2], "title": at.title[0].value}))
"""


def build(db: Path, areas: int, per_area: int) -> None:
    """Import one staff-survey file per area through the public import path."""
    from bench_import import write_survey

    from app.evidence import import_file
    from survey.store.engine import open_store

    engine = open_store(f"sqlite:///{db}")
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(areas):
            path = Path(tmp) / f"A{i:03d}.csv"
            write_survey(path, per_area, seed=i)
            import_file(
                engine,
                path,
                instrument="staff_survey",
                area=f"A{i:03d}",
                wave="2026-1",
                area_name=f"Area {i:03d}",
                imported_by="benchmark",
            )
            if i % 25 == 0:
                print(f"  built {i + 1}/{areas} areas", flush=True)
    engine.dispose()


def probe(db: Path, role: str, area: str | None, reruns: int = 5) -> dict:
    env = {**os.environ, "READINESS_DATABASE_URL": f"sqlite:///{db}", "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as cwd:
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                _PROBE,
                role,
                area or "",
                str(reruns),
                str(ROOT / "dashboard.py"),
            ],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=1800,
        )
    if out.returncode != 0:
        raise SystemExit(f"probe failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--areas", type=int, default=300)
    parser.add_argument("--per-area", type=int, default=500)
    parser.add_argument("--db", type=Path, default=ROOT / "benchmarks" / "results" / "national.db")
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    if not args.db.exists():
        print(f"building {args.areas} areas x {args.per_area} respondents in {args.db} ...")
        start = time.perf_counter()
        build(args.db, args.areas, args.per_area)
        print(f"  built in {time.perf_counter() - start:.0f} s")
    profile = probe(args.db, "partnership", "A007")
    portfolio = probe(args.db, "manager", None, reruns=3)
    measured = {
        "profile_cold": profile["cold"],
        "profile_warm": profile["warm"],
        "portfolio_cold": portfolio["cold"],
        "portfolio_warm": portfolio["warm"],
    }
    print(f"\n{'measure':<32}{'measured':>10}{'target':>10}  result")
    ok = True
    for name, seconds in measured.items():
        target = TARGETS.get(name)
        passed = target is None or seconds < target
        ok &= passed
        shown = f"< {target:g} s" if target else "-"
        print(f"{name:<32}{seconds:>9.2f}s{shown:>10}  {'OK' if passed else 'MISSED'}")
    print(f"\npages: {profile['title']!r}, {portfolio['title']!r}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
