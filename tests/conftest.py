"""Shared fixtures: real .xlsx files written by openpyxl, real DuckDB files, the seeded sample warehouse."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import openpyxl
import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

from warehouse import db, load  # noqa: E402
from warehouse.communes import CommuneIndex  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def open_uploads(monkeypatch):
    """Tests run as a single-user machine (WAREHOUSE_OPEN_UPLOADS=1); tests of roles delenv it."""
    monkeypatch.setenv("WAREHOUSE_OPEN_UPLOADS", "1")


@pytest.fixture(scope="session")
def communes() -> CommuneIndex:
    """The current communes only, from the reference list."""
    with open(ROOT / "data" / "reference" / "communes.csv", encoding="utf-8") as fh:
        return CommuneIndex([(r["commune_code"], r["commune_name"]) for r in csv.DictReader(fh)])


@pytest.fixture(scope="session")
def communes_with_former() -> CommuneIndex:
    """The index a load builds before the warehouse has views (load.known_communes): current and former units."""
    import duckdb

    con = duckdb.connect()
    try:
        return load.known_communes(con)
    finally:
        con.close()


@pytest.fixture
def make_xlsx(tmp_path):
    """Write rows (lists) to a real .xlsx; several sheets as {name: rows}."""

    def make(rows_or_sheets, name: str = "bao_cao.xlsx") -> Path:
        sheets = rows_or_sheets if isinstance(rows_or_sheets, dict) else {"Báo cáo": rows_or_sheets}
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for title, rows in sheets.items():
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(list(row))
        path = tmp_path / name
        wb.save(path)
        return path

    return make


@pytest.fixture
def make_csv(tmp_path):
    def make(text: str, name: str = "bao_cao.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return make


@pytest.fixture
def db_file(tmp_path) -> Path:
    """A fresh warehouse file with the schema, the 96 communes and the views (every write connection builds them)."""
    path = tmp_path / "wh" / "warehouse.duckdb"
    load.load_path(load.REFERENCE_COMMUNES, "communes", db_file=path, loaded_by="test")
    return path


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> Path:
    """The sample warehouse, seeded once per test session. Tests must not write to it."""
    path = tmp_path_factory.mktemp("seeded") / "warehouse.duckdb"
    results = load.seed(path)
    assert all(r.status == load.LOADED for r in results), [r.summary() for r in results]
    return path


@pytest.fixture
def seeded_con(seeded_db):
    snapshot = db.Snapshots(seeded_db)
    _, con = snapshot.connection()
    cursor = con.cursor()
    yield cursor
    cursor.close()


@pytest.fixture
def seeded_copy(seeded_db, tmp_path) -> Path:
    """A private copy of the sample warehouse that a test may write to."""
    import shutil

    path = tmp_path / "copy" / "warehouse.duckdb"
    path.parent.mkdir()
    shutil.copyfile(seeded_db, path)
    return path


@pytest.fixture
def open_page(seeded_db, monkeypatch):
    """Run the app under AppTest with URL parameters, then switch to `page`; on the sample warehouse unless `db`."""
    from streamlit.testing.v1 import AppTest

    def run(page: str | None = None, db: Path | None = None, **params):
        monkeypatch.setenv("WAREHOUSE_DB", str(db or seeded_db))
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        for name, value in params.items():
            at.query_params[name] = value
        at.run()
        if page:
            at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run
