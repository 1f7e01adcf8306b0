"""The rules of the reports' language, one by one, and a report they never saw (fixtures/reports/builders.LY_SON)."""

import unicodedata
from datetime import date

import pytest
from fixtures.reports import builders

from warehouse.extract import numbers, periods, phrases, read, run, text, units
from warehouse.extract.model import Block
from warehouse.extract.review import period_key


@pytest.mark.parametrize("written, decimal, value", [
    ("3.781", False, 3781), ("3,781", False, 3781), ("86.6", True, 86.6), ("86,6", True, 86.6), ("99,95", True, 99.95),
    ("5.687,4", False, 5687.4), ("479.000.000", False, 479_000_000), ("02", False, 2), ("1,5", False, 1.5),
    ("957.600", False, 957_600), ("1.234.567,89", False, 1234567.89), ("0,05", True, 0.05),
])
def test_numbers_as_typed(written, decimal, value):
    assert numbers.to_number(written, decimal) == value


@pytest.mark.parametrize("sentence, expected", [
    ("tiếp nhận trực tuyến: 3.276 hồ sơ (chiếm 86.6%)", [("3.276 hồ sơ", 3276, None, None), ("86.6%", 86.6, None, None)]),
    ("đạt trên 80%", [("trên 80%", 80, None, "trên")]),
    ("khoảng 62% người dân", [("khoảng 62%", 62, None, "khoảng")]),
    ("hơn 957.600 người", [("hơn 957.600 người", 957_600, None, "hơn")]),
    ("gần 9 tỷ đồng", [("gần 9 tỷ đồng", 9, None, "gần")]),
    ("4.520/6.160 hộ, đạt tỷ lệ 73,4%", [("4.520/6.160 hộ", 4520, 6160, None), ("73,4%", 73.4, None, None)]),
    ("18.019/19.080 dân số", [("18.019/19.080 dân số", 18019, 19080, None)]),
    ("25 thuê bao/100 dân", [("25 thuê bao/100 dân", 25, None, None)]),
    ("80% trở lên", [("80%", 80, None, "trở lên")]),
])
def test_quantities_keep_qualifier_n_and_unit(sentence, expected):
    found = [(q.text, q.value, q.whole, q.qualifier) for q in numbers.quantities(sentence)]
    assert found == expected


@pytest.mark.parametrize("sentence", [
    "Căn cứ Quyết định số 79/QĐ-UBND ngày 01/7/2025 của UBND đặc khu",
    "Nghị quyết số 57-NQ/TW ngày 22/12/2024 và Nghị quyết 57- NQ/TW; Kế hoạch hành động số 359-KH/TU",
    "giai đoạn 2025 - 2045; các giai đoạn 2025-2030; 2030-2035. Năm 2026",
    "Số điện thoại: 0382.234.000; Fax: 0255 3822 217",
    "phủ sóng 4G, 5G, IPv6 và Tổ công nghệ số cộng đồng1",
    "6.2. Tiếp nhận, giải quyết thủ tục hành chính",
    "Ngày Đổi mới sáng tạo thế giới (21/4) và Ngày Sở hữu trí tuệ (26/4); 1 lần/1 tuần",
    "địa chỉ https://mocay.quangngai.gov.vn và hcc-mocay@quangngai.gov.vn",
    "Điều 3. Chánh Văn phòng; Khoản 6, Điều 3",
])
def test_what_is_not_a_quantity(sentence):
    assert numbers.quantities(sentence) == []


@pytest.mark.parametrize("written, label", [
    ("(từ ngày 01/7/2025 đến ngày 30/10/2025)", "01/07–30/10/2025"),
    ("Từ ngày 01/7/2025 đến 30/10/2025", "01/07–30/10/2025"),
    ("tính đến ngày 18/11/2025", "đến ngày 18/11/2025"),
    ("Kết quả học tập đến ngày 03/11/2025:", "đến ngày 03/11/2025"),
    ("tháng 11/2025", "tháng 11/2025"),
    ("6 tháng đầu năm 2025", "01/01–30/06/2025"),
    ("06 tháng cuối năm 2025", "01/07–31/12/2025"),
    ("quý III/2025", "01/07–30/09/2025"),
    ("từ ngày 1 tháng 10 năm 2025 đến ngày 31 tháng 10 năm 2025", "01/10–31/10/2025"),
])
def test_periods(written, label):
    assert [p.label() for _, _, p in periods.find(written)] == [label]


@pytest.mark.parametrize("written", ["Quyết định số 09/QĐ-UBND ngày 01/7/2025", "Minh Long, ngày      tháng 5 năm 2025",
                                     "ngày 14 tháng 7 năm 2025"])
def test_a_date_is_not_a_period(written):
    assert periods.find(written) == []


def test_dvctt_needs_a_start_a_count_to_a_day_takes_the_reports():
    as_of = periods.find("tính đến ngày 23/5/2025")[0][2]
    half = periods.find("6 tháng đầu năm 2025")[0][2]
    assert periods.for_dataset(as_of, "dvctt", half) == ({"period_start": date(2025, 1, 1), "period_end": date(2025, 5, 23)}, None)
    columns, why = periods.for_dataset(as_of, "dvctt", None)
    assert columns is None and "ngày bắt đầu" in why
    assert periods.for_dataset(as_of, "broadband")[0] == {"period": date(2025, 5, 31)}
    assert periods.for_dataset(as_of, "bdhvs")[0] == {"snapshot_date": date(2025, 5, 23)}


@pytest.mark.parametrize("label, concept", [
    ("Tổng số lượng hồ sơ tiếp nhận: ", "received_total"),
    ("Hệ thống một cửa điện tử đã tiếp nhận và giải quyết ", "received_total"),
    ("Tổng số hồ sơ đã giải quyết: ", "resolved_total"),
    ("hồ sơ đang giải quyết trong hạn: ", "pending_in_time"),
    ("hồ sơ đang giải quyết nhưng quá hạn: ", "pending_overdue"),
    ("đã giải quyết nhưng quá hạn ", "resolved_late"),
    ("Tổng số hồ sơ cá nhân, tổ chức rút hồ sơ: ", "withdrawn"),
    ("tiếp nhận tại nơi giải quyết TTHC: ", "received_direct"),
    ("Tỷ lệ số hóa hồ sơ TTHC khi tiếp nhận trên địa bàn huyện đạt ", "digitized_dossiers"),
    ("tỷ lệ số hóa kết quả giải quyết TTHC ", "digitized_results"),
    ("tỷ lệ thanh toán trực tuyến đạt ", "paid_online"),
    ("Dịch vụ công trực tuyến toàn trình: tiếp nhận ", "received_total"),
    ("Tỷ lệ xử lý văn bản, hồ sơ công việc cấp huyện đạt ", None),
    ("Số hộ gia đình sử dụng cáp quang ", "fibre_households"),
    ("Thống kê theo dân số: ", "learners_by_population"),
    ("Số lượng người từ 15 tuổi trở lên có tài khoản giao dịch tại ngân hàng ", "bank_accounts"),
])
def test_the_phrase_table(label, concept):
    found, _ = phrases.best(label)
    assert (found.name if found else None) == concept


def test_tone_marks_keep_sơn_hà_apart_from_sơn_hạ():
    dim = units.dimension()
    assert units.find("ỦY BAN NHÂN DÂN XÃ SƠN HẠ ... BÁO CÁO", dim).code == "21292"
    assert units.find("UBND xã Sơn Hà báo cáo như sau", dim).code == "21289"
    assert units.find("UBND xã Ba Tô báo cáo", dim).code == "21523"
    assert units.find("UBND xã Ba Tơ báo cáo", dim).code == "21484"


@pytest.mark.parametrize("written, name, kind", [
    ("ỦY BAN NHÂN DÂN\nXÃ MỎ CÀY\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Xã Mỏ Cày", "current"),
    ("UBND đặc khu Lý Sơn báo cáo kết quả", "Đặc khu Lý Sơn", "current"),
    ("Ủy ban nhân dân huyện Minh Long báo cáo kết quả thực hiện như sau", "Huyện Minh Long", "former"),
    ("UBND thị xã Đức Phổ báo cáo", "Thị xã Đức Phổ", "former"),
    ("Văn bản này không nói của ai.", "(không xác định)", "unknown"),
])
def test_the_reporting_unit(written, name, kind):
    unit = units.find(written, units.dimension())
    assert (unit.name, unit.kind) == (name, kind)


def test_a_line_broken_inside_a_number_is_joined():
    blocks = [Block("- Tổng số hồ sơ tiếp nhận: 3.", 1), Block("781 hồ sơ; trong đó: tiếp nhận trực tuyến: 3.681/", 2),
              Block("3.781 hồ sơ (chiếm 86,6", 3), Block("%).", 4), Block("+ Số học viên: 4.365 học viên", 5)]
    passages = text.passages(blocks)
    assert [p.text for p in passages] == [
        "- Tổng số hồ sơ tiếp nhận: 3.781 hồ sơ; trong đó: tiếp nhận trực tuyến: 3.681/3.781 hồ sơ (chiếm 86,6%).",
        "+ Số học viên: 4.365 học viên"]


# ---------------------------------------------------------------- a report the rules never saw


@pytest.fixture(scope="module")
def ly_son(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ly_son")
    files = {"txt": builders.write_txt(folder / "ly_son.txt"), "docx": builders.write_docx(folder / "ly_son.docx"),
             "pdf": builders.write_pdf(folder / "ly_son.pdf")}
    return {ext: run.analyse(read.read_document(path)) for ext, path in files.items()}


def test_the_unseen_report_has_nfd_lines_and_a_broken_number():
    written = "\n".join(line for paragraph in builders.lines(builders.LY_SON) for line in paragraph)
    assert "1,\n245 hồ sơ" in written and "4.520/\n6.160 hộ" in written
    assert any(unicodedata.normalize("NFD", line) != line for line in builders.NFD_LINES)


@pytest.mark.parametrize("ext", ["txt", "docx", "pdf"])
def test_unseen_report_unit_and_periods(ly_son, ext):
    extraction = ly_son[ext]
    assert (extraction.unit.name, extraction.unit.code) == ("Đặc khu Lý Sơn", builders.LY_SON_CODE)
    assert extraction.report_period.label() == "tháng 11/2025"
    assert {p.label() for _, p in extraction.periods} >= {"01/10–31/10/2025", "đến ngày 25/11/2025"}


@pytest.mark.parametrize("ext", ["txt", "docx", "pdf"])
@pytest.mark.parametrize("dataset, column, value, period, qualifier", builders.LY_SON_FIGURES, ids=lambda v: str(v)[:28])
def test_unseen_report_states_these_figures(ly_son, ext, dataset, column, value, period, qualifier):
    extraction = ly_son[ext]
    found = [f for f in extraction.used if (f.dataset, f.column) == (dataset, column)
             and period_key(f, extraction.report_period) == tuple(sorted(period.items()))]
    assert len(found) == 1, (column, [(f.value, f.period) for f in extraction.figures if f.column == column])
    assert found[0].value == value and found[0].qualifier == qualifier and found[0].unit_code == builders.LY_SON_CODE


@pytest.mark.parametrize("ext", ["txt", "docx", "pdf"])
def test_unseen_report_uses_nothing_else(ly_son, ext):
    assert len([f for f in ly_son[ext].used if f.role != "whole"]) + 2 == len(builders.LY_SON_FIGURES)  # + households, population


@pytest.mark.parametrize("ext", ["txt", "docx", "pdf"])
@pytest.mark.parametrize("written, why", builders.LY_SON_NOT_USED)
def test_unseen_report_lists_what_it_does_not_use(ly_son, ext, written, why):
    figure = next(f for f in ly_son[ext].figures if f.text.startswith(written))
    assert not figure.used and why in figure.reason.lower()


def test_a_letterhead_in_the_page_header_of_a_docx(tmp_path):
    import docx

    document = docx.Document()
    header = document.sections[0].header
    header.is_linked_to_previous = False
    header.paragraphs[0].text = "ỦY BAN NHÂN DÂN XÃ SƠN HẠ"
    document.add_paragraph("BÁO CÁO tháng 11/2025")
    document.add_paragraph("- Toàn xã có 12 trạm phát sóng thông tin di động (BTS).")
    document.save(str(tmp_path / "son_ha.docx"))
    extraction = run.analyse(read.read_document(tmp_path / "son_ha.docx"))
    assert (extraction.unit.code, extraction.unit.kind) == ("21292", "current")
    assert [(f.column, f.value, f.period.label()) for f in extraction.used] == [("bts_stations", 12, "tháng 11/2025")]


def test_a_column_the_registry_does_not_have_is_said_not_invented():
    from warehouse.extract.model import USED, Figure, Period
    from warehouse.extract.review import review

    month = Period("month", date(2025, 11, 30), date(2025, 11, 1), "tháng 11/2025")
    figures = [Figure("trên 50%", "Phủ sóng 5G đạt trên 50%.", 3, None, 50.0, "%", "trên", "broadband",
                      "coverage_5g_pct_reported", period=month, status=USED, unit_code="21548"),
               Figure("28 trạm", "Toàn đặc khu có 28 trạm BTS.", 4, None, 28, "trạm", None, "broadband", "bts_stations",
                      period=month, status=USED, unit_code="21548")]
    review(figures)
    assert not figures[0].used and "chưa có cột 'coverage_5g_pct_reported' trong bộ dữ liệu broadband" in figures[0].reason
    assert figures[1].used
