"""Screenshots of every page, for a person to look at, at the widths leaders use (a 1.440 px screen and a
1.366 px laptop):

    python scripts/screenshots.py URL OUTDIR [--widths 1440,1366] [--height 2200] [--pages compare,map?metric=…]

Each shot is taken once the page's script run has ended (bench.browser.wait_for_run). Streamlit scrolls inside
its own container, so a tall viewport (--height) shows more of a page than playwright's full_page would.
"""

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.browser import CHROMIUM, CHROMIUM_ARGS, new_page, wait_for_run  # noqa: E402

PAGES = ["", "compare", "compare?metric=online_rate_pct&type=ph%C6%B0%E1%BB%9Dng",
         "compare?metric=online_rate_pct&chart=dist", "compare?metric=online_rate_pct&chart=scatter&metric2=learners_per_1000",
         "map", "map?metric=learners_per_1000&period=2025-11-18", "profile?commune=21421", "profile?commune=21292",
         "profile?commune=21361", "targets", "targets?year=2030&indicator=3.5", "targets?plan=21548", "brief", "bdhvs",
         "reporting", "upload", "history"]


def shot_name(index: int, path: str, width: int) -> str:
    """'3_compare_dist_1440.png': the page and its first choice, then the width."""
    name = (path.split("?")[0] or "overview") + ("_" + path.split("=")[-1].split("&")[0] if "?" in path else "")
    return f"{index}_{name}_{width}.png"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("out", type=Path)
    parser.add_argument("--widths", default="1440,1366")
    parser.add_argument("--height", type=int, default=2200)
    parser.add_argument("--pages", help="comma-separated paths after the URL (default: every page)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    pages = args.pages.split(",") if args.pages else PAGES
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = new_page(browser)
        for width in (int(w) for w in args.widths.split(",")):
            page.set_viewport_size({"width": width, "height": args.height})
            for i, path in enumerate(pages):
                with wait_for_run(page):
                    page.goto(f"{args.url}/{path}")
                page.wait_for_load_state("networkidle")  # a fresh browser fetches the tables' and charts' code first
                page.wait_for_timeout(800)  # charts draw after the run's last message
                page.screenshot(path=str(args.out / shot_name(i, path, width)))
        browser.close()


if __name__ == "__main__":
    main()
