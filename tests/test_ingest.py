from datetime import date

import pandas as pd
import pytest

from warehouse import ingest

DVCTT_HEADER = ["STT", "Tên xã", "Từ ngày", "Đến ngày", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến",
                "Tiếp nhận trực tiếp và bưu chính"]


@pytest.mark.parametrize("header, canonical", [
    ("Tổng số hồ sơ tiếp nhận", "received_total"), ("TỔNG SỐ HỒ SƠ TIẾP NHẬN", "received_total"),
    ("tong so ho so tiep nhan", "received_total"), ("Tổng số  hồ sơ\ntiếp nhận", "received_total"),
    ("Tiếp nhận trực tuyến", "received_online"), ("Tiếp nhận trực tiếp và bưu chính", "received_direct"),
    ("Từ ngày", "period_start"), ("Đến ngày", "period_end"), ("Mã ĐVHC", "commune_code"), ("Mã xã", "commune_code"),
    ("Tên đơn vị", "commune_name"), ("Rút hồ sơ", "withdrawn"), ("Giải quyết trước hạn, đúng hạn", "resolved_on_time"),
    ("Không liên quan", None),
])
def test_dvctt_header_aliases(header, canonical):
    from warehouse import datasets

    assert ingest.match_header(datasets.get("dvctt"), header) == canonical


@pytest.mark.parametrize("dataset, header, canonical", [
    ("broadband", "Tỷ lệ phủ sóng 5G (%)", "coverage_5g_pct"), ("broadband", "Số trạm BTS", "bts_stations"),
    ("broadband", "Kỳ báo cáo", "period"), ("broadband", "Tháng", "period"),
    ("bdhvs", "Tính đến ngày", "snapshot_date"), ("bdhvs", "Số chứng nhận đạt được", "certificates"),
    ("communes", "Diện tích (km²)", "area_km2"), ("communes", "Dân số", "population"),
    ("targets", "Đến hết năm 2025", "year:2025"), ("targets", "Đến năm 2030", "year:2030"),
    ("targets", "Tên chỉ tiêu", "indicator_name"), ("targets", "STT", "indicator_code"),
])
def test_header_aliases_of_other_datasets(dataset, header, canonical):
    from warehouse import datasets

    assert ingest.match_header(datasets.get(dataset), header) == canonical


def test_title_rows_skipped_header_found_and_values_conformed(make_xlsx, communes):
    path = make_xlsx([
        ["UBND XÃ MỎ CÀY"], ["BÁO CÁO TÌNH HÌNH GIẢI QUYẾT TTHC"], [],
        DVCTT_HEADER,
        [1, "xã mỏ cày", date(2025, 7, 1), "30/10/2025", "3.781", 3276, "505"],
        [],
        [2, "SƠN HẠ ", "01/07/2025", date(2025, 10, 30), 100, 50, 50],
    ])
    table = ingest.read_table(path, None, communes)
    assert (table.dataset, table.sheet, table.header_row) == ("dvctt", "Báo cáo", 4)
    assert table.findings == []
    assert table.frame["commune_code"].tolist() == ["21421", "21292"]
    assert table.frame["source_row"].tolist() == [5, 7]
    assert table.frame["received_total"].tolist() == [3781, 100]
    assert table.frame["period_end"].tolist() == [pd.Timestamp("2025-10-30")] * 2
    assert "STT" in table.ignored_headers


def test_unreadable_cells_name_sheet_row_column_value(make_xlsx, communes):
    path = make_xlsx([DVCTT_HEADER, [1, "Mỏ Cày", "1/7/2025", "hôm qua", "ba nghìn", 10, 5]])
    table = ingest.read_table(path, "dvctt", communes)
    found = {(f.sheet, f.row, f.column, f.value) for f in table.findings}
    assert found == {("Báo cáo", 2, "Đến ngày", "hôm qua"), ("Báo cáo", 2, "Tổng số hồ sơ tiếp nhận", "ba nghìn")}
    assert all(f.severity == "error" for f in table.findings)


def test_unknown_commune_name_lists_closest(make_xlsx, communes):
    path = make_xlsx([DVCTT_HEADER, [1, "Xã Sơn Haa", "1/7/2025", "30/10/2025", 10, 5, 5]])
    [finding] = ingest.read_table(path, "dvctt", communes).findings
    assert (finding.row, finding.column, finding.value) == (2, "Tên xã", "Xã Sơn Haa")
    assert "Xã Sơn Hà" in finding.message and "Xã Sơn Hạ" in finding.message


def test_code_and_name_that_disagree_is_an_error(make_xlsx, communes):
    path = make_xlsx([["Mã xã", "Tên xã", "Ngày số liệu", "Số học viên tham gia"],
                      ["21421", "Xã Sơn Hà", "03/11/2025", 10]])
    [finding] = ingest.read_table(path, "bdhvs", communes).findings
    assert "21421" in finding.message and finding.severity == "error"


@pytest.mark.parametrize("encoding, text", [
    ("utf-8-sig", "Mã xã,Ngày số liệu,Số học viên tham gia\n21421,03/11/2025,3.118\n"),
    ("utf-8", "Mã xã;Ngày số liệu;Số học viên tham gia\n21421;03/11/2025;3.118\n"),
    ("utf-8", "Tên xã;Tính đến ngày;Số học viên\nXã Mỏ Cày;03/11/2025;\"3.118\"\n"),
])
def test_csv_variants(make_csv, communes, encoding, text):
    table = ingest.read_table(make_csv(text, encoding=encoding), None, communes)
    assert table.dataset == "bdhvs"
    assert table.frame[["commune_code", "learners"]].values.tolist() == [["21421", 3118]]


def test_broadband_period_is_month_end_and_percent_text(make_xlsx, communes):
    path = make_xlsx([["Mã xã", "Kỳ báo cáo", "Tỷ lệ phủ sóng 5G (%)"], ["21548", "11/2025", "12,5%"],
                      ["21421", "15/11/2025", 40]])
    table = ingest.read_table(path, None, communes)
    assert table.dataset == "broadband"
    assert table.frame["period"].tolist() == [pd.Timestamp("2025-11-30")] * 2
    assert table.frame["coverage_5g_pct"].tolist() == [12.5, 40.0]


def test_targets_are_unpivoted_with_text_kept(make_xlsx):
    path = make_xlsx([
        ["PHỤ LỤC"], ["DANH MỤC CÁC CHỈ TIÊU CỤ THỂ"],
        ["STT", "Tên chỉ tiêu", "Đơn vị", "Đến hết năm 2025", "Đến năm 2030", "Cơ quan chủ trì"],
        ["1", "Phát triển hạ tầng số", None, None, None, None],
        ["1.1", "Tỷ lệ phủ sóng 5G trên địa bàn", "%", "50", "100", "Viettel"],
        ["2,3", "Tỷ lệ cán bộ làm chủ kỹ năng số", "%", "75-80", "100", None],
        ["3.5", "Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến", "%", "≥70", "≥85", None],
    ])
    table = ingest.read_table(path, None, None)
    assert table.dataset == "targets"
    rows = table.frame[["indicator_code", "year", "target_text"]].values.tolist()
    assert rows == [["1.1", 2025, "50"], ["1.1", 2030, "100"], ["2.3", 2025, "75-80"], ["2.3", 2030, "100"],
                    ["3.5", 2025, "≥70"], ["3.5", 2030, "≥85"]]


def test_file_matching_no_dataset_lists_datasets_and_required_columns(make_xlsx):
    path = make_xlsx([["Họ tên", "Điện thoại"], ["A", "0905"]])
    with pytest.raises(ingest.IngestError) as exc:
        ingest.read_table(path, None, None)
    message = str(exc.value)
    for name in ("communes", "broadband", "dvctt", "bdhvs", "targets"):
        assert name in message
    assert "Số học viên tham gia" in message and "Từ ngày" in message


def test_not_an_excel_file_is_a_clear_message(tmp_path):
    path = tmp_path / "hong.xlsx"
    path.write_bytes(b"this is not a zip file")
    with pytest.raises(ingest.IngestError, match="Không mở được tệp Excel"):
        ingest.read_table(path, None, None)
