"""Files from other survey tools, brought to the instrument's import columns.

KoboToolbox and ODK exports of the project's XLSForm import with no mapping at all: group
prefixes are stripped (``trust_police/trust_police_ability`` and
``trust_police-trust_police_ability`` are ``trust_police_ability``), metadata columns
(``_uuid``, ``_submission_time``, ``_index``, ``start``, ``end`` …) are recognised and
ignored, and the submission uuid becomes the respondent id when the file gives none.

Any other tool (Microsoft Forms, Google Forms, Qualtrics, SurveyMonkey …) imports through a
:class:`Mapping`, a YAML file a person confirms: for each header of the file, the item id
or profile field it holds, the answers' labels and the values they stand for, and whether
to reverse the scale. :func:`suggest` drafts one by matching the headers to the item texts
and the answers to the response scales (rapidfuzz), with a score on every guess.

Every answer label the instrument itself defines (``Strongly agree``, ``Police``,
``Yes``) is understood without being listed. Columns of personal data (names, e-mail
addresses, phone numbers, IP addresses, locations) are refused: never read into the rows,
never stored. Every other column must be mapped or ignored: an unmapped column is a
problem named in the report, never dropped silently.

The result is a CSV file in the instrument's columns that goes through the normal
validated, all-or-nothing import (:mod:`survey.ingest.validate`, :mod:`survey.ingest.write`);
the same file with the same mapping gives the same bytes, so a second import of it is
refused as already imported."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process

from instruments.catalogue import Catalogue
from instruments.columns import Column, columns
from instruments.errors import ReadinessError
from instruments.forms import option_label
from survey.ingest.limits import Limits, OverLimit
from survey.ingest.tables import Table, UnreadableFile, read_table
from survey.ingest.validate import ImportProblem, Validated, add_to_groups, validate

SUGGEST_AT = 70.0  # a header guess below this score is left unmapped (the guess is noted)
VALUE_AT = 80.0  # an answer-label guess below this score is left out
KOBO_MARKERS = {"_uuid", "_submission_time", "_index", "meta/instanceid", "_id"}
METADATA = {
    # KoboToolbox / ODK
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "audit",
    "instanceid",
    "meta/instanceid",
    "meta/rootuuid",
    "meta/deprecatedid",
    "formhub/uuid",
    "__version__",
    # Microsoft Forms
    "id",
    "start time",
    "completion time",
    "last modified time",
    # Google Forms
    "timestamp",
    # Qualtrics
    "startdate",
    "enddate",
    "status",
    "progress",
    "duration (in seconds)",
    "finished",
    "recordeddate",
    "responseid",
    "distributionchannel",
    "userlanguage",
    "externalreference",
    # SurveyMonkey and others
    "respondent id",
    "response id",
    "collector id",
    "start date",
    "end date",
    "submitted at",
    "submission id",
}
PERSONAL = {
    "name",
    "full name",
    "first name",
    "last name",
    "surname",
    "email",
    "e-mail",
    "email address",
    "e-mail address",
    "recipientemail",
    "recipientfirstname",
    "recipientlastname",
    "ipaddress",
    "ip address",
    "locationlatitude",
    "locationlongitude",
    "phone",
    "phone number",
    "phonenumber",
    "telephone",
    "mobile",
    "address",
    "postcode",
}
ID_SOURCES = ("_uuid", "meta/instanceID", "instanceID", "ResponseId", "Response ID", "ID")


class MappingError(ReadinessError):
    """A mapping file that cannot be used; the message says what to fix."""


def _norm(text: str) -> str:
    text = re.sub(r"\s+", " ", str(text)).strip().casefold()
    return text.rstrip(" .:?*")


def _base(header: str) -> str:
    """A Kobo/ODK header without its group prefixes."""
    return re.split(r"[/-]", header.strip())[-1] if "/" in header or "-" in header else header


@dataclass
class ColumnRule:
    """What one column of the file holds."""

    header: str
    to: str | None = None  # an import column (item id or profile field)
    values: dict[str, str] = field(default_factory=dict)  # answer label -> value
    reverse: bool = False  # a numeric scale asked the other way round: low + high - x
    ignore: bool = False  # metadata: recognised and left out
    personal: bool = False  # personal data: refused, never stored
    score: float | None = None  # how sure a suggestion is (100 = exact)
    guess: str | None = None  # the best guess when it was too weak to use
    value_scores: dict[str, float] = field(default_factory=dict)


@dataclass
class Mapping:
    """How a file from another tool becomes instrument ``instrument``'s import file."""

    instrument: str
    columns: list[ColumnRule]
    id_from: str | None = None  # the column whose value is the respondent id when none given
    skip_rows: int = 0  # data rows under the header that are not answers (Qualtrics)

    def rule(self, header: str) -> ColumnRule | None:
        return next((r for r in self.columns if r.header == header), None)

    # -- YAML ------------------------------------------------------------------------------
    def to_yaml(self) -> str:
        def entry(r: ColumnRule) -> dict[str, Any]:
            out: dict[str, Any] = {"header": r.header}
            if r.personal:
                out["personal"] = True
            elif r.ignore:
                out["ignore"] = True
            else:
                out["to"] = r.to
                if r.score is not None:
                    out["score"] = round(r.score, 1)
                if r.guess:
                    out["guess"] = r.guess
                if r.reverse:
                    out["reverse"] = True
                if r.values:
                    out["values"] = dict(r.values)
                if r.value_scores:
                    out["value_scores"] = {k: round(v, 1) for k, v in r.value_scores.items()}
            return out

        body = {"instrument": self.instrument}
        if self.id_from:
            body["respondent_id_from"] = self.id_from
        if self.skip_rows:
            body["skip_rows"] = self.skip_rows
        body["columns"] = [entry(r) for r in self.columns]
        head = (
            "# How the columns of a file from another survey tool become the instrument's\n"
            "# import columns. 'to' is the item id or profile field; 'values' turns the tool's\n"
            "# answer labels into the values stored; 'reverse: true' turns a numeric scale\n"
            "# round; 'ignore' leaves a metadata column out; 'personal' refuses a column of\n"
            "# personal data (never stored). A 'score' under 100 is a guess: confirm it.\n"
        )
        return head + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)

    @classmethod
    def from_yaml(cls, text: str) -> Mapping:
        try:
            body = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise MappingError(f"the mapping is not valid YAML: {exc}") from None
        if not isinstance(body, dict) or not isinstance(body.get("columns"), list):
            raise MappingError("the mapping needs 'instrument' and a list of 'columns'")
        rules = []
        for n, entry in enumerate(body["columns"], start=1):
            if not isinstance(entry, dict) or "header" not in entry:
                raise MappingError(f"column entry {n} of the mapping has no 'header'")
            values = entry.get("values") or {}
            if not isinstance(values, dict):
                raise MappingError(f"'values' of column '{entry['header']}' must be a mapping")
            rules.append(
                ColumnRule(
                    header=str(entry["header"]),
                    to=None if entry.get("to") in (None, "") else str(entry["to"]),
                    values={str(k): _text(v) for k, v in values.items()},
                    reverse=bool(entry.get("reverse", False)),
                    ignore=bool(entry.get("ignore", False)),
                    personal=bool(entry.get("personal", False)),
                    score=entry.get("score"),
                    guess=entry.get("guess"),
                )
            )
        return cls(
            instrument=str(body.get("instrument", "")),
            columns=rules,
            id_from=body.get("respondent_id_from"),
            skip_rows=int(body.get("skip_rows", 0) or 0),
        )

    @classmethod
    def read(cls, path: str | Path) -> Mapping:
        try:
            return cls.from_yaml(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise MappingError(f"cannot read the mapping {path}: {exc.strerror}") from None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- what the instrument's answers are called ------------------------------------------------


def _likert_labels(cat: Catalogue, key: str) -> dict[str, dict[int, str]]:
    """Column id -> its labelled scale points, from the instrument."""
    inst = cat.get(key)
    out: dict[str, dict[int, str]] = {}
    scales = getattr(inst, "response_scales", {}) or {}
    for item in getattr(inst, "items", []):
        rs = scales.get(item.response)
        if rs is not None and rs.labels:
            out[item.id] = {int(k): v.en for k, v in rs.labels.items()}
    trust = getattr(inst, "trust", None)
    if trust is not None and scales.get(trust.response) and scales[trust.response].labels:
        labels = {int(k): v.en for k, v in scales[trust.response].labels.items()}
        for sector in cat.sector_codes:
            for facet in trust.facets:
                out[trust.id_pattern.format(sector=sector, facet=facet.id)] = labels
    for d in getattr(inst, "dimensions", []):
        out[f"rate_{d.id}"] = {int(k): v.en for k, v in d.anchors.items()}
    return out


def answer_labels(cat: Catalogue, key: str) -> dict[str, dict[str, str]]:
    """Column id -> {normalised answer label: the value the import file holds}, for every
    label the instrument itself defines (scale labels, sector names, option wording)."""
    likert = _likert_labels(cat, key)
    out: dict[str, dict[str, str]] = {}
    for col in columns(cat, key):
        labels: dict[str, str] = {}
        if col.kind == "sector":
            for s in cat.sectors.sectors:
                labels |= {_norm(s.code): s.code, _norm(s.name): s.code, _norm(s.short): s.code}
        elif col.kind == "choice":
            for o in col.options:
                labels |= {
                    _norm(o): o,
                    _norm(o.replace("_", " ")): o,
                    _norm(option_label(cat, col, o)): o,
                }
        elif col.kind == "yes_no":
            labels = {"yes": "yes", "no": "no", "y": "yes", "n": "no"}
        elif col.kind == "true_false":
            labels = {"true": "true", "false": "false", "t": "true", "f": "false"}
        elif col.kind == "likert":
            for n, text in likert.get(col.id, {}).items():
                labels[_norm(text)] = str(n)
                labels[_norm(f"{n} {text}")] = str(n)
                labels[_norm(f"{n} - {text}")] = str(n)
        out[col.id] = labels
    return out


# --- recognising columns ------------------------------------------------------------------


def is_metadata(header: str) -> bool:
    h = _norm(header)
    return h.startswith("_") or h in METADATA or h.endswith("/instanceid")


def is_personal(header: str) -> bool:
    h = _norm(header)
    return h in PERSONAL or h.removeprefix("your ") in PERSONAL


def looks_like_kobo(header: list[str], cat: Catalogue, key: str) -> bool:
    """An export of the project's XLSForm from KoboToolbox or ODK: Kobo's own metadata
    columns, or every column one of the form's fields (group prefixes stripped) or a
    recognised metadata column. (A slash in a question's wording is not enough.)"""
    lowered = {h.strip().lower() for h in header}
    if lowered & KOBO_MARKERS:
        return True
    ids = {c.id for c in columns(cat, key)}
    return any(_base(h) in ids for h in header) and all(
        _base(h) in ids or is_metadata(h) or is_personal(h) for h in header
    )


def kobo_mapping(header: list[str], cat: Catalogue, key: str) -> Mapping:
    """The mapping of a KoboToolbox/ODK export of the instrument's XLSForm: prefixes
    stripped, metadata ignored, the submission uuid as the respondent id."""
    ids = {c.id for c in columns(cat, key)}
    rules = []
    for h in header:
        base = _base(h)
        if base in ids and not h.startswith("_"):
            rules.append(ColumnRule(h, to=base, score=100.0))
        elif is_personal(h):
            rules.append(ColumnRule(h, personal=True))
        elif is_metadata(h):
            rules.append(ColumnRule(h, ignore=True))
        else:
            rules.append(ColumnRule(h))
    return Mapping(key, rules, id_from=_id_source(header))


def _id_source(header: list[str]) -> str | None:
    by_lower = {h.strip().lower(): h for h in header}
    return next((by_lower[s.lower()] for s in ID_SOURCES if s.lower() in by_lower), None)


# --- suggesting a mapping -----------------------------------------------------------------


def _qualtrics_rows(table: Table) -> int:
    """Qualtrics puts the question texts and import ids in two rows under the header."""
    head = table.rows[:2]
    if len(head) == 2 and any(c.startswith('{"ImportId"') for c in head[1]):
        return 2
    return 0


def _candidates(cols: list[Column]) -> dict[str, str]:
    return {c.id: _norm(c.text) for c in cols}


def _header_text(header: str) -> list[str]:
    """What to match: the header, and the statement of a grid question (Google Forms'
    ``Question [Statement]``, Microsoft Forms' ``Question.Statement``)."""
    texts = [_norm(header)]
    grid = re.search(r"\[(.+)\]\s*$", header)
    if grid:
        texts.append(_norm(grid.group(1)))
    return texts


def suggest(data: bytes, file_name: str, cat: Catalogue, key: str) -> Mapping:
    """A draft mapping for a file from another survey tool: every header matched to the
    instrument's item texts and profile questions (rapidfuzz token-set ratio, 0-100), each
    target used once (best matches first), and the answer labels of each mapped column
    matched to its response scale. Metadata and personal-data columns are recognised by
    name. A person confirms it before import."""
    try:
        table = read_table(data, file_name)
    except UnreadableFile as exc:
        raise MappingError(f"{file_name}: {exc}") from None
    if looks_like_kobo(table.header, cat, key):
        mapping = kobo_mapping(table.header, cat, key)
        if all(r.to or r.ignore or r.personal for r in mapping.columns):
            return mapping
    skip = _qualtrics_rows(table)
    texts = dict(zip(table.header, table.rows[0], strict=False)) if skip else {}
    cols = list(columns(cat, key))
    spec = {c.id: c for c in cols}
    choices = _candidates(cols)
    rules = {h: ColumnRule(h) for h in table.header}
    scored: list[tuple[float, str, str]] = []
    for h in table.header:
        if is_personal(h):
            rules[h].personal = True
            continue
        if _base(h) in spec:
            scored.append((100.0, h, _base(h)))
            continue
        if is_metadata(h):
            rules[h].ignore = True
            continue
        for text in _header_text(h) + _header_text(texts.get(h, "")):
            if not text:
                continue
            for _, score, target in process.extract(
                text, choices, scorer=fuzz.token_set_ratio, limit=5
            ):
                scored.append((float(score), h, target))
    used: set[str] = set()
    for score, h, target in sorted(scored, key=lambda t: -t[0]):
        rule = rules[h]
        if rule.to is not None or target in used:
            continue
        if score >= SUGGEST_AT:
            rule.to, rule.score = target, score
            used.add(target)
        elif rule.guess is None:
            rule.guess, rule.score = target, score
    labels = answer_labels(cat, key)
    for h, rule in rules.items():
        if rule.to is None:
            continue
        rule.guess = None
        index = table.header.index(h)
        seen = {r[index].strip() for r in table.rows[skip:] if index < len(r) and r[index].strip()}
        known = labels.get(rule.to, {})
        for value in sorted(seen):
            if _norm(value) in known or spec[rule.to].kind in {"text", "id"}:
                continue
            if spec[rule.to].kind in {"likert", "count"} and value.isdigit():
                continue
            best = process.extractOne(_norm(value), list(known), scorer=fuzz.WRatio)
            if best and best[1] >= VALUE_AT:
                rule.values[value] = known[best[0]]
                rule.value_scores[value] = float(best[1])
    id_cols = cat.get(key).id_columns
    id_from = None
    if len(id_cols) == 1 and not any(r.to == id_cols[0] for r in rules.values()):
        id_from = _id_source(table.header)
    return Mapping(key, [rules[h] for h in table.header], id_from=id_from, skip_rows=skip)


# --- applying a mapping -------------------------------------------------------------------


@dataclass
class MappingReport:
    """What became of each column of the file."""

    mapped: list[tuple[str, str]] = field(default_factory=list)  # (header, import column)
    ignored: list[str] = field(default_factory=list)  # metadata, left out
    refused: list[str] = field(default_factory=list)  # personal data, never stored
    unmapped: list[str] = field(default_factory=list)  # problems
    id_from: str | None = None

    def lines(self) -> list[str]:
        out = [f"{len(self.mapped)} column(s) mapped to the instrument"]
        if self.ignored:
            out.append(f"ignored (metadata): {', '.join(self.ignored)}")
        if self.refused:
            out.append(f"refused as personal data, not stored: {', '.join(self.refused)}")
        if self.id_from:
            out.append(f"respondent id taken from '{self.id_from}' where none was given")
        if self.unmapped:
            out.append(f"not mapped: {', '.join(self.unmapped)}")
        return out


@dataclass
class MappedValidated(Validated):
    """A validated file that came through a mapping, with what became of its columns."""

    report: MappingReport = field(default_factory=MappingReport)


def _cell(value: str, rule: ColumnRule, col: Column, labels: dict[str, str]) -> str:
    text = value.strip()
    if not text:
        return ""
    if text in rule.values:
        text = rule.values[text]
    elif _norm(text) in labels:
        text = labels[_norm(text)]
    if rule.reverse and col.kind == "likert" and text.isdigit():
        number = int(text)
        if col.low is not None and col.high is not None and col.low <= number <= col.high:
            text = str(col.low + col.high - number)
    return text


def apply(
    table: Table, mapping: Mapping, cat: Catalogue
) -> tuple[list[str], list[list[str]], list[int], MappingReport, list[ImportProblem]]:
    """The file's rows in the instrument's columns, what became of every column, and the
    mapping's own problems (a column neither mapped nor ignored, an unknown target, two
    columns onto one)."""
    key = mapping.instrument
    spec = {c.id: c for c in columns(cat, key)}
    labels = answer_labels(cat, key)
    report, problems = MappingReport(), []
    take: list[tuple[int, ColumnRule]] = []
    targets: dict[str, str] = {}
    for i, h in enumerate(table.header):
        rule = mapping.rule(h) or ColumnRule(h)
        if rule.personal:
            report.refused.append(h)
        elif rule.ignore:
            report.ignored.append(h)
        elif rule.to is None:
            report.unmapped.append(h)
            hint = f" (best guess: {rule.guess})" if rule.guess else ""
            problems.append(
                ImportProblem(
                    table.header_row,
                    h,
                    None,
                    "column not mapped to the instrument: map it (to), or mark it ignore "
                    f"or personal in the mapping{hint}",
                )
            )
        elif rule.to not in spec:
            problems.append(
                ImportProblem(table.header_row, h, rule.to, f"maps to an unknown column of '{key}'")
            )
        elif rule.to in targets:
            problems.append(
                ImportProblem(
                    table.header_row,
                    h,
                    rule.to,
                    f"maps to the same column as '{targets[rule.to]}'",
                )
            )
        else:
            targets[rule.to] = h
            take.append((i, rule))
            report.mapped.append((h, rule.to))
    id_cols = cat.get(key).id_columns
    id_index = None
    if mapping.id_from and len(id_cols) == 1 and mapping.id_from in table.header:
        id_index = table.header.index(mapping.id_from)
        report.id_from = mapping.id_from
    header = [c for c in spec if c in targets]
    if id_index is not None and id_cols[0] not in header:
        header.insert(0, id_cols[0])
    order = {c: n for n, c in enumerate(header)}
    rows, numbers = [], []
    body = table.rows[mapping.skip_rows :]
    for cells, number in zip(body, table.numbers[mapping.skip_rows :], strict=False):
        out = [""] * len(header)
        for i, rule in take:
            value = cells[i] if i < len(cells) else ""
            out[order[rule.to]] = _cell(value, rule, spec[rule.to], labels.get(rule.to, {}))
        if id_index is not None:
            slot = order[id_cols[0]]
            if not out[slot].strip() and id_index < len(cells):
                out[slot] = cells[id_index].strip().removeprefix("uuid:")
        rows.append(out)
        numbers.append(number)
    return header, rows, numbers, report, problems


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def validate_mapped(
    data: bytes,
    file_name: str,
    instrument: str,
    *,
    catalogue: Catalogue,
    mapping: Mapping | None = None,
    progress: Any = None,
    limits: Limits | None = None,
) -> MappedValidated:
    """Bring a file from another tool to the instrument's columns (``mapping``, or the
    KoboToolbox/ODK mapping found from its header) and validate it as any import file.
    Every problem is reported in one pass: the mapping's (by the file's header name) and
    the values' (by the file's row number and header name)."""
    if mapping is not None and mapping.instrument and mapping.instrument != instrument:
        raise MappingError(
            f"the mapping is for instrument '{mapping.instrument}', not '{instrument}'"
        )
    try:
        table = read_table(data, file_name, limits)
    except (UnreadableFile, OverLimit):
        v = validate(data, file_name, instrument, catalogue=catalogue, limits=limits)
        return MappedValidated(**vars(v))
    if mapping is None:
        mapping = kobo_mapping(table.header, catalogue, instrument)
    mapping.instrument = instrument
    header, rows, numbers, report, problems = apply(table, mapping, catalogue)
    csv_name = Path(file_name).with_suffix(".csv").name
    v = validate(
        _csv(header, rows),
        csv_name,
        instrument,
        catalogue=catalogue,
        progress=progress,
        limits=limits,
    )
    v.file_name = file_name
    # Name rows and columns as the user's file does.
    source = {to: h for h, to in report.mapped}
    if report.id_from:
        source.setdefault(catalogue.get(instrument).id_columns[0], report.id_from)
    renumber = dict(enumerate(numbers, start=2))

    def local(p: ImportProblem) -> ImportProblem:
        column = p.column
        if column in source and source[column] != column:
            column = f"{source[column]} ({column})"
        row = renumber.get(p.row, p.row) if p.row is not None and p.row > 1 else p.row
        if p.row == 1:
            row = table.header_row
        return ImportProblem(row, column, p.value, p.reason)

    all_problems = problems + [local(p) for p in v.problems]
    groups: dict = {}
    for p in problems:
        add_to_groups(groups, p)
    for g in v.groups.values():
        add_to_groups(groups, local(g.first), g.count)
    out = MappedValidated(**vars(v), report=report)
    out.problems, out.groups = all_problems, groups
    if all_problems:
        out.rows, out.raw, out.numbers = [], [], []
    else:
        out.numbers = [renumber.get(n, n) for n in out.numbers]
    return out


def recognised(data: bytes, file_name: str, instrument: str, catalogue: Catalogue) -> bool:
    """Whether a file is a KoboToolbox/ODK export (not in the instrument's own columns, with
    Kobo's metadata columns or group prefixes), which imports with no mapping file."""
    try:
        table = read_table(data, file_name)
    except UnreadableFile:
        return False
    ids = {c.id for c in columns(catalogue, instrument)}
    return not set(table.header) <= ids and looks_like_kobo(table.header, catalogue, instrument)


def needs_mapping(data: bytes, file_name: str, instrument: str, catalogue: Catalogue) -> bool:
    """Whether a file is neither in the instrument's own columns nor a recognised
    KoboToolbox/ODK export: it needs a mapping (:func:`suggest`)."""
    try:
        table = read_table(data, file_name)
    except UnreadableFile:
        return False
    ids = {c.id for c in columns(catalogue, instrument)}
    if not table.header or set(table.header) <= ids:
        return False
    return not recognised(data, file_name, instrument, catalogue)
