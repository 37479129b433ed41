"""Loading and validating the instrument files.

A problem is always reported with the file, the item (or section) and the field, so the
person who edited the YAML can go straight to it. A folder holds instrument files (each
with a ``kind`` from :mod:`instruments.kinds`) and two reference files: the sector list and
the readiness rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from instruments.checks import Refs, check_common, duplicates
from instruments.columns import Column, profile_columns
from instruments.errors import InstrumentError, Problem, UnknownInstrumentError
from instruments.kinds import INSTRUMENT, KINDS, SURVEY, kind_of
from instruments.schema import InstrumentBase, ReadinessRules, SectorList, SurveyInstrument

DEFAULT_DIR = Path(__file__).resolve().parent
SECTORS_FILE = "sectors.yaml"
RULES_FILE = "readiness_rules.yaml"
THEMES_FILE = "comment_themes.yaml"  # the coding frame of open comments (instruments.coding)
_REFERENCE_FILES = {SECTORS_FILE, RULES_FILE, THEMES_FILE}

__all__ = [
    "DEFAULT_DIR",
    "Catalogue",
    "InstrumentError",
    "Problem",
    "UnknownInstrumentError",
    "default_catalogue",
    "load_catalogue",
    "validate_files",
]


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InstrumentError([Problem(path.name, "file", "-", f"cannot be read: {exc}")]) from None


_SINGULAR = {
    "items": "item",
    "scales": "scale",
    "pillars": "pillar",
    "vignettes": "vignette",
    "dimensions": "dimension",
    "themes": "theme",
    "questions": "question",
    "facets": "facet",
    "sectors": "sector",
    "open_questions": "open question",
    "gates": "gate",
    "verdicts": "verdict",
    "bands": "band",
}


def _where(data: Any, loc: tuple[Any, ...]) -> tuple[str, str]:
    """Turn a pydantic error location into (item description, field name)."""
    where, node = "file", data
    for i, part in enumerate(loc):
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            node = node[part]
            ident = node.get("id") or node.get("code") if isinstance(node, dict) else None
            section = str(loc[i - 1]) if i else ""
            section = _SINGULAR.get(section, section)
            where = f"{section} '{ident}'" if ident else f"{section}[{part}]"
        elif isinstance(node, dict):
            node = node.get(part)
    names = [str(p) for p in loc if not isinstance(p, int) and p not in {"str", "Text"}]
    return where, names[-1] if names else "-"


def _validate(schema: TypeAdapter | type[BaseModel], data: Any, file: str) -> Any:
    try:
        if isinstance(schema, TypeAdapter):
            return schema.validate_python(data)
        return schema.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if p not in KINDS)
            where, fld = _where(data, loc)
            problems.append(Problem(file, where, fld, err["msg"]))
        raise InstrumentError(problems) from None


def load_sectors(folder: Path) -> SectorList:
    return _load_reference(folder / SECTORS_FILE, SectorList)


def load_rules(folder: Path) -> ReadinessRules:
    return _load_reference(folder / RULES_FILE, ReadinessRules)


def _load_reference(path: Path, model: type[BaseModel]) -> Any:
    return _validate(model, _read_yaml(path), path.name)


def _role(path: Path) -> str:
    """What a file is: ``sectors``, ``rules`` or ``instrument``. The shipped names decide;
    a renamed copy (a draft) is told by its content: an instrument has a ``kind``."""
    if path.name == SECTORS_FILE:
        return "sectors"
    if path.name == RULES_FILE:
        return "rules"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return "instrument"  # reported as unreadable when it is parsed
    if isinstance(data, dict) and "kind" not in data:
        if "sectors" in data:
            return "sectors"
        if "verdicts" in data or "bands" in data:
            return "rules"
    return "instrument"


@dataclass(frozen=True, eq=False)
class Catalogue:
    """Every instrument of a folder with its reference data, validated together."""

    folder: Path
    sectors: Any  # SectorList
    rules: ReadinessRules
    instruments: dict[str, Any] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    _columns: dict[str, tuple[Column, ...]] = field(default_factory=dict, repr=False)

    def get(self, key: str) -> Any:
        try:
            return self.instruments[key]
        except KeyError:
            known = ", ".join(sorted(self.instruments))
            raise UnknownInstrumentError(f"unknown instrument '{key}' (known: {known})") from None

    def of_kind(self, kind: str) -> list[Any]:
        """The instruments of one kind (see :data:`instruments.kinds.KINDS`), in key order."""
        return [
            self.instruments[k]
            for k in sorted(self.instruments)
            if self.instruments[k].kind == kind
        ]

    def first(self, kind: str) -> Any | None:
        found = self.of_kind(kind)
        return found[0] if found else None

    def columns(self, key: str) -> tuple[Column, ...]:
        """Every column of instrument ``key``'s import file, in template order."""
        if key not in self._columns:
            inst = self.get(key)
            cols = profile_columns(inst, self) + kind_of(inst).columns(inst, self)
            self._columns[key] = tuple(cols)
        return self._columns[key]

    @property
    def sector_codes(self) -> list[str]:
        return [s.code for s in self.sectors.sectors]

    @property
    def key_sectors(self) -> list[str]:
        return [s.code for s in self.sectors.sectors if s.key]

    def sector_name(self, code: str) -> str:
        return next((s.short for s in self.sectors.sectors if s.code == code), code)

    @property
    def survey(self) -> SurveyInstrument:
        """The survey that profiles are scored from: the one the rules name, else the only
        one (a folder with two surveys must name one; :func:`load_catalogue` checks)."""
        if self.rules.survey:
            return self.get(self.rules.survey)
        return self.of_kind(SURVEY)[0]


def instrument_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.name not in _REFERENCE_FILES)


def _parse_files(paths: list[Path], problems: list[Problem]) -> dict[str, tuple[Any, str]]:
    parsed: dict[str, tuple[Any, str]] = {}
    for path in paths:
        try:
            inst = _validate(INSTRUMENT, _read_yaml(path), path.name)
        except InstrumentError as exc:
            problems += exc.problems
            continue
        if inst.key in parsed:
            problems.append(Problem(path.name, "file", "key", f"key '{inst.key}' used twice"))
        parsed[inst.key] = (inst, path.name)
    return parsed


def load_catalogue(folder: Path | None = None, extra: list[Path] | None = None) -> Catalogue:
    """Load and validate every instrument in ``folder`` (and ``extra`` files).

    An ``extra`` instrument file takes the place of the folder's instrument with the same
    key, and an ``extra`` sector list or rule set the place of the folder's, so a draft (or
    one of the folder's own files) is checked against the rest of the folder. Raises
    :class:`InstrumentError` listing every problem of every file."""
    folder = folder or DEFAULT_DIR
    extra = list(extra or [])
    roles = {p: _role(p) for p in extra}
    problems: list[Problem] = []

    def reference(name: str, default: Path, model: type[BaseModel]) -> Any:
        path = next((p for p in extra if roles[p] == name), default)
        try:
            return _load_reference(path, model)
        except InstrumentError as exc:
            problems.extend(exc.problems)
            return None

    sectors = reference("sectors", folder / SECTORS_FILE, SectorList)
    rules = reference("rules", folder / RULES_FILE, ReadinessRules)
    rules_file = next((p.name for p in extra if roles[p] == "rules"), RULES_FILE)
    parsed = _parse_files(instrument_files(folder), problems)
    parsed.update(_parse_files([p for p in extra if roles[p] == "instrument"], problems))
    codes = [s.code for s in sectors.sectors] if sectors else []
    for dup in duplicates(codes):
        problems.append(Problem(SECTORS_FILE, f"sector '{dup}'", "code", "duplicate sector code"))
    surveys = [inst for inst, _ in parsed.values() if inst.kind == SURVEY]
    refs = Refs(frozenset(codes), frozenset(p.id for inst in surveys for p in inst.pillars))
    for inst, file in parsed.values():
        problems += check_instrument(inst, file, refs)
    if rules is not None:
        problems += _check_rules(rules, parsed, rules_file)
    if problems:
        raise InstrumentError(problems)
    return Catalogue(
        folder=folder,
        sectors=sectors,
        rules=rules,
        instruments={k: v[0] for k, v in sorted(parsed.items())},
        files={k: v[1] for k, v in sorted(parsed.items())},
    )


def check_instrument(inst: InstrumentBase, file: str, refs: Refs) -> list[Problem]:
    """The checks every kind shares, then its kind's own (:data:`instruments.kinds.KINDS`)."""
    problems: list[Problem] = []

    def bad(where: str, fld: str, msg: str) -> None:
        problems.append(Problem(file, where, fld, msg))

    check_common(inst, bad)
    kind_of(inst).check(inst, bad, refs)
    return problems


def _check_rules(
    rules: ReadinessRules, parsed: dict[str, tuple[Any, str]], file: str = RULES_FILE
) -> list[Problem]:
    problems = []

    def bad(where: str, fld: str, msg: str) -> None:
        problems.append(Problem(file, where, fld, msg))

    surveys = sorted(k for k, (inst, _) in parsed.items() if inst.kind == SURVEY)
    if rules.survey is not None and rules.survey not in surveys:
        bad("file", "survey", f"'{rules.survey}' is not a survey instrument ({', '.join(surveys)})")
    elif rules.survey is None and len(surveys) > 1:
        bad(
            "file",
            "survey",
            f"the folder holds {len(surveys)} surveys ({', '.join(surveys)}): name the one "
            "that profiles are scored from",
        )
    scales = {s.id for inst, _ in parsed.values() if inst.kind == SURVEY for s in inst.scales}
    band_ids = {b.id for b in rules.bands}
    for gate in rules.gates:
        if gate.metric == "scale" and gate.scale not in scales:
            bad(f"gate '{gate.id}'", "scale", f"unknown scale '{gate.scale}'")
        if (gate.below is None) == (gate.above is None):
            bad(f"gate '{gate.id}'", "below", "give exactly one of below/above")
    for v in rules.verdicts:
        for band in v.max_pillars:
            if band not in band_ids:
                bad(f"verdict '{v.id}'", "max_pillars", f"unknown band '{band}'")
    for scale in rules.scale_bands:
        if scale not in scales:
            bad(f"scale_bands '{scale}'", "scale", f"unknown scale '{scale}'")
    pillars = {p.id for inst, _ in parsed.values() if inst.kind == SURVEY for p in inst.pillars}
    known = {g.id for g in rules.gates} | pillars | {"minimum_evidence"}
    for key in rules.next_steps:
        if key not in known:
            bad(
                f"next_steps '{key}'",
                "key",
                f"not a gate, a pillar or minimum_evidence (known: {', '.join(sorted(known))})",
            )
    mins = [b.min for b in rules.bands]
    if mins != sorted(mins, reverse=True):
        bad("bands", "min", "list bands from highest to lowest")
    return problems


def validate_files(paths: list[Path], folder: Path) -> Catalogue:
    """Validate ``paths`` (instrument, sector or rules files) against the rest of ``folder``;
    :class:`InstrumentError` names every problem with its file, entry and field."""
    return load_catalogue(folder, extra=paths)


@cache
def default_catalogue(folder: Path = DEFAULT_DIR) -> Catalogue:
    """The instruments of ``folder`` (the shipped ones by default), loaded once per process."""
    return load_catalogue(folder)
