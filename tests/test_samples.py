"""The sample workbooks: deterministic, consistent, and carrying the reported figures as reported."""

import hashlib

import pandas as pd
import pytest

from warehouse import samples


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    return samples.write_samples(tmp_path_factory.mktemp("samples"))


def frame(path):
    return pd.read_excel(path, header=2, dtype={"Mã xã": str}, engine="calamine")


def test_generation_is_byte_for_byte_deterministic(written, tmp_path):
    again = samples.write_samples(tmp_path)
    digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()
    assert [digest(p) for p in written] == [digest(p) for p in again]


def test_committed_samples_are_what_the_generator_writes(written):
    for path in written:
        committed = samples.ROOT / "data" / "samples" / path.name
        assert committed.read_bytes() == path.read_bytes(), f"run: python -m warehouse samples ({path.name})"


@pytest.mark.parametrize("name, periods", [("broadband.xlsx", 6), ("dvctt.xlsx", 4), ("bdhvs.xlsx", 4)])
def test_all_96_communes_in_every_period(written, name, periods):
    df = frame(next(p for p in written if p.name == name))
    assert len(df) == 96 * periods
    assert df.groupby(df.columns[2]).size().eq(96).all()


def test_dvctt_consistency_holds_on_every_row(written):
    df = frame(next(p for p in written if p.name == "dvctt.xlsx"))
    total = df["Tổng số hồ sơ tiếp nhận"]
    assert (df["Tiếp nhận trực tuyến"] + df["Tiếp nhận trực tiếp và bưu chính"] == total).all()
    assert (df["Giải quyết trước hạn, đúng hạn"] + df["Giải quyết quá hạn"] == df["Đã giải quyết"]).all()
    assert (df["Đã giải quyết"] + df["Đang giải quyết"] + df["Rút hồ sơ"] == total).all()
    assert (df["Thanh toán trực tuyến"] <= df["Hồ sơ có phí"]).all()


def test_mo_cay_dvctt_as_reported(written):
    df = frame(next(p for p in written if p.name == "dvctt.xlsx"))
    row = df[(df["Mã xã"] == "21421") & (df["Từ ngày"] == "2025-07-01")].iloc[0]
    assert (row["Tổng số hồ sơ tiếp nhận"], row["Tiếp nhận trực tuyến"], row["Tiếp nhận trực tiếp và bưu chính"]) == (
        3781, 3276, 505)
    assert (row["Đã giải quyết"], row["Giải quyết trước hạn, đúng hạn"], row["Giải quyết quá hạn"]) == (3681, 3679, 2)
    assert (row["Đang giải quyết"], row["Rút hồ sơ"]) == (66, 34)


@pytest.mark.parametrize("day, expected", [("2025-11-03", (7, 6, 6, 11)), ("2025-11-18", (11, 10, 10, 17))])
def test_mo_cay_bdhvs_ranks_computed_from_the_file(written, day, expected):
    df = frame(next(p for p in written if p.name == "bdhvs.xlsx"))
    pop = pd.read_csv(samples.COMMUNES_CSV, dtype={"commune_code": str}).set_index("commune_code")["population"]
    day_rows = df[df["Ngày số liệu"] == day].set_index("Mã xã")
    day_rows["per_pop"] = day_rows["Số học viên tham gia"] / pop.reindex(day_rows.index)
    cols = ["Số học viên tham gia", "Số chuyên đề hoàn thành", "Số chứng nhận đạt được", "per_pop"]
    ranks = day_rows[cols].rank(method="min", ascending=False).loc["21421"]
    assert tuple(int(r) for r in ranks) == expected


def test_bdhvs_series_never_decrease(written):
    df = frame(next(p for p in written if p.name == "bdhvs.xlsx"))
    for col in ("Số học viên tham gia", "Số chuyên đề hoàn thành", "Số chứng nhận đạt được"):
        wide = df.pivot(index="Mã xã", columns="Ngày số liệu", values=col)
        assert (wide.diff(axis=1).iloc[:, 1:] >= 0).all().all(), col
    assert (df["Số chứng nhận đạt được"] <= df["Số học viên tham gia"]).all()


def test_targets_appendix_as_written(written):
    rows = pd.read_excel(next(p for p in written if p.name == "targets.xlsx"), header=4, dtype=str, engine="calamine")
    by_code = rows.set_index("STT")
    assert by_code.at["1.1", "Đến hết năm 2025"] == "50" and by_code.at["1.1", "Đến năm 2030"] == "100"
    assert by_code.at["3.5", "Đến hết năm 2025"] == "≥70" and by_code.at["3.5", "Đến năm 2030"] == "≥85"
    assert by_code.at["2,3", "Đến hết năm 2025"] == "75-80"
