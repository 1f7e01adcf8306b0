"""Screenshots of every page, for a person to look at: python scripts/screenshots.py URL OUTDIR."""

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PAGES = ["", "compare", "compare?metric=online_rate_pct&type=ph%C6%B0%E1%BB%9Dng",
         "compare?metric=online_rate_pct&chart=dist", "compare?metric=online_rate_pct&chart=scatter&metric2=learners_per_1000",
         "map", "map?metric=learners_per_1000&period=2025-11-18", "profile?commune=21421", "profile?commune=21292",
         "profile?commune=21361", "targets", "targets?year=2030&indicator=3.5", "targets?plan=21548", "brief", "bdhvs",
         "upload", "history"]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def main(url: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for i, path in enumerate(PAGES):
            page.goto(f"{url}/{path}")
            page.get_by_role("heading").first.wait_for(timeout=30_000)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(1500)
            name = (path.split("?")[0] or "overview") + ("_" + path.split("=")[-1].split("&")[0] if "?" in path else "")
            page.screenshot(path=str(out / f"{i}_{name}.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
