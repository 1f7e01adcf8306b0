"""Driving the app as a user does: `streamlit run` on a warehouse, Debian's chromium through playwright, and
a wait that knows when a script run has ended (read from Streamlit's websocket). The browser tests and the
benchmarks (bench/server.py, bench/memory.py) share it.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Bounds for a busy machine (both cores taken by other work): each is many times the unloaded time.
SERVER_START_S = 60  # `streamlit run` until /_stcore/health answers (≈ 3 s unloaded)
SCRIPT_RUN_S = 60  # one script run; the first of a fresh server also materialises the snapshot (≈ 5 s unloaded)
STEP_MS = 30_000  # an expect() assertion, a click, a download


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode} before serving {url}")
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=5).status == 200:
                return
        except OSError:  # not listening yet, or too busy to answer in time
            pass
        time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer {url}/_stcore/health within {SERVER_START_S} s")


@contextmanager
def serve(db_file: Path, *args: str, open_uploads: bool = True):
    """`streamlit run app.py [args]` on a free port with WAREHOUSE_DB=db_file; stopped on exit."""
    port = free_port()
    env = {**os.environ, "WAREHOUSE_DB": str(db_file), "GX_ANALYTICS_ENABLED": "False"}
    if not open_uploads:
        env.pop("WAREHOUSE_OPEN_UPLOADS", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.address", "127.0.0.1", *args],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------- waiting for Streamlit's script runs

# In the page: count the frames Streamlit's websocket has delivered. Playwright reports a frame to the test
# before the page has handled it, so the test also waits until the page has had every frame it saw.
COUNT_FRAMES = """(() => {
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
        constructor(...args) {
            super(...args);
            if (!this.url.endsWith("/_stcore/stream")) return;
            window.__streamlitFrames = 0;
            this.addEventListener("message", () => { window.__streamlitFrames += 1; });
        }
    };
})();"""
DRAWN = """frames => window.__streamlitFrames >= frames
    && document.querySelector('[data-testid="stApp"]')?.getAttribute("data-test-script-state") === "notRunning"
"""


class ScriptRuns:
    """The script runs of one page, read from the messages the server sends on Streamlit's websocket.

    The page shows a run (stApp's data-test-script-state="running") only when the run's first message
    arrives, a round trip after the click: looked at right after a click, it still says "notRunning"
    from the run before. The messages say when a run ends: script_finished (except the one that ends a
    run early for st.rerun or st.switch_page: another follows), then script_is_running=False."""

    def __init__(self, page):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self.ForwardMsg = ForwardMsg
        self.finished = 0  # runs that ended (a run that reran, for st.rerun or st.switch_page, counts once)
        self.running = False
        self.frames = 0  # frames of the current websocket, the page's __streamlitFrames when it has them all
        self.websocket = None
        page.add_init_script(COUNT_FRAMES)
        page.on("websocket", self.connected)

    def connected(self, websocket) -> None:
        if websocket.url.endswith("/_stcore/stream"):
            self.websocket, self.frames, self.running = websocket, 0, False
            websocket.on("framereceived", lambda payload: self.received(websocket, payload))

    def received(self, websocket, payload: bytes) -> None:
        if websocket is not self.websocket:  # the page that was left
            return
        self.frames += 1
        msg = self.ForwardMsg.FromString(payload)
        kind = msg.WhichOneof("type")
        if kind == "session_status_changed":
            self.running = msg.session_status_changed.script_is_running
        elif kind == "script_finished" and msg.script_finished != self.ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            self.finished += 1


SCRIPT_RUNS = {}  # page → ScriptRuns, for the pages opened by new_page


def new_page(browser):
    """A new page (a new Streamlit session) whose script runs are followed, for wait_for_run."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
    page.set_default_timeout(STEP_MS)
    page.set_default_navigation_timeout(2 * STEP_MS)
    SCRIPT_RUNS[page] = ScriptRuns(page)
    return page


@contextmanager
def wait_for_run(page):
    """Around a step that makes Streamlit run the script (opening a URL, a click, a choice, a submitted
    form): after it, wait until that run has ended on the server and the page has drawn its end."""
    runs = SCRIPT_RUNS[page]
    before = runs.finished
    yield
    deadline = time.monotonic() + SCRIPT_RUN_S
    while runs.finished == before or runs.running:
        assert time.monotonic() < deadline, f"no script run ended within {SCRIPT_RUN_S} s of the step"
        page.wait_for_timeout(50)  # playwright delivers the websocket's frames to `runs` meanwhile
    page.wait_for_function(DRAWN, arg=runs.frames, timeout=STEP_MS)
