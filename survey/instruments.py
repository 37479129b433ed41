"""Loading and validating the instrument files.

A problem is always reported with the file, the item (or section) and the field, so the
person who edited the YAML can go straight to it."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from survey.schema import (
    Instrument,
    InterviewInstrument,
    ReadinessRules,
    SectorList,
    SurveyInstrument,
    WorkshopInstrument,
)

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "instruments"
SECTORS_FILE = "sectors.yaml"
RULES_FILE = "readiness_rules.yaml"
_REFERENCE_FILES = {SECTORS_FILE, RULES_FILE}
_INSTRUMENT = TypeAdapter(Instrument)


def instruments_dir() -> Path:
    """The folder holding the instruments (``READINESS_INSTRUMENTS_DIR`` overrides it)."""
    return Path(os.environ.get("READINESS_INSTRUMENTS_DIR") or DEFAULT_DIR)


@dataclass(frozen=True)
class Problem:
    file: str
    where: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}, field '{self.field}': {self.message}"


class InstrumentError(Exception):
    """One or more instrument files are invalid; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UnknownInstrumentError(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
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


def _validate(adapter_or_model: Any, data: Any, file: str) -> Any:
    try:
        if isinstance(adapter_or_model, TypeAdapter):
            return adapter_or_model.validate_python(data)
        return adapter_or_model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if p not in {"survey", "interview", "workshop"})
            where, fld = _where(data, loc)
            problems.append(Problem(file, where, fld, err["msg"]))
        raise InstrumentError(problems) from None


def load_sectors(folder: Path | None = None) -> SectorList:
    path = (folder or instruments_dir()) / SECTORS_FILE
    return _validate(SectorList, _read_yaml(path), path.name)


def load_rules(folder: Path | None = None) -> ReadinessRules:
    path = (folder or instruments_dir()) / RULES_FILE
    return _validate(ReadinessRules, _read_yaml(path), path.name)


def _duplicates(ids: list[str]) -> list[str]:
    return [i for i, n in Counter(ids).items() if n > 1]


def check_instrument(inst: Any, file: str, sectors: set[str], pillars: set[str]) -> list[Problem]:
    """Cross-reference checks that a per-field schema cannot make."""
    problems: list[Problem] = []

    def bad(where: str, fld: str, msg: str) -> None:
        problems.append(Problem(file, where, fld, msg))

    for dup in _duplicates([f.id for f in inst.profile]):
        bad(f"profile '{dup}'", "id", "duplicate profile field id")
    for col in inst.id_columns:
        if col not in {f.id for f in inst.profile}:
            bad("id_columns", col, "is not a profile field")
    for f in inst.profile:
        if f.type == "choice" and not f.options:
            bad(f"profile '{f.id}'", "options", "a choice field needs options")
    if isinstance(inst, SurveyInstrument):
        problems += _check_survey(inst, file)
    elif isinstance(inst, InterviewInstrument):
        problems += _check_interview(inst, file, pillars)
    elif isinstance(inst, WorkshopInstrument):
        problems += _check_workshop(inst, file, sectors, pillars)
    return problems


def _check_survey(inst: SurveyInstrument, file: str) -> list[Problem]:
    problems: list[Problem] = []

    def bad(where: str, fld: str, msg: str) -> None:
        problems.append(Problem(file, where, fld, msg))

    own_pillars = {p.id for p in inst.pillars}
    scales = {s.id: s for s in inst.scales}
    for dup in _duplicates([s.id for s in inst.scales]):
        bad(f"scale '{dup}'", "id", "duplicate scale id")
    for s in inst.scales:
        if s.pillar not in own_pillars:
            bad(f"scale '{s.id}'", "pillar", f"unknown pillar '{s.pillar}'")
    ids = [i.id for i in inst.items] + [q.id for q in inst.open_questions]
    ids += [f.id for f in inst.profile]
    for dup in _duplicates(ids):
        bad(f"item '{dup}'", "id", "duplicate item id")
    counts: Counter[str] = Counter()
    for item in inst.items:
        where = f"item '{item.id}'"
        scale = scales.get(item.scale)
        response = inst.response_scales.get(item.response)
        if scale is None:
            bad(where, "scale", f"unknown scale '{item.scale}'")
        if response is None:
            bad(where, "response", f"unknown response scale '{item.response}'")
            continue
        counts[item.scale] += 1
        if item.reverse and response.type != "likert":
            bad(where, "reverse", "only Likert items can be reverse-keyed")
        if response.type == "likert" and not response.points:
            bad(where, "response", f"Likert scale '{item.response}' has no points")
        if scale is not None and scale.kind == "knowledge":
            if response.type != "true_false":
                bad(where, "response", "a knowledge-check item needs a true/false response")
            if item.keyed is None:
                bad(where, "keyed", "a knowledge-check item needs its keyed answer")
    for s in inst.scales:
        if s.kind == "trust":
            if inst.trust is None or inst.trust.scale != s.id:
                bad(f"scale '{s.id}'", "kind", "a trust scale needs the trust block")
        elif counts[s.id] < 2:
            bad(f"scale '{s.id}'", "items", f"has {counts[s.id]} item(s); a scale needs 2 or more")
    if inst.trust is not None:
        t = inst.trust
        if t.scale not in scales or scales[t.scale].kind != "trust":
            bad("trust", "scale", f"'{t.scale}' is not a scale of kind trust")
        if t.response not in inst.response_scales:
            bad("trust", "response", f"unknown response scale '{t.response}'")
        if "{sector}" not in t.id_pattern or "{facet}" not in t.id_pattern:
            bad("trust", "id_pattern", "must contain {sector} and {facet}")
        for dup in _duplicates([f.id for f in t.facets]):
            bad(f"trust facet '{dup}'", "id", "duplicate facet id")
    return problems


def _check_interview(inst: InterviewInstrument, file: str, pillars: set[str]) -> list[Problem]:
    problems: list[Problem] = []

    def bad(where: str, fld: str, msg: str) -> None:
        problems.append(Problem(file, where, fld, msg))

    for q in inst.questions:
        if pillars and q.pillar not in pillars:
            bad(f"question '{q.id}'", "pillar", f"unknown pillar '{q.pillar}'")
    for dup in _duplicates([d.id for d in inst.dimensions]):
        bad(f"dimension '{dup}'", "id", "duplicate dimension id")
    for d in inst.dimensions:
        if pillars and d.pillar not in pillars:
            bad(f"dimension '{d.id}'", "pillar", f"unknown pillar '{d.pillar}'")
        if sorted(d.anchors) != [1, 2, 3, 4, 5]:
            bad(f"dimension '{d.id}'", "anchors", "needs a description for each point 1 to 5")
    for dup in _duplicates([t.code for t in inst.coding_frame.themes]):
        bad(f"theme '{dup}'", "code", "duplicate theme code")
    for t in inst.coding_frame.themes:
        if pillars and t.pillar not in pillars:
            bad(f"theme '{t.code}'", "pillar", f"unknown pillar '{t.pillar}'")
    return problems


def _check_workshop(
    inst: WorkshopInstrument, file: str, sectors: set[str], pillars: set[str]
) -> list[Problem]:
    problems: list[Problem] = []

    def bad(where: str, fld: str, msg: str) -> None:
        problems.append(Problem(file, where, fld, msg))

    for dup in _duplicates([v.id for v in inst.vignettes]):
        bad(f"vignette '{dup}'", "id", "duplicate vignette id")
    for v in inst.vignettes:
        if v.lawful_position is None:
            bad(f"vignette '{v.id}'", "lawful_position", "every vignette needs its lawful position")
        for s in v.sectors:
            if s not in sectors:
                bad(f"vignette '{v.id}'", "sectors", f"unknown sector '{s}'")
    for p in inst.cards.pillars:
        if pillars and p not in pillars:
            bad("cards", "pillars", f"unknown pillar '{p}'")
    return problems


@dataclass(frozen=True, eq=False)
class Catalogue:
    """Every instrument of a folder with its reference data, validated together."""

    folder: Path
    sectors: SectorList
    rules: ReadinessRules
    instruments: dict[str, Any] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    def get(self, key: str) -> Any:
        try:
            return self.instruments[key]
        except KeyError:
            known = ", ".join(sorted(self.instruments))
            raise UnknownInstrumentError(f"unknown instrument '{key}' (known: {known})") from None

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
        return next(i for i in self.instruments.values() if isinstance(i, SurveyInstrument))


def instrument_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.name not in _REFERENCE_FILES)


def _parse_files(paths: list[Path], problems: list[Problem]) -> dict[str, tuple[Any, str]]:
    parsed: dict[str, tuple[Any, str]] = {}
    for path in paths:
        try:
            inst = _validate(_INSTRUMENT, _read_yaml(path), path.name)
        except InstrumentError as exc:
            problems += exc.problems
            continue
        if inst.key in parsed:
            problems.append(Problem(path.name, "file", "key", f"key '{inst.key}' used twice"))
        parsed[inst.key] = (inst, path.name)
    return parsed


def load_catalogue(folder: Path | None = None, extra: list[Path] | None = None) -> Catalogue:
    """Load and validate every instrument in ``folder`` (and ``extra`` files).

    An ``extra`` file takes the place of the folder's instrument with the same key, so a
    draft (or one of the folder's own files) is checked against the rest of the folder.
    Raises :class:`InstrumentError` listing every problem of every file."""
    folder = folder or instruments_dir()
    problems: list[Problem] = []
    sectors = rules = None
    try:
        sectors = load_sectors(folder)
    except InstrumentError as exc:
        problems += exc.problems
    try:
        rules = load_rules(folder)
    except InstrumentError as exc:
        problems += exc.problems
    parsed = _parse_files(instrument_files(folder), problems)
    parsed.update(_parse_files(list(extra or []), problems))
    codes = {s.code for s in sectors.sectors} if sectors else set()
    for dup in _duplicates([s.code for s in sectors.sectors] if sectors else []):
        problems.append(Problem(SECTORS_FILE, f"sector '{dup}'", "code", "duplicate sector code"))
    pillars = {p.id for inst, _ in parsed.values() if inst.kind == "survey" for p in inst.pillars}
    for inst, file in parsed.values():
        problems += check_instrument(inst, file, codes, pillars)
    if rules is not None:
        problems += _check_rules(rules, parsed)
    if problems:
        raise InstrumentError(problems)
    return Catalogue(
        folder=folder,
        sectors=sectors,
        rules=rules,
        instruments={k: v[0] for k, v in parsed.items()},
        files={k: v[1] for k, v in parsed.items()},
    )


def _check_rules(rules: ReadinessRules, parsed: dict[str, tuple[Any, str]]) -> list[Problem]:
    problems = []
    scales = {s.id for inst, _ in parsed.values() if inst.kind == "survey" for s in inst.scales}
    band_ids = {b.id for b in rules.bands}
    for gate in rules.gates:
        if gate.metric == "scale" and gate.scale not in scales:
            problems.append(
                Problem(RULES_FILE, f"gate '{gate.id}'", "scale", f"unknown scale '{gate.scale}'")
            )
        if (gate.below is None) == (gate.above is None):
            problems.append(
                Problem(RULES_FILE, f"gate '{gate.id}'", "below", "give exactly one of below/above")
            )
    for v in rules.verdicts:
        for band in v.max_pillars:
            if band not in band_ids:
                problems.append(
                    Problem(
                        RULES_FILE, f"verdict '{v.id}'", "max_pillars", f"unknown band '{band}'"
                    )
                )
    for scale in rules.scale_bands:
        if scale not in scales:
            problems.append(
                Problem(RULES_FILE, f"scale_bands '{scale}'", "scale", f"unknown scale '{scale}'")
            )
    mins = [b.min for b in rules.bands]
    if mins != sorted(mins, reverse=True):
        problems.append(Problem(RULES_FILE, "bands", "min", "list bands from highest to lowest"))
    return problems


@cache
def default_catalogue() -> Catalogue:
    """The project's instruments, loaded once per process."""
    return load_catalogue()
