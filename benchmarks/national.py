"""The national benchmark data: staff-survey files written fast (numpy, one ``to_csv``) and
a database of areas x waves built from them through the public import path.

Used by :mod:`benchmarks.run`; nothing here is timed."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from instruments.catalogue import default_catalogue
from instruments.columns import columns

WAVES = ("2026-1", "2026-2", "2026-3")
ITEM_MISSING = 0.05  # share of Likert answers left blank
TARGETS_SKIPPED = 6  # trust targets a respondent does not rate


def survey_frame(respondents: int, seed: int = 1, *, first_id: int = 0) -> pd.DataFrame:
    """A valid staff-survey import file as a frame of strings, with realistic gaps: 5 % of
    answers blank and six sectors' trust blocks skipped by each respondent."""
    cat = default_catalogue()
    cols = columns(cat, "staff_survey")
    rng = np.random.default_rng(seed)
    sectors = np.array(cat.sector_codes)
    # Each respondent skips the trust block of TARGETS_SKIPPED sectors.
    ranks = rng.random((respondents, len(sectors))).argsort(axis=1).argsort(axis=1)
    skipped = {s: ranks[:, i] < TARGETS_SKIPPED for i, s in enumerate(sectors)}
    # Respondents lean around a personal level, so scales hang together.
    lean = rng.normal(0.0, 0.7, size=respondents)
    out: dict[str, np.ndarray] = {}
    for c in cols:
        if c.id == "respondent_id":
            out[c.id] = np.char.add(
                "R", np.char.zfill((np.arange(respondents) + first_id).astype(str), 7)
            )
        elif c.kind in {"sector", "choice"}:
            if c.required:
                out[c.id] = np.asarray(c.options, dtype=object)[
                    rng.integers(len(c.options), size=respondents)
                ]
            else:
                out[c.id] = np.full(respondents, "", dtype=object)
        elif c.kind == "yes_no":
            out[c.id] = np.where(rng.random(respondents) < 0.5, "yes", "no")
        elif c.kind == "likert":
            value = np.clip(np.rint(3.4 + lean + rng.normal(0, 0.9, respondents)), c.low, c.high)
            cell = value.astype(int).astype(str).astype(object)
            blank = rng.random(respondents) < ITEM_MISSING
            if c.scale == "trust":
                target = c.id.split("_", 1)[1].rsplit("_", 1)[0]
                blank |= skipped.get(target, False)
            cell[blank] = ""
            out[c.id] = cell
        elif c.kind == "true_false":
            out[c.id] = np.where(rng.random(respondents) < 0.5, "true", "false")
        else:
            out[c.id] = np.full(respondents, "", dtype=object)
    return pd.DataFrame(out)


def write_survey(path: Path, respondents: int, seed: int = 1, *, first_id: int = 0) -> Path:
    """Write :func:`survey_frame` as a UTF-8 CSV file at ``path``."""
    survey_frame(respondents, seed, first_id=first_id).to_csv(path, index=False)
    return path


def area_code(i: int) -> str:
    return f"A{i:03d}"


def build(
    url: str,
    folder: Path,
    *,
    areas: int,
    per_area: int,
    waves: tuple[str, ...] = WAVES,
    say: Callable[[str], None] = print,
) -> None:
    """Import one staff-survey file per area and wave into the store at ``url`` through
    the public import path (validation, one transaction per file, derived stores)."""
    from app.evidence import import_file
    from survey.store.engine import open_store

    engine = open_store(url)
    start = time.perf_counter()
    for w, wave in enumerate(waves):
        for i in range(areas):
            path = write_survey(
                folder / f"{area_code(i)}-{wave}.csv", per_area, seed=w * 10_000 + i
            )
            import_file(
                engine,
                path,
                instrument="staff_survey",
                area=area_code(i),
                wave=wave,
                area_name=f"Area {i:03d}",
                imported_by="benchmark",
            )
            path.unlink()
            done = w * areas + i + 1
            if done % 50 == 0 or done == areas * len(waves):
                took = time.perf_counter() - start
                say(f"  imported {done}/{areas * len(waves)} area-waves ({took:.0f} s)")
    engine.dispose()
