"""Text from a file or a URL is shown as text: never a link, an image, an icon, a colour or LaTeX (issue 10).

formatting.md_text (ui.md_text) is checked three ways: with an independent CommonMark parser (mistune)
and the patterns Streamlit 1.67's frontend applies to the parsed text (GFM autolinks, emoji and icon
shortcodes, arrows); on every page under AppTest, over a warehouse loaded with hostile names; and in
chromium, where nothing from evil.example may be linked, drawn or fetched.
"""

import csv
import html
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest
from test_browser import browser_page, page, serve  # noqa: F401 (browser_page, page: fixtures)
from test_browser import open_page as open_in_browser

from warehouse import load
from warehouse.formatting import WORD_JOINER, md_text

HOSTILE = "[x](https://evil.example/a) ![p](https://evil.example/p.png) :red[đỏ] :material/home: $x$ <b>b</b>"
HOSTILE_NAME = f"Xã {HOSTILE} :smile: https://evil.example/bare www.evil.example a@evil.example"
HOSTILE_DISTRICT = "H. :blue[cũ] [d](https://evil.example/d) $y$"
HOSTILE_MERGED = ["Xã Cũ [m](https://evil.example/m)", "Xã ![q](https://evil.example/q.png) :streamlit: ~~s~~"]
HOSTILE_FILE = "![f](https://evil.example/f.png) :orange[tệp] <i>i</i> $z$.csv"
HOSTILE_USER = "[u](https://evil.example/u)"
HOSTILE_INDICATOR = f"Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến {HOSTILE}"
HOSTILE_UNIT = f"Trung tâm ** {HOSTILE} ** # | a | b |"
HOSTILE_SHEET = "Phụ lục $x$ <b> ~~s~~ (y) #1"  # what an .xlsx sheet title allows (no [ ] : * ? / \)
HOSTILE_CODE = "21421"  # Xã Mỏ Cày, renamed; H. Mộ Đức's communes get the hostile former district
MO_DUC = {"21400", "21409", "21421", "21433"}

# What Streamlit's frontend (StreamlitMarkdown.js of 1.67) still finds in the parsed text, where backslash
# escapes are already gone: GFM autolink literals (mdast transform), emoji (remark-emoji), :material_x: icons,
# the :streamlit: logo, typographic arrows. JavaScript's \w is ASCII.
TEXT_PATTERNS = {
    "autolink": re.compile(r"(https?://|www(?=\.))[-.\w]+", re.I | re.A),
    "email": re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+", re.A),
    "shortcode": re.compile(r":[\w+-][\w+-]*:", re.A),
    "arrow": re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)"),
}
# ... and in the source before parsing: ':material/' is rewritten to ':material_', '$' and ':x:' load plugins
SOURCE_PATTERNS = {
    "icon": re.compile(r":material/"),
    "emoji plugin": re.compile(r":(?!material/|streamlit:)[\w+-][\w+-]*:", re.A),
    "unescaped $": re.compile(r"(?<!\\)\$"),
    "bracket": re.compile(r"[\[\]]"),
}

HOSTILE_INPUTS = [
    HOSTILE,
    HOSTILE_NAME,
    "![p](https://evil.example/p.png)",
    "[ref]: https://evil.example/r\n[ref]",
    "<https://evil.example/auto> <script>alert(1)</script> <img src=x onerror=alert(1)>",
    "https://evil.example/a www.evil.example WWW.EVIL.EXAMPLE mailto:a@evil.example a@evil.example",
    ":red[đỏ] :blue-background[x] :orange-badge[b] :material/home: :material_home: :streamlit: :smile: :+1:",
    ":help[tooltip] :small[nhỏ] :rainbow[cầu vồng] :color[x]{foreground=red}",
    "$x$ $$y$$ \\(z\\) \\$",
    "**đậm** __đậm__ *nghiêng* _nghiêng_ ~~gạch~~ ~gạch~ `mã` ```khối```",
    "# tiêu đề\n## hai\n- một\n+ hai\n* ba\n1. bốn\n2) năm\n> trích\n    mã thụt lề\n---\n===\na\tb",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "[^1] [^1]: chú thích - [ ] việc - [x] xong",
    "a -> b <- c <-> d -- e >= f <= g ~= h",
    "&amp; &lt;b&gt; &#91;x&#93; &#x5B; \\[x\\] \\ \\\\",
    "H. Mộ Đức; Xã Đức Chánh, TP Quảng Ngãi (cũ) 3.5 ≥ 70 % 01/07–30/10/2025",
]


def markdown_to_html(text: str) -> str:
    mistune = pytest.importorskip("mistune")
    render = mistune.create_markdown(escape=False, plugins=["url", "strikethrough", "table", "footnotes", "math"])
    return render(text)


def visible(rendered: str) -> str:
    """The text of one paragraph of rendered HTML, with no element inside it (else the test fails)."""
    match = re.fullmatch(r"<p>(.*)</p>\n", rendered, re.S)
    assert match and "<" not in match.group(1), rendered
    return html.unescape(match.group(1))


@pytest.mark.parametrize("text", HOSTILE_INPUTS)
def test_md_text_renders_as_the_text_itself(text):
    escaped = md_text(text)
    shown = visible(markdown_to_html(escaped))  # one paragraph: no link, image, emphasis, heading, list, table, HTML
    assert shown.replace(WORD_JOINER, "") == re.sub(r"\s+", " ", text).strip()  # the text, on one line
    for name, pattern in TEXT_PATTERNS.items():
        assert not pattern.search(shown), (name, shown)
    for name, pattern in SOURCE_PATTERNS.items():
        assert not pattern.search(escaped), (name, escaped)


def test_md_text_leaves_ordinary_names_alone():
    assert md_text("Xã Mỏ Cày") == "Xã Mỏ Cày"
    assert md_text("Đặc khu Lý Sơn") == "Đặc khu Lý Sơn"
    assert md_text("H. Mộ Đức") == r"H\. Mộ Đức"
    assert md_text(None) == ""


def test_md_text_is_safe_in_a_badge_label():
    """st.badge backslash-escapes [ and ] in its label (":blue-badge[label]"): md_text writes brackets as character
    references, so that cannot turn its escapes into a literal backslash before a live bracket."""
    label = md_text("[x](https://evil.example/a) \\[y\\]")
    assert label.replace("[", "\\[").replace("]", "\\]") == label  # what st.badge does: nothing here


# ---------------------------------------------------------------- the pages, on a warehouse of hostile names


def communes_file(path: Path) -> Path:
    with open(load.REFERENCE_COMMUNES, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["commune_code"] in MO_DUC:
            row["former_district"] = HOSTILE_DISTRICT
        if row["commune_code"] == HOSTILE_CODE:
            row["commune_name"], row["merged_from"] = HOSTILE_NAME, "; ".join(HOSTILE_MERGED)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def targets_file(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = HOSTILE_SHEET
    for row in (["PHỤ LỤC"], ["DANH MỤC CÁC CHỈ TIÊU CỤ THỂ"],
                ["STT", "Tên chỉ tiêu", "Đơn vị", "Đến hết năm 2025", "Đến năm 2030", "Cơ quan chủ trì"],
                ["3.5", HOSTILE_INDICATOR, "%", "≥70", "≥85", HOSTILE_UNIT]):
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def hostile_db(seeded_db, tmp_path_factory) -> Path:
    """The sample warehouse, then a communes file and a targets appendix full of Markdown, loaded the real way."""
    folder = tmp_path_factory.mktemp("hostile")
    db_file = folder / "wh" / "warehouse.duckdb"
    db_file.parent.mkdir()
    shutil.copyfile(seeded_db, db_file)
    for path, dataset, name, unit in ((communes_file(folder / "communes.csv"), "communes", HOSTILE_FILE, None),
                                      (targets_file(folder / "chi_tieu.xlsx"), "targets", None, "tỉnh")):
        result = load.load_path(path, dataset, db_file=db_file, loaded_by=HOSTILE_USER, file_name=name, unit=unit)
        assert result.status == load.LOADED, result.summary()
    return db_file


MARKDOWN_FIELDS = {"body", "label", "help"}  # what Streamlit renders as Markdown (widget options are not)
# ':red[đỏ', the hostile value's own: a page's red text (the BDHVS page's fallen units) is not a value's Markdown
RAW = ["](", "![", ":red[đỏ", ":blue[", ":orange[", ":material/home:", "$x$", "$y$", "$z$", "<b>", "<i>", "https://",
       "www.evil", "a@evil", ":smile:", ":streamlit:", "~~s~~"]


def markdown_texts(at) -> list[str]:
    """Every body, label and help of the page's elements and blocks (sidebar too)."""
    texts = []

    def collect(message):
        for field, value in message.ListFields():
            if field.type == field.TYPE_MESSAGE:
                for item in ([value] if hasattr(value, "ListFields") else value):
                    if hasattr(item, "ListFields"):  # not the keys of a map
                        collect(item)
            elif field.name in MARKDOWN_FIELDS and isinstance(value, str):
                texts.append(value)

    for node in [*at.main, *at.sidebar]:
        if getattr(node, "proto", None) is not None:
            collect(node.proto)
    return texts


def assert_no_markdown_from_values(at) -> list[str]:
    texts = markdown_texts(at)
    for text in texts:
        assert not [raw for raw in RAW if raw in text], text
    return texts


@pytest.fixture
def hostile_page(open_page, hostile_db):
    def run(page_file: str, **params):
        at = open_page(page_file, db=hostile_db, **params)
        assert_no_markdown_from_values(at)
        return at

    return run


def test_profile_of_a_commune_with_a_hostile_name(hostile_page):
    at = hostile_page("app_pages/profile.py", commune=HOSTILE_CODE)
    assert at.selectbox(key="profile_commune").value == HOSTILE_CODE
    subheaders = [s.value for s in at.subheader]
    assert subheaders[0] == md_text(HOSTILE_NAME)
    assert f"Các đơn vị cùng {md_text(HOSTILE_DISTRICT)} cũ" in subheaders
    assert any(f"huyện cũ: {md_text(HOSTILE_DISTRICT)}" in c.value for c in at.caption)
    assert any(", ".join(md_text(m) for m in HOSTILE_MERGED) in m.value for m in at.markdown)
    peers = at.dataframe[-1].value  # a table: shown as it is
    assert HOSTILE_NAME in peers["Đơn vị"].tolist()


def test_profile_of_a_hostile_url(hostile_page):
    asked = "[x](https://evil.example/a) ![p](https://evil.example/p.png)"
    at = hostile_page("app_pages/profile.py", commune=asked)
    assert f"Mã «{md_text(asked)}» không phải" in at.warning[0].value


def test_targets_with_a_hostile_indicator_and_unit(hostile_page):
    at = hostile_page("app_pages/targets.py", year="2025", indicator="3.5")
    assert f"3\\.5. {md_text(HOSTILE_INDICATOR)}" in [s.value for s in at.subheader]
    assert f"Cơ quan chủ trì: {md_text(HOSTILE_UNIT)}" in [c.value for c in at.caption]


def test_history_of_a_hostile_file_name_user_and_sheet(hostile_page):
    at = hostile_page("app_pages/history.py")
    loads = at.dataframe[0].value
    communes_load = int(loads.loc[loads["Tệp"] == HOSTILE_FILE, "Lần nạp"].iloc[0])
    targets_load = int(loads.loc[loads["Tệp"] == "chi_tieu.xlsx", "Lần nạp"].iloc[0])
    at = hostile_page("app_pages/history.py", load=str(communes_load))
    assert f"Lần nạp #{communes_load}: {md_text(HOSTILE_FILE)}" in [s.value for s in at.subheader]
    assert any(f"nạp bởi {md_text(HOSTILE_USER)}" in c.value for c in at.caption)
    at.button(key="history_retract").click().run()
    assert f"({md_text(HOSTILE_FILE)})?" in at.warning[0].value
    assert_no_markdown_from_values(at)
    at = hostile_page("app_pages/history.py", load=str(targets_load))
    assert any(f"trang tính «{md_text(HOSTILE_SHEET)}»" in c.value for c in at.caption)


@pytest.mark.parametrize("page_file, params", [
    ("app_pages/overview.py", {}),
    ("app_pages/compare.py", {"district": HOSTILE_DISTRICT}),
    ("app_pages/map.py", {}),
    ("app_pages/bdhvs.py", {}),
    ("app_pages/brief.py", {"district": HOSTILE_DISTRICT}),
])
def test_other_pages_show_no_markdown_from_values(hostile_page, page_file, params):
    at = hostile_page(page_file, **params)
    if page_file.endswith("overview.py"):  # the target of 3.5 names its indicator in the badge's tooltip
        assert any(md_text(HOSTILE_INDICATOR) in text for text in markdown_texts(at))
    if page_file.endswith("brief.py"):  # the brief is HTML: every value escaped
        document = at.get("iframe")[0].proto.srcdoc
        assert "evil.example" in document and "<b>b</b>" not in document and "&lt;b&gt;b&lt;/b&gt;" in document


def test_upload_preview_of_a_hostile_workbook(hostile_page, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = HOSTILE_SHEET
    for row in ([f"Tính đến ngày 18/11/2025 {HOSTILE}"],
                ["Mã xã", "Số học viên tham gia", f"Ghi chú {HOSTILE}"],
                ["21025", 10, "x"]):
        ws.append(row)
    wb.save(path := tmp_path / "bdhvs.xlsx")
    at = hostile_page("app_pages/upload.py")
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.file_uploader(key="upload_file").set_value((path.name, path.read_bytes(), xlsx)).run()
    assert not at.exception, [e.value for e in at.exception]
    findings = [m for d in at.dataframe if "Mức độ" in d.value.columns for m in d.value["Yêu cầu / vấn đề"]]
    assert any(s.value.startswith("Bảng đọc được") for s in at.subheader), ([e.value for e in at.error], findings)
    texts = assert_no_markdown_from_values(at)
    assert any(f"Trang tính «{md_text(HOSTILE_SHEET)}»" in t for t in texts)
    assert any(md_text(f"Ghi chú {HOSTILE}") in t for t in texts)  # the column left unused
    assert any(md_text(HOSTILE) in t for t in texts if t.startswith("Bảng không có cột kỳ báo cáo"))


# ---------------------------------------------------------------- in chromium


def to_evil(url: str) -> bool:
    return (urlsplit(url).hostname or "").endswith("evil.example")


@pytest.mark.browser
def test_nothing_from_a_hostile_value_is_linked_drawn_or_fetched(hostile_db, tmp_path, page):  # noqa: F811 (fixture)
    db_file = tmp_path / "wh" / "warehouse.duckdb"
    db_file.parent.mkdir()
    shutil.copyfile(hostile_db, db_file)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.route(to_evil, lambda route: route.abort())  # never leaves the machine

    def finished():  # open_in_browser (test_browser.open_page) returned once the run had ended
        assert page.locator('[data-testid="stStatusWidgetRunningIcon"]').count() == 0
        assert page.locator('a[href*="evil.example"]').count() == 0
        assert page.locator('img[src*="evil.example"]').count() == 0
        drawn = ('[aria-label="home icon"], img[alt="Streamlit logo"], .stMarkdownColoredText, .katex, '
                 '[data-testid="stMarkdownContainer"] b, [data-testid="stMarkdownContainer"] i')
        assert page.locator(drawn).count() == 0  # icon, logo, colour, LaTeX, HTML
        assert "😄" not in page.locator("body").inner_text()

    with serve(db_file) as url:
        open_in_browser(page, f"{url}/profile?commune=[x](https://evil.example/a)%20![p](https://evil.example/p.png)",
                        "Hồ sơ xã")
        finished()
        warning = page.get_by_role("alert").first.inner_text().replace(WORD_JOINER, "")
        assert "«[x](https://evil.example/a) ![p](https://evil.example/p.png)»" in warning

        open_in_browser(page, f"{url}/profile?commune={HOSTILE_CODE}", "Hồ sơ xã")
        finished()
        shown = page.locator('[data-testid="stHeadingWithActionElements"] h3').first.inner_text()
        assert shown.replace(WORD_JOINER, "").strip() == HOSTILE_NAME  # the name as written, every character

        open_in_browser(page, f"{url}/targets?year=2025&indicator=3.5", "Chỉ tiêu kế hoạch")
        finished()
        unit = page.locator('[data-testid="stCaptionContainer"]', has_text="Cơ quan chủ trì").inner_text()
        assert unit.replace(WORD_JOINER, "").strip() == f"Cơ quan chủ trì: {HOSTILE_UNIT}"
        open_in_browser(page, f"{url}/history", "Lịch sử tải dữ liệu")
        finished()
    assert not [u for u in requested if to_evil(u)]
