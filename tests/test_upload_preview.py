"""The upload page's preview of a government-style workbook: sheet, header rows, mapping, rows left
out, the period from the title (confirm or type), the sheet selector. Driven by AppTest."""

from pathlib import Path

import duckdb
import pytest
from fixtures import workbooks as wbk
from streamlit.testing.v1 import AppTest

from warehouse.formatting import md_text

ROOT = Path(__file__).resolve().parent.parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def page(seeded_copy, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_DB", str(seeded_copy))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    return at.switch_page("app_pages/upload.py").run()


def upload(at, path: Path):
    at.file_uploader(key="upload_file").set_value((path.name, path.read_bytes(), XLSX)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame_with(at, column):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def loaded(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_preview_of_a_government_workbook_then_load(page, tmp_path, seeded_copy):
    at = upload(page, wbk.gov_dvctt(tmp_path / "bieu01.xlsx"))
    assert any("Hồ sơ thủ tục hành chính" in h.value for h in at.subheader)
    assert any("«Biểu 01»" in c.value and "dòng 8–9" in c.value and "3 dòng số liệu" in c.value for c in at.caption)
    assert md_text("(Từ ngày 01/7/2025 đến ngày 30/10/2025)") in at.info[0].value  # the title, as text
    assert "**01/07–30/10/2025**" in at.info[0].value  # written as every page writes it; typed as the field shows
    assert at.text_input(key="upload_period").value == "01/07/2025-30/10/2025"
    mapping = frame_with(at, "Hiểu là")  # the header as written, read as the registry's label (no canonical names)
    assert dict(zip(mapping["Cột trong tệp"], mapping["Hiểu là"], strict=True))["Đã giải quyết / Quá hạn"] == \
        "Giải quyết quá hạn"
    skipped = dict(zip(*frame_with(at, "Không đọc vì").values.T.tolist(), strict=True))
    assert skipped["11"] == "dòng tổng cộng" and skipped["10"].startswith("dòng đánh số cột")
    assert skipped["8–9"] == "dòng tiêu đề cột" and skipped["19–20"] == "chữ ký, ghi chú dưới bảng"
    findings = frame_with(at, "Mức độ")
    assert set(findings["Mức độ"]) == {"Cảnh báo"} and "4.377" in findings["Giá trị"].tolist()
    assert not [s for s in at.selectbox if s.key == "upload_sheet"]  # one sheet: no selector
    at.button(key="upload_load").click().run()
    assert at.success and "Đã nạp 3 dòng" in at.success[-1].value
    assert loaded(seeded_copy, "select count(*), min(period_start), max(period_end) from raw.dvctt "
                               "where load_id = (select max(load_id) from meta.loads)") == \
        [(3, __import__("datetime").date(2025, 7, 1), __import__("datetime").date(2025, 10, 30))]


def test_period_typed_when_the_title_has_none(page, tmp_path, seeded_copy):
    at = upload(page, wbk.gov_dvctt(tmp_path / "khong_ky.xlsx", title_period=None))
    assert at.warning and "hãy nhập kỳ báo cáo" in at.warning[0].value
    assert at.error and "chưa thể nạp" in at.error[-1].value
    assert not [b for b in at.button if b.key == "upload_load"]
    at.text_input(key="upload_period").set_value("hôm qua").run()
    assert "Không đọc được kỳ báo cáo 'hôm qua'" in at.error[0].value
    assert not [b for b in at.button if b.key == "upload_load"]
    at.text_input(key="upload_period").set_value("01/07/2025-30/09/2025").run()
    assert not at.error, [e.value for e in at.error]
    assert "01/07–30/09/2025" in at.info[0].value
    at.button(key="upload_load").click().run()
    assert "Đã nạp 3 dòng" in at.success[-1].value
    assert loaded(seeded_copy, "select distinct period_start, period_end from raw.dvctt where period_end = '2025-09-30'") \
        == [(__import__("datetime").date(2025, 7, 1), __import__("datetime").date(2025, 9, 30))]


def test_sheet_selector_when_several_sheets_match(page, tmp_path, seeded_copy):
    at = upload(page, wbk.several_sheets(tmp_path / "hai_bang.xlsx"))
    selector = at.selectbox(key="upload_sheet")
    assert selector.options == ["DVCTT", "BDHVS"] and selector.value == "DVCTT"
    selector.set_value("BDHVS").run()
    assert not at.exception
    assert any("Bình dân học vụ số" in h.value for h in at.subheader)
    assert any("«BDHVS»" in c.value for c in at.caption)
    at.button(key="upload_load").click().run()
    assert "vào bộ «Bình dân học vụ số»" in at.success[-1].value
    assert loaded(seeded_copy, "select learners from raw.bdhvs where snapshot_date = '2025-11-18' and commune_code = '21421'"
                  " order by load_id desc limit 1") == [(4365,)]


def test_refused_file_is_a_message_on_the_page(page, tmp_path):
    path = tmp_path / "cu.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    renamed = tmp_path / "cu.xlsx"
    renamed.write_bytes(path.read_bytes())
    at = upload(page, renamed)
    shown = at.error[0].value  # said whole, once, as text
    assert md_text("Lưu thành (Save As)") in shown and md_text("'cu.xlsx'") in shown


def test_a_refused_upload_is_recorded_once_with_its_original_and_says_why_in_full(page, tmp_path, seeded_copy):
    import openpyxl

    path = tmp_path / "o_xa.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Mã xã", "Ngày số liệu", "Số học viên tham gia"])
    wb.active["XFD1048576"] = 1
    wb.save(path)
    at = upload(page, path)
    assert any("XFD1048576" in e.value and md_text("sao chép bảng số liệu sang một tệp mới") in e.value
               for e in at.error)  # the whole reason
    assert not at.button  # nothing to load
    at.run()  # a rerun does not record it again
    rows = loaded(seeded_copy, "select status, file_name, stored_path from meta.loads where file_name = 'o_xa.xlsx'")
    assert [(s, f) for s, f, _ in rows] == [("rejected", "o_xa.xlsx")]
    assert Path(rows[0][2]).read_bytes() == path.read_bytes()
    assert any("bị từ chối" in c.value for c in at.caption)
