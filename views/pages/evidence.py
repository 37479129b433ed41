"""Evidence: import a file, enter an interview or record a workshop (engagement managers and
administrators).

Every route takes the path of ``readiness import``: the whole file is checked and every
problem shown, then it is written in one transaction. An uploaded file waits in
``st.session_state["evidence_pending"]`` as ``(file name, bytes)`` between the check and
the confirmation (a test may put a file there instead of uploading it)."""

from __future__ import annotations

import hashlib
from contextlib import nullcontext
from functools import partial

import pandas as pd
import streamlit as st

from app.evidence import (
    AlreadyImported,
    ColumnRule,
    ImportRejected,
    MappedValidated,
    Mapping,
    MappingError,
    Validated,
    check_file,
    known_waves,
    needs_mapping,
    preview_frame,
    problem_counts,
    problem_frame,
    record_refusal,
    suggest_mapping,
    validate,
    write,
)
from app.exports.codebook import template_bytes
from app.exports.tables import csv_bytes
from app.exports.xlsform import xlsform_bytes
from instruments import forms
from instruments.columns import columns
from instruments.kinds import INTERVIEW, WORKSHOP
from views import state
from views.widgets import plain, require

PENDING, CHECKED, SEEN, FLASH = (f"evidence_{k}" for k in ("pending", "checked", "seen", "flash"))
SUGGESTED = "evidence_suggested"
IGNORE, PERSONAL = "(ignore: metadata)", "(refuse: personal data)"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BIG = 1000  # rows (or kilobytes of file) from which work shows a progress bar

account = require(lambda scope: scope.can_import, "This page is for engagement managers.")
engine = state.engine()
cat = state.catalogue()
write_as_user = partial(write, engine, account=account, catalogue=cat)
READ_ONLY = account.scope.read_only


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def fill_where() -> None:
    if chosen := st.session_state.get("evidence_existing"):
        st.session_state["evidence_area"], st.session_state["evidence_wave"] = chosen


def where() -> tuple[str, str, str | None]:
    """The area and wave the evidence belongs to (and a new area's name)."""
    known = known_waves(engine, account)
    names = dict(zip(known["area"], known["area_name"], strict=True))
    st.selectbox(
        "Existing area and wave",
        list(zip(known["area"], known["wave"], strict=True)),
        index=None,
        format_func=lambda p: f"{p[0]} ({names[p[0]]}), wave {p[1]}",
        placeholder="Choose one, or type a new area or wave below",
        key="evidence_existing",
        on_change=fill_where,
    )
    left, right = st.columns(2)
    area = left.text_input("Area code", key="evidence_area", max_chars=40).strip()
    wave = right.text_input("Wave label", key="evidence_wave", max_chars=40).strip()
    if not area or area in names:
        return area, wave, None
    label = f"Name of the new area {plain(area)}"
    return area, wave, st.text_input(label, key="evidence_area_name", max_chars=200).strip() or None


def progress_bar(size: int, what: str):
    """A progress callback drawing a bar, for big jobs only (None otherwise)."""
    if size < BIG:
        return None
    bar = st.progress(0.0, text=what)
    return lambda stage, done, total: bar.progress(
        done / max(total, 1), text=f"{what}: {stage} {done:,} of {total:,} rows"
    )


def report(v: Validated, key: str) -> None:
    """The whole validation report: every problem (grouped by column, with counts, and
    downloadable), or the valid rows' first lines; for a mapped file, what became of each
    of its columns."""
    if isinstance(v, MappedValidated):
        for line in v.report.lines():
            st.caption(line)
    if v.ok:
        n = len(v.rows)
        st.success(f"{plural(n, 'row')} {'is' if n == 1 else 'are'} valid.")
        st.dataframe(preview_frame(v), key=f"{key}_preview")
        return
    more = " (the first 500 are listed)" if v.truncated else ""
    st.error(f"{plural(len(v.problems), 'problem')} found{more}. Nothing will be imported.")
    st.dataframe(problem_counts(v), hide_index=True, key=f"{key}_by_column")
    table = problem_frame(v.problems)
    st.dataframe(table, hide_index=True, key=f"{key}_problems")
    st.download_button(
        "Validation report (CSV)",
        data=csv_bytes(table),
        file_name=f"problems_{v.file_name.rsplit('.', 1)[0]}.csv",
        mime="text/csv",
        key=f"{key}_problems_download",
    )


def store(v: Validated, place: tuple, key: str) -> bool:
    """Write a checked file and say what happened; True when it was imported."""
    area, wave, name = place
    progress = progress_bar(len(v.rows), f"Importing {v.file_name}")
    try:
        with st.spinner("Importing…") if progress is None else nullcontext():
            result = write_as_user(v, area=area, wave=wave, area_name=name, progress=progress)
    except (AlreadyImported, ImportRejected) as exc:
        problems = getattr(exc, "problems", [])
        why = plural(len(problems), "problem") if problems else str(exc)
        st.error(f"Nothing was imported: {why}." if problems else f"{why[0].upper()}{why[1:]}.")
        if problems:
            st.dataframe(problem_frame(problems), hide_index=True, key=f"{key}_refused")
        if v.ok:  # write() audits a file refused for its own problems, not these refusals
            what = {"file": v.file_name, "instrument": v.instrument_key, "reason": why}
            record_refusal(engine, account, area=area, wave=wave, **what)
        return False
    st.session_state[FLASH] = (
        f"Imported {plural(result.rows, 'row')} into {result.area}, wave {result.wave} "
        f"(import #{result.batch_id}, {result.instrument_key} {result.instrument_version})."
    )
    return True


def checked(file_name: str, data: bytes, instrument: str, mapping: Mapping | None) -> Validated:
    """The validation of the pending file (through ``mapping`` when it has one), kept
    between reruns."""
    rules = mapping.to_yaml() if mapping is not None else ""
    sig = (file_name, hashlib.sha256(data).hexdigest(), instrument, rules)
    kept = st.session_state.get(CHECKED)
    if kept is None or kept[0] != sig:
        progress = progress_bar(len(data) // 1024, f"Checking {file_name}")
        with st.spinner("Checking the file…") if progress is None else nullcontext():
            v = check_file(
                data, file_name, instrument, catalogue=cat, mapping=mapping, progress=progress
            )
        st.session_state[CHECKED] = kept = (sig, v)
    return kept[1]


def _values_text(values: dict[str, str]) -> str:
    return "; ".join(f"{k} = {v}" for k, v in values.items())


def _values(text: object) -> dict[str, str]:
    pairs = [p.split("=", 1) for p in str(text or "").split(";") if "=" in p]
    return {k.strip(): v.strip() for k, v in pairs if k.strip()}


def mapping_editor(file_name: str, data: bytes, instrument: str) -> Mapping | None:
    """For a file from another tool: the suggested mapping to review (or a mapping file
    to upload), and the mapping as the person leaves it."""
    st.info(
        f"{file_name} is not in the columns of this instrument. Below is a suggested "
        "mapping from its headers to the instrument's questions: check every row whose "
        "score is under 100, then the file is checked again with your mapping."
    )
    given = st.file_uploader("Or use a mapping file (YAML)", type=["yaml", "yml"], key="map_up")
    if given is not None:
        try:
            return Mapping.from_yaml(given.getvalue().decode("utf-8", errors="replace"))
        except MappingError as exc:
            st.error(str(exc))
            return None
    sig = (file_name, hashlib.sha256(data).hexdigest(), instrument)
    kept = st.session_state.get(SUGGESTED)
    if kept is None or kept[0] != sig:
        try:
            kept = (sig, suggest_mapping(data, file_name, instrument, catalogue=cat))
        except MappingError as exc:
            st.error(str(exc))
            return None
        st.session_state[SUGGESTED] = kept
    suggested: Mapping = kept[1]
    targets = [c.id for c in columns(cat, instrument)]
    rows = [
        {
            "header": r.header,
            "to": PERSONAL if r.personal else IGNORE if r.ignore else (r.to or ""),
            "score": None if r.personal or r.ignore else r.score,
            "best guess": r.guess or "",
            "answers": _values_text(r.values),
            "reverse": r.reverse,
        }
        for r in suggested.columns
    ]
    edited = st.data_editor(
        pd.DataFrame(rows),
        column_config={
            "header": st.column_config.TextColumn("Column of the file", disabled=True),
            "to": st.column_config.SelectboxColumn(
                "Holds", options=["", IGNORE, PERSONAL, *targets]
            ),
            "score": st.column_config.NumberColumn("Score", format="%.0f", disabled=True),
            "best guess": st.column_config.TextColumn("Best guess", disabled=True),
            "answers": st.column_config.TextColumn("Answers (label = value; …)"),
            "reverse": st.column_config.CheckboxColumn("Reverse"),
        },
        hide_index=True,
        key="evidence_mapping",
    )
    mapping = Mapping(
        instrument,
        [
            ColumnRule(
                header=str(row["header"]),
                to=row["to"] if row["to"] not in ("", IGNORE, PERSONAL, None) else None,
                ignore=row["to"] == IGNORE,
                personal=row["to"] == PERSONAL,
                values=_values(row["answers"]),
                reverse=bool(row["reverse"]),
                score=None if pd.isna(row["score"]) else float(row["score"]),
                guess=row["best guess"] or None,
            )
            for row in edited.to_dict("records")
        ],
        id_from=suggested.id_from,
        skip_rows=suggested.skip_rows,
    )
    st.download_button(
        "This mapping (YAML, for `readiness import --mapping`)",
        data=mapping.to_yaml(),
        file_name=f"{file_name.rsplit('.', 1)[0]}_mapping.yaml",
        mime="application/x-yaml",
        key="evidence_mapping_download",
    )
    return mapping


def blank_forms(instrument: str) -> None:
    """The blank import template (CSV, and Excel with a codebook sheet) and the XLSForm."""
    st.caption(
        "A file in the instrument's columns imports as it is; so does a KoboToolbox or ODK "
        "export of its XLSForm. A file from any other tool gets a suggested mapping to check."
    )
    left, middle, right = st.columns(3)
    left.download_button(
        "Blank template (CSV)",
        data=template_bytes(cat, instrument, ".csv"),
        file_name=f"{instrument}_template.csv",
        mime="text/csv",
        key="template_csv",
    )
    middle.download_button(
        "Blank template (Excel, with codebook)",
        data=template_bytes(cat, instrument, ".xlsx"),
        file_name=f"{instrument}_template.xlsx",
        mime=XLSX_MIME,
        key="template_xlsx",
    )
    right.download_button(
        "XLSForm (KoboToolbox, ODK)",
        data=xlsform_bytes(cat, instrument),
        file_name=f"{instrument}_xlsform.xlsx",
        mime=XLSX_MIME,
        key="template_xlsform",
    )


def upload(place: tuple) -> None:
    instrument = st.selectbox(
        "Instrument",
        list(cat.instruments),
        format_func=lambda k: f"{cat.get(k).title} (version {cat.get(k).version})",
        key="evidence_instrument",
    )
    up = st.file_uploader("File (CSV or Excel)", type=["csv", "xlsx"], key="evidence_upload")
    if up is not None and st.session_state.get(SEEN) != getattr(up, "file_id", up.name):
        st.session_state[SEEN] = getattr(up, "file_id", up.name)
        st.session_state[PENDING] = (up.name, up.getvalue())
    elif up is None and st.session_state.pop(SEEN, None) is not None:
        st.session_state.pop(PENDING, None)  # the file was taken out of the uploader
    blank_forms(instrument)
    if PENDING not in st.session_state:
        return
    file_name, data = st.session_state[PENDING]
    mapping = None
    if needs_mapping(data, file_name, instrument, catalogue=cat):
        mapping = mapping_editor(file_name, data, instrument)
        if mapping is None:
            return
    try:
        v = checked(file_name, data, instrument, mapping)
    except MappingError as exc:
        st.error(str(exc))
        return
    report(v, "evidence")
    if not v.ok:
        return
    ready = bool(place[0] and place[1])
    if not ready:
        st.info("Give the area code and wave label above, then import.")
    label = f"Import {plural(len(v.rows), 'row')}"
    go = st.button(label, key="evidence_confirm", type="primary", disabled=not ready or READ_ONLY)
    if go and store(v, place, "evidence"):
        del st.session_state[PENDING], st.session_state[CHECKED]
        st.rerun()


def field(col, key: str, box=st):
    """A widget for one profile field; its value (a file cell, or None)."""
    options = forms.choices(cat, col)
    if not options:
        return box.text_input(col.text, key=key, max_chars=col.max_length)
    label = lambda o: forms.option_label(cat, col, o)  # noqa: E731
    return box.selectbox(col.text, options, index=None, format_func=label, key=key)


def grid_column(c):
    """How an editable table shows one column: a list to choose from, a number, or text."""
    if options := forms.choices(cat, c):
        return st.column_config.SelectboxColumn(c.text, options=list(options))
    if c.kind in {"likert", "count"}:
        return st.column_config.NumberColumn(c.text, min_value=c.low or 0, max_value=c.high, step=1)
    return st.column_config.TextColumn(c.text, max_chars=c.max_length)


def save_form(prefix: str, instrument: str, rows: list[dict], file_name: str, place) -> None:
    """Check and write the file a form built; on success clear the form and rerun."""
    if not (place[0] and place[1]):
        st.error("Give the area code and wave label above first.")
        return
    v = validate(forms.form_file(cat, instrument, rows), file_name, instrument, catalogue=cat)
    if store(v, place, prefix):
        for k in [k for k in st.session_state if str(k).startswith(f"{prefix}_")]:
            del st.session_state[k]
        st.rerun()


def interview(place: tuple) -> None:
    key = cat.first(INTERVIEW).key
    inst = cat.get(key)
    profile = [c for c in columns(cat, key) if c.group == "profile"]
    with st.form("interview_form"):
        boxes = st.columns(len(profile))
        row = {c.id: field(c, f"interview_{c.id}", b) for c, b in zip(profile, boxes, strict=True)}
        st.markdown("**Ratings**: 1 to 5 against each dimension's anchors (optional)")
        grid = st.columns(2)
        for i, d in enumerate(inst.dimensions):
            row[f"rate_{d.id}"] = grid[i % 2].radio(
                str(d.title),
                [1, 2, 3, 4, 5],
                index=None,
                captions=[f"{n}: {d.anchors[n]}" for n in range(1, 6)],
                key=f"interview_rate_{d.id}",
            )
        st.markdown("**Themes**: a code, an optional sector pair and a short anonymised quote")
        titles = {t.code: f"{t.title} ({t.type})" for t in inst.coding_frame.themes}
        st.caption("Theme codes: " + "; ".join(f"`{k}` {t}" for k, t in titles.items()))
        grid_cols = forms.theme_grid(cat, key)
        table = st.data_editor(
            forms.blank_table(grid_cols, rows=inst.coding_frame.max_themes),
            column_config={c.id: grid_column(c) for c in grid_cols},
            key="interview_themes",
        )
        submitted = st.form_submit_button(
            "Save interview", key="interview_save", disabled=READ_ONLY
        )
    if submitted:
        row |= forms.theme_cells(table)
        ident = "-".join(forms.cell_text(row.get(c)) for c in inst.id_columns)
        save_form("interview", key, [row], f"interview-{ident}.csv", place)


def workshop(place: tuple) -> None:
    key = cat.first(WORKSHOP).key
    inst = cat.get(key)
    group, *cols = sorted(columns(cat, key), key=lambda c: c.id != inst.id_columns[0])
    with st.form("workshop_form"):
        name = st.text_input(group.text, key="workshop_group", max_chars=group.max_length)
        table = st.data_editor(
            forms.blank_table(cols, rows=8),
            column_config={c.id: grid_column(c) for c in cols},
            num_rows="dynamic",
            hide_index=True,
            key="workshop_table",
        )
        submitted = st.form_submit_button("Save workshop", key="workshop_save", disabled=READ_ONLY)
    if submitted:
        rows = forms.table_rows(table, **{group.id: name})
        if not rows:
            st.error("Fill in at least one participant's row.")
            return
        save_form("workshop", key, rows, f"workshop-{name.strip()}.csv", place)


st.title("Evidence")
if READ_ONLY:
    st.info(
        "Demo mode is read-only: you may check a file and read its whole validation report, "
        "but importing or saving evidence needs an account."
    )
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))
st.write("Where the evidence belongs:")
place = where()
tabs = st.tabs(["Upload a file", "Enter an interview", "Record a workshop"])
for tab, show in zip(tabs, (upload, interview, workshop), strict=True):
    with tab:
        show(place)
