"""Joint action plans: created, updated and moved through their statuses, every change in
the audit log, scoped to the area (a partnership member of one area can neither see nor
create nor change another's; the panel sees none), checked before they are stored, shown
on the profile, the portfolio and in the board report."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from test_dashboard_pages import (  # noqa: F401  (the module's own copy of the sample store)
    MANAGER,
    PANEL,
    engine,
    open_page,
    store_path,
    table,
)

from app.access import AccessDenied, ScopedData
from app.actions import ActionError
from survey.store import audit
from survey.store.accounts import Account

BRK_MEMBER = Account("brk", "partnership", "BRK")
ASH_MEMBER = Account("ash", "partnership", "ASH")
SOON = date.today() + timedelta(days=60)
PAIR = {"about": "pair", "sector_a": "adult_social_care", "sector_b": "acute_health"}


@pytest.fixture
def door(engine, catalogue):  # noqa: F811
    return lambda who: ScopedData(engine, who, catalogue)


def _log(engine, action: str) -> list[dict]:  # noqa: F811
    rows = audit.entries(engine, action=action, limit=50)
    return [dict(r, detail=json.loads(r["detail"])) for _, r in rows.iterrows()]


def test_an_action_is_created_updated_and_audited(door, engine):  # noqa: F811
    manager = door(MANAGER)
    new = manager.plan_action(
        "BRK",
        **PAIR,
        description="Joint discharge huddle twice a week",
        owner_role="Head of adult safeguarding",
        due=SOON,
        wave_label="2025-1",
    )
    mine = manager.actions("BRK").set_index("id").loc[new]
    # a pair is kept in one order, whichever way it was named
    assert (mine["sector_a"], mine["sector_b"]) == ("acute_health", "adult_social_care")
    assert mine["status"] == "planned" and mine["open"] and not mine["overdue"]
    (created,) = [e for e in _log(engine, "action_created") if e["detail"]["action_id"] == new]
    assert created["actor"] == "m" and created["area"] == "BRK"
    assert created["detail"]["description"] == "Joint discharge huddle twice a week"

    manager.update_action(new, status="in_progress")
    door(BRK_MEMBER).update_action(new, status="done")
    updates = [e for e in _log(engine, "action_updated") if e["detail"]["action_id"] == new]
    assert [(u["actor"], u["detail"]["status"]) for u in reversed(updates)] == [
        ("m", ["planned", "in_progress"]),
        ("brk", ["in_progress", "done"]),
    ]
    done = manager.actions("BRK").set_index("id").loc[new]
    assert done["status"] == "done" and not done["open"]
    manager.update_action(new, status="done")  # no change: nothing audited
    assert len([e for e in _log(engine, "action_updated") if e["detail"]["action_id"] == new]) == 2


def test_actions_are_scoped_to_the_area_and_never_shown_to_the_panel(door):
    brk = door(BRK_MEMBER)
    mine = brk.plan_action(
        "BRK", about="pillar", pillar="trust", description="Shadowing", owner_role="Chair", due=SOON
    )
    assert mine in set(brk.actions("BRK")["id"])
    ash = door(ASH_MEMBER)
    with pytest.raises(AccessDenied):
        ash.actions("BRK")
    with pytest.raises(AccessDenied):
        ash.plan_action(
            "BRK", about="pillar", pillar="trust", description="x" * 5, owner_role="Chair", due=SOON
        )
    with pytest.raises(AccessDenied):
        ash.update_action(mine, status="dropped")
    assert list(ash.action_counts().index) in ([], ["ASH"])
    panel = door(PANEL)
    for call in (
        lambda: panel.actions("BRK"),
        lambda: panel.action_counts(),
        lambda: panel.update_action(mine, status="done"),
        lambda: panel.plan_action("BRK", **PAIR, description="abc", owner_role="x", due=SOON),
    ):
        with pytest.raises(AccessDenied):
            call()
    assert door(BRK_MEMBER).actions("BRK").set_index("id").loc[mine, "status"] == "planned"


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({**PAIR, "owner_role": ""}, "owner_role"),
        ({**PAIR, "description": " "}, "description"),
        ({"about": "pair", "sector_a": "police", "sector_b": "police"}, "two different sectors"),
        ({"about": "pair", "sector_a": "police"}, "names both sectors"),
        ({"about": "gate"}, "names the gate"),
        ({"about": "pillar", "pillar": "happiness"}, "unknown pillar 'happiness'"),
        ({**PAIR, "status": "finished"}, "status"),
    ],
)
def test_an_action_that_cannot_be_stored_says_why(door, values, problem):
    full = {"description": "Joint training", "owner_role": "IG lead", "due": SOON} | values
    with pytest.raises(ActionError, match=problem):
        door(MANAGER).plan_action("ASH", **full)


def test_open_and_overdue_actions_reach_the_portfolio_and_the_report(door):
    manager = door(MANAGER)
    late = manager.plan_action(
        "KES",
        about="pillar",
        pillar="technology",
        description="<b>Fix</b> the shared record",
        owner_role="Digital lead",
        due=date.today() - timedelta(days=3),
    )
    assert manager.actions("KES").set_index("id").loc[late, "overdue"]
    counts = manager.action_counts()
    assert counts.loc["KES", "open_actions"] >= 1 and counts.loc["KES", "overdue_actions"] >= 1

    html = manager.report("KES", fmt="html").decode("utf-8")
    assert "Action plans" in html and "&lt;b&gt;Fix&lt;/b&gt; the shared record" in html
    assert "<b>Fix</b>" not in html and "1 overdue" in html

    at = open_page(None, MANAGER)
    rows = table(at).set_index("Area")
    assert rows.loc["KES", "Open actions"] >= 1 and rows.loc["KES", "Overdue actions"] >= 1


def test_a_partnership_member_plans_an_action_from_a_weak_link_on_the_profile(door):
    at = open_page("views/pages/area_profile.py", BRK_MEMBER, area="BRK")
    assert "Action plans" in [h.value for h in at.header]
    choices = at.selectbox(key="action_for").options
    link = next(c for c in choices if c.startswith("Weak link: Acute health ↔ Adult social care"))
    at.selectbox(key="action_for").set_value(link)
    at.text_area(key="action_text").input("Monthly joint case review")
    at.text_input(key="action_owner").input("Director of nursing")
    (save,) = [b for b in at.button if b.label == "Save the action"]
    save.click().run()
    assert not at.exception
    assert any("saved" in s.value for s in at.success)
    (rows,) = [d.value for d in at.dataframe if "Owner (role)" in d.value.columns]
    assert "Monthly joint case review" in set(rows["Action"])
    assert "Acute health ↔ Adult social care" in set(rows["About"])
    assert door(BRK_MEMBER).actions("BRK")["description"].str.contains("joint case").any()
