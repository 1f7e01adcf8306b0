"""A scheduled CLI load succeeds while the app is open, and the app then shows the new data."""

import os
import subprocess
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def test_cli_load_while_app_serves_then_app_shows_it(seeded_copy, make_xlsx, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_DB", str(seeded_copy))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["metric"] = "online_rate_pct"
    at.query_params["period"] = "2025-10-30"
    at.query_params["show"] = "all"  # the ranking opens on its ten last; Mỏ Cày is not among them
    at.run()
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception
    before = at.dataframe[0].value.set_index("Đơn vị")
    assert round(before.at["Xã Mỏ Cày", "Tỷ lệ hồ sơ tiếp nhận trực tuyến"], 1) == 86.6

    # a corrected resend for Mỏ Cày, loaded from a shell while the app holds its snapshot
    path = make_xlsx([["Mã xã", "Từ ngày", "Đến ngày", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến",
                       "Tiếp nhận trực tiếp và bưu chính"],
                      ["21421", "01/07/2025", "30/10/2025", 3781, 3781, 0]], "resend.xlsx")
    env = {**os.environ, "WAREHOUSE_DB": str(seeded_copy), "GX_ANALYTICS_ENABLED": "False"}
    done = subprocess.run([sys.executable, "-m", "warehouse", "load", str(path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr

    at.run()  # the next rerun, no restart
    after = at.dataframe[0].value.set_index("Đơn vị")
    assert after.at["Xã Mỏ Cày", "Tỷ lệ hồ sơ tiếp nhận trực tuyến"] == 100.0
