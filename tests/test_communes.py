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
