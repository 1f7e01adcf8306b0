"""House rules, checked: pages hold no SQL and reach warehouse/ only through ui, warehouse/ holds no Streamlit,
GX only where a load runs."""

import ast
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


# the one door: pages (and the router) import ui, access, the drawing libraries and the standard library
PAGE_IMPORTS = {"streamlit", "pandas", "altair", "ui", "access"}


def imported_modules(path: Path) -> set[str]:
    """The top-level package of every import in a file (relative imports as '.')."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module.split(".")[0] if node.level == 0 else ".")
    return names


@pytest.mark.parametrize("path", [*PAGES, ROOT / "app.py"], ids=lambda p: p.name)
def test_pages_import_only_ui_access_and_drawing_libraries(path):
    others = {m for m in imported_modules(path) if m not in PAGE_IMPORTS and m not in sys.stdlib_module_names}
    assert not others, f"{path.name} imports {sorted(others)}; reach warehouse/ through ui"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_ui_name_a_page_uses_exists(page):
    import ui

    used = {node.attr for node in ast.walk(ast.parse(page.read_text(encoding="utf-8")))
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "ui"}
    assert used and not {name for name in used if not hasattr(ui, name)}


def test_no_extension_install_or_network_in_code():
    for path in [*ROOT.glob("warehouse/*.py"), *ROOT.glob("app_pages/*.py"), ROOT / "app.py", ROOT / "ui.py", ROOT / "access.py",
                 *ROOT.glob("sql/**/*.sql")]:
        text = path.read_text(encoding="utf-8").lower()
        assert "install " not in text or "extension" not in text, path
        assert "http://" not in text and "https://" not in text, path


# ---------------------------------------------------------------- docs that cannot drift

DESIGN = (ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
VIEW_FILES = sorted([*(ROOT / "sql").glob("staging/*.sql"), *(ROOT / "sql").glob("marts/*.sql")])


def design_layout() -> str:
    """The code block of DESIGN.md's "## Layout" section."""
    section = DESIGN.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```", 2)[1]


@pytest.mark.parametrize("module", sorted(p.name for p in (ROOT / "warehouse").glob("*.py") if p.name != "__init__.py"))
def test_design_layout_has_a_line_for_every_warehouse_module(module):
    assert re.search(rf"^\s+{re.escape(module)}\s+\S", design_layout(), re.MULTILINE), module


@pytest.mark.parametrize("view", [p.stem for p in VIEW_FILES])
def test_design_names_every_view(view):
    assert re.search(rf"\b{view}\b", DESIGN), view


def declared_key(path: Path) -> list[str]:
    """The key of a view's header comment: `-- one row per …; key (a, b)`; [] for `key (none: …)`."""
    header = " ".join(line[2:] for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("--"))
    match = re.search(r"\bkey \(([^)]*)\)", header)
    assert match, f"{path.name}: no 'key (…)' in its header"
    return [] if match[1].startswith("none") else [column.strip() for column in match[1].split(",")]


@pytest.mark.parametrize("path", VIEW_FILES, ids=lambda p: p.stem)
def test_every_views_declared_key_is_unique_on_the_sample(path, seeded_con):
    key = declared_key(path)
    if not key:
        assert seeded_con.execute(f"select count(*) from {path.stem}").fetchone()[0] <= 1
        return
    columns = ", ".join(key)
    total, distinct = seeded_con.execute(
        f"select count(*), count(distinct ({columns},)) from {path.stem}").fetchone()
    assert total > 0 and total == distinct, (path.stem, total, distinct)
