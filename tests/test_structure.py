"""House rules, checked: pages hold no SQL, warehouse/ holds no Streamlit, GX only where a load runs."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "app_pages").glob("*.py"))
SQLISH = re.compile(r"\b(select|insert|update|delete)\b[^\"']*\b(from|into|set)\b|duckdb\.connect", re.IGNORECASE)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pages_hold_no_sql(page):
    assert not SQLISH.search(page.read_text(encoding="utf-8"))


@pytest.mark.parametrize("module", sorted((ROOT / "warehouse").glob("*.py")), ids=lambda p: p.name)
def test_warehouse_never_imports_streamlit(module):
    assert not re.search(r"^\s*(import|from)\s+streamlit", module.read_text(encoding="utf-8"), re.MULTILINE)


def test_drawing_pages_never_imports_great_expectations():
    code = ("import sys, ui, warehouse.queries, warehouse.load, warehouse.metrics; "
            "print('great_expectations' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_no_extension_install_or_network_in_code():
    for path in [*ROOT.glob("warehouse/*.py"), *ROOT.glob("app_pages/*.py"), ROOT / "app.py", ROOT / "ui.py", ROOT / "access.py",
                 *ROOT.glob("sql/**/*.sql")]:
        text = path.read_text(encoding="utf-8").lower()
        assert "install " not in text or "extension" not in text, path
        assert "http://" not in text and "https://" not in text, path
