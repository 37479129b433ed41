"""The portfolio in a real browser (see ``test_browser.py`` for the shared server and
browser): at 1440 px every sample area's row is on one screen, and clicking a row opens
that area's profile."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from browser_support import BROWSER_TEST, enter_demo, wait_for_text

pytestmark = BROWSER_TEST

GRID = '[data-testid="stDataFrame"]'
ROW_HEIGHT, HEADER_HEIGHT = 35, 35  # Streamlit's data grid defaults


def open_portfolio(new_page, dashboard):
    page = new_page(1440, 900)
    page.goto(f"{dashboard.url}/portfolio")
    wait_for_text(page, ("Enter the demo",), "the sign-in page with the demo picker")
    enter_demo(page)
    wait_for_text(page, ("Portfolio", "12 of 12 areas"), "the portfolio")
    page.wait_for_selector(f"{GRID} canvas", state="attached", timeout=60_000)
    page.wait_for_timeout(1000)  # the grid draws its rows after the canvas appears
    return page


@pytest.mark.parametrize(("row", "shows"), [(1, "Brookfield (BRK)"), (8, "Kestrelford (KES)")])
def test_clicking_a_portfolio_row_opens_that_areas_profile(
    new_page, dashboard, row, shows, tmp_path
):
    page = open_portfolio(new_page, dashboard)
    page.screenshot(path=str(tmp_path / "portfolio_1440.png"))
    if folder := os.environ.get("READINESS_SCREENSHOT_DIR", "").strip():
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy2(tmp_path / "portfolio_1440.png", Path(folder) / "portfolio_1440.png")
    box = page.locator(GRID).first.bounding_box()
    # the table is drawn, and every one of its 12 rows fits in its own height, unscrolled
    assert box and box["height"] >= HEADER_HEIGHT + 12 * ROW_HEIGHT
    y = box["y"] + HEADER_HEIGHT + ROW_HEIGHT * row + ROW_HEIGHT / 2
    page.mouse.click(box["x"] + 18, y)  # the row's selection marker, first column
    wait_for_text(page, (shows, "Verdict:"), f"the profile of {shows}")
    assert f"area={shows[-4:-1]}" in page.url
