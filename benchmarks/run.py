"""Every national-scale benchmark in one run, each work timed in a fresh process.

    python benchmarks/run.py [--quick] [--json FILE] [--db PATH] [--only WORK ...]

Builds (or reuses) the national database -- 300 areas x 500 respondents x 3 waves, imported
file by file through the public import path -- and times: the portfolio, area profile and
patterns pages (cold: a fresh process; warm: a re-render), every profile with 1,000
resamples from scratch, importing 150,000 respondents into SQLite and PostgreSQL (beside
pandas ``read_csv`` + ``to_sql`` and ``COPY`` of the same rows in the same run), peak memory
and the database's size. Prints one row per work and writes them as a JSON list of
``{work, seconds, cpu_seconds, peer, peer_seconds, ratio, target, pass}``.

``--quick`` uses a tenth of the size (30 areas, an import of 15,000) and asserts only the
ratios to peers, never absolute times, so it can run in CI. The exit status is 1 when a
row that is asserted misses its target. PostgreSQL rows run when
``READINESS_TEST_POSTGRES_URL`` names a server the run may create a database on.

Times are wall-clock seconds of the work alone (not the interpreter's start); CPU seconds
are the process's CPU time over the same span, the figure to quote on a loaded machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
GB = 1024**3


@dataclass
class Row:
    work: str
    seconds: float | None
    cpu_seconds: float | None
    peer: str | None = None
    peer_seconds: float | None = None
    ratio: float | None = None
    target: str = ""
    passed: bool | None = None

    def as_json(self) -> dict:
        out = asdict(self)
        out["pass"] = out.pop("passed")
        return out


# -- what each fresh process runs ------------------------------------------------------
# Each prints one JSON line: {"seconds", "cpu", "rss"} (rss: peak resident bytes).
_PRELUDE = r"""
import json, resource, sys, time
sys.path.insert(0, {bench!r})
def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
def clock():
    return time.perf_counter(), time.process_time()
def since(t):
    return time.perf_counter() - t[0], time.process_time() - t[1]
"""

_IMPORT = r"""
from app.evidence import import_file
from survey.store.engine import open_store
url, path, area, wave = sys.argv[1:5]
engine = open_store(url)
t = clock()
result = import_file(engine, path, instrument="staff_survey", area=area, wave=wave,
                     imported_by="benchmark")
s, c = since(t)
print(json.dumps({"seconds": s, "cpu": c, "rss": peak(), "rows": result.rows}))
"""

# The peer of an import: pandas reads the same file and writes the same rows (one per
# respondent, one per answer given) with to_sql (SQLite) or COPY (PostgreSQL).
_PEER = r"""
import io
import pandas as pd
import sqlalchemy as sa
url, path, how = sys.argv[1:4]
engine = sa.create_engine(url)
with engine.begin() as conn:
    conn.exec_driver_sql("DROP TABLE IF EXISTS peer_answers")
    conn.exec_driver_sql("DROP TABLE IF EXISTS peer_responses")
    conn.exec_driver_sql("CREATE TABLE peer_responses (respondent_id TEXT PRIMARY KEY, "
                         "sector TEXT, role_level TEXT, co_located TEXT, multi_agency_team TEXT)")
    conn.exec_driver_sql("CREATE TABLE peer_answers (respondent_id TEXT, item_id TEXT, "
                         "raw TEXT, value FLOAT, PRIMARY KEY (respondent_id, item_id))")
t = clock()
frame = pd.read_csv(path, dtype=str, keep_default_na=False)
profile = ["respondent_id", "sector", "role_level", "co_located", "multi_agency_team"]
items = [c for c in frame.columns if c not in profile and c != "organisation"]
long = frame.melt(id_vars="respondent_id", value_vars=items, var_name="item_id", value_name="raw")
long = long[long["raw"] != ""]
long["value"] = pd.to_numeric(long["raw"].replace({"true": "1", "false": "0"}), errors="coerce")
with engine.begin() as conn:
    if how == "copy":
        cur = conn.connection.driver_connection.cursor()
        for table, part in (("peer_responses", frame[profile]), ("peer_answers", long)):
            buf = io.StringIO()
            part.to_csv(buf, index=False, header=False)
            with cur.copy(f"COPY {table} FROM STDIN (FORMAT csv)") as copy:
                copy.write(buf.getvalue())
    else:
        frame[profile].to_sql("peer_responses", conn, if_exists="append", index=False)
        long.to_sql("peer_answers", conn, if_exists="append", index=False, chunksize=50_000)
s, c = since(t)
with engine.begin() as conn:
    conn.exec_driver_sql("DROP TABLE peer_answers")
    conn.exec_driver_sql("DROP TABLE peer_responses")
print(json.dumps({"seconds": s, "cpu": c, "rss": peak(), "rows": len(long)}))
"""

_PAGE = r"""
from streamlit.testing.v1 import AppTest
from survey.store.accounts import Account
role, area, reruns, script = sys.argv[1], sys.argv[2] or None, int(sys.argv[3]), sys.argv[4]
# What a Streamlit server does once when it starts (scanning installed packages for
# components, several seconds) is not part of opening a page: done here before timing.
AppTest.from_string("import streamlit as st", default_timeout=600).run()
at = AppTest.from_file(script, default_timeout=1800)
at.session_state["account"] = Account("bench", role, area)
t = clock()
at.run()
cold, cold_cpu = since(t)
assert not at.exception, [e.value for e in at.exception]
warm = []
for i in range(reruns):
    if role == "panel":  # an interaction: another scale's distribution
        box = at.selectbox(key="patterns_scale")
        box.select_index((i + 1) % len(box.options))
    t = clock()
    at.run()
    warm.append(since(t))
    assert not at.exception, [e.value for e in at.exception]
warm.sort()
mid = warm[len(warm) // 2]
print(json.dumps({"seconds": cold, "cpu": cold_cpu, "warm": mid[0], "warm_cpu": mid[1],
                  "rss": peak(), "title": at.title[0].value if at.title else ""}))
"""

_PROFILES = r"""
import dataclasses
from bench_readiness import national_wave
from analysis.profiles import area_profiles
from analysis.readiness import context_from_catalogue
from instruments.catalogue import default_catalogue
areas, per_area, resamples = map(int, sys.argv[1:4])
ctx = context_from_catalogue(default_catalogue())
interval = ctx.rules.interval.model_copy(update={"resamples": resamples})
ctx = dataclasses.replace(ctx, rules=ctx.rules.model_copy(update={"interval": interval}))
frame = national_wave(ctx, areas, per_area)
t = clock()
profiles = area_profiles(ctx, frame)
s, c = since(t)
print(json.dumps({"seconds": s, "cpu": c, "rss": peak(), "profiles": len(profiles)}))
"""


def child(code: str, *args: str, env: dict[str, str] | None = None) -> dict:
    """Run ``code`` in a fresh interpreter (from a scratch folder, so no stray
    ``readiness.db`` is touched) and return the JSON line it prints."""
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    with tempfile.TemporaryDirectory() as cwd:
        out = subprocess.run(
            [sys.executable, "-c", _PRELUDE.format(bench=str(BENCH)) + code, *args],
            cwd=cwd,
            env=full,
            capture_output=True,
            text=True,
            check=False,
        )
    if out.returncode != 0:
        raise SystemExit(f"benchmark step failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- the works ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Size:
    areas: int
    per_area: int
    import_rows: int
    resamples: int = 1000


FULL = Size(areas=300, per_area=500, import_rows=150_000)
QUICK = Size(areas=30, per_area=500, import_rows=15_000)


def timed(work: str, target: float | None, measured: dict, *, key: str = "seconds") -> Row:
    seconds = measured[key]
    cpu = measured[
        "cpu" if key == "seconds" else key.replace("seconds", "cpu").replace("warm", "warm_cpu")
    ]
    return Row(
        work,
        round(seconds, 3),
        round(cpu, 3),
        target=f"<= {target:g} s" if target is not None else "",
        passed=None if target is None else seconds <= target,
    )


def against(
    work: str, measured: dict, peer_name: str, peer: dict, *, limit: float, target: float
) -> Row:
    ratio = measured["seconds"] / peer["seconds"]
    return Row(
        work,
        round(measured["seconds"], 3),
        round(measured["cpu"], 3),
        peer=peer_name,
        peer_seconds=round(peer["seconds"], 3),
        ratio=round(ratio, 2),
        target=f"<= {target:g} s and <= {limit:g}x peer",
        passed=measured["seconds"] <= target and ratio <= limit,
    )


def memory(work: str, rss: int, limit: float = 1.0) -> Row:
    return Row(
        work,
        None,
        None,
        target=f"peak <= {limit:g} GB ({rss / GB:.2f} GB)",
        passed=rss <= limit * GB,
    )


def import_rows(size: Size, folder: Path, say) -> list[Row]:
    from national import write_survey

    from survey.store.engine import open_store

    path = write_survey(folder / "import.csv", size.import_rows, seed=99)
    rows = []
    sqlite_url = f"sqlite:///{folder / 'import.db'}"
    open_store(sqlite_url).dispose()  # the schema, outside the timing
    say(f"import {size.import_rows:,} respondents into SQLite, and the pandas peer ...")
    peer = child(_PEER, f"sqlite:///{folder / 'peer.db'}", str(path), "to_sql")
    mine = child(_IMPORT, sqlite_url, str(path), "IMPORT", "bench")
    rows.append(
        against(
            f"import {size.import_rows:,} respondents, SQLite",
            mine,
            "pandas read_csv + to_sql",
            peer,
            limit=1.5,
            target=60,
        )
    )
    rows.append(memory("peak memory of the SQLite import", mine["rss"]))
    pg = os.environ.get("READINESS_TEST_POSTGRES_URL")
    if pg:
        say(f"import {size.import_rows:,} respondents into PostgreSQL, and the COPY peer ...")
        with _postgres_database(pg) as url:
            open_store(url).dispose()
            peer = child(_PEER, url, str(path), "copy")
            mine = child(_IMPORT, url, str(path), "IMPORT", "bench")
        rows.append(
            against(
                f"import {size.import_rows:,} respondents, PostgreSQL",
                mine,
                "COPY",
                peer,
                limit=1.5,
                target=30,
            )
        )
        rows.append(memory("peak memory of the PostgreSQL import", mine["rss"]))
    return rows


class _postgres_database:
    """A new database on the server at ``url``, dropped afterwards."""

    def __init__(self, url: str):
        from sqlalchemy.engine import make_url

        from survey.store.engine import normalise_url

        self.server = make_url(normalise_url(url))
        self.name = f"readiness_bench_{os.getpid()}"

    def _admin(self, sql: str) -> None:
        import sqlalchemy as sa

        engine = sa.create_engine(self.server, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql(sql)
        engine.dispose()

    def __enter__(self) -> str:
        self._admin(f"DROP DATABASE IF EXISTS {self.name}")
        self._admin(f"CREATE DATABASE {self.name}")
        return self.server.set(database=self.name).render_as_string(hide_password=False)

    def __exit__(self, *exc) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


def page_rows(db: Path, size: Size, say) -> list[Row]:
    from national import write_survey

    from app.evidence import import_file
    from survey.store.engine import open_store

    env = {"READINESS_DATABASE_URL": f"sqlite:///{db}"}
    script = str(ROOT / "dashboard.py")
    rows = []
    forget = "DELETE FROM stored_profiles"  # a derived store: as after `readiness db rescore`
    engine = open_store(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.exec_driver_sql(forget)
    engine.dispose()
    say("portfolio, first computation (fresh process) ...")
    first = child(_PAGE, "manager", "", "3", script, env=env)
    rows.append(timed("portfolio, first computation", None, first))
    # "Cold" as a manager meets it: a fresh process just after an import.
    engine = open_store(f"sqlite:///{db}")
    with tempfile.TemporaryDirectory() as tmp:
        stamp = int(time.time())
        path = write_survey(Path(tmp) / "top-up.csv", 20, seed=stamp, first_id=stamp % 10**6 * 10)
        import_file(
            engine,
            path,
            instrument="staff_survey",
            area="A000",
            wave="2026-3",
            imported_by="benchmark",
        )
    engine.dispose()
    say("portfolio, cold after an import, and warm ...")
    portfolio = child(_PAGE, "manager", "", "3", script, env=env)
    rows.append(timed("portfolio, cold (fresh process, after an import)", 3, portfolio))
    rows.append(timed("portfolio, warm", 0.5, portfolio, key="warm"))
    say("area profile, cold and warm ...")
    profile = child(_PAGE, "partnership", "A007", "5", script, env=env)
    rows.append(timed("area profile, cold", 2, profile))
    rows.append(timed("area profile, warm", 0.2, profile, key="warm"))
    say("patterns, cold and an interaction ...")
    patterns = child(_PAGE, "panel", "", "3", script, env=env)
    rows.append(timed("patterns, cold", 5, patterns))
    rows.append(timed("patterns, an interaction", 0.5, patterns, key="warm"))
    worst = max(first["rss"], portfolio["rss"], profile["rss"], patterns["rss"])
    rows.append(memory("peak memory of any page", worst))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="a tenth of the size; ratios asserted only"
    )
    parser.add_argument("--json", type=Path, help="write the rows here as a JSON list")
    parser.add_argument("--db", type=Path, help="the national SQLite database (built when missing)")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=["import", "pages", "profiles", "size"],
        help="run only these groups",
    )
    args = parser.parse_args()
    size = QUICK if args.quick else FULL
    groups = set(args.only or ["import", "pages", "profiles", "size"])
    default = BENCH / "results" / ("national-quick.db" if args.quick else "national.db")
    db = args.db or default
    db.parent.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(BENCH))
    sys.path.insert(0, str(ROOT))

    def say(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        if "import" in groups:
            rows += import_rows(size, Path(tmp), say)
        if groups & {"pages", "size"} and not db.exists():
            from national import build

            say(f"building {size.areas} areas x {size.per_area} respondents x 3 waves in {db} ...")
            start = time.perf_counter()
            build(f"sqlite:///{db}", Path(tmp), areas=size.areas, per_area=size.per_area, say=say)
            say(f"  built in {time.perf_counter() - start:.0f} s")
        if "pages" in groups:
            rows += page_rows(db, size, say)
    if "profiles" in groups:
        say(f"{size.areas} profiles with {size.resamples} resamples, from scratch ...")
        measured = child(_PROFILES, str(size.areas), str(size.per_area), str(size.resamples))
        rows.append(timed(f"all {size.areas} profiles, {size.resamples} resamples", 5, measured))
    if "size" in groups:
        on_disk = db.stat().st_size
        rows.append(
            Row(
                "database size, 3 waves, SQLite",
                None,
                None,
                target=f"<= 1.2 GB ({on_disk / GB:.2f} GB)",
                passed=on_disk <= 1.2 * GB,
            )
        )
    if args.quick:  # absolute figures at a tenth of the size mean nothing: ratios only
        for row in rows:
            if row.peer is None:
                row.passed = None
            else:
                row.passed = row.ratio <= 1.5
    _print(rows)
    if args.json:
        args.json.write_text(json.dumps([r.as_json() for r in rows], indent=2) + "\n")
    return 1 if any(r.passed is False for r in rows) else 0


def _print(rows: list[Row]) -> None:
    def fmt(x: float | None, unit: str = "") -> str:
        return "-" if x is None else f"{x:.2f}{unit}"

    width = max(len(r.work) for r in rows)
    head = f"{'seconds':>8}  {'cpu-s':>8}  {'peer-s':>8}  {'ratio':>6}  {'target':<34}"
    print(f"{'work':<{width}}  {head}  pass")
    for r in rows:
        verdict = {True: "OK", False: "MISSED", None: "-"}[r.passed]
        print(
            f"{r.work:<{width}}  {fmt(r.seconds):>8}  {fmt(r.cpu_seconds):>8}  "
            f"{fmt(r.peer_seconds):>8}  {fmt(r.ratio, 'x'):>6}  {r.target:<34}  {verdict}"
        )


if __name__ == "__main__":
    sys.exit(main())
