"""Driving the dashboard in a real browser: ``streamlit run dashboard.py`` on a new SQLite
file, and Playwright (sync API) driving the system's Chromium against it.

The fixtures built on these pieces live in ``conftest.py``: one server and one browser for
the whole test session (the first start loads the sample data, which takes a while), and a
``new_page`` factory that opens a page of a given viewport size in its own browser context,
so that every test starts signed out. Browser tests are marked with :data:`BROWSER_TEST`,
which skips them, with the reason, where Chromium or the ``playwright`` package is missing.

Playwright never downloads a browser here: it launches the Chromium the system already has
(``/usr/bin/chromium`` on Debian). Everything listens on 127.0.0.1 only, every wait is
bounded, and the server and the browser are stopped however the session ends."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
SERVER_TIMEOUT = 90.0  # seconds for the first start, which loads the sample data
PAGE_TIMEOUT = 60.0  # seconds for a page (or a part of it) to be drawn
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--no-proxy-server",  # every request goes to 127.0.0.1, whatever the environment says
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
]
# No proxy, even if the environment names one, for the server's health check either.
LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def chromium() -> str | None:
    """The system's Chromium: Debian's ``/usr/bin/chromium``, else one on the PATH."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    return None


BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.skipif(
        chromium() is None,
        reason="Chromium is not installed (looked for /usr/bin/chromium, and for chromium "
        "and chromium-browser on the PATH)",
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None,
        reason="the playwright package is not installed (pip install -e '.[test]')",
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_for(check: Callable[[], object], what: str, timeout: float, every: float = 0.25):
    """Poll ``check`` until it returns something true; its last error or a timeout fails."""
    deadline = time.monotonic() + timeout
    problem: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            if result := check():
                return result
        except (OSError, ValueError) as exc:  # e.g. the server is not listening yet
            problem = exc
        time.sleep(every)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what} (last error: {problem})")


def stop(process: subprocess.Popen) -> None:
    """Ask the process to end, then insist."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def tail(path: Path, chars: int = 3000) -> str:
    return path.read_text(encoding="utf-8", errors="replace")[-chars:] if path.exists() else ""


@dataclass(frozen=True)
class Dashboard:
    """A running dashboard: its address and the log its server writes."""

    url: str
    log: Path
    pid: int

    def tail(self) -> str:
        return tail(self.log)


@contextmanager
def running_dashboard(folder: Path, script: Path | None = None) -> Iterator[Dashboard]:
    """``streamlit run dashboard.py`` (or another ``script``) from an empty folder on a new
    SQLite file in it, with the project's Streamlit configuration (theme, toolbar) as a
    deployment has it."""
    workdir = folder / "app"
    workdir.mkdir()
    (workdir / ".streamlit").mkdir()
    shutil.copy2(ROOT / ".streamlit" / "config.toml", workdir / ".streamlit" / "config.toml")
    env = {k: v for k, v in os.environ.items() if not k.startswith("READINESS_")}
    env["READINESS_DATABASE_URL"] = f"sqlite:///{workdir / 'readiness.db'}"
    port = free_port()
    log = folder / "streamlit.log"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script or ROOT / "dashboard.py"),
        "--server.headless=true",
        f"--server.port={port}",
        f"--server.address={HOST}",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
    ]
    with log.open("wb") as out:
        server = subprocess.Popen(
            command, cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        url = f"http://{HOST}:{port}"

        def healthy() -> bool:
            if server.poll() is not None:
                pytest.fail(f"streamlit exited with {server.returncode}:\n{tail(log)}")
            with LOCAL.open(f"{url}/_stcore/health", timeout=2) as reply:
                return reply.status == 200

        wait_for(healthy, f"the dashboard to answer on {url}", SERVER_TIMEOUT)
        yield Dashboard(url, log, server.pid)
    finally:
        stop(server)


@contextmanager
def running_browser() -> Iterator[Browser]:
    """Headless Chromium (the system's own) under Playwright, closed however it ends."""
    from playwright.sync_api import sync_playwright

    binary = chromium()
    if binary is None:  # the BROWSER_TEST marks skip such tests before they get here
        pytest.fail("Chromium is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=binary,
            headless=True,
            args=CHROMIUM_ARGS,
            timeout=PAGE_TIMEOUT * 1000,
        )
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def page_factory(browser: Browser) -> Iterator[Callable[..., Page]]:
    """``new_page(width, height)``: a page in a browser context of its own (its own cookies
    and storage, so signed out), with bounded waits; all are closed at the end."""
    contexts = []

    def new_page(width: int = 1440, height: int = 900) -> Page:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        context.set_default_timeout(PAGE_TIMEOUT * 1000)
        return context.new_page()

    try:
        yield new_page
    finally:
        for context in contexts:
            context.close()


# Reading the page --------------------------------------------------------------------------

PLOT_TITLES = """() => [...document.querySelectorAll('.js-plotly-plot .gtitle')]
  .map(t => t.textContent)"""


def page_text(page: Page) -> str:
    return page.evaluate("() => document.body ? document.body.innerText : ''") or ""


def wait_for_text(page: Page, wanted: tuple[str, ...], what: str) -> str:
    """The page's text once it shows every one of ``wanted``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "wanted => document.body && wanted.every(w => document.body.innerText.includes(w))",
            arg=list(wanted),
            polling=250,
            timeout=PAGE_TIMEOUT * 1000,
        )
    except PlaywrightTimeout:
        text = page_text(page)
        missing = [w for w in wanted if w not in text]
        pytest.fail(
            f"timed out after {PAGE_TIMEOUT:.0f} s waiting for {what}: missing {missing}; "
            f"the page shows:\n{text[-2000:]}"
        )
    return page_text(page)


def wait_for_plot(page: Page, title: str) -> list[str]:
    """The titles of the page's plotly figures once one titled ``title`` is drawn."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            f"title => ({PLOT_TITLES})().includes(title)",
            arg=title,
            polling=250,
            timeout=PAGE_TIMEOUT * 1000,
        )
    except PlaywrightTimeout:
        pytest.fail(
            f"timed out after {PAGE_TIMEOUT:.0f} s waiting for the figure {title!r}; "
            f"the page's figures: {page.evaluate(PLOT_TITLES)}"
        )
    return page.evaluate(PLOT_TITLES)


def enter_demo(page: Page) -> None:
    """On the sign-in page: enter the demo with the role the picker offers."""
    page.get_by_role("button", name="Enter the demo", exact=True).click()


def scroll_to_top(page: Page) -> None:
    """Streamlit scrolls its main section, not the document; back to its top."""
    page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " if (m) m.scrollTop = 0; window.scrollTo(0, 0); }"
    )


def content_height(page: Page) -> int:
    """How tall the page would be with nothing scrolled: the main section's full height."""
    return page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return Math.max(m ? m.scrollHeight : 0, document.documentElement.scrollHeight); }"
    )
