"""The printable one-page brief for leadership: province figures against the plan, and the laggards.

`render(con, ...)` reads the marts and returns one self-contained HTML document: inline CSS with an A4
@page and print rules, system fonts only, no scripts, images or links to fetch, every value escaped.
Open it in a browser and print (Ctrl+P), or show it in the app. No Streamlit here.
Like every export (warehouse.exports), it says what it is: sample data, the filters, the day it was made, and the
loads of every dataset it draws on, by number.
"""

from __future__ import annotations

import html
from datetime import date

import pandas as pd

from warehouse import datasets, exports, formatting, leader, metrics, queries, samples

# column headers of the laggards table (the note under it gives each measure's full name and target)
SHORT_LABELS = {m.label: m.short_label for m in metrics.METRICS.values()}
SAMPLE_NOTE = f"DỮ LIỆU MẪU — {samples.ILLUSTRATIVE}"
DATASETS = tuple(datasets.DATASETS)  # the brief draws on every dataset: the communes, the measures, the plan

CSS = """
@page { size: A4 portrait; margin: 10mm 12mm 10mm 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, "Segoe UI", sans-serif;
       font-size: 8pt; line-height: 1.22; color: #1f2933; margin: 0; }
main { max-width: 186mm; margin: 0 auto; }
h1 { font-size: 14pt; margin: 0 0 1mm 0; color: #0d3c61; }
h2 { font-size: 10pt; margin: 2.6mm 0 1mm 0; padding-bottom: 0.6mm; border-bottom: 1.2px solid #0d3c61;
     color: #0d3c61; }
p { margin: 0.8mm 0; }
.meta { color: #52606d; font-size: 8pt; }
.sample { display: inline-block; border: 1.4px solid #c05600; color: #c05600; font-weight: 700; padding: 0.6mm 2mm;
          margin-bottom: 1.5mm; font-size: 8.4pt; }
table { border-collapse: collapse; width: 100%; margin: 0.8mm 0; }
th, td { border: 0.6px solid #bcccdc; padding: 0.45mm 1.2mm; vertical-align: top; }
td.name { white-space: nowrap; }
th { background: #e6edf3; font-weight: 600; text-align: left; }
td.num, th.num { text-align: right; }
td.num { white-space: nowrap; }
td.met { color: #1b6e37; font-weight: 600; }
td.miss { color: #b42318; font-weight: 700; }
td.none { color: #7b8794; }
.group td { background: #f5f7fa; font-weight: 600; }
.note { color: #52606d; font-size: 7.6pt; }
footer { margin-top: 2.5mm; border-top: 0.6px solid #bcccdc; padding-top: 1mm; color: #52606d; font-size: 7.4pt; }
@media screen { body { background: #eef2f6; } main { background: #fff; padding: 10mm 12mm; margin: 4mm auto;
                box-shadow: 0 1px 4px rgba(0,0,0,.15); } }
@media print { h2, tr { break-inside: avoid; page-break-inside: avoid; } thead { display: table-header-group; } }
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _table(headers: list[tuple[str, str]], rows: list) -> str:
    """An HTML table; headers and cells are (text, css class), a row given as a str is a group heading row.
    Every text is escaped here."""
    head = "".join(f'<th class="{cls}">{_e(text)}</th>' for text, cls in headers)
    body = "".join(
        f'<tr class="group"><td colspan="{len(headers)}">{_e(row)}</td></tr>' if isinstance(row, str) else
        "<tr>" + "".join(f'<td class="{cls}">{_e(text)}</td>' for text, cls in row) + "</tr>"
        for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _status_class(met: object) -> str:
    return "none" if pd.isna(met) else ("met" if met else "miss")


def overview_section(kpis: pd.DataFrame) -> str:
    """Province figures at the latest period of each dataset, change since the previous one, target status."""
    rows: list = []
    for dataset, label in metrics.DATASET_LABELS.items():
        part = kpis[(kpis["dataset"] == dataset) & kpis["value"].notna()].set_index("metric")
        if part.empty:
            continue
        first = part.iloc[0]
        previous = first["previous_period_end"]
        rows.append(f"{label} — {metrics.period_label(dataset, first['period_start'], first['period_end'])} "
                    f"({int(first['units_reporting'])} đơn vị báo cáo"
                    + (f"; so với kỳ đến {formatting.day(previous)})" if not pd.isna(previous) else ")"))
        for metric in metrics.of_dataset(dataset):
            if metric.name not in part.index:
                continue
            r = part.loc[metric.name]
            has_target = not pd.isna(r["indicator_code"])
            target = (metrics.target_label(r["comparator"], r["target_value"], r["target_upper"], r["target_unit"],
                                           r["target_text"]) if has_target else "")
            rows.append([
                (metric.label, ""), (metric.format(r["value"]), "num"), (metrics.change_text(metric, r["change"]), "num"),
                (f"{target} (chỉ tiêu {r['indicator_code']})" if has_target else "", "num"),
                (metrics.status_label(r["status"]) if has_target else "", _status_class(r["met"]) if has_target else ""),
            ])
    if not rows:
        return "<p>Chưa có số liệu.</p>"
    year = kpis["target_year"].dropna()
    headers = [("Chỉ số", ""), ("Toàn tỉnh", "num"), ("So với kỳ trước", "num"),
               (f"Mục tiêu {int(year.iloc[0])}" if len(year) else "Mục tiêu", "num"), ("Kết quả", "")]
    return _table(headers, rows)


def targets_section(summary: pd.DataFrame) -> str:
    """The year's tracked indicators with the province's result and the communes meeting them; the others listed."""
    tracked = summary[summary["is_tracked"]]
    several = tracked["indicator_code"].duplicated(keep=False)
    rows = []
    for (_, r), many in zip(tracked.iterrows(), several, strict=True):
        metric = metrics.get(r["metric"])
        name = r["indicator_name"].rstrip(".")
        if many or r["is_proxy"]:
            name += f" — đo bằng: {metric.label[0].lower()}{metric.label[1:]}" + (" (gần đúng)" if r["is_proxy"] else "")
        communes = (f"{int(r['communes_met'])}/{int(r['communes_with_data'])}"
                    if not pd.isna(r["communes_with_data"]) and r["communes_with_data"] else "–")
        rows.append([
            (r["indicator_code"], ""), (name, ""), (leader.target_text(r), "num"),
            (metric.format(r["unit_actual"]), "num"),
            (metrics.status_label(r["unit_status"]), _status_class(r["unit_met"]) + " name"), (communes, "num"),
        ])
    headers = [("STT", ""), ("Chỉ tiêu", ""), ("Mục tiêu", "num"), ("Toàn tỉnh", "num"), ("Kết quả", ""),
               ("Số xã đạt", "num")]
    out = _table(headers, rows) if rows else "<p>Không chỉ tiêu nào của năm này có số đo trong kho.</p>"
    untracked = summary[~summary["is_tracked"]]["indicator_code"].drop_duplicates().tolist()
    if untracked:
        out += (f'<p class="note">{len(untracked)} chỉ tiêu khác của năm chưa có số đo trong kho nên không đánh giá '
                f'ở đây: {_e(", ".join(untracked))}.</p>')
    return out


def laggards_section(laggards: pd.DataFrame) -> str:
    """The communes furthest below the year's targets, their value on every tracked measure, misses marked."""
    if laggards.empty:
        return "<p>Không có xã nào chưa đạt chỉ tiêu có số đo trong kho (trong phạm vi đã lọc).</p>"
    table, missed = leader.laggards_table(laggards)
    measure_columns = list(table.columns[4:])
    headers = [("#", "num"), ("Đơn vị", ""), ("Huyện cũ", ""), ("Chưa đạt", "num")] + [
        (f"{c.split(' · ')[0]} {SHORT_LABELS.get(c.split(' · ', 1)[-1], c.split(' · ', 1)[-1])}", "num")
        for c in measure_columns]
    rows = []
    for i in range(len(table)):
        row = [(table.iat[i, 0], "num"), (table.iat[i, 1], "name"), (table.iat[i, 2], "name"), (table.iat[i, 3], "num")]
        for column in measure_columns:
            row.append((table.at[i, column], "num miss" if missed.at[i, column] else "num"))
        rows.append(row)
    targets = laggards.drop_duplicates(["indicator_code", "metric"])
    goals = "; ".join(f"{r['indicator_code']} {metrics.get(r['metric']).label}: {leader.target_text(r)}"
                      for _, r in targets.iterrows())
    return (_table(headers, rows)
            + f'<p class="note">Chữ đỏ: chưa đạt mục tiêu ({_e(goals)}). Xếp theo số chỉ tiêu chưa đạt, rồi theo '
              "mức thiếu hụt bình quân so với mục tiêu (thiếu hụt / mục tiêu).</p>")


def document(*, kpis: pd.DataFrame, summary: pd.DataFrame, laggards: pd.DataFrame, plan: dict, year: int,
             source: exports.Source, latest_period: object, today: date, limit: int) -> str:
    """The brief as one HTML document from the frames of the queries (pure: no database); `source`: the loads it
    draws on and the filters of its list of communes."""
    filters_text = "; ".join(source.filters) if source.filters else exports.NO_FILTER
    sample = f'<div class="sample">{_e(SAMPLE_NOTE)}</div>' if source.is_sample else ""
    judged = (f"so với số liệu mới nhất (năm {plan['data_year']})" if plan.get("data_year") else "")
    body = f"""
<main>
<header>
{sample}
<h1>Bản tin chuyển đổi số tỉnh Quảng Ngãi</h1>
<p class="meta">Số liệu đến ngày {_e(formatting.day(latest_period))} · Chỉ tiêu năm {_e(year)} {_e(judged)} ·
Lập ngày {_e(formatting.day(today))} · Bộ lọc danh sách xã: {_e(filters_text)}, {_e(limit)} xã đầu danh sách</p>
</header>
<h2>1. Toàn tỉnh ở kỳ mới nhất của từng bộ số liệu</h2>
{overview_section(kpis)}
<p class="note">Tỷ lệ toàn tỉnh = tổng tử số / tổng mẫu số của các xã báo cáo; «So với kỳ trước»: điểm % với tỷ lệ.</p>
<h2>2. Chỉ tiêu kế hoạch đến năm {_e(year)}</h2>
{targets_section(summary)}
<h2>3. Các xã chưa đạt nhiều chỉ tiêu nhất (năm {_e(year)})</h2>
{laggards_section(laggards)}
<footer>Nguồn: kho dữ liệu chuyển đổi số tỉnh Quảng Ngãi, lần nạp {_e(source.short())}. «≥ x» và «x» đạt khi
thực tế ≥ x; khoảng «75–80 %» đạt khi đạt cận dưới. Dân số: số ước tính của danh mục đơn vị hành chính.</footer>
</main>"""
    return (f'<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
            f"<title>Bản tin chuyển đổi số — chỉ tiêu năm {_e(year)}</title>\n<style>{CSS}</style>\n</head>\n"
            f"<body>{body}\n</body>\n</html>\n")


def filter_lines(former_province: list[str] | None, former_district: list[str] | None,
                 unit_type: list[str] | None) -> list[str]:
    """The filters used, as the brief states them."""
    named = (("Tỉnh cũ", former_province), ("Huyện cũ", former_district), ("Loại đơn vị", unit_type))
    return [f"{label}: {', '.join(values)}" for label, values in named if values]


def render(con, *, year: int, former_province: list[str] | None = None, former_district: list[str] | None = None,
           unit_type: list[str] | None = None, limit: int = 10, today: date | None = None) -> str:
    """Read the marts and build the brief of `year` (laggards filtered as given)."""
    status = queries.data_status(con)
    periods = status["latest_period"].dropna()
    return document(
        kpis=queries.overview_kpis(con, year),
        summary=queries.target_summary(con, year),
        laggards=queries.target_laggards(con, year, former_province, former_district, unit_type, limit),
        plan=queries.plan_year(con),
        year=year,
        source=exports.Source(queries.export_sources(con, DATASETS),
                              tuple(filter_lines(former_province, former_district, unit_type))),
        latest_period=periods.max() if len(periods) else None,
        today=today or exports.now().date(),
        limit=limit,
    )
