"""Uploads wait in a private folder beside the database, and go once loaded or after a day."""

from __future__ import annotations

import json
import os
import re
import stat
import time
from pathlib import Path

import pytest

from warehouse import uploads
from warehouse.formatting import md_text


def test_an_upload_waits_in_a_private_folder_beside_the_database(tmp_path):
    db_file = tmp_path / "wh" / "warehouse.duckdb"
    path = uploads.save(b"a,b\n1,2\n", "../../bao cao.csv", db_file)
    assert path.read_bytes() == b"a,b\n1,2\n" and path.name == "bao cao.csv"
    assert path.parent.parent == tmp_path / "wh" / ".uploads"  # no folder of the name is followed
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700
    assert uploads.save(b"a,b\n1,2\n", "bao cao.csv", db_file) == path  # the page's reruns find the same file
    uploads.discard(path, db_file)
    assert not path.parent.exists()


def test_uploads_left_for_a_day_are_removed_at_the_next_upload(tmp_path):
    db_file = tmp_path / "warehouse.duckdb"
    old = uploads.save(b"old", "cu.csv", db_file)
    day_ago = time.time() - uploads.MAX_AGE_S - 60
    os.utime(old.parent, (day_ago, day_ago))
    new = uploads.save(b"new", "moi.csv", db_file)
    assert not old.exists() and new.exists()


def test_a_folder_prepared_by_someone_else_is_refused(tmp_path):
    if os.getuid() != 0:
        pytest.skip("needs root to give the folder to another user")
    folder = tmp_path / ".uploads"
    folder.mkdir(mode=0o777)
    os.chown(folder, 65534, 65534)  # nobody
    with pytest.raises(PermissionError, match="không thuộc người dùng"):
        uploads.save(b"x", "a.csv", tmp_path / "warehouse.duckdb")


def test_a_loose_mode_is_tightened(tmp_path):
    folder = tmp_path / ".uploads"
    folder.mkdir()
    folder.chmod(0o777)
    uploads.save(b"x", "a.csv", tmp_path / "warehouse.duckdb")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


# ---------------------------------------------------------------- the upload page (AppTest)

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RAW_NAMES = ("dvctt", "broadband", "bdhvs", "targets", "communes", "seed", "commune_name", "period_start", "snapshot_date")


def upload(at, name: str, data: bytes, mime: str = XLSX):
    at.file_uploader(key="upload_file").set_value((name, data, mime)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_file_loaded_before_is_said_at_once_before_any_check(open_page, seeded_copy):
    at = upload(open_page("app_pages/upload.py", db=seeded_copy), "hoc_vien.xlsx", (SAMPLES / "bdhvs.xlsx").read_bytes())
    [said] = [w.value for w in at.warning]  # the seed loaded bdhvs.xlsx fourth: communes, broadband, dvctt, bdhvs
    assert said.startswith("**Tệp này đã được nạp**: lần nạp #4 lúc ") and "bởi khởi tạo kho (BDHVS" in said
    assert f"384 dòng, tệp «{md_text('bdhvs.xlsx')}»" in said and "thu hồi lần nạp cũ trước" in said
    [link] = [p.proto for p in at.get("page_link")]
    assert link.page == "history" and "load=4" in link.query_string
    assert not at.dataframe and not at.subheader and not [b for b in at.button if b.key == "upload_load"]  # nothing read
    at.toggle(key="upload_duplicate_open").set_value(True).run()  # read anyway: another sheet, another period
    assert any("Bình dân học vụ số" in h.value for h in at.subheader) and at.button(key="upload_load")


def test_a_csv_names_no_sheet_and_its_findings_say_their_whole_message(open_page, seeded_copy):
    at = open_page("app_pages/upload.py", db=seeded_copy)
    assert at.selectbox(key="upload_dataset").options == [
        "Tự nhận diện theo tiêu đề cột", "Danh mục đơn vị hành chính", "Hạ tầng số",
        "Hồ sơ thủ tục hành chính và dịch vụ công trực tuyến", "Bình dân học vụ số", "Chỉ tiêu kế hoạch"]
    csv = "Tên xã,Ngày số liệu,Số học viên tham gia,Số chứng nhận đạt được\nXã Sơn Haa,18/11/2025,10,5\n"
    upload(at, "hoc_vien.csv", csv.encode(), "text/csv")
    assert "Tệp CSV, tiêu đề cột ở dòng 1, 1 dòng số liệu." in [c.value for c in at.caption]
    mapping, _, _, findings = (d for d in at.dataframe)
    assert mapping.value.columns.tolist() == ["Cột trong tệp", "Hiểu là"]  # no canonical names
    assert findings.value.columns.tolist() == ["Mức độ", "Dòng", "Cột", "Giá trị", "Yêu cầu / vấn đề"]
    message = findings.value["Yêu cầu / vấn đề"].iloc[0]
    assert message.endswith("gần nhất: Xã Sơn Hà (mã 21289), Xã Sơn Hạ (mã 21292), Xã Sơn Tây (mã 21340)")
    config = json.loads(findings.proto.columns)  # whole in view: 400 px wide, rows over 4rem (64 px), which wrap
    assert config["Yêu cầu / vấn đề"]["width"] == 400 and findings.proto.row_height >= 72
    shown = [e.value for e in [*at.markdown, *at.caption, *at.subheader, *at.error]] + [
        str(v) for d in at.dataframe for v in [*d.value.columns, *d.value.astype(str).to_numpy().ravel()]]
    assert not [t for t in shown if any(re.search(rf"\b{n}\b", t) for n in RAW_NAMES)]
