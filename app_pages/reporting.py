"""Tình hình gửi số liệu: for each dataset and period, which current units sent figures and which did not, since
when; filtered by former district; the units without figures exported, to chase them."""

import pandas as pd
import streamlit as st

import ui

NEVER = "chưa gửi kỳ nào"

ui.page_header("Tình hình gửi số liệu",
               "Đơn vị đã gửi: kho có ít nhất một số liệu của đơn vị cho kỳ đó (dòng để trống không tính). "
               "Các kỳ là những kỳ có ít nhất một xã, phường, đặc khu đã gửi.")


def period_key(start, end) -> str:
    """A period as the URL writes it: '2025-11-30', or '2025-07-01_2025-10-30' where it has a start."""
    return f"{end:%Y-%m-%d}" if pd.isna(start) else f"{start:%Y-%m-%d}_{end:%Y-%m-%d}"


def last_sent(dataset: str, start, end) -> str:
    """The last period a unit sent before this one, or that it never did."""
    return NEVER if pd.isna(end) else ui.period_label(dataset, start, end)


def units_table(units: pd.DataFrame, **more) -> pd.DataFrame:
    """Units as a table: who and where, then the columns `more` gives."""
    return pd.DataFrame({"Đơn vị": units["commune_name"], "Mã ĐVHC": units["commune_code"], "Loại": units["unit_type"],
                         "Huyện cũ": units["former_district"], **more})


def missing_table(dataset: str, missing: pd.DataFrame) -> pd.DataFrame:
    last = [last_sent(dataset, s, e) for s, e in zip(missing["last_period_start"], missing["last_period_end"], strict=True)]
    return units_table(missing, **{"Kỳ gửi gần nhất": last, "Số kỳ liên tiếp chưa gửi": missing["periods_missing"]})


def sent_table(sent: pd.DataFrame) -> pd.DataFrame:
    return units_table(sent, **{"Lần nạp": sent["load_id"], "Ngày nạp": sent["loaded_at"]})


districts_all = sorted({part.strip() for name in ui.filter_options()["former_district"] for part in name.split(";")})
left, middle, right = st.columns([2, 3, 3])
districts = right.multiselect("Huyện cũ", districts_all, default=ui.param_list("district", districts_all),
                              placeholder="Mọi huyện cũ", key="reporting_district",
                              help="Đơn vị gồm phần của nhiều huyện cũ thuộc về mỗi huyện đó.")
periods = ui.reporting_periods(districts)
if periods.empty:
    st.info("Chưa có số liệu nào của xã, phường, đặc khu. Hãy tải dữ liệu lên ở trang «Tải dữ liệu lên».",
            icon=":material/info:")
    st.stop()

names = [d for d in ui.DATASET_LABELS if d in set(periods["dataset"])]
dataset = left.selectbox("Bộ số liệu", names, index=names.index(ui.param_choice("dataset", names, names[0])),
                         format_func=ui.DATASET_LABELS.get, key="reporting_dataset")
of_dataset = periods[periods["dataset"] == dataset]
of_dataset = of_dataset.set_index(pd.Index([period_key(s, e) for s, e in zip(of_dataset["period_start"],
                                                                            of_dataset["period_end"], strict=True)]))
keys = of_dataset.index.tolist()
key = middle.selectbox(
    "Kỳ số liệu", keys, index=keys.index(ui.param_choice("period", keys, keys[0])), key=f"reporting_period_{dataset}",
    format_func=lambda k: f"{ui.period_label(dataset, of_dataset.at[k, 'period_start'], of_dataset.at[k, 'period_end'])}"
                          f" · {of_dataset.at[k, 'units_with_data']}/{of_dataset.at[k, 'units_total']} đã gửi")
ui.set_params(dataset=dataset, period=key, district=districts)

period = of_dataset.loc[key]
start = None if pd.isna(period["period_start"]) else period["period_start"]
label = ui.period_label(dataset, start, period["period_end"])
units = ui.reporting_units(dataset, period["period_end"], start, districts)
sent, missing = units[units["has_data"]], units[~units["has_data"]]
never = int(missing["last_period_end"].isna().sum())
scope = ", ".join(districts) if districts else "toàn tỉnh"

with st.container(horizontal=True):
    st.metric("Đã gửi", f"{len(sent)}/{len(units)}", border=True, help=f"Đơn vị có số liệu kỳ {label} ({scope})")
    st.metric("Chưa gửi", ui.number(len(missing)), border=True)
    st.metric("Chưa gửi kỳ nào", ui.number(never), border=True,
              help="Trong kho không có số liệu của bộ này ở bất kỳ kỳ nào trước đó của đơn vị")

if missing.empty:
    st.success(f"Đủ: cả {len(units)} đơn vị ({ui.md_text(scope)}) đã gửi số liệu {ui.DATASET_LABELS[dataset]} kỳ {label}.",
               icon=":material/task_alt:")
else:
    st.subheader(f"Chưa gửi: {ui.number(len(missing))} đơn vị")
    table = missing_table(dataset, missing)
    ui.table(table, {})
    ui.export_button(table, f"chua_gui_{dataset}_{key}", key="reporting_export", label="Tải danh sách đơn vị chưa gửi",
                     datasets=(dataset,), filters=[f"Huyện cũ: {scope}"] if districts else [],
                     notes=[f"Đơn vị chưa gửi số liệu {ui.DATASET_LABELS[dataset]} kỳ {label}"])

if len(sent):
    with st.expander(f"Đã gửi: {ui.number(len(sent))} đơn vị (lần nạp mang số liệu của từng đơn vị)",
                     icon=":material/checklist:"):
        ui.table(sent_table(sent), {"Ngày nạp": ui.day})

st.subheader("Các kỳ của bộ số liệu")
st.caption(f"Số đơn vị đã gửi và chưa gửi ở mỗi kỳ ({ui.md_text(scope)}), kỳ mới nhất trước.")
ui.table(pd.DataFrame({
    "Kỳ": [ui.period_label(dataset, s, e) for s, e in zip(of_dataset["period_start"], of_dataset["period_end"], strict=True)],
    "Đã gửi": of_dataset["units_with_data"], "Chưa gửi": of_dataset["units_missing"], "Số đơn vị": of_dataset["units_total"],
}), {})
