"""The dashboard in a real browser: ``streamlit run`` on a new SQLite file (the first start
loads the sample data), driven by headless Chromium through Playwright.

A shared link to Brookfield's profile asks for a sign-in, the demo's default role (an
engagement manager) is entered, and the profile must then render in the browser: the
verdict, the trust section and plotly's heatmap. On a phone-sized screen the profile must
fit the screen's width. Screenshots at desktop and phone sizes are kept in the test's
temporary folder, and copied to ``READINESS_SCREENSHOT_DIR`` when that is set.

The server and the browser are shared by the session (see ``conftest.py`` and
:mod:`browser_support`); every test has its own signed-out browser context. Skipped, with
the reason, where Chromium or the playwright package is not installed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from browser_support import (
    BROWSER_TEST,
    content_height,
    enter_demo,
    page_text,
    scroll_to_top,
    wait_for_plot,
    wait_for_text,
)

pytestmark = BROWSER_TEST

HEATMAP_TITLE = "How much staff of each sector trust each other sector"
PROFILE = "/profile?area=BRK"
VERDICT = "Verdict: Not yet ready"
PROFILE_SHOWS = (VERDICT, "Trust between sectors", "Brookfield (BRK)")
ROLE = """() => (document.querySelector('input[aria-label="Role"]') || {}).value"""
WIDTHS = """() => {
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  return {document: document.documentElement.scrollWidth, screen: window.innerWidth,
          main: main.scrollWidth, mainVisible: main.clientWidth};
}"""
PNG = b"\x89PNG\r\n\x1a\n"
SCREENSHOT_DIR = "READINESS_SCREENSHOT_DIR"


def open_profile(new_page, dashboard, width: int, height: int):
    """A page of that size on Brookfield's profile, through the demo's sign-in, with the
    trust heatmap drawn."""
    page = new_page(width, height)
    page.goto(f"{dashboard.url}{PROFILE}")
    wait_for_text(page, ("Enter the demo",), "the sign-in page with the demo picker")
    enter_demo(page)
    wait_for_text(page, PROFILE_SHOWS, "Brookfield's profile")
    wait_for_plot(page, HEATMAP_TITLE)
    return page


def keep(png: Path) -> None:
    """A copy for developers to look at, when they ask for one."""
    if folder := os.environ.get(SCREENSHOT_DIR, "").strip():
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy2(png, Path(folder) / png.name)


def test_a_shared_link_opens_the_profile_after_entering_the_demo(new_page, dashboard, tmp_path):
    page = new_page(1440, 900)
    page.goto(f"{dashboard.url}{PROFILE}")

    text = wait_for_text(page, ("Enter the demo",), "the sign-in page with the demo picker")
    assert "Sharing Readiness" in text and "Demo mode" in text
    assert "Verdict" not in text  # nothing before signing in
    page.wait_for_function(ROLE, polling=250)
    assert page.evaluate(ROLE) == "Engagement manager"  # the picker's default role
    enter_demo(page)

    text = wait_for_text(page, PROFILE_SHOWS, "Brookfield's profile")
    assert "DEMO MODE" in text
    assert "Acute health and Adult social care is 2.24" in text
    titles = wait_for_plot(page, HEATMAP_TITLE)
    assert "Pillar scores" in titles
    assert page.locator(".js-plotly-plot").count() >= 3
    assert page.locator(".js-plotly-plot .heatmaplayer").count() >= 1
    assert "area=BRK" in page.evaluate("() => location.search")

    png = tmp_path / "profile_BRK.png"
    page.screenshot(path=png)
    assert png.read_bytes()[:8] == PNG
    assert png.stat().st_size > 10_000


def test_on_a_phone_the_profile_fits_the_screen_width(new_page, dashboard):
    page = open_profile(new_page, dashboard, 390, 844)

    assert VERDICT in page_text(page)
    assert page.get_by_text(VERDICT, exact=True).first.is_visible()
    widths = page.evaluate(WIDTHS)
    assert widths["document"] <= widths["screen"] + 1, (
        f"the document is {widths['document']} px wide on a {widths['screen']} px screen: "
        "a horizontal scrollbar"
    )
    # Streamlit scrolls its main section itself, so content too wide for it would show a
    # scrollbar there rather than on the document.
    assert widths["main"] <= widths["mainVisible"] + 1, (
        f"the main section's content is {widths['main']} px wide in {widths['mainVisible']} px "
        "of screen: a horizontal scrollbar"
    )


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)], ids=["desktop", "phone"])
def test_screenshots_of_the_profile(new_page, dashboard, tmp_path, width, height):
    """What a user sees first, and the whole profile (the viewport stretched to the page's
    full height, since Streamlit scrolls its main section rather than the document)."""
    page = open_profile(new_page, dashboard, width, height)

    scroll_to_top(page)
    first = tmp_path / f"profile_BRK_{width}x{height}.png"
    page.screenshot(path=first)

    page.set_viewport_size({"width": width, "height": content_height(page)})
    wait_for_plot(page, HEATMAP_TITLE)
    page.wait_for_timeout(500)  # plotly redraws after a resize
    whole = tmp_path / f"profile_BRK_{width}x{height}_full.png"
    page.screenshot(path=whole)

    for png in (first, whole):
        assert png.read_bytes()[:8] == PNG
        assert png.stat().st_size > 10_000
        keep(png)
    assert VERDICT in page_text(page)
