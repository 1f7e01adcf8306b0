"""Tổng quan against the plan year's targets, and the header every page draws (freshness, quality, sample)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "app_pages").glob("*.py"))




def badges(at) -> list[str]:
    return [m.value for m in at.markdown if "-badge[" in m.value]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_draws_the_header(open_page, page):
    at = open_page(page, commune="21421")
    assert at.title
    shown = badges(at)
    assert any("Dữ liệu mẫu" in b for b in shown)
    # the latest DVCTT load is Minh Long's half-year report (002): 1.644 + 47 ≠ 1.686, and a former district's figures
    assert any("Kiểm tra dữ liệu: 3 cảnh báo" in b for b in shown)  # and its period read from the title
    freshness = [c.value for c in at.caption if c.value.startswith("Số liệu mới nhất")]
    assert freshness == ["Số liệu mới nhất: Hạ tầng số tháng 11/2025 (nạp {d}) · DVCTT 01/07–30/10/2025 (nạp {d}) · "
                         "BDHVS ngày 18/11/2025 (nạp {d})".format(d=freshness[0].split("(nạp ")[1][:10])]


def test_quality_badge_counts_the_warnings_of_the_latest_load(open_page, seeded_copy, make_xlsx):
    from warehouse import load

    path = make_xlsx([["Tên xã", "Từ ngày", "Đến ngày", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến",
                       "Tiếp nhận trực tiếp và bưu chính"],
                      ["Xã Minh Long", "01/01/2025", "30/06/2025", "1.686", "1.644", 47]])
    result = load.load_path(path, db_file=seeded_copy)
    assert result.status == load.LOADED and len(result.warnings) == 1
    at = open_page("app_pages/history.py", db=seeded_copy)
    [badge] = [b for b in badges(at) if "Kiểm tra dữ liệu" in b]
    assert badge.startswith(":orange-badge[") and "1 cảnh báo" in badge


def test_overview_judges_the_province_against_the_plan_year(open_page):
    at = open_page()
    shown = badges(at)
    # 2025 targets of the sample plan: 5G "50" (20,9 % province-wide: missed), online "≥70" (81,7 %: met)
    assert any("Chỉ tiêu 2025: 50 % · Chưa đạt" in b and b.startswith(":red-badge") for b in shown)
    assert any("Chỉ tiêu 2025: ≥ 70 % · Đạt" in b and b.startswith(":green-badge") for b in shown)
    # indicators counted once (3.3 has two measures), 3.4 only approximated by its measure: not judged
    assert any("toàn tỉnh đạt **2/3** chỉ tiêu đánh giá được; 1 chỉ tiêu chỉ có số đo gần đúng" in m.value
               for m in at.markdown)
    online = next(m for m in at.metric if m.label == "Tỷ lệ hồ sơ tiếp nhận trực tuyến")
    assert online.value == "81,7 %" and online.proto.delta == "+3,2 điểm %"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_a_warehouse_with_only_the_communes(open_page, db_file, page):
    at = open_page(page, db=db_file, commune="21421")
    assert at.title
    assert not [c.value for c in at.caption if c.value.startswith("Số liệu mới nhất")]  # no data, no freshness line
    assert any("Kiểm tra dữ liệu: không có cảnh báo" in b for b in badges(at))
