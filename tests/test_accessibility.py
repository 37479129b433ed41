"""Accessibility and the respondent's journey in a real browser (Debian's Chromium through
Playwright; axe-core from the ``axe-playwright-python`` package).

Every page of every role and every step of the web survey must have no critical or serious
axe-core violation; the survey is completed by keyboard on a 390 px screen, in English and
in Welsh, and carries on after a reload. Screenshots at 1440 and 390 px are kept in the
test's temporary folder, and copied to ``READINESS_SCREENSHOT_DIR`` when that is set.

The server and the browser are shared by the session (``conftest.py``); every test has its
own signed-out browser context. Skipped, with the reason, where Chromium or the playwright
package is missing."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from browser_support import BROWSER_TEST, enter_demo, page_text, wait_for_text

from survey.ingest import web_survey
from survey.store.accounts import add_user, list_users
from survey.store.engine import open_store

pytestmark = BROWSER_TEST
SCREENSHOT_DIR = "READINESS_SCREENSHOT_DIR"
BLOCKING = {"critical", "serious"}
ADMIN, ADMIN_PASSWORD = "a11y-admin", "a-long-enough-password"
# (role shown in the demo picker, page address, text the page shows when drawn)
ROLE_PAGES = [
    ("Engagement manager", "/portfolio", "Portfolio"),
    ("Engagement manager", "/profile?area=BRK", "Verdict"),
    ("Engagement manager", "/patterns", "How well each scale measures"),
    ("Engagement manager", "/areas", "Areas and waves"),
    ("Engagement manager", "/evidence", "Evidence"),
    ("Engagement manager", "/links", "Survey links"),
    ("Partnership member", "/profile", "Verdict"),
    ("Partnership member", "/areas", "Areas and waves"),
    ("Academic panel member", "/patterns", "How well each scale measures"),
]


def keep(page, tmp_path: Path, name: str) -> Path:
    """A screenshot as a test artefact (and a copy for developers who ask for one)."""
    png = tmp_path / f"{re.sub(r'[^A-Za-z0-9_-]+', '_', name)}.png"
    page.screenshot(path=png, full_page=True)
    if folder := os.environ.get(SCREENSHOT_DIR, "").strip():
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy2(png, Path(folder) / png.name)
    return png


def settle(page, seconds: float = 1.5) -> None:
    """Wait until Streamlit has stopped running the script and no element is faded as
    stale (axe would measure the fading), then a moment for drawing."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"] button')"
        " && !document.querySelector('[data-stale=\"true\"]')",
        polling=250,
        timeout=300_000,
    )
    time.sleep(seconds)


def violations(page) -> list[str]:
    """The page's critical and serious axe-core violations, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {n['target']}: "
        + "; ".join(c["message"] for c in n["any"][:1])
        for v in found
        if v["impact"] in BLOCKING
        for n in v["nodes"][:3]
    ]


def wait_long(page, text: str, seconds: float = 300) -> None:
    """Wait for ``text`` longer than a page usually needs: the first visit loads the sample
    data, and the panel's page computes its psychometrics, both slow on a busy machine."""
    page.wait_for_function(
        "t => document.body && document.body.innerText.includes(t)",
        arg=text,
        polling=500,
        timeout=seconds * 1000,
    )


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    """A dashboard of this module's own: its tests add an account and submit survey
    answers, which end demo mode, so they must not share the session's dashboard."""
    from browser_support import running_dashboard

    with running_dashboard(tmp_path_factory.mktemp("a11y")) as running:
        yield running


@pytest.fixture(scope="module", autouse=True)
def first_visit(dashboard, browser):
    """One visit before the tests, so that none of them waits for the first start."""
    from browser_support import page_factory

    with page_factory(browser) as new_page:
        page = new_page(1440, 900)
        page.goto(dashboard.url)
        wait_long(page, "Enter the demo")


def store_of(dashboard):
    return open_store(f"sqlite:///{dashboard.log.parent / 'app' / 'readiness.db'}")


def demo_page(new_page, dashboard, role: str, address: str, shows: str, width: int = 1440):
    page = new_page(width, 900 if width > 500 else 844)
    page.goto(f"{dashboard.url}{address}")
    wait_for_text(page, ("Enter the demo",), "the sign-in page with the demo picker")
    if role != "Engagement manager":
        page.get_by_label("Role").focus()
        page.keyboard.type(role)
        page.keyboard.press("Enter")
        page.wait_for_function(
            "r => (document.querySelector('input[aria-label=\"Role\"]') || {}).value === r",
            arg=role,
            polling=250,
        )
    enter_demo(page)
    wait_long(page, shows)
    settle(page)
    return page


# --- axe-core on every page ---------------------------------------------------------------


def test_the_sign_in_page_passes_axe(new_page, dashboard, tmp_path):
    page = new_page(1440, 900)
    page.goto(dashboard.url)
    wait_for_text(page, ("Enter the demo",), "the sign-in page")
    settle(page)
    keep(page, tmp_path, "sign_in_1440")
    assert violations(page) == []


@pytest.mark.parametrize(("role", "address", "shows"), ROLE_PAGES)
@pytest.mark.parametrize("width", [1440, 390])
def test_every_page_of_every_role_passes_axe(
    new_page, dashboard, tmp_path, role, address, shows, width
):
    page = demo_page(new_page, dashboard, role, address, shows, width)
    keep(page, tmp_path, f"{role}_{address}_{width}")
    assert violations(page) == []


def test_the_administration_page_passes_axe(new_page, dashboard, tmp_path):
    engine = store_of(dashboard)
    if ADMIN not in set(list_users(engine)["username"]):
        add_user(engine, ADMIN, "admin", password=ADMIN_PASSWORD)
    engine.dispose()
    page = new_page(1440, 900)
    page.goto(f"{dashboard.url}/admin")
    wait_for_text(page, ("User name",), "the sign-in form")
    page.get_by_label("User name").fill(ADMIN)
    page.get_by_label("Password", exact=True).fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    wait_long(page, "Audit log")
    settle(page)
    keep(page, tmp_path, "admin_1440")
    assert violations(page) == []


# --- the respondent's journey on a phone --------------------------------------------------

STEP = re.compile(r"(?:Step|Cam) (\d+) (?:of|o) (\d+)")
PHONE = (390, 844)
FOCUS = """() => { const a = document.activeElement;
  return a ? a.tagName + ':' + a.innerText.trim() : ''; }"""
LIVE = "() => (document.getElementById('survey-live') || {}).textContent || ''"
WIDTH = "() => document.documentElement.scrollWidth"


def open_link(dashboard) -> str:
    engine = store_of(dashboard)
    try:
        return web_survey.open_link(engine, "BRK", "2026-web", "staff_survey", "a11y")
    finally:
        engine.dispose()


def step_of(page) -> tuple[int, int]:
    found = STEP.search(page_text(page))
    assert found, page_text(page)[-1500:]
    return int(found.group(1)), int(found.group(2))


def wait_for_step(page, n: int) -> None:
    page.wait_for_function(
        "n => document.body.dataset.surveyStep === String(n)", arg=n - 1, polling=200
    )
    settle(page, 0.5)


def press(page, name: str) -> None:
    """Press a button by keyboard: focus it, then Enter."""
    page.get_by_role("button", name=name, exact=True).focus()
    page.keyboard.press("Enter")


def choose_by_keyboard(page, group, option: str | None = None) -> None:
    """Pick an option of a radio group by keyboard (the first when none is named): focus
    it, then Space."""
    radios = group.get_by_role("radio")
    radio = (
        radios.first
        if option is None
        else radios.and_(group.get_by_role("radio", name=option, exact=True))
    )
    radio.focus()
    page.keyboard.press("Space")


def questions(page) -> list:
    """The radio groups that are questions (not the language switch)."""
    groups = page.get_by_role("radiogroup").all()
    return [g for g in groups if g.get_by_role("radio", name="Cymraeg").count() == 0]


def answer_profile(page, *, sector: str, yes: str, no: str, role: str) -> None:
    page.wait_for_function("() => document.querySelectorAll('[role=radiogroup]').length >= 3")
    settle(page, 0.5)
    combo = page.get_by_role("combobox").first
    combo.focus()
    page.keyboard.type(sector)
    page.keyboard.press("Enter")
    role_group, together, team = questions(page)
    choose_by_keyboard(page, role_group, role)
    choose_by_keyboard(page, together, yes)
    choose_by_keyboard(page, team, no)


def test_a_survey_completed_by_keyboard_on_a_phone(new_page, dashboard, tmp_path):
    token = open_link(dashboard)
    page = new_page(*PHONE)
    page.goto(f"{dashboard.url}/?survey={token}")
    wait_for_step(page, 1)
    assert (
        page.get_by_test_id("stToolbar").count() == 0
        or not page.get_by_test_id("stToolbar").is_visible()
    )  # Streamlit's menu and toolbar are hidden from respondents
    keep(page, tmp_path, "survey_step_1_390")
    assert violations(page) == []
    answer_profile(page, sector="Police", yes="Yes", no="No", role="Frontline practitioner")
    press(page, "Next")
    n, total = 2, step_of(page)[1]
    while True:
        wait_for_step(page, n)
        assert step_of(page) == (n, total)
        assert page.evaluate(WIDTH) <= PHONE[0] + 1, f"step {n} is wider than the screen"
        assert page.evaluate(FOCUS).startswith("H2:"), "the new step's heading takes the focus"
        assert page.evaluate(LIVE).startswith(f"Step {n} of {total}: ")
        assert page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTop") == 0
        for group in page.get_by_role("radiogroup").all():
            lefts = {
                round(b["x"]) for b in (lb.bounding_box() for lb in group.locator("label").all())
            }
            assert len(lefts) == 1, f"step {n}: options in one column on a phone"
        assert violations(page) == [], f"step {n}"
        if n in (2, total):
            keep(page, tmp_path, f"survey_step_{n}_390")
        for group in questions(page):
            choose_by_keyboard(page, group)
        if n == total:
            break
        press(page, "Next")
        n += 1
    press(page, "Submit my answers")
    wait_for_text(page, ("Thank you: your answers have been saved.",), "the thank-you")
    keep(page, tmp_path, "survey_done_390")


def test_a_reload_carries_on_where_the_respondent_left_off(new_page, dashboard):
    token = open_link(dashboard)
    page = new_page(*PHONE)
    page.goto(f"{dashboard.url}/?survey={token}")
    wait_for_step(page, 1)
    answer_profile(page, sector="Police", yes="Yes", no="No", role="Manager")
    press(page, "Next")
    wait_for_step(page, 2)
    text = wait_for_text(page, ("Your resume code is",), "the resume code")
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", text).group(0)
    assert f"resume={code}" in page.url
    page.reload()
    wait_for_step(page, 2)
    assert "Leaders and managers" in page_text(page)
    press(page, "Back")
    wait_for_step(page, 1)
    assert page.get_by_role("radio", name="Manager", exact=True).is_checked()


def test_a_welsh_respondent_completes_the_survey(new_page, dashboard, tmp_path):
    token = open_link(dashboard)
    page = new_page(*PHONE)
    page.goto(f"{dashboard.url}/?survey={token}")
    wait_for_step(page, 1)
    settle(page, 0.5)
    page.get_by_role("radio", name="Cymraeg", exact=True).focus()
    page.keyboard.press("Space")
    wait_for_text(page, ("Amdanoch chi a'ch gwaith",), "the first step in Welsh")
    settle(page, 0.5)
    keep(page, tmp_path, "survey_cy_step_1_390")
    assert violations(page) == []
    answer_profile(page, sector="Heddlu", yes="Ydw", no="Nac ydw", role="Rheolwr")
    press(page, "Nesaf")
    n, total = 2, step_of(page)[1]
    while n <= total:
        wait_for_step(page, n)
        for group in questions(page):
            choose_by_keyboard(page, group)
        if n == total:
            break
        press(page, "Nesaf")
        n += 1
    press(page, "Anfon fy atebion")
    wait_for_text(page, ("Diolch: mae eich atebion wedi'u cadw.",), "the thank-you in Welsh")
