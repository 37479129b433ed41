"""The area profile's action plans: what the partnership decided to do about a weak link,
a condition, a pillar or a gate, and a form to plan one or move one on. Actions are read
afresh (never cached): they change without new evidence."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from analysis.readiness import Profile
from app.actions import STATUSES, ActionError, readable
from views import state
from views.errors import sentence

NOTE = "actions_note"


def targets(p: Profile, *, sectors: dict[str, str], gates: dict[str, str]) -> dict[str, dict]:
    """What an action can start from, most pressing first: the verdict's conditions and
    route (gates and pillars), the five weakest links, every pillar, every gate. Label →
    the fields of the action."""
    out: dict[str, dict] = {}
    ex = p.verdict.explanation
    reasons = [*(ex.conditions if ex else ()), *(ex.route if ex else ()), *p.verdict.reasons]
    for r in reasons:
        if r.kind == "gate" and r.subject in gates:
            out.setdefault(f"Gate: {gates[r.subject]}", {"about": "gate", "gate": r.subject})
        if r.kind == "pillar" and r.subject in p.pillars.index:
            title = p.pillars.loc[r.subject, "title"]
            out.setdefault(f"Pillar: {title}", {"about": "pillar", "pillar": r.subject})
    for _, link in p.pairs.head(5).iterrows():
        a, b = sectors.get(link["a"], link["a"]), sectors.get(link["b"], link["b"])
        label = f"Weak link: {a} ↔ {b} (mutual trust {link['mutual']:.2f})"
        out[label] = {"about": "pair", "sector_a": link["a"], "sector_b": link["b"]}
    for pid, row in p.pillars.iterrows():
        band = f", {row['band']}" if isinstance(row["band"], str) else ""
        out.setdefault(f"Pillar: {row['title']}{band}", {"about": "pillar", "pillar": pid})
    for gid, title in gates.items():
        out.setdefault(f"Gate: {title}", {"about": "gate", "gate": gid})
    return out


def pair_actions(actions: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(sector a, sector b) → the actions on that pair in a few words ("No. 3, in
    progress"), both orders of the pair."""
    out: dict[tuple[str, str], str] = {}
    if actions.empty:
        return out
    pairs = actions[actions["about"] == "pair"]
    for (a, b), rows in pairs.groupby(["sector_a", "sector_b"]):
        text = "; ".join(
            f"No. {i}, {STATUSES[s].lower()}"
            for i, s in zip(rows["id"], rows["status"], strict=True)
        )
        out[(a, b)] = out[(b, a)] = text
    return out


def action_panel(
    area: str, wave: str, p: Profile, actions: pd.DataFrame, *, sectors: dict[str, str]
) -> None:
    """The action plans section of the profile (``actions``: the area's, as
    :meth:`app.access.ScopedData.actions` gives them)."""
    door = state.door()
    cat = state.catalogue()
    gates = {g.id: g.title or g.id for g in cat.rules.gates}
    titles = {**p.pillars["title"].to_dict(), **gates}
    st.header("Action plans")
    if note := st.session_state.pop(NOTE, None):
        st.success(note)
    if actions.empty:
        st.write("No action has been planned for this area yet.")
    else:
        n_open, n_late = int(actions["open"].sum()), int(actions["overdue"].sum())
        st.write(f"{n_open} open action(s), {n_late} overdue.")
        st.dataframe(
            readable(actions, sectors=sectors, titles=titles),
            hide_index=True,
            key="actions_table",
            column_config={"Overdue": st.column_config.CheckboxColumn()},
        )
    choices = targets(p, sectors=sectors, gates=gates)
    plan = st.expander("Plan an action for this", expanded=actions.empty)
    with plan, st.form("plan_action", clear_on_submit=True):
        about = st.selectbox("For", list(choices), key="action_for")
        what = st.text_area("What will be done", key="action_text", max_chars=2000)
        owner = st.text_input(
            "Owner (a role, e.g. 'Head of adult safeguarding'; no name needed)",
            key="action_owner",
            max_chars=200,
        )
        due = st.date_input("Due", value=date.today() + timedelta(days=90), key="action_due")
        if st.form_submit_button("Save the action"):
            try:
                new = door.plan_action(
                    area,
                    **choices[about],
                    description=what,
                    owner_role=owner,
                    due=due,
                    wave_label=wave,
                )
            except ActionError as exc:
                st.error(sentence(exc))
            else:
                st.session_state[NOTE] = f"Action No. {new} saved."
                st.rerun()
    if not actions.empty:
        with st.expander("Update an action"), st.form("update_action"):
            number = st.selectbox("Action No.", list(actions["id"]), key="action_pick")
            status = st.selectbox(
                "Status", list(STATUSES), format_func=STATUSES.get, key="action_status"
            )
            due = st.date_input("Due (leave as is to keep)", value=None, key="action_new_due")
            if st.form_submit_button("Update"):
                changes = {"status": status} | ({"due": due} if due else {})
                try:
                    door.update_action(int(number), **changes)
                except ActionError as exc:
                    st.error(sentence(exc))
                else:
                    st.session_state[NOTE] = f"Action No. {number} updated."
                    st.rerun()
