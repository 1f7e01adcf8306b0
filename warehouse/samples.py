"""Write the sample workbooks (data/samples/) deterministically: `python -m warehouse samples`.

The values are illustrative ("Dữ liệu mẫu"), with plausible spread between
urban phường and mountain xã, except the figures the province's own reports
give, which appear as reported: Mỏ Cày's DVCTT (1/7–30/10/2025) and BDHVS
(03/11 and 18/11/2025), and Lý Sơn's digital infrastructure (11/2025). The
other communes' BDHVS values are placed so that Mỏ Cày's computed ranks equal
the reported ones (7·6·6·11 and 11·10·10·17 of 96).
"""

from __future__ import annotations

import csv
import random
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from warehouse import datasets

if TYPE_CHECKING:
    import openpyxl

ROOT = Path(__file__).resolve().parent.parent
COMMUNES_CSV = ROOT / "data" / "reference" / "communes.csv"
# What the sample-data badge says: which of its figures come from the province's reports, which are illustrative
ILLUSTRATIVE = "số liệu minh họa, không phải số liệu chính thức"
FROM_REPORTS = (
    "Lấy từ báo cáo: Mỏ Cày (DVCTT 01/07–30/10/2025; học viên, chuyên đề, chứng nhận và thứ hạng BDHVS ngày 03/11 và "
    "18/11/2025; 14 tổ dân phố), Lý Sơn (hạ tầng số tháng 11/2025 với dân số 19.080 của báo cáo; phụ lục chỉ tiêu "
    "là kế hoạch riêng của Lý Sơn), huyện Minh Long cũ (hồ sơ 6 tháng đầu năm 2025, là số liệu của huyện cũ), "
    "Minh Long và Sơn Mai (4G ở mọi thôn), 5G chỉ ở đô thị và khu công nghiệp, số hóa "
    "hồ sơ cấp xã khoảng 99 %. Mọi số liệu khác, và kế hoạch của tỉnh, là minh họa.")

SEED = 20251118
FIXED_TIME = datetime(2025, 11, 20, 8, 0, 0)
MO_CAY, LY_SON = "21421", "21548"
MOUNTAIN_DISTRICTS = {"H. Ba Tơ", "H. Minh Long", "H. Sơn Hà", "H. Sơn Tây", "H. Trà Bồng"}

BROADBAND_PERIODS = [date(2025, 6, 30), date(2025, 7, 31), date(2025, 8, 31), date(2025, 9, 30),
                     date(2025, 10, 31), date(2025, 11, 30)]
DVCTT_PERIODS = [(date(2024, 10, 1), date(2024, 12, 31)), (date(2025, 1, 1), date(2025, 3, 31)),
                 (date(2025, 4, 1), date(2025, 6, 30)), (date(2025, 7, 1), date(2025, 10, 30))]
BDHVS_DATES = [date(2025, 10, 6), date(2025, 10, 20), date(2025, 11, 3), date(2025, 11, 18)]

MO_CAY_DVCTT = dict(
    received_total=3781, received_online=3276, received_direct=505, resolved_total=3681, resolved_on_time=3679,
    resolved_late=2, pending_total=66, pending_overdue=0, withdrawn=34, partial_procedures=233,
    partial_received=2858, partial_online=2458, full_procedures=143, full_received=785, full_online=783,
    digitized_dossiers=3781, digitized_results=3681, fee_dossiers=1000, paid_online=930,
)
# (learners, topics, certificates) and the ranks reported: learners, topics, certificates, per population
MO_CAY_BDHVS = {date(2025, 11, 3): ((3118, 11763, 2167), (7, 6, 6, 11)),
                date(2025, 11, 18): ((4365, 16275, 2993), (11, 10, 10, 17))}
LY_SON_POPULATION = 19080  # the population Lý Sơn's report divides by (18.019/19.080 dân số, đạt 94,4 %)
MO_CAY_VILLAGES = 14  # tổ dân phố, each with a community digital technology team
FULL_4G = {"Xã Minh Long", "Xã Sơn Mai"}  # the Minh Long report: 4G in 100 % of villages
LY_SON_NOV = dict(villages_total=12, villages_4g=12, coverage_5g_pct=35.0, bts_stations=28, fixed_broadband_subs=4770,
                  households=6160, fibre_households=4520, mobile_subs=18019)


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    unit_type: str
    former_province: str
    former_district: str
    population: int
    dev: float  # 0 (remote mountain) … 1 (urban core): drives every sample value


def read_communes(rng: random.Random) -> list[Commune]:
    with open(COMMUNES_CSV, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [Commune(r["commune_code"], r["commune_name"], r["unit_type"], r["former_province"],
                    r["former_district"], int(r["population"]), _development(r, rng)) for r in rows]


def _development(row: dict, rng: random.Random) -> float:
    if row["unit_type"] == "phường":
        base = 0.85
    elif row["former_province"] == "Kon Tum" and row["former_district"] != "TP Kon Tum":
        base = 0.3
    elif row["former_district"] in MOUNTAIN_DISTRICTS:
        base = 0.35
    else:
        base = 0.6
    return min(1.0, max(0.05, base + rng.uniform(-0.12, 0.12)))


# ---------------------------------------------------------------- broadband


def broadband_rows(communes: list[Commune], rng: random.Random) -> list[dict]:
    rows = []
    for c in communes:
        villages = max(4, round(c.population / 1100) + rng.randint(0, 6))
        households = max(300, round(c.population / rng.uniform(3.4, 4.0)))
        start = {"g4": min(1.0, 0.7 + 0.3 * c.dev + rng.uniform(-0.05, 0.05)),
                 "g5": 100 * max(0.0, c.dev - 0.25) ** 1.5 * rng.uniform(0.6, 1.2),
                 "fibre": 0.2 + 0.65 * c.dev * rng.uniform(0.85, 1.1),
                 "fixed": 0.05 + 0.25 * c.dev * rng.uniform(0.8, 1.2),
                 "mobile": 0.6 + 0.55 * c.dev * rng.uniform(0.85, 1.15)}
        bts = max(2, round(c.population / 1600 * (0.6 + c.dev)))
        for month, period in enumerate(BROADBAND_PERIODS):
            grow = 1 + 0.01 * month
            rows.append({
                "commune_code": c.code, "commune_name": c.name, "period": period,
                "villages_total": villages, "villages_4g": min(villages, round(villages * min(1.0, start["g4"] * grow))),
                "coverage_5g_pct": round(min(100.0, start["g5"] * (1 + 0.04 * month)), 1),
                "bts_stations": bts + month // 2, "fixed_broadband_subs": round(c.population * start["fixed"] * grow),
                "households": households, "fibre_households": min(households, round(households * start["fibre"] * grow)),
                "mobile_subs": round(c.population * start["mobile"] * grow),
            })
    _place_ly_son(rows)
    _as_reported(rows, {c.code: c for c in communes})
    return rows


def _as_reported(rows: list[dict], communes: dict[str, Commune]) -> None:
    """What the reports say of every month: 5G only in urban areas and industrial parks (phường, and the most
    developed xã), 4G in every village of Minh Long and Sơn Mai, Mỏ Cày's 14 tổ dân phố."""
    for row in rows:
        c = communes[row["commune_code"]]
        if c.unit_type != "phường" and c.dev < 0.75 and c.code != LY_SON:
            row["coverage_5g_pct"] = 0.0
        if c.name in FULL_4G:
            row["villages_4g"] = row["villages_total"]
        if c.code == MO_CAY:
            row["villages_total"] = MO_CAY_VILLAGES
            row["villages_4g"] = min(row["villages_4g"], MO_CAY_VILLAGES)


def _place_ly_son(rows: list[dict]) -> None:
    """Lý Sơn's November 2025 figures as reported; the earlier months a little lower."""
    series = [r for r in rows if r["commune_code"] == LY_SON]
    for back, row in enumerate(reversed(series)):
        shrink = 1 - 0.012 * back
        for key, value in LY_SON_NOV.items():
            row[key] = value if key in ("villages_total", "villages_4g", "households") else type(value)(
                round(value * shrink, 1) if isinstance(value, float) else round(value * shrink))
        row["bts_stations"] = LY_SON_NOV["bts_stations"] - (1 if back >= 3 else 0)
    series[-1]["reported_population"] = LY_SON_POPULATION


# ---------------------------------------------------------------- dvctt


def dvctt_rows(communes: list[Commune], rng: random.Random) -> list[dict]:
    rows = []
    for c in communes:
        monthly = c.population * rng.uniform(0.018, 0.032)
        for i, (start, end) in enumerate(DVCTT_PERIODS):
            months = (end.year - start.year) * 12 + end.month - start.month + 1
            if c.code == MO_CAY and end == DVCTT_PERIODS[-1][1]:
                values = dict(MO_CAY_DVCTT)
            else:
                values = _dvctt_values(round(monthly * months), c.dev, i, rng)
            rows.append({"commune_code": c.code, "commune_name": c.name, "period_start": start,
                         "period_end": end, **values})
    return rows


def _dvctt_values(total: int, dev: float, step: int, rng: random.Random) -> dict:
    """One period's dossiers: every part fits its whole and every sum adds up."""
    online = round(total * min(0.99, 0.5 + 0.4 * dev + 0.03 * step + rng.uniform(-0.05, 0.05)))
    withdrawn = round(total * rng.uniform(0.003, 0.015))
    pending = round(total * rng.uniform(0.01, 0.04))
    resolved = total - withdrawn - pending
    late = round(resolved * rng.uniform(0.0, 0.012) * (1.5 - dev))
    full_received = round(total * rng.uniform(0.12, 0.3))
    partial_received = round((total - full_received) * rng.uniform(0.6, 0.85))
    fee = round(total * rng.uniform(0.15, 0.35))
    return dict(
        received_total=total, received_online=online, received_direct=total - online,
        resolved_total=resolved, resolved_on_time=resolved - late, resolved_late=late,
        pending_total=pending, pending_overdue=round(pending * rng.uniform(0, 0.2)), withdrawn=withdrawn,
        partial_procedures=rng.randint(200, 250), partial_received=partial_received,
        partial_online=round(partial_received * min(1.0, 0.6 + 0.35 * dev + rng.uniform(-0.05, 0.05))),
        full_procedures=rng.randint(120, 150), full_received=full_received,
        full_online=round(full_received * min(1.0, 0.9 + 0.1 * dev * rng.uniform(0.5, 1))),
        digitized_dossiers=round(total * rng.uniform(0.97, 1.0)),  # commune digitisation around 99 % (report 002)
        digitized_results=round(resolved * rng.uniform(0.96, 1.0)),
        fee_dossiers=fee, paid_online=round(fee * min(1.0, 0.4 + 0.5 * dev + rng.uniform(-0.05, 0.05))),
    )


# ---------------------------------------------------------------- bdhvs


def bdhvs_rows(communes: list[Commune], rng: random.Random) -> list[dict]:
    """Cumulative series; the two reported dates placed so Mỏ Cày's ranks come out as reported."""
    mo_cay = next(c for c in communes if c.code == MO_CAY)
    others = [c for c in communes if c.code != MO_CAY]
    natural = {c.code: (40 + 130 * c.dev) * rng.uniform(0.7, 1.3) for c in others}  # learners per 1.000 on 18/11
    final = _place(others, mo_cay, MO_CAY_BDHVS[BDHVS_DATES[3]], natural, None, rng)
    third = _place(others, mo_cay, MO_CAY_BDHVS[BDHVS_DATES[2]], natural, final, rng)
    series = {c.code: [None, None, third[c.code], final[c.code]] for c in others}
    series[MO_CAY] = [None, None, MO_CAY_BDHVS[BDHVS_DATES[2]][0], MO_CAY_BDHVS[BDHVS_DATES[3]][0]]
    for values in series.values():
        values[1] = tuple(round(v * rng.uniform(0.8, 0.92)) for v in values[2])
        values[0] = tuple(round(v * rng.uniform(0.75, 0.9)) for v in values[1])
        values[1] = (values[1][0], values[1][1], min(values[1][2], values[1][0]))
        values[0] = (values[0][0], values[0][1], min(values[0][2], values[0][0]))
    rows = [{"commune_code": c.code, "commune_name": c.name, "snapshot_date": d, "learners": series[c.code][i][0],
             "topics_completed": series[c.code][i][1], "certificates": series[c.code][i][2]}
            for i, d in enumerate(BDHVS_DATES) for c in communes]
    for row in rows:  # Mỏ Cày's report gives the ranks the province gave it, with their n
        if row["commune_code"] == MO_CAY and row["snapshot_date"] in MO_CAY_BDHVS:
            ranks = MO_CAY_BDHVS[row["snapshot_date"]][1]
            for metric, rank in zip(("learners", "topics_completed", "certificates", "learners_per_1000"), ranks, strict=True):
                row[f"{metric}_official_rank"] = f"{rank}/96"
    return rows


def _place(others: list[Commune], mo_cay: Commune, reported: tuple, natural: dict[str, float],
           ceiling: dict | None, rng: random.Random) -> dict[str, tuple[int, int, int]]:
    """Learners, topics, certificates of every other commune on one date, meeting Mỏ Cày's reported ranks.

    Exactly rank − 1 communes are strictly ahead on each measure. A commune ahead on learners but
    not per population must be larger than Mỏ Cày, one ahead per population but not on learners
    smaller; `ceiling` (the next date's values) keeps every series non-decreasing.
    """
    (learners, topics, certs), (r_learners, r_topics, r_certs, r_pop) = reported
    per_1000 = 1000 * learners / mo_cay.population
    shrink = 0.72 if ceiling else 1.0  # the earlier date's share of the later one

    def rate(c: Commune) -> float:  # learners per 1.000 this commune would have unconstrained
        return 1000 * ceiling[c.code][0] / c.population * shrink if ceiling else natural[c.code]

    big = [c for c in others if c.population > 1.06 * mo_cay.population]
    small = [c for c in others if c.population < 0.94 * mo_cay.population]
    size = (lambda c: ceiling[c.code][0]) if ceiling else (lambda c: natural[c.code] * c.population)
    leaders = sorted(big, key=lambda c: -size(c))[: r_learners - 1]
    roomy = (lambda c: 1000 * ceiling[c.code][0] / c.population > 1.03 * per_1000) if ceiling else (lambda c: True)
    ahead_pop = {c.code for c in leaders if rate(c) > per_1000 and roomy(c)}
    pool = sorted((c for c in small if roomy(c)), key=lambda c: -rate(c))
    ahead_pop |= {c.code for c in pool[: r_pop - 1 - len(ahead_pop)]}
    ranked = [c.code for c in leaders]
    out = {}
    for c in others:
        lo, hi = _learner_bounds(c, c.code in ranked, c.code in ahead_pop, learners, per_1000)
        if ceiling:
            hi = min(hi, ceiling[c.code][0])
        if lo > hi:
            raise ValueError(f"sample data: no room for {c.name}")
        out[c.code] = round(_within(rate(c) * c.population / 1000, lo, hi, rng))
    return {code: _topics_and_certs(code, out[code], ranked, r_topics, r_certs, topics, certs, ceiling, rng)
            for code in out}


def _within(wish: float, lo: float, hi: float, rng: random.Random) -> float:
    """`wish` if it lies in [lo, hi], else a random point near the bound it crossed (no artificial ties)."""
    if wish > hi:
        return rng.uniform(max(lo, hi * 0.85), hi)
    if wish < lo:
        return rng.uniform(lo, min(hi, lo * 1.15))
    return wish


def _learner_bounds(c: Commune, ahead: bool, ahead_pop: bool, learners: int, per_1000: float) -> tuple[float, float]:
    """The range of learners that puts commune c ahead of / behind Mỏ Cày as decided (2 % margins)."""
    pop_line = per_1000 * c.population / 1000
    lo = max(learners * 1.02 if ahead else 0, pop_line * 1.02 if ahead_pop else 0)
    hi = min(learners * 0.98 if not ahead else float("inf"), pop_line * 0.98 if not ahead_pop else float("inf"))
    return lo, (hi if hi != float("inf") else max(lo * 1.4, learners * 1.5))


def _topics_and_certs(code: str, learners: int, ranked: list[str], r_topics: int, r_certs: int, topics: int,
                      certs: int, ceiling: dict | None, rng: random.Random) -> tuple[int, int, int]:
    """Topics ahead only for the first rank−1 learner leaders; certificates likewise, never above learners."""
    t = learners * rng.uniform(3.2, 4.2)
    c = learners * rng.uniform(0.55, 0.75)
    t_top = ceiling[code][1] if ceiling else t * 2
    c_top = min(learners, ceiling[code][2] if ceiling else learners)
    t = _within(t, topics * 1.02, t_top, rng) if code in ranked[: r_topics - 1] else _within(t, 0, min(topics * 0.98, t_top), rng)
    c = _within(c, certs * 1.02, c_top, rng) if code in ranked[: r_certs - 1] else _within(c, 0, min(certs * 0.98, c_top), rng)
    return learners, round(t), min(round(c), learners)


# ---------------------------------------------------------------- targets


TARGET_HEADER = ["STT", "Tên chỉ tiêu", "Đơn vị", "Đến hết năm 2025", "Đến năm 2030", "Đến năm 2035",
                 "Đến năm 2040", "Đến năm 2045", "Cơ quan, đơn vị chủ trì, tham mưu thực hiện", "Cơ quan theo dõi đánh giá"]
PVH = "Phòng Văn hóa - Xã hội"
TELCO = "Viettel; VNPT Quảng Ngãi, chi Nhánh Lý Sơn"
CENTRE = "Trung tâm phục vụ hành chính công đặc khu"
UNITS = "Các phòng, ban, đơn vị đặc khu"
# The appendix of the Lý Sơn action plan (report 001), as written, typos included ("2,3").
TARGET_ROWS = [
    ["1", "Phát triển hạ tầng số", None, None, None, None, None, None, None, None],
    ["1.1", "Tỷ lệ phủ sóng 5G trên địa bàn", "%", "50", "100", "100", "100", "100", TELCO, PVH],
    ["1.2", "Tỷ lệ số người sử dụng có khả năng truy cập băng rộng cố định với tốc độ trên 01 Gbps/s.", "%",
     "60", "100", "100", "100", "100", TELCO, PVH],
    ["1.3", "Tỷ lệ phủ sóng 6G trên địa bàn", "%", "-", "-", "50", "80", "100", TELCO, PVH],
    ["2", "Phát triển nguồn lực số", None, None, None, None, None, None, None, None],
    ["2.1", "Tỷ lệ % tổng chi ngân sách địa phương chi cho khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số.",
     "%", "0,5", "≥ 1", "≥1,5", "≥2", "≥2,5", "Phòng Kinh tế",
     "Phòng Văn hóa - Xã hội, Trung tâm Phục vụ Hành chính công, Văn phòng HĐND&UBND, các cơ quan, đơn vị liên quan"],
    ["2.2", "Tỷ lệ cán bộ, công chức, viên chức của địa phương được bồi dưỡng kỹ năng số căn bản", "%",
     "≥80", "≥100", "≥100", "≥100", "≥100", PVH, "Sở Khoa học và Công nghệ tỉnh, các đơn vị công nghệ, viễn thông"],
    ["2,3", "Tỷ lệ cán bộ, công chức, viên chức làm chủ kỹ năng số, ứng dụng công nghệ trong quản lý, điều hành", "%",
     "75-80", "100", "100", "100", "100", "Các phòng, ban, đơn vị thuộc đặc khu", None],
    ["2.4", "Tỷ lệ dân số trưởng thành tiếp cận dịch vụ số trong y tế, giáo dục, bảo hiểm, giao thông.", "%",
     "75-80", "≥85", "≥90", "≥95", "≥95",
     "Bảo hiểm xã hội Lý Sơn; Trung tâm Y tế Quân - Dân y kết hợp; các Trường học trên địa bàn", PVH],
    ["2.5", "Tạo điều kiện cho cán bộ, công chức, viên chức tham gia các lớp học tập, tập huấn về khoa học công nghệ "
     "và đổi mới sáng tạo.", "%", "20", "30", "50", "60", "70", "Các phòng, ban, đơn vị đặc khu", None],
    ["3", "Phát triển chuyển đổi số", None, None, None, None, None, None, None, None],
    ["3.1", "Chỉ số chuyển đổi số của địa phương", None, "≥ 0,60", "≥ 0,75", "≥ 0,85", "≥ 0,92", "đạt 1", PVH, UNITS],
    ["3.2", "Tỷ lệ thủ tục hành chính được tiếp nhận, giải quyết phi địa giới hành chính giữa các cấp chính quyền.",
     "%", "≥ 70", "100", "100", "100", "100", CENTRE, UNITS],
    ["3.3", "Tỷ lệ hồ sơ, kết quả giải quyết thủ tục hành chính được số hóa", "%", "≥ 70", "100", "100", "100", "100",
     CENTRE, UNITS],
    ["3.4", "Tỷ lệ dịch vụ công trực tuyến toàn trình trên tổng số thủ tục hành chính có đủ điều kiện.", "%",
     "≥ 80", "≥ 95", "100", "100", "100", CENTRE, UNITS],
    ["3.5", "Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến", "%", "≥70", "≥85", "≥90", "≥95", "≥95", CENTRE, UNITS],
    ["3.6", "Tỷ lệ cơ sở dữ liệu được số hóa", "%", "≥50", "≥60", "≥80", "100", "100", None, UNITS],
    ["4", "Tỷ lệ nhiệm vụ được theo dõi, quản lý, giám sát của các cơ quan hành chính thực hiện trên môi trường điện tử",
     "%", "50", "55", "60", "70", "100", PVH, UNITS],
    ["5", "Tỷ lệ các cơ quan nhà nước thực hiện chỉ đạo, điều hành, quản trị nội bộ trên môi trường điện tử", "%",
     "60", "90", "100", "100", "100", None, UNITS],
    ["6", "Tỷ lệ đảng ủy, chính quyền xã, phường sử dụng phần mềm quản trị điều hành thống nhất.", "%", "≥  60",
     "≥  90", "100", "100", "100 (Các hệ thống đảng số, chính quyền số vận hành hoàn toàn thông minh.)",
     "Văn phòng Đảng ủy đặc khu", None],
    ["7", "Tỷ lệ người dân có tài khoản định danh điện tử mức 2, cài đặt và sử dụng ứng dụng VNelD", "%",
     "≥70", "≥80", "≥90", "≥95", "≥95", "Công an Đặc khu Lý Sơn", UNITS],
    ["8", "Dân số từ 15 tuổi trở lên có tài khoản giao dịch tại ngân hàng hoặc các tổ chức được phép khác", "%",
     "50", "80", "100", "100", "100", "Các Ngân hàng đóng trên địa bàn", None],
    ["9", "Tỷ lệ người dân trưởng thành có chữ ký số hoặc chữ ký điện tử", "%", "-", "≥ 10", "20", "30", "40", TELCO,
     "Phòng Văn hóa - Khoa học"],
    ["10", "Đẩy mạnh ứng dụng thương mại điện tử", None, None, None, None, None, None, "Phòng Kinh tế", UNITS],
]


# ---------------------------------------------------------------- workbooks


def _workbook(sheet_title: str) -> tuple[openpyxl.Workbook, object]:
    import openpyxl  # here, not at the top: the app imports this module for SAMPLE notes only

    wb = openpyxl.Workbook()
    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.properties.creator = "warehouse.samples"
    ws = wb.active
    ws.title = sheet_title
    return wb, ws


def _save(wb: openpyxl.Workbook, path: Path) -> Path:
    """Save, then rewrite the zip with fixed times: openpyxl stamps 'now' into it."""
    wb.save(path)
    with zipfile.ZipFile(path) as zin:
        entries = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            zout.writestr(zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6]), data, zipfile.ZIP_DEFLATED)
    return path


def write_dataset(path: Path, dataset: str, rows: list[dict]) -> Path:
    """Title row, blank row, the Vietnamese header (row 3), data from row 4."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ds = datasets.get(dataset)
    columns = ["commune_code", "commune_name"] + [c.name for c in ds.columns if c.name not in ("commune_code", "commune_name")
                                                  and any(row.get(c.name) is not None for row in rows)]
    wb, ws = _workbook(ds.title[:31])
    ws.append([f"DỮ LIỆU MẪU – {ds.title} (số liệu minh họa, không phải số liệu chính thức)"])
    ws["A1"].font = Font(bold=True)
    ws.append([])
    ws.append([ds.column(c).label for c in columns])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([row.get(c) for c in columns])
    for col_cells in ws.iter_cols(min_row=4):
        for cell in col_cells:
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
    for i, name in enumerate(columns):
        ws.column_dimensions[get_column_letter(i + 1)].width = 26 if name == "commune_name" else 16
    return _save(wb, path)


LY_SON_PLAN_TITLE = ("PHỤ LỤC", "DANH MỤC CÁC CHỈ TIÊU CỤ THỂ",
                     "(Kèm theo Quyết định ban hành Kế hoạch hành động số /QĐ-UBND ngày /7/2025 của UBND đặc khu)",
                     "DỮ LIỆU MẪU – chép từ phụ lục Kế hoạch hành động của đặc khu Lý Sơn")
# The province's own plan is not among the reports we have: the sample gives an illustrative one, the same
# indicators as Lý Sơn's appendix, so that the province and its 96 units are judged against something.
PROVINCE_PLAN_TITLE = ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "PHỤ LỤC CHỈ TIÊU CHUYỂN ĐỔI SỐ",
                       "DỮ LIỆU MẪU – kế hoạch minh họa của tỉnh, chép các chỉ tiêu của phụ lục đặc khu Lý Sơn; "
                       "không phải kế hoạch chính thức")


def write_targets(path: Path, title: tuple[str, ...] = LY_SON_PLAN_TITLE) -> Path:
    from openpyxl.styles import Font

    wb, ws = _workbook("Phụ lục")
    for line in title:
        ws.append([line])
    ws.append(TARGET_HEADER)
    for cell in ws[len(title) + 1]:
        cell.font = Font(bold=True)
    for row in TARGET_ROWS:
        ws.append(row)
    ws.column_dimensions["B"].width = 60
    return _save(wb, path)


# Minh Long's half-year report (002), as the former district wrote it: its figures stay the district's
MINH_LONG_TITLE = ("UBND HUYỆN MINH LONG", "BÁO CÁO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH 6 THÁNG ĐẦU NĂM 2025",
                   "(Từ ngày 01/01/2025 đến 30/06/2025)")
MINH_LONG_ROWS = [["Đơn vị", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến", "Tiếp nhận trực tiếp và bưu chính",
                   "Tỷ lệ số hóa hồ sơ (%)", "Tỷ lệ số hóa kết quả (%)"],
                  ["Huyện Minh Long", 1686, 1644, 47, 99.92, 99.74]]


def write_minh_long(path: Path) -> Path:
    """The former district's own table: 1.644 + 47 ≠ 1.686 as the report has it (a warning, not a refusal)."""
    wb, ws = _workbook("Minh Long")
    for line in (*MINH_LONG_TITLE, *MINH_LONG_ROWS):
        ws.append(list(line) if isinstance(line, list) else [line])
    return _save(wb, path)


def write_samples(folder: Path) -> list[Path]:
    """Write broadband.xlsx, dvctt.xlsx, bdhvs.xlsx, targets.xlsx (Lý Sơn's plan) and targets_tinh.xlsx (an
    illustrative province plan) into `folder`; same bytes every run. A file's dataset is its name up to '_'."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    communes = read_communes(rng)
    by_code = lambda rows: sorted(rows, key=lambda r: (next(v for k, v in r.items() if "period" in k or "date" in k),
                                                       r["commune_code"]))
    return [
        write_dataset(folder / "broadband.xlsx", "broadband", by_code(broadband_rows(communes, rng))),
        write_dataset(folder / "dvctt.xlsx", "dvctt", by_code(dvctt_rows(communes, rng))),
        write_dataset(folder / "bdhvs.xlsx", "bdhvs", by_code(bdhvs_rows(communes, rng))),
        write_targets(folder / "targets.xlsx"),
        write_targets(folder / "targets_tinh.xlsx", PROVINCE_PLAN_TITLE),
        write_minh_long(folder / "dvctt_minh_long.xlsx"),
    ]
