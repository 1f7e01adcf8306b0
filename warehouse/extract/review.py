"""The last checks before figures go to a workbook: only what `load` takes, each value once.

A column missing from the dataset registry (warehouse/datasets.py) at run time, a fraction for a
count, a percentage over 100, a qualifier the loader does not read, a second value for the same
column and period (the same: a duplicate; another: a conflict, the surer one kept), a row the
dataset cannot take without its required columns — each becomes 'not used' with its reason.
"""

from __future__ import annotations

from warehouse import datasets, formatting, values
from warehouse.extract import periods
from warehouse.extract.model import NOT_USED, Figure, Period

_KEY_COLUMNS = {"commune_code", "commune_name", "period", "period_start", "period_end", "snapshot_date"}


def review(figures: list[Figure], report_period: Period | None = None) -> None:
    """Mark the figures that cannot go to the workbook as not used, with why."""
    for figure in figures:
        if figure.used:
            reason = _registry(figure) or _value(figure) or _qualifier(figure)
            if reason:
                _drop(figure, reason)
    _dedupe(figures, report_period)
    _rows(figures, report_period)


def _drop(figure: Figure, reason: str) -> None:
    figure.status, figure.reason, figure.unit_code = NOT_USED, reason, None


def column_of(figure: Figure) -> datasets.Column | None:
    dataset = datasets.DATASETS.get(figure.dataset or "")
    return next((c for c in dataset.columns if c.name == figure.column), None) if dataset else None


def _registry(figure: Figure) -> str | None:
    if column_of(figure) is None:
        title = datasets.DATASETS[figure.dataset].title if figure.dataset in datasets.DATASETS else figure.dataset
        return f"chưa có cột '{figure.column}' trong bộ dữ liệu {figure.dataset} ({title})"
    return None


def _value(figure: Figure) -> str | None:
    kind = column_of(figure).kind
    if kind == "int" and isinstance(figure.value, float) and not figure.value.is_integer():
        return f"cột '{column_of(figure).label}' nhận số nguyên, báo cáo ghi {formatting.number(figure.value, 2)}"
    if kind == "pct" and isinstance(figure.value, (int, float)) and not 0 <= figure.value <= 100:
        return f"tỷ lệ {formatting.number(figure.value, 2)} % nằm ngoài 0–100 %"
    return None


def loads_qualifier(word: str) -> bool:
    """Whether `load` reads a number written with this qualifier ('trên 30' → 30 with '>')."""
    reader = getattr(values, "qualified_number", None)
    return bool(reader and reader(f"{word} 1"))


def _qualifier(figure: Figure) -> str | None:
    if figure.qualifier and not loads_qualifier(figure.qualifier):
        return (f"giá trị ước lượng, giới hạn ('{figure.text}'): bộ nạp chưa nhận từ '{figure.qualifier}'; "
                "nếu chấp nhận, hãy nhập số bằng tay")
    return None


def period_key(figure: Figure, report_period: Period | None) -> tuple:
    columns, _ = periods.for_dataset(figure.period, figure.dataset, report_period) if figure.period else (None, None)
    return tuple(sorted((columns or {}).items()))


def _dedupe(figures: list[Figure], report_period: Period | None) -> None:
    """One value per unit, column and period: the surest (a stated figure before a whole of x/n), then the first."""
    groups: dict[tuple, list[tuple[int, Figure]]] = {}
    for order, figure in enumerate(figures):
        if figure.used:
            key = (figure.unit_code, figure.dataset, figure.column, period_key(figure, report_period))
            groups.setdefault(key, []).append((order, figure))
    for members in groups.values():
        members.sort(key=lambda m: (m[1].role == "whole", -m[1].confidence, m[0]))
        kept = members[0][1]
        for _, other in members[1:]:
            _drop(other, _duplicate_reason(kept, other))


def _duplicate_reason(kept: Figure, other: Figure) -> str:
    shown = f"'{kept.text}' ở {kept.where}"
    if _same(kept.value, other.value):
        return f"trùng với {shown} (cùng cột, cùng kỳ)"
    return f"khác với {shown} (cùng cột, cùng kỳ); giữ số có độ tin cậy cao hơn — hãy đối chiếu báo cáo"


def _same(a: object, b: object) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) < 1e-9
    return a == b


def _rows(figures: list[Figure], report_period: Period | None) -> None:
    """A row (unit, dataset, period) the dataset cannot take — a required column or every measure missing — is not used."""
    rows: dict[tuple, list[Figure]] = {}
    for figure in figures:
        if figure.used:
            rows.setdefault((figure.unit_code, figure.dataset, period_key(figure, report_period)), []).append(figure)
    for (_, name, _), members in rows.items():
        missing = _missing(datasets.DATASETS[name], {f.column for f in members})
        for figure in members if missing else []:
            _drop(figure, missing)


def _missing(dataset: datasets.Dataset, present: set[str]) -> str | None:
    required = [c for c in dataset.required if c not in _KEY_COLUMNS and c not in present]
    if required:
        labels = ", ".join(dataset.column(c).label for c in required)
        return f"bộ dữ liệu {dataset.title} cần cả cột {labels} cho kỳ này, báo cáo không nêu"
    if dataset.one_of and not present & set(dataset.one_of):
        labels = ", ".join(dataset.column(c).label for c in dataset.one_of)
        return f"bộ dữ liệu {dataset.title} cần ít nhất một trong các cột: {labels}"
    return None
