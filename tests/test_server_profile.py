"""The production profile of .streamlit/config.toml: no traceback in the browser, the pages' own messages as they
are; `make dev` shows the details."""

import sys
import tomllib
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def test_production_hides_an_exception_but_not_a_page_message_and_dev_shows_it(monkeypatch):
    # AppTest leaves its script as __main__, which a process started later by spawn runs again (the sandboxed
    # readers): put ours back after, and raise only when run as the app
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["runner"]["postScriptGC"] is False and config["server"]["fileWatcherType"] == "none"
    script = ("import streamlit as st\n"
              "st.error('Tệp có lỗi nên chưa thể nạp.')\n"
              "if __name__ == '__main__':\n"
              "    raise ValueError('/srv/cds/data/warehouse.duckdb: khóa')\n")
    at = AppTest.from_string(script).run()  # run from the project: the config file above applies
    assert at.error[0].value == "Tệp có lỗi nên chưa thể nạp."
    assert "warehouse.duckdb" not in at.exception[0].message and at.exception[0].stack_trace == []
    dev = (ROOT / "Makefile").read_text(encoding="utf-8").split("\ndev:")[1].split("\n\n")[0]
    assert "--client.showErrorDetails full" in dev and "--server.fileWatcherType auto" in dev
