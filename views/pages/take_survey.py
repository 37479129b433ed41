"""Take the survey: opened from a survey link (``?survey=<token>``), without signing in.

One step at a time, nothing preselected, in English or Welsh (chosen on the first step).
Every word comes from the instrument (:mod:`instruments.wording`). A required question left
blank is named and marked; blank answers elsewhere get one gentle prompt, never a block.
Every step saves the answers so far under a resume code (in the address too, so a reload
carries on); only submitting saves them as one anonymous response
(:func:`app.collection.submit_response`)."""

from __future__ import annotations

import streamlit as st

from app import collection
from app.collection import LinkNotOpen, Step, SubmissionRefused
from instruments import forms, wording
from instruments.forms import DONT_KNOW
from views import chrome, state

SECTORS = "q_trust_sectors"
LANG = "survey_lang"
CODE = "survey_resume_code"
KEPT = ("values", "sectors", "prompted")  # what a draft keeps of the page's state
engine = state.engine()
cat = state.catalogue()
token = st.query_params.get("survey", "")


def resumed(code: str | None) -> bool:
    """Carry on from the draft saved under ``code``, if this link has one."""
    draft = collection.load_draft(engine, token, code)
    if draft is None:
        return False
    run.update({k: draft.answers.get(k, run[k]) for k in KEPT if k in draft.answers})
    run.update(step=draft.step, lang=draft.language, code=draft.code, missing=[], blank=0)
    for key in [k for k in st.session_state if str(k).startswith("q_")]:
        del st.session_state[key]  # the widgets take the draft's answers
    st.query_params["resume"] = draft.code
    return True


run = st.session_state.get("survey_run")
if run is None or run["token"] != token:  # a new link starts afresh
    first = st.query_params.get("lang", wording.ENGLISH)
    lang = first if first in wording.LANGUAGES else wording.ENGLISH
    run = st.session_state["survey_run"] = {
        "token": token,
        "step": 0,
        "values": {},
        "sectors": [],
        "lang": lang,
        "prompted": [],
    }
    given = st.query_params.get("resume")
    if given and not resumed(given):  # after a reload, the address carries the code
        run["resume_failed"] = True
        del st.query_params["resume"]
chrome.respondent_frame()
link = collection.link(engine, token)
inst = cat.get(link.instrument) if link is not None else cat.survey
lang = run["lang"]


def say(key: str, **values: object) -> str:
    return wording.message(inst, key, lang, **values)


if run.get("done"):
    st.success(say("thanks"))
    st.stop()
if link is None:
    st.write(say("link_closed"))
    st.stop()
steps = collection.survey_steps(cat, inst.key, lang)
by_sector = collection.trust_items(cat, inst.key)


def key_of(item: str) -> str:
    return f"q_{item}"


def asked(step: Step) -> list:
    """The questions the step puts to this respondent (the trust block: chosen sectors)."""
    if step.kind != "trust":
        return list(step.columns)
    chosen = {c.id for s in run.get("sectors", []) for c in by_sector[s]}
    return [c for c in step.columns if c.id in chosen]


def harvest(step: Step) -> None:
    """Keep this step's answers (the widgets of other steps are not on the page)."""
    if step.kind == "trust":
        run["sectors"] = list(st.session_state.get(SECTORS) or [])
    wanted = {c.id for c in asked(step)}
    for col in step.columns:
        value = st.session_state.get(key_of(col.id))
        if value in (None, "") or col.id not in wanted:
            run["values"].pop(col.id, None)
        else:
            run["values"][col.id] = str(value)


def blanks(step: Step) -> int:
    """Questions on a scale step left blank (profile and open text are not counted: the
    profile says what it needs, and open answers are optional)."""
    if step.kind in {"profile", "open"}:
        return 0
    return sum(1 for c in asked(step) if c.id not in run["values"])


def save() -> None:
    """Keep the answers so far under the respondent's resume code (a new one the first
    time), and put the code in the address so that a reload carries on."""
    try:
        run["code"] = collection.save_draft(
            engine,
            token,
            run.get("code"),
            step=run["step"],
            language=run["lang"],
            answers={k: run[k] for k in KEPT},
        )
    except collection.DraftError:
        return  # the link has just closed: the page says so when it is drawn
    st.query_params["resume"] = run["code"]


def resume() -> None:
    run["resume_failed"] = not resumed(st.session_state.get(CODE))


def move(by: int) -> None:
    step = steps[run["step"]]
    harvest(step)
    run["missing"] = []
    run["blank"] = 0
    if by > 0:
        missing = collection.missing_required(step, run["values"])
        if missing:
            run["missing"] = [c.id for c in missing]
            return
        left = blanks(step)
        if left and step.id not in run["prompted"]:
            run["prompted"].append(step.id)
            run["blank"] = left
            return
    run["step"] = min(max(run["step"] + by, 0), len(steps) - 1)
    save()


def go_on() -> None:
    """Continue past the blank-answer prompt."""
    run["blank"] = 0
    run["step"] = min(run["step"] + 1, len(steps) - 1)
    save()


def stay() -> None:
    run["blank"] = 0


def choose_language() -> None:
    run["lang"] = st.session_state[LANG]
    st.query_params["lang"] = run["lang"]


def ask(col, options: tuple[str, ...] = (), labels: tuple[str, ...] = ()) -> None:
    """One question, labelled with its text; nothing chosen until the respondent chooses.
    A required question left blank is marked under it."""
    key = key_of(col.id)
    if key not in st.session_state and col.id in run["values"]:
        st.session_state[key] = run["values"][col.id]
    if not options:
        box = st.text_area if col.group == "open" else st.text_input
        box(col.text, key=key, max_chars=col.max_length)
    else:
        names = dict(zip(options, labels, strict=True))
        if len(options) > 6:
            st.selectbox(col.text, options, index=None, format_func=names.get, key=key)
        else:
            st.radio(col.text, options, index=None, horizontal=True, format_func=names.get, key=key)
    if col.id in run.get("missing", []):
        st.error(say("needs_answer"))


def show(step: Step) -> None:
    if step.kind == "profile":
        for col in step.columns:
            options = forms.choices(cat, col)
            labels = tuple(wording.option_label(cat, inst, col.kind, o, lang) for o in options)
            ask(col, options, labels)
        return
    if step.kind != "trust":
        for col in step.columns:
            ask(col, step.options, step.labels)
        return
    if SECTORS not in st.session_state:
        st.session_state[SECTORS] = run.get("sectors", [])
    chosen = st.multiselect(
        wording.say(inst.trust_question, lang) or say("sectors_help"),
        list(by_sector),
        format_func=lambda s: wording.sector_name(cat, s, lang, short=False),
        key=SECTORS,
        help=say("sectors_help"),
        placeholder="",
    )
    if not chosen:
        st.info(say("no_sectors"))
    for sector in chosen:
        st.subheader(wording.sector_name(cat, sector, lang, short=False))
        for col in by_sector[sector]:
            ask(col, step.options, step.labels)


def submit() -> None:
    harvest(steps[run["step"]])
    answers = {k: v for k, v in run["values"].items() if v != DONT_KNOW}
    try:
        collection.submit_response(engine, token, answers, catalogue=cat)
    except LinkNotOpen:
        st.error(say("closed_on_submit"))
    except SubmissionRefused as exc:
        named = [p.column for p in exc.problems if p.column]
        where = [i for i, s in enumerate(steps) if any(c.id in named for c in s.columns)]
        run["missing"] = named
        if where:
            run["step"] = where[0]
        st.rerun()
    else:
        collection.discard_draft(engine, run.get("code"))
        st.query_params.pop("resume", None)
        run["done"] = True
        st.rerun()


i = run["step"]
step = steps[i]
st.title(wording.say(inst.title, lang))
if i == 0 and wording.has_welsh(inst):
    st.radio(
        say("language"),
        list(wording.LANGUAGES),
        index=list(wording.LANGUAGES).index(lang),
        format_func=wording.LANGUAGES.get,
        horizontal=True,
        key=LANG,
        on_change=choose_language,
    )
if i == 0 and not run.get("code"):
    with st.expander(say("resume_enter"), expanded=bool(run.get("resume_failed"))):
        st.text_input(say("resume_label"), key=CODE, max_chars=20)
        st.button(say("resume_button"), key="survey_resume", on_click=resume)
        if run.get("resume_failed"):
            st.error(say("resume_unknown"))
st.progress((i + 1) / len(steps), text=say("progress", step=i + 1, steps=len(steps)))
st.header(step.title, anchor=False)
chrome.step_opened(i)
if step.description:
    st.write(step.description)
texts = {c.id: c.text for s in steps for c in s.columns}
if run.get("missing"):
    box = st.container(border=True)
    box.error(say("fix_these"))
    for col_id in run["missing"]:
        box.markdown(f"- {texts.get(col_id, col_id)}")
show(step)
if run.get("blank"):
    st.warning(say("blank_prompt", n=run["blank"]))
    go, back_to = st.columns(2)
    go.button(say("continue_anyway"), key="survey_go_on", on_click=go_on, type="primary")
    back_to.button(say("answer_them"), key="survey_stay", on_click=stay)
    st.stop()
back, forward = st.columns(2)
back.button(say("back"), key="survey_back", on_click=move, args=(-1,), disabled=i == 0)
if i < len(steps) - 1:
    forward.button(say("next"), key="survey_next", on_click=move, args=(1,), type="primary")
elif forward.button(say("submit"), key="survey_submit", type="primary"):
    submit()
if run.get("code"):
    st.info(say("resume_code", code=run["code"]))
    st.caption(say("resume_expiry", days=collection.draft_days()))
