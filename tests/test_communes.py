import unicodedata

import pytest


@pytest.mark.parametrize("name, code", [
    ("Xã Sơn Hà", "21289"), ("Xã Sơn Hạ", "21292"), ("sơn hạ", "21292"), ("SƠN HÀ", "21289"),
    ("Xã Ba Tơ", "21484"), ("Xã Ba Tô", "21523"), ("ba tô", "21523"),
    ("Mỏ Cày", "21421"), ("  xã   mỏ  cày ", "21421"), ("Đặc khu Lý Sơn", "21548"), ("Lý Sơn", "21548"),
    ("Phường Cẩm Thành", "21025"),
])
def test_resolve_name_keeps_tone_marks(communes, name, code):
    assert communes.resolve_name(name).code == code


def test_nfd_input_resolves(communes):
    nfd = unicodedata.normalize("NFD", "Xã Sơn Hạ")
    assert nfd != "Xã Sơn Hạ"
    assert communes.resolve_name(nfd).code == "21292"


@pytest.mark.parametrize("name, suggested", [
    ("Xã Son Ha", ["Xã Sơn Hà", "Xã Sơn Hạ"]),  # without tone marks: never guessed, both suggested
    ("Xã Mỏ Càyy", ["Xã Mỏ Cày"]),
])
def test_unknown_name_is_an_error_listing_closest(communes, name, suggested):
    result = communes.resolve_name(name)
    assert result.code is None
    for s in suggested:
        assert s in result.error


@pytest.fixture
def with_former(communes_with_former):
    return communes_with_former


@pytest.mark.parametrize("name, code, into", [
    ("Xã Nghĩa Dũng", "cu:Xã Nghĩa Dũng", "Xã An Phú (mã 21034)"),  # one of the units merged into An Phú
    ("nghĩa dũng", "cu:Xã Nghĩa Dũng", "Xã An Phú (mã 21034)"),
    ("Thị trấn Châu Ổ", "cu:Thị trấn Châu Ổ", "Xã Bình Sơn (mã 21040)"),
    ("Xã Trà Bùi", "cu:Xã Trà Bùi", "Xã Cà Đam (mã 21136); Xã Tây Trà Bồng (mã 21157)"),  # split: "(một phần)"
    ("Huyện Minh Long", "cu:H. Minh Long", "Xã Sơn Mai (mã 21349); Xã Minh Long (mã 21361)"),  # a former district
])
def test_a_former_unit_that_is_part_of_todays_keeps_its_own_code(with_former, name, code, into):
    """Its figures are the former unit's, never credited to a unit of today (it is only part of them)."""
    result = with_former.resolve_name(name)
    assert result.code == code and result.error is None
    assert f"nay thuộc {into}: nạp là số liệu của đơn vị cũ" in result.warning


def test_a_former_unit_renamed_whole_is_todays_unit(with_former):
    """H. Lý Sơn became Đặc khu Lý Sơn whole and alone: its figures are today's unit's, with a warning."""
    result = with_former.resolve_name("Huyện Lý Sơn")
    assert (result.code, result.error) == ("21548", None) and "nay là Đặc khu Lý Sơn" in result.warning


@pytest.mark.parametrize("name, candidates", [
    ("Phường Nguyễn Nghiêm", ["Phường Cẩm Thành (mã 21025)", "Phường Đức Phổ (mã 21439)"]),
    ("Phường Trần Hưng Đạo", ["Phường Cẩm Thành (mã 21025)", "Phường Đăk Bla (mã 23302)"]),
    ("Xã Đắk Long", ["Xã Đăk Long (mã 23368)", "Xã Đăk Pxi (mã 23504)"]),
])
def test_a_name_several_former_units_shared_is_an_error_naming_candidates(with_former, name, candidates):
    result = with_former.resolve_name(name)
    assert result.code is None and "hãy ghi mã xã" in result.error
    for candidate in candidates:
        assert candidate in result.error


@pytest.mark.parametrize("name, code", [
    ("Xã An Phú", "21034"), ("Phường Nghĩa Lộ", "21028"), ("Nguyễn Nghiêm", "21457"), ("Xã Nguyễn Nghiêm", "21457"),
    ("Xã Đăk Long", "23368"), ("Xã Sơn Hà", "21289"), ("Xã Sơn Hạ", "21292"), ("Xã Ba Tơ", "21484"), ("Xã Ba Tô", "21523"),
])
def test_current_names_win_and_tone_marks_stay_exact(with_former, name, code):
    result = with_former.resolve_name(name)
    assert (result.code, result.warning, result.error) == (code, None, None)


def test_former_names_through_a_load(db_file, make_xlsx):
    """In the warehouse the former units come from stg_communes (merged_from, former_district)."""
    from warehouse import load

    path = make_xlsx([["Tên xã", "Ngày số liệu", "Số học viên tham gia"],
                      ["Xã Nghĩa Dũng", "18/11/2025", 10], ["Phường Nguyễn Nghiêm", "18/11/2025", 5]])
    result = load.load_path(path, db_file=db_file, loaded_by="test")
    assert result.status == load.REJECTED
    [error] = result.errors
    assert (error.row, error.column, error.value) == (3, "Tên xã", "Phường Nguyễn Nghiêm")
    [warning] = [f for f in result.warnings if f.rule == "commune_former"]
    assert warning.row == 2 and "Xã An Phú (mã 21034)" in warning.message
    assert result.table.frame["commune_code"].tolist() == ["cu:Xã Nghĩa Dũng", None]


def test_unresolved_names_are_not_duplicate_keys_and_warnings_hide_no_error(db_file, make_xlsx):
    from warehouse import load

    path = make_xlsx([["Tên xã", "Ngày số liệu", "Số học viên tham gia"],
                      ["Phường Trần Hưng Đạo", "18/11/2025", 10], ["Phường Nguyễn Nghiêm", "18/11/2025", 5],
                      ["Xã Nghĩa Dũng", "18/11/2025", None]])
    result = load.load_path(path, db_file=db_file, loaded_by="test")
    assert sorted((f.row, f.column, f.rule) for f in result.errors) == [
        (2, "Tên xã", "commune"), (3, "Tên xã", "commune"),
        (4, "Số học viên tham gia", "expect_column_values_to_not_be_null")]
