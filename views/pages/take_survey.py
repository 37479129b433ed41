"""Take the survey: opened from a survey link (``?survey=<token>``), without signing in.

One step per scale, nothing preselected. The answers wait in session state between steps
and are saved, on submit, as one anonymous response (:func:`app.collection.submit_response`).
"""

from __future__ import annotations

import streamlit as st

from app import collection
from app.collection import LinkNotOpen, Step, SubmissionRefused
from instruments import forms
from instruments.forms import DONT_KNOW
from views import state

NOT_OPEN = "This survey link is not open."
SECTORS = "q_trust_sectors"
engine = state.engine()
cat = state.catalogue()
token = st.query_params.get("survey", "")
run = st.session_state.get("survey_run")
if run is None or run["token"] != token:  # a new link starts afresh
    run = st.session_state["survey_run"] = {"token": token, "step": 0, "values": {}}
if run.get("done"):
    st.success("Thank you: your answers have been saved. You may close this page.")
    st.stop()
link = collection.link(engine, token)
if link is None:
    st.write(NOT_OPEN)
    st.stop()
inst = cat.get(link.instrument)
steps = collection.survey_steps(cat, inst.key)
by_sector = collection.trust_items(cat, inst.key)


def key_of(item: str) -> str:
    return f"q_{item}"


def harvest(step: Step) -> None:
    """Keep this step's answers (the widgets of other steps are not on the page)."""
    if step.kind == "trust":
        run["sectors"] = list(st.session_state.get(SECTORS) or [])
    asked = {c.id for s in run.get("sectors", []) for c in by_sector[s]}
    for col in step.columns:
        value = st.session_state.get(key_of(col.id))
        if value in (None, "") or (step.kind == "trust" and col.id not in asked):
            run["values"].pop(col.id, None)
        else:
            run["values"][col.id] = str(value)


def move(by: int) -> None:
    step = steps[run["step"]]
    harvest(step)
    missing = collection.missing_required(step, run["values"]) if by > 0 else []
    run["missing"] = [c.text for c in missing]
    if not missing:
        run["step"] = min(max(run["step"] + by, 0), len(steps) - 1)


def ask(col, options: tuple[str, ...] = (), labels: tuple[str, ...] = ()) -> None:
    """One question, labelled with its text; nothing chosen until the respondent chooses."""
    key = key_of(col.id)
    if key not in st.session_state and col.id in run["values"]:
        st.session_state[key] = run["values"][col.id]
    if not options:
        box = st.text_area if col.group == "open" else st.text_input
        box(col.text, key=key, max_chars=col.max_length)
        return
    names = dict(zip(options, labels, strict=True))
    if len(options) > 6:
        st.selectbox(col.text, options, index=None, format_func=names.get, key=key)
    else:
        st.radio(col.text, options, index=None, horizontal=True, format_func=names.get, key=key)


def show(step: Step) -> None:
    if step.kind == "profile":
        for col in step.columns:
            options = forms.choices(cat, col)
            labels = tuple(forms.option_label(cat, col, o) for o in options)
            ask(col, options, labels)
        return
    if step.kind != "trust":
        for col in step.columns:
            ask(col, step.options, step.labels)
        return
    if SECTORS not in st.session_state:
        st.session_state[SECTORS] = run.get("sectors", [])
    chosen = st.multiselect(
        "Which partner sectors do you work with?",
        list(by_sector),
        format_func=lambda s: forms.option_label(cat, by_sector[s][0], s),
        key=SECTORS,
        help="Include your own sector if you like.",
    )
    for sector in chosen:
        st.markdown(f"**{cat.sector_name(sector)}**")
        for col in by_sector[sector]:
            ask(col, step.options, step.labels)


def submit() -> None:
    harvest(steps[run["step"]])
    answers = {k: v for k, v in run["values"].items() if v != DONT_KNOW}
    try:
        collection.submit_response(engine, token, answers, catalogue=cat)
    except LinkNotOpen:
        st.error("This survey has been closed, so your answers could not be saved.")
    except SubmissionRefused as exc:
        st.error(str(exc))
    else:
        run["done"] = True
        st.rerun()


i = run["step"]
step = steps[i]
st.title(str(inst.title))
st.progress((i + 1) / len(steps), text=f"Step {i + 1} of {len(steps)}")
st.subheader(step.title)
if step.description:
    st.write(step.description)
show(step)
if run.get("missing"):
    st.error("Please answer: " + "; ".join(run["missing"]))
back, forward = st.columns(2)
back.button("Back", key="survey_back", on_click=move, args=(-1,), disabled=i == 0)
if i < len(steps) - 1:
    forward.button("Next", key="survey_next", on_click=move, args=(1,), type="primary")
elif forward.button("Submit my answers", key="survey_submit", type="primary"):
    submit()
