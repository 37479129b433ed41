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

import streamlit as st

from app.evidence import (
    AlreadyImported,
    ImportRejected,
    Validated,
    known_waves,
    preview_frame,
    problem_frame,
    record_refusal,
    validate,
    write,
)
from instruments import forms
from instruments.columns import columns
from instruments.kinds import INTERVIEW, WORKSHOP
from views import state
from views.widgets import plain, require

PENDING, CHECKED, SEEN, FLASH = (f"evidence_{k}" for k in ("pending", "checked", "seen", "flash"))
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
    """The whole validation report: every problem, or the valid rows' first lines."""
    if v.ok:
        n = len(v.rows)
        st.success(f"{plural(n, 'row')} {'is' if n == 1 else 'are'} valid.")
        st.dataframe(preview_frame(v), key=f"{key}_preview")
        return
    more = " (the first 500 are listed)" if v.truncated else ""
    st.error(f"{plural(len(v.problems), 'problem')} found{more}. Nothing will be imported.")
    st.dataframe(problem_frame(v.problems), hide_index=True, key=f"{key}_problems")


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


def checked(file_name: str, data: bytes, instrument: str) -> Validated:
    """The validation of the pending file, kept between reruns."""
    sig = (file_name, hashlib.sha256(data).hexdigest(), instrument)
    kept = st.session_state.get(CHECKED)
    if kept is None or kept[0] != sig:
        progress = progress_bar(len(data) // 1024, f"Checking {file_name}")
        with st.spinner("Checking the file…") if progress is None else nullcontext():
            v = validate(data, file_name, instrument, catalogue=cat, progress=progress)
        st.session_state[CHECKED] = kept = (sig, v)
    return kept[1]


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
    if PENDING not in st.session_state:
        st.caption(f"A blank file with the right columns: `readiness template {instrument}`.")
        return
    v = checked(*st.session_state[PENDING], instrument)
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
