"""The dashboard in a real browser: ``streamlit run`` on a new SQLite file (the first start
loads the sample data), driven by headless Chromium through its DevTools protocol.

A shared link to Brookfield's profile asks for a sign-in, the demo's default role (an
engagement manager) is entered, and the profile must then render in the browser: the
verdict, the trust section and plotly's heatmap. A screenshot is kept in the test's
temporary folder.

No extra dependency: the DevTools protocol is spoken over ``websockets``, which Streamlit
itself depends on. Everything listens on 127.0.0.1 only, every wait is bounded, and both
processes are stopped however the test ends. Skipped where Chromium is not installed."""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
START_TIMEOUT = 60.0  # seconds for the server, the browser, and the page to be ready
PAGE_TIMEOUT = 60.0
HEATMAP_TITLE = "How much staff of each sector trust each other sector"
# No proxy, even if the environment names one: every request goes to 127.0.0.1.
LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if found := shutil.which(name):
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        chromium() is None, reason="Chromium is not installed (looked for chromium, google-chrome)"
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("websockets") is None,
        reason="no DevTools client: the websockets package is not installed",
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
        except (OSError, ValueError, RuntimeError) as exc:  # e.g. the page is re-rendering
            problem = exc
        time.sleep(every)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what} (last error: {problem})")


def stop(process: subprocess.Popen, group: bool = False) -> None:
    """Ask the process (and, with ``group``, the process group it leads) to end, then
    insist."""

    def send(sig: int) -> None:
        try:
            if group:
                os.killpg(process.pid, sig)
            else:
                process.send_signal(sig)
        except ProcessLookupError:
            pass

    if process.poll() is None:
        send(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            send(signal.SIGKILL)
            process.wait(timeout=10)
    elif group:
        send(signal.SIGKILL)  # helpers left behind by a browser that has exited


def tail(path: Path, chars: int = 3000) -> str:
    return path.read_text(encoding="utf-8", errors="replace")[-chars:] if path.exists() else ""


@pytest.fixture
def dashboard(tmp_path) -> Iterator[str]:
    """``streamlit run dashboard.py`` from an empty folder on a new SQLite file; its URL."""
    workdir = tmp_path / "app"
    workdir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("READINESS_")}
    env["READINESS_DATABASE_URL"] = f"sqlite:///{workdir / 'readiness.db'}"
    port = free_port()
    log = tmp_path / "streamlit.log"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "dashboard.py"),
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

        wait_for(healthy, f"the dashboard to answer on {url}", START_TIMEOUT)
        yield url
    finally:
        stop(server)


def connect(ws_url: str):
    """A websocket to a DevTools target, as a context manager."""
    from websockets.sync.client import connect

    try:
        return connect(ws_url, max_size=None, open_timeout=10, proxy=None)
    except TypeError:  # websockets before 15 has no proxy support to turn off
        return connect(ws_url, max_size=None, open_timeout=10)


class DevTools:
    """Just enough of the Chrome DevTools protocol: call a method and wait for its reply
    (events in between are ignored)."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.last_id = 0

    def call(self, method: str, timeout: float = 30, **params: object) -> dict:
        self.last_id += 1
        mine = self.last_id
        self.ws.send(json.dumps({"id": mine, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            message = json.loads(self.ws.recv(timeout=left))
            if message.get("id") == mine:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]
        raise TimeoutError(f"no reply to {method} within {timeout} s")

    def js(self, expression: str) -> object:
        """The value of a JavaScript expression in the page."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")


@pytest.fixture
def browser(tmp_path) -> Iterator[DevTools]:
    """Headless Chromium with a throw-away profile, its DevTools on 127.0.0.1 only."""
    binary = chromium()  # the module's skip markers make sure it is there
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    log = tmp_path / "chromium.log"
    command = [
        binary,
        "--headless=new",
        "--remote-debugging-port=0",  # Chromium picks a free port and writes it down
        f"--remote-debugging-address={HOST}",
        f"--user-data-dir={profile}",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--no-proxy-server",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--hide-scrollbars",
        "--window-size=1400,2200",
        "about:blank",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:

        def endpoint() -> str | None:
            if process.poll() is not None:
                pytest.fail(f"Chromium exited with {process.returncode}:\n{tail(log)}")
            port_file = profile / "DevToolsActivePort"
            lines = port_file.read_text().split() if port_file.exists() else []
            if not lines:
                return None
            with LOCAL.open(f"http://{HOST}:{lines[0]}/json/list", timeout=2) as reply:
                pages = [t for t in json.load(reply) if t.get("type") == "page"]
            return pages[0]["webSocketDebuggerUrl"] if pages else None

        with connect(wait_for(endpoint, "Chromium's DevTools", START_TIMEOUT)) as ws:
            yield DevTools(ws)
    finally:
        stop(process, group=True)


def page_text(devtools: DevTools) -> str:
    return devtools.js("document.body ? document.body.innerText : ''") or ""


CLICK = """(() => {
  const button = [...document.querySelectorAll('button')]
    .find(b => b.innerText.trim() === %s);
  if (!button) return false;
  button.click();
  return true;
})()"""
ROLE = """(document.querySelector('input[aria-label="Role"]') || {}).value"""
PLOT_TITLES = """[...document.querySelectorAll('.js-plotly-plot .gtitle')]
  .map(t => t.textContent)"""


def test_a_shared_link_opens_the_profile_after_entering_the_demo(browser, dashboard, tmp_path):
    browser.call("Page.navigate", url=f"{dashboard}/profile?area=BRK")

    text = wait_for(
        lambda: (t := page_text(browser)) and "Enter the demo" in t and t,
        "the sign-in page with the demo picker",
        PAGE_TIMEOUT,
    )
    assert "Sharing Readiness" in text and "Demo mode" in text
    assert "Verdict" not in text  # nothing before signing in
    role = wait_for(lambda: browser.js(ROLE), "the role picker", PAGE_TIMEOUT)
    assert role == "Engagement manager"  # the picker's default role
    wait_for(lambda: browser.js(CLICK % json.dumps("Enter the demo")), "the demo button", 10)

    wanted = ("Verdict: Not yet ready", "Trust between sectors", "Brookfield (BRK)")
    text = wait_for(
        lambda: (t := page_text(browser)) and all(w in t for w in wanted) and t,
        "Brookfield's profile",
        PAGE_TIMEOUT,
    )
    assert "DEMO MODE" in text
    assert "Acute health and Adult social care is 2.24" in text
    titles = wait_for(
        lambda: (t := browser.js(PLOT_TITLES)) and HEATMAP_TITLE in t and t,
        "the trust heatmap to be drawn",
        PAGE_TIMEOUT,
    )
    assert "Pillar scores" in titles
    assert browser.js("document.querySelectorAll('.js-plotly-plot').length") >= 3
    assert browser.js("document.querySelectorAll('.js-plotly-plot .heatmaplayer').length") >= 1
    assert "area=BRK" in browser.js("location.search")

    shot = browser.call("Page.captureScreenshot", format="png")
    png = tmp_path / "profile_BRK.png"
    png.write_bytes(base64.b64decode(shot["data"]))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 10_000
