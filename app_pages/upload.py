"""Tải dữ liệu lên: choose a file → see how it was read and what the checks found → load it.

Two steps share the page: a table (Excel, CSV) as it is, or "Đọc báo cáo": a narrative report (.docx, PDF, .txt)
read into figures that the analyst reviews beside their sentences before they load.
"""

import pandas as pd
import streamlit as st

import access
import ui

AUTO = "auto"
TABLE, REPORT = "table", "report"
SENTENCE_ROW_HEIGHT, SENTENCE_TABLE_HEIGHT = 72, 560  # rows over 4rem wrap their text: three lines of a sentence

ui.page_header("Tải dữ liệu lên")
access.require_analyst("upload_auth")  # viewers get a login form (or why not) and nothing below
st.caption("Mỗi tệp được kiểm tra tự động trước khi vào kho. Có lỗi thì không ghi dòng nào; "
           "cảnh báo được ghi lại và tệp vẫn được nạp. Tệp gốc được lưu lại.")
kind = st.segmented_control("Loại tệp", [TABLE, REPORT], default=TABLE, required=True, key="upload_kind",
                            format_func={TABLE: "Bảng số liệu (Excel, CSV)", REPORT: "Đọc báo cáo (Word, PDF, văn bản)"}.get)


# ---------------------------------------------------------------- a file loaded before, said first


def already_loaded(path, key: str) -> bool:
    """Say at once, before any reading, that this very file (same content) was loaded: by which load, when, by whom,
    and what the analyst can do. Whether to stop here (a toggle reads it anyway: another sheet, another period)."""
    earlier = ui.earlier_loads(path)
    if earlier.empty:
        return False
    first = earlier.iloc[0]
    sheet = f", trang tính «{ui.md_text(first['sheet'])}»" if ui.is_workbook(first["file_name"]) and first["sheet"] else ""
    more = "".join(f"; lần nạp #{i}" for i in earlier["load_id"].iloc[1:])
    st.warning(
        f"**Tệp này đã được nạp**: lần nạp #{first['load_id']} lúc {ui.moment(first['loaded_at'])}, bởi "
        f"{ui.md_text(ui.loader_label(first['loaded_by']))} ({ui.dataset_label(first['dataset'])}{sheet}, "
        f"{ui.number(first['rows_loaded'])} dòng, tệp «{ui.md_text(first['file_name'])}»){more}. Nạp lại đúng tệp này "
        "không ghi thêm gì.\n\nBạn có thể: xem lần nạp đó ở «Lịch sử tải»; nếu số liệu có chỗ sai, sửa tệp rồi tải "
        "tệp đã sửa lên (số liệu mới thay số liệu cũ của cùng đơn vị và kỳ); muốn nạp lại chính tệp này thì thu hồi "
        "lần nạp cũ trước.", icon=":material/content_copy:")
    st.page_link("app_pages/history.py", label=f"Xem lần nạp #{first['load_id']} ở «Lịch sử tải»",
                 icon=":material/history:", query_params={"load": str(first["load_id"])})
    return not st.toggle("Vẫn đọc và kiểm tra tệp này (để nạp trang tính khác, hoặc với kỳ báo cáo khác)", key=key)


# ---------------------------------------------------------------- Đọc báo cáo: a report's figures, reviewed, loaded


def report_unit(extraction) -> None:
    """Whose report it is and the periods it states; a unit to choose when the letterhead was wrong or missing."""
    unit = extraction.unit
    code = f" (mã {unit.code})" if unit.code else ""
    said = f"Báo cáo của **{ui.md_text(unit.name)}**{code}, đọc từ {ui.md_text(unit.how)}."
    if unit.kind == "current":
        st.info(said + " Chọn đơn vị khác nếu sai.", icon=":material/account_balance:")
    else:
        why = {"former": "là đơn vị cũ (trước 01/7/2025)", "province": "là cấp tỉnh"}.get(unit.kind, "chưa rõ là đơn vị nào")
        st.warning(f"{said} Đơn vị báo cáo {why}: không số liệu nào được ghi cho một xã hiện nay. Chọn đơn vị nếu "
                   "đây là báo cáo của một xã, phường, đặc khu.", icon=":material/account_balance:")
    for note in extraction.notes:
        st.warning(ui.md_text(note), icon=":material/info:")
    names = ui.current_communes()["commune_name"].tolist()
    st.selectbox("Đơn vị báo cáo", [AUTO, *names], key="upload_report_unit",
                 format_func=lambda n: "Theo văn bản" if n == AUTO else n,
                 help="Số liệu chỉ được ghi cho đơn vị báo cáo; số của tỉnh, của huyện cũ hay của đơn vị khác không dùng.")
    stated = "; ".join(p.label() for _, p in extraction.periods) or "không nêu"
    st.caption(f"Kỳ nêu trong báo cáo: {ui.md_text(stated)}.")


def report_figures(extraction) -> pd.DataFrame:
    """The figures beside their sentences: the analyst unticks a figure or types over its value. Returns the edits."""
    frame = ui.report_review(extraction)
    per = ", ".join(f"{name} {count}" for name, count in frame["Bộ dữ liệu"].value_counts(sort=False).items())
    st.subheader(f"Số liệu đọc được: {ui.number(len(frame))}" + (f" ({per})" if per else ""))
    st.caption("Đối chiếu từng số với câu trong báo cáo. Sửa ô «Giá trị» nếu đọc sai (viết như trong báo cáo: 3.781; "
               "86,6; trên 75; 7/96); bỏ chọn «Dùng» để không nạp số đó.")
    column = st.column_config
    return st.data_editor(
        frame, key="upload_report_figures", hide_index=True, width="stretch", height=SENTENCE_TABLE_HEIGHT,
        row_height=SENTENCE_ROW_HEIGHT, disabled=[c for c in frame.columns if c not in (ui.REPORT_USE, ui.REPORT_VALUE)],
        column_config={
            ui.REPORT_USE: column.CheckboxColumn(width=64, help="Bỏ chọn để không nạp số này."),
            "Bộ dữ liệu": column.TextColumn(width=72),
            "Chỉ tiêu": column.TextColumn(width=160),
            ui.REPORT_VALUE: column.TextColumn(width=80, required=True, help="Giá trị sẽ nạp; sửa nếu đọc sai."),
            "Câu trong báo cáo": column.TextColumn(width=380),
            "Vị trí": column.TextColumn(width=80),
            "Kỳ": column.TextColumn(width=90),
            "Độ tin cậy": column.TextColumn(width=70),
        },
    )


def report_not_used(extraction) -> None:
    """The numbers not used, with why: nothing the reader could not place is dropped silently."""
    frame = ui.report_not_used(extraction)
    with st.expander(f"Không dùng: {ui.number(len(frame))} số (kèm lý do)", icon=":material/block:"):
        st.dataframe(frame, hide_index=True, width="stretch", height=SENTENCE_TABLE_HEIGHT, row_height=SENTENCE_ROW_HEIGHT,
                     column_config={"Lý do không dùng": st.column_config.TextColumn(width=260),
                                    "Câu trong báo cáo": st.column_config.TextColumn(width=430)})


def report_checks(tables) -> bool:
    """What each dataset's table holds and what its checks found; whether it can be loaded."""
    parts = [f"{ui.get_dataset(t.dataset).short} {ui.number(t.table.rows if t.table is not None else 0)} dòng"
             for t in tables]
    st.caption("Sẽ nạp thành " + ("một lần nạp" if len(tables) == 1 else f"{len(tables)} lần nạp") + " (mỗi bộ dữ liệu "
               "một lần, tệp gốc là báo cáo này): " + ", ".join(parts) + ".")
    findings = ui.report_findings(tables)
    errors = int((findings["Mức độ"] == "Lỗi").sum())
    if not findings.empty:
        st.subheader(f"Kết quả kiểm tra: {errors} lỗi, {len(findings) - errors} cảnh báo")
        ui.findings_table(findings)
    if errors or not all(t.table is not None for t in tables):
        st.error("Số liệu đã duyệt có lỗi nên chưa thể nạp: sửa giá trị ở bảng trên hoặc bỏ chọn số đó.",
                 icon=":material/error:")
        return False
    if findings.empty:
        st.success("Số liệu đã duyệt đạt mọi kiểm tra.", icon=":material/check_circle:")
    return True


def report_loaded(results) -> None:
    for result in results:
        if result.status == "duplicate":
            st.info(ui.md_text(result.summary()) + " Muốn nạp số đã sửa: thu hồi lần nạp đó ở trang «Lịch sử tải» rồi "
                    "nạp lại.", icon=":material/content_copy:")
        else:
            (st.success if result.ok else st.error)(ui.md_text(result.summary()))


def report_load(path, file_name: str, reviewed, tables, *, ready: bool) -> None:
    """"Nạp vào kho" (one ordinary load per dataset) and the reviewed figures as a workbook."""
    buttons = st.container(horizontal=True, gap="small")
    clicked = buttons.button("Nạp vào kho", type="primary", icon=":material/database_upload:", key="upload_report_load",
                             disabled=not ready)
    buttons.download_button("Tải sổ tính số liệu (.xlsx)", lambda: ui.report_workbook(reviewed),
                            file_name=f"so_lieu_{file_name.rsplit('.', 1)[0]}.xlsx", mime=ui.XLSX_MIME,
                            key="upload_report_workbook", icon=":material/download:", on_click="ignore")
    if clicked:
        loaded_by = access.require_analyst("upload_report_load_auth")  # checked again when clicked
        with st.spinner("Đang nạp…"):
            results = ui.load_report(path, tables, file_name=file_name, loaded_by=loaded_by)
        report_loaded(results)
        st.cache_data.clear()


def forget_stale(path) -> str:
    """A new report forgets the unit chosen for the last; another unit, the edits made to the figures of the last.
    Returns the unit chosen (AUTO: as the report says)."""
    state = st.session_state
    if state.get("upload_report_path") != str(path):
        state.pop("upload_report_unit", None)
        state.pop("upload_report_duplicate_open", None)
    chosen = state.get("upload_report_unit", AUTO)
    if (state.get("upload_report_path"), state.get("upload_report_chosen")) != (str(path), chosen):
        state.pop("upload_report_figures", None)
    state["upload_report_path"], state["upload_report_chosen"] = str(path), chosen
    return chosen


def read_report() -> None:
    """Đọc báo cáo: upload a report, review its figures beside their sentences, load them."""
    uploaded = st.file_uploader("Chọn báo cáo Word (.docx), PDF có lớp chữ hoặc văn bản (.txt)", type=ui.REPORT_TYPES,
                                key="upload_report_file")
    if uploaded is None:
        st.caption("Báo cáo của xã, phường, đặc khu được đọc thành số liệu của các bộ dữ liệu (hồ sơ TTHC, Bình dân học "
                   "vụ số, hạ tầng số), mỗi số kèm câu nó được đọc từ. Bạn duyệt, sửa hoặc bỏ từng số rồi mới nạp.")
        return
    path = ui.save_upload(uploaded)
    chosen = forget_stale(path)
    if already_loaded(path, "upload_report_duplicate_open"):
        return
    with st.spinner("Đang đọc báo cáo…"):
        extraction, findings = ui.extract_report(path, unit=None if chosen == AUTO else chosen)
    if extraction is None:  # a scan, a password, a hostile file: refused and recorded, with what to do
        st.error(ui.md_text(findings[0].message), icon=":material/block:")
        refused = ui.record_refusal(path, None, findings, file_name=uploaded.name, period=None)
        if refused:
            st.caption(f"Lần thử này được ghi vào «Lịch sử tải» (lần nạp #{refused}, bị từ chối); tệp gốc được lưu lại.")
        return
    report_unit(extraction)
    edited = report_figures(extraction) if extraction.used else None
    if edited is None:
        st.warning("Không có số liệu nào dùng được: xem các số không dùng và lý do bên dưới.", icon=":material/warning:")
    report_not_used(extraction)
    if edited is None:
        return
    with st.spinner("Đang kiểm tra số liệu đã duyệt…"):
        reviewed, tables = ui.check_report(path, extraction, edited)
    if not tables:
        st.warning("Đã bỏ mọi số: không có gì để nạp.", icon=":material/warning:")
        return
    report_load(path, uploaded.name, reviewed, tables, ready=report_checks(tables))


if kind == REPORT:
    read_report()
    st.stop()


# ---------------------------------------------------------------- a table (Excel, CSV)

choice = st.selectbox(
    "Bộ dữ liệu", [AUTO, *ui.DATASETS], key="upload_dataset",
    format_func=lambda n: "Tự nhận diện theo tiêu đề cột" if n == AUTO else ui.get_dataset(n).title,
)
uploaded = st.file_uploader("Chọn tệp Excel (.xlsx) hoặc CSV", type=["xlsx", "csv", "txt"], key="upload_file")
if uploaded is None:
    st.stop()

dataset = None if choice == AUTO else choice
path = ui.save_upload(uploaded)
if st.session_state.get("upload_path") != str(path):  # a new file: forget the sheet and period chosen for the last
    for stale in ("upload_sheet", "upload_period", "upload_period_sheet", "upload_unit", "upload_duplicate_open"):
        st.session_state.pop(stale, None)
    st.session_state["upload_path"] = str(path)
if already_loaded(path, "upload_duplicate_open"):
    st.stop()
workbook = ui.is_workbook(uploaded.name)  # a CSV has no sheets to name


def typed_period(table) -> tuple[dict | None, str | None]:
    """The period the analyst typed, when it differs from what the title says: (period, error)."""
    text = (st.session_state.get("upload_period") or "").strip()
    read = ui.period_as_typed(table.period) if table is not None and table.period_source == "title" else ""
    if table is None or not text or text == read or table.dataset not in ui.PERIOD_COLUMNS:
        return None, None
    try:
        return ui.parse_period(text, table.dataset), None
    except ValueError as exc:
        return None, str(exc)


def chosen_unit(table) -> str | None:
    """Whose plan the analyst chose, when it differs from what the title says (targets only)."""
    unit = st.session_state.get("upload_unit", AUTO)
    if table is None or table.dataset != "targets" or unit in (AUTO, table.plan_unit):
        return None
    return unit


with st.spinner("Đang đọc và kiểm tra tệp…"):
    sheet = st.session_state.get("upload_sheet")
    table, findings = ui.check_upload(path, dataset, sheet=sheet)
    if table is not None and st.session_state.get("upload_period_sheet") != table.sheet:  # another table: its own period
        st.session_state.pop("upload_period", None)
        st.session_state["upload_period_sheet"] = table.sheet
    period, period_error = typed_period(table)
    if period:
        table, findings = ui.check_upload(path, dataset, sheet=sheet, period=period)
    unit = chosen_unit(table)
    if unit:
        table, findings = ui.check_upload(path, dataset, sheet=sheet, period=period, unit=unit)


FORMATS = {"int": ui.number, "num": lambda v: ui.number(v, 2), "pct": ui.percent,
           "date": ui.day, "year": str}


def preview(table, ds):
    """The first rows as read, under Vietnamese headers, in Vietnamese formats."""
    frame = table.frame.head(20)
    if ds.has_commune and "commune_code" in frame.columns:  # the commune first, with the name it resolved to
        names = ui.current_communes().set_index("commune_code")["commune_name"]
        frame = frame.assign(commune_name=frame["commune_code"].map(names))
        first = ["source_row", "commune_code", "commune_name"]
        frame = frame[first + [c for c in frame.columns if c not in first]]
    kinds = {c.name: c.kind for c in ds.columns}
    labels = {"source_row": "Dòng", **{c.name: c.label for c in ds.columns}, "commune_name": "Đơn vị (theo danh mục)"}
    formats = {labels[c]: FORMATS[kinds[c]] for c in frame.columns if kinds.get(c) in FORMATS}
    return ui.styled(frame.rename(columns=labels), formats)


def show_period(table, findings) -> None:
    """The period read from the title, for the analyst to confirm, or a field to type it."""
    missing = any(f.rule == "period_missing" for f in findings)
    if table.dataset not in ui.PERIOD_COLUMNS or not (table.period_source or missing):
        return
    if table.period_source == "title":
        st.info(f"Bảng không có cột kỳ báo cáo. Kỳ đọc từ tiêu đề «{ui.md_text(table.period_text)}»: "
                f"**{ui.typed_period_label(table.dataset, table.period)}**. Kiểm tra lại; sửa ô dưới đây nếu sai.",
                icon=":material/event:")
    elif table.period_source == "given":
        st.info(f"Kỳ báo cáo bạn nhập: **{ui.typed_period_label(table.dataset, table.period)}** (áp dụng cho mọi dòng).",
                icon=":material/event:")
    elif missing:
        st.warning("Bảng không có cột kỳ báo cáo và tiêu đề không ghi kỳ: hãy nhập kỳ báo cáo.", icon=":material/event:")
    if "upload_period" not in st.session_state and table.period_source == "title":
        st.session_state["upload_period"] = ui.period_as_typed(table.period)
    st.text_input("Kỳ báo cáo", key="upload_period", placeholder=ui.PERIOD_EXAMPLES[table.dataset],
                  help="Ví dụ: 01/07/2025-30/10/2025 (từ ngày – đến ngày), 11/2025 (tháng), 18/11/2025 (ngày số liệu).")
    if period_error:
        st.error(ui.md_text(period_error), icon=":material/error:")


def show_plan_unit(table) -> None:
    """Whose plan the targets are, as read from the title, for the analyst to confirm or change."""
    if table.dataset != "targets":
        return
    units = ui.current_communes().set_index("commune_code")["commune_name"].to_dict()
    if table.plan_unit_source == "title":
        st.info(f"Kế hoạch của **{ui.md_text(table.plan_unit_name)}**, đọc từ tiêu đề «{ui.md_text(table.plan_unit_text)}»: "
                "chỉ tiêu được đánh giá cho " + ("toàn tỉnh và từng xã." if table.plan_unit == ui.PROVINCE else
                                                 "riêng đơn vị này.") + " Chọn đơn vị khác nếu sai.",
                icon=":material/flag:")
    elif table.plan_unit is None:
        st.warning("Tiêu đề không cho biết đây là kế hoạch của tỉnh hay của đơn vị nào: hãy chọn.", icon=":material/flag:")
    read = {AUTO: f"Theo tiêu đề ({table.plan_unit_name})" if table.plan_unit_source == "title" else "Chưa chọn"}
    names = {**read, ui.PROVINCE: "Tỉnh (kế hoạch của UBND tỉnh)", **units}
    st.selectbox("Kế hoạch của đơn vị", list(names), key="upload_unit", format_func=names.get,
                 help="Kế hoạch của tỉnh được đánh giá cho toàn tỉnh và từng xã; kế hoạch riêng của một xã, phường, "
                      "đặc khu chỉ cho đơn vị đó.")


if table is not None:
    ds = ui.get_dataset(table.dataset)
    st.subheader(f"Bảng đọc được: {ds.title}")
    if len(table.matching_sheets) > 1:
        st.selectbox("Trang tính", table.matching_sheets, index=table.matching_sheets.index(table.sheet),
                     key="upload_sheet", help="Tệp có nhiều trang tính có bảng số liệu; chọn trang cần nạp.")
    last_header = table.header_row + table.header_rows - 1
    header_rows = f"dòng {table.header_row}" if table.header_rows == 1 else f"dòng {table.header_row}–{last_header}"
    where = (f"Trang tính «{ui.md_text(table.sheet)}» ({len(table.sheet_names)} trang tính trong tệp)" if workbook
             else "Tệp CSV")
    st.caption(f"{where}, tiêu đề cột ở {header_rows}, {table.rows} dòng số liệu.")
    show_period(table, findings)
    show_plan_unit(table)
    mapping = pd.DataFrame(
        [(header, ds.column(col).label if not col.startswith("year:") else "Năm " + col[5:])
         for col, header in table.headers.items()],
        columns=["Cột trong tệp", "Hiểu là"],
    )
    c1, c2 = st.columns([3, 2])
    c1.dataframe(mapping, hide_index=True, width="stretch")
    if table.ignored_headers:
        c1.caption("Cột không dùng: " + ", ".join(ui.md_text(h) for h in table.ignored_headers))
    skipped = pd.DataFrame(ui.describe_skipped(table.skipped_rows), columns=["Dòng", "Không đọc vì"])
    c2.dataframe(skipped, hide_index=True, width="stretch")
    st.dataframe(preview(table, ds), hide_index=True, width="stretch", placeholder="–")

errors = [f for f in findings if f.severity == "error"]
warnings = [f for f in findings if f.severity == "warning"]
refused = ui.record_refusal(path, table, findings, file_name=uploaded.name, period=period, unit=unit)
if table is None and errors:  # the file itself was refused: the whole reason, not a cut-off table cell
    st.error(ui.md_text(errors[0].message), icon=":material/block:")
elif findings:
    st.subheader(f"Kết quả kiểm tra: {len(errors)} lỗi, {len(warnings)} cảnh báo")
    ui.findings_table(ui.findings_frame(findings, sheets=workbook))
if refused:
    st.caption(f"Lần thử này được ghi vào «Lịch sử tải» (lần nạp #{refused}, bị từ chối); tệp gốc được lưu lại.")
if table is None and errors:
    st.stop()
if errors or period_error:
    st.error("Tệp có lỗi nên chưa thể nạp. Hãy sửa các ô được nêu ở trên rồi tải lại.", icon=":material/error:")
    st.stop()
if not findings:
    st.success("Tệp đạt mọi kiểm tra.", icon=":material/check_circle:")

if st.button("Nạp vào kho", type="primary", icon=":material/database_upload:", key="upload_load"):
    loaded_by = access.require_analyst("upload_load_auth")  # checked again when clicked
    with st.spinner("Đang nạp…"):
        result = ui.load_checked(path, table, findings, file_name=uploaded.name, loaded_by=loaded_by, period=period,
                                 unit=unit)
    (st.success if result.ok else st.error)(ui.md_text(result.summary()))  # the file name is the sender's
    st.cache_data.clear()
