"""Readiness profiles straight from the store: read the evidence a caller may see, hand
it to :mod:`analysis`. The one place the command line and the dashboard get profiles.

Each area's profiles are computed once per state of its evidence and version of the rules
and analysis code, and kept in the store (:mod:`survey.store.profile_store`), so a fresh
process, another account or the next import elsewhere reads them instead of computing them
again. What is kept is undisclosed: :class:`app.access.ScopedData` applies scope and
disclosure control on the way out, so no cached copy holds more than an account may see
once it leaves this layer."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import pickle
import platform
import threading
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

import analysis
from analysis.context import context_from_catalogue
from analysis.profiles import area_profiles
from analysis.readiness import Profile
from instruments.catalogue import Catalogue
from survey.store import profile_store
from survey.store.readers import evidence

Progress = Callable[[int, int], None]
"""Called as ``progress(areas_done, areas_to_compute)`` while profiles are computed."""

BATCH = 25  # areas read and computed together when many are missing


def load_profiles(
    engine: Engine, catalogue: Catalogue, areas: Iterable[str] | None = None
) -> list[Profile]:
    """Every (area, wave) profile for ``areas`` (all when ``None``), waves in order,
    computed from the raw evidence (nothing stored is read)."""
    ev = evidence(engine, areas, survey=catalogue.survey.key)
    return area_profiles(
        context_from_catalogue(catalogue),
        ev.survey,
        ratings=ev.ratings,
        codes=ev.codes,
        decisions=ev.decisions,
        cards=ev.cards,
    )


# -- what is stored ----------------------------------------------------------------------
def rules_key(catalogue: Catalogue) -> str:
    """A fingerprint of everything besides the evidence that a profile depends on: the
    instrument files and rules, the analysis code and this layer's, and the library
    versions its payload is pickled with. Any change makes every stored profile stale."""
    digest = hashlib.sha256(_code_key().encode())
    folder = Path(catalogue.folder)
    for path in sorted(folder.glob("*.y*ml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(catalogue.survey.key.encode())
    return digest.hexdigest()


@cache
def _code_key() -> str:
    digest = hashlib.sha256()
    code = [Path(analysis.__file__).parent, Path(__file__).parent]  # analysis, and this layer
    for path in sorted(p for folder in code for p in folder.rglob("*.py")):
        digest.update(str(path.relative_to(path.parents[1])).encode())
        digest.update(b"\0" + path.read_bytes() + b"\0")
    versions = (platform.python_version(), np.__version__, pd.__version__)
    digest.update(repr(versions).encode())
    return digest.hexdigest()


# Only these may be rebuilt from a stored payload: the analysis layer's result classes and
# the pandas, numpy and pyarrow pieces a DataFrame is made of. Anything else (a function
# that reads a file, runs a command...) is refused, so a tampered row cannot run code.
_ALLOWED = {
    "builtins": {"slice", "set", "frozenset", "complex", "range", "bytearray"},
    "collections": {"OrderedDict"},
    "datetime": {"datetime", "date", "timedelta", "timezone"},
    "numpy": {"dtype", "ndarray"},
    "numpy._core.multiarray": {"_reconstruct", "scalar"},
    "numpy.core.multiarray": {"_reconstruct", "scalar"},
    "numpy._core.numeric": {"_frombuffer"},
    "numpy.core.numeric": {"_frombuffer"},
    "numpy.dtypes": {"Float64DType", "Int64DType", "BoolDType", "ObjectDType", "StrDType"},
    "pandas": {"DataFrame", "Series", "Index", "RangeIndex", "MultiIndex", "StringDtype"},
    "pandas.core.indexes.base": {"_new_Index"},
    "pandas.core.indexes.multi": {"MultiIndex"},
    "pandas.core.internals.managers": {"BlockManager", "SingleBlockManager"},
    "pandas._libs.internals": {"_unpickle_block"},
    "pandas.core.arrays.string_": {"StringDtype"},
    "pandas.core.arrays.categorical": {"Categorical"},
    "pandas.core.dtypes.dtypes": {"CategoricalDtype"},
    "pandas.arrays": {"ArrowStringArray", "StringArray", "Categorical"},
    "pandas.core.arrays.string_arrow": {"ArrowStringArray"},
    "pyarrow.lib": {"_restore_array", "py_buffer", "type_for_alias"},
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if module.startswith("analysis."):
            found = super().find_class(module, name)
            if isinstance(found, type):  # a result class, never a function
                return found
        elif name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a stored profile may not hold {module}.{name}")


def dump(profiles: list[Profile]) -> bytes:
    """One area's profiles as a payload. The bootstrap draws are left out: they only
    serve the change since the previous wave, which is computed with the profiles."""
    light = [dataclasses.replace(p, draws={}) for p in profiles]
    return pickle.dumps(light, protocol=5)


_REFUSED = object()


def _loads(payload: bytes) -> Any:
    """A stored payload through the allow-list; ``_REFUSED`` when it cannot be read."""
    try:
        return _Unpickler(io.BytesIO(payload)).load()
    except Exception:  # a stale or tampered payload is recomputed, never trusted
        return _REFUSED


def undump(payload: bytes) -> list[Profile] | None:
    """One area's profiles from a payload; None when it cannot be read (then they are
    computed again)."""
    profiles = _loads(payload)
    if not isinstance(profiles, list) or not all(isinstance(p, Profile) for p in profiles):
        return None
    return profiles


class ProfileBook:
    """The profiles of the store, area by area, each computed once per state of its
    evidence and kept in the store for every process and account.

    Undisclosed and unscoped: it is handed to :class:`app.access.ScopedData`, which applies
    scope and disclosure control on the way out, so one book serves every account. Areas
    whose profiles are not stored are read and computed together, :data:`BATCH` at a time,
    with ``progress`` told as they are done."""

    def __init__(self, engine: Engine, catalogue: Catalogue):
        self.engine = engine
        self.catalogue = catalogue
        self._by_area: dict[str, tuple[str, list[Profile]]] = {}
        self._lock = threading.Lock()
        self._rules_key: str | None = None
        self._views: dict[str, dict[str, tuple[str, Any]]] = {}

    @property
    def rules_key(self) -> str:
        if self._rules_key is None:
            self._rules_key = rules_key(self.catalogue)
        return self._rules_key

    def missing(self, areas: Iterable[str]) -> list[str]:
        """The areas of ``areas`` whose profiles are not yet computed for their evidence
        (what a call to :meth:`of` would compute)."""
        keys = profile_store.data_keys(self.engine, list(areas))
        with self._lock:
            stale = {a: k for a, k in keys.items() if self._by_area.get(a, ("",))[0] != k}
        if not stale:
            return []
        held = profile_store.held(self.engine, stale, self.rules_key)
        return [a for a in stale if a not in held]

    def of(self, areas: Iterable[str], progress: Progress | None = None) -> list[Profile]:
        """The profiles of ``areas``, area by area, waves in order."""
        areas = list(areas)
        keys = profile_store.data_keys(self.engine, areas)
        with self._lock:
            todo = self._fill_from_store(keys)
            for start in range(0, len(todo), BATCH):
                if progress:
                    progress(start, len(todo))
                self._compute(todo[start : start + BATCH], keys)
            if progress and todo:
                progress(len(todo), len(todo))
            return [p for area in areas if area in keys for p in self._by_area[area][1]]

    def view(
        self, name: str, areas: Iterable[str], variant: str, make: Callable[[list[Profile]], Any]
    ) -> dict[str, Any]:
        """``make(profiles)`` of each area of ``areas`` (its profiles, waves in order),
        computed once per state of its evidence, rules and ``variant`` (e.g. the disclosure
        rules it applies) and kept in the store beside the profiles. For a small summary of
        every area (a portfolio row), reading these is far cheaper than every profile."""
        areas = list(areas)
        keys = profile_store.data_keys(self.engine, areas)
        key = hashlib.sha256(f"{self.rules_key}\x1f{name}\x1f{variant}".encode()).hexdigest()
        with self._lock:
            memo = self._views.setdefault(key, {})
            stale = [a for a, k in keys.items() if memo.get(a, ("",))[0] != k]
            stored = profile_store.load(self.engine, {a: keys[a] for a in stale}, key)
        todo = []
        for area in stale:
            value = _loads(stored[area]) if area in stored else _REFUSED
            if value is _REFUSED:
                todo.append(area)
            else:
                memo[area] = (keys[area], value)
        if todo:
            profiles = self.of(todo)
            by_area: dict[str, list[Profile]] = {}
            for p in profiles:
                by_area.setdefault(p.area, []).append(p)
            payloads = {}
            for area in todo:
                value = make(by_area.get(area, []))
                memo[area] = (keys[area], value)
                payloads[area] = (keys[area], pickle.dumps(value, protocol=5))
            profile_store.save(self.engine, payloads, key)
        return {a: memo[a][1] for a in areas if a in keys}

    def all(self, progress: Progress | None = None) -> list[Profile]:
        """Every area's profiles, area by area, waves in order."""
        return self.of(sorted(profile_store.data_keys(self.engine)), progress)

    def _fill_from_store(self, keys: dict[str, str]) -> list[str]:
        """Take what the store holds into memory; return the areas still to compute."""
        stale = [a for a, k in keys.items() if self._by_area.get(a, ("",))[0] != k]
        stored = profile_store.load(self.engine, {a: keys[a] for a in stale}, self.rules_key)
        todo = []
        for area in stale:
            profiles = undump(stored[area]) if area in stored else None
            if profiles is None:
                todo.append(area)
            else:
                self._by_area[area] = (keys[area], profiles)
        return todo

    def _compute(self, areas: list[str], keys: dict[str, str]) -> None:
        computed = load_profiles(self.engine, self.catalogue, areas)
        fresh = profile_store.data_keys(self.engine, areas)
        payloads = {}
        for area in areas:
            mine = [dataclasses.replace(p, draws={}) for p in computed if p.area == area]
            self._by_area[area] = (keys[area], mine)
            # Kept only when no import landed in the area while it was being computed.
            if fresh.get(area) == keys[area]:
                payloads[area] = (keys[area], dump(mine))
        profile_store.save(self.engine, payloads, self.rules_key)
