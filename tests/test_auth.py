"""Roles: salted password hashes, who sees the upload and retract controls, and the server refusing the rest."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from warehouse import auth, load
from warehouse.formatting import md_text

ROOT = Path(__file__).resolve().parent.parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PASSWORD = "Quang-Ngai-2025"
HASHES = {"lan": auth.hash_password(PASSWORD)}
IDP = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32, "client_id": "cds",
       "client_secret": "s", "server_metadata_url": "http://localhost:9/.well-known/openid-configuration"}


# ---------------------------------------------------------------- hashes


def test_hash_is_salted_scrypt_and_verifies():
    first, second = auth.hash_password(PASSWORD), auth.hash_password(PASSWORD)
    assert first != second  # a random salt each time
    assert first.startswith("scrypt$16384$8$1$") and PASSWORD not in first
    assert auth.verify_password(PASSWORD, first) and auth.verify_password(PASSWORD, second)
    assert not auth.verify_password(PASSWORD + "x", first)
    assert not auth.verify_password("quang-ngai-2025", first)


@pytest.mark.parametrize("stored", ["", "plain-text-password", "scrypt$1$2$3", "md5$16384$8$1$AAAA$BBBB",
                                    "scrypt$16384$8$1$@@@@$####", PASSWORD])
def test_malformed_or_plain_entries_never_match(stored):
    assert not auth.verify_password(PASSWORD, stored)
    assert not auth.check_login({"lan": stored}, "lan", PASSWORD)


def test_check_login():
    assert auth.check_login(HASHES, "lan", PASSWORD)
    assert auth.check_login(HASHES, " lan ", PASSWORD)
    assert not auth.check_login(HASHES, "lan", "sai")
    assert not auth.check_login(HASHES, "khong_co", PASSWORD)
    assert not auth.check_login(HASHES, "", "")


@pytest.mark.parametrize("user", ["lan", "nguyen-van_a", "Nguyễn Lan", 'a"b'])
def test_toml_line_pastes_back_to_the_same_entry(user):
    hashed = auth.hash_password(PASSWORD)
    parsed = tomllib.loads("[analysts]\n" + auth.toml_line(user, hashed))
    assert parsed == {"analysts": {user: hashed}}


def test_throttle_after_five_failures_for_the_window():
    throttle = auth.Throttle(limit=5, window=900)
    for t in range(5):
        assert throttle.wait_seconds("lan", now=100.0 + t) == 0
        throttle.failed("Lan", now=100.0 + t)
    assert throttle.wait_seconds("lan", now=110.0) == pytest.approx(890.0)
    assert throttle.wait_seconds("other", now=110.0) == 0
    assert throttle.wait_seconds("lan", now=1001.0) == 0  # the first failure expired
    throttle.succeeded("lan")
    assert throttle.wait_seconds("lan", now=110.0) == 0


def test_modes_and_identity_provider_roles():
    assert auth.modes({}, environ={}) == []
    assert auth.modes({"analysts": {"lan": HASHES["lan"]}}, environ={}) == [auth.PASSWORD]
    assert auth.modes({"analysts": {"lan": "plain"}}, environ={}) == []  # not a hash: ignored
    assert auth.modes({"auth": IDP}, environ={"WAREHOUSE_OPEN_UPLOADS": "1"}) == [auth.OIDC, auth.OPEN]
    assert auth.oidc_providers({"auth": {"redirect_uri": "x", "microsoft": {"client_id": "m"}}}) == ["microsoft"]
    secrets = {"auth": IDP, "roles": {"analysts": ["A@QuangNgai.gov.vn"]}}
    assert auth.is_oidc_analyst(secrets, {"is_logged_in": True, "email": "a@quangngai.gov.vn"})
    assert not auth.is_oidc_analyst(secrets, {"is_logged_in": True, "email": "a@quangngai.gov.vn", "email_verified": False})
    assert not auth.is_oidc_analyst(secrets, {"is_logged_in": False, "email": "a@quangngai.gov.vn"})
    assert not auth.is_oidc_analyst(secrets, {"email": "a@quangngai.gov.vn"})  # AppTest's default user
    assert not auth.is_oidc_analyst(secrets, {"is_logged_in": True, "email": "b@quangngai.gov.vn"})


def hash_cli(stdin: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "warehouse", "hash-password", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=60, env={**os.environ, "GX_ANALYTICS_ENABLED": "False"})


def test_cli_hash_password_prints_the_line_to_paste_and_never_the_password():
    done = hash_cli(PASSWORD + "\n", "nguyen_lan")
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    [line] = done.stdout.strip().splitlines()
    entry = tomllib.loads("[analysts]\n" + line)["analysts"]["nguyen_lan"]
    assert auth.verify_password(PASSWORD, entry)
    short = hash_cli("ngan\n", "lan")
    assert short.returncode == 1 and "ít nhất 8 ký tự" in short.stderr and not short.stdout


# ---------------------------------------------------------------- pages


@pytest.fixture
def app(seeded_copy, monkeypatch):
    """The app as a visitor sees it, with the given secrets and identity; no open-uploads shortcut."""
    monkeypatch.setenv("WAREHOUSE_DB", str(seeded_copy))
    monkeypatch.delenv("WAREHOUSE_OPEN_UPLOADS", raising=False)

    def make(secrets: dict | None = None, user: dict | None = None, page: str | None = None) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        for name, section in (secrets or {}).items():
            at.secrets[name] = section
        if user is not None:
            at.user = user
        at.run()
        if page:
            at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return make


def keys(at, kind: str) -> set:
    return {w.key for w in getattr(at, kind)}


def login(at, user: str, password: str, prefix: str = "upload_auth") -> AppTest:
    """Fill the page's login form (the sidebar has its own) and submit it."""
    at.text_input(key=f"{prefix}_user").input(user)
    at.text_input(key=f"{prefix}_password").input(password)
    area = at.sidebar if prefix == "auth_sidebar" else at.main
    [submit] = [b for b in area.button if b.label == "Đăng nhập"]
    submit.click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_without_any_auth_the_app_is_read_only_and_says_how_to_configure(app):
    at = app(page="app_pages/upload.py")
    assert at.title[0].value == "Tải dữ liệu lên"
    assert not at.get("file_uploader") and "upload_load" not in keys(at, "button")
    assert "secrets.toml" in at.warning[0].value and "README" in at.warning[0].value
    assert any("Chế độ chỉ xem" in c.value for c in at.sidebar.caption)
    at.switch_page("app_pages/history.py").run()
    assert "history_retract" not in keys(at, "button")
    assert "history_original" not in keys(at, "download_button")


def test_viewer_gets_a_login_form_not_the_uploader_and_wrong_password_is_refused(app):
    at = app({"analysts": HASHES}, page="app_pages/upload.py")
    assert not at.get("file_uploader")
    assert "upload_auth_password" in keys(at, "text_input")
    login(at, "lan", "mat-khau-sai")
    assert at.error and at.error[0].value == "Sai tên đăng nhập hoặc mật khẩu."
    assert not at.get("file_uploader")
    login(at, "khong_co_ai", PASSWORD)
    assert not at.get("file_uploader")


def test_viewer_has_no_retract_or_original_download_on_history(app, seeded_copy, make_xlsx):
    result = load.load_path(make_xlsx([["Mã xã", "Ngày số liệu", "Số học viên tham gia"], ["21421", "25/11/2025", 10]]),
                            db_file=seeded_copy, loaded_by="lan")
    at = app({"analysts": HASHES}, page="app_pages/history.py")
    assert at.selectbox(key="history_load").value == result.load_id
    assert "history_retract" not in keys(at, "button")
    assert "history_original" not in keys(at, "download_button")
    assert "history_export" in keys(at, "download_button")  # browsing and exporting tables needs no rights
    assert any("dành cho chuyên viên" in c.value for c in at.caption)


def test_right_password_gets_the_uploader_and_loads_under_the_analysts_name(app, seeded_copy, make_xlsx):
    at = app({"analysts": HASHES}, page="app_pages/upload.py")
    login(at, "lan", PASSWORD)
    assert at.get("file_uploader")
    assert any("Chuyên viên: **lan**" in c.value for c in at.sidebar.caption)
    path = make_xlsx([["Tên xã", "Ngày số liệu", "Số học viên tham gia"], ["Xã Mỏ Cày", "25/11/2025", 5000]])
    at.file_uploader(key="upload_file").set_value(("bdhvs_2511.xlsx", path.read_bytes(), XLSX)).run()
    at.button(key="upload_load").click().run()
    assert at.success and "Đã nạp 1 dòng" in at.success[-1].value
    with duckdb.connect(str(seeded_copy), read_only=True) as con:
        assert con.execute("select loaded_by from meta.loads where file_name = 'bdhvs_2511.xlsx'").fetchone() == ("lan",)
    at.switch_page("app_pages/history.py").run()
    assert {"history_retract"} <= keys(at, "button") and "history_original" in keys(at, "download_button")
    at.sidebar.button(key="auth_logout").click().run()
    assert "history_retract" not in keys(at, "button")


def test_the_load_button_rechecks_the_role_when_clicked(app, seeded_copy, make_xlsx):
    """An analyst removed from secrets.toml while their page is open: the click loads nothing."""
    at = app({"analysts": HASHES}, page="app_pages/upload.py")
    login(at, "lan", PASSWORD)
    path = make_xlsx([["Tên xã", "Ngày số liệu", "Số học viên tham gia"], ["Xã Mỏ Cày", "26/11/2025", 5000]])
    at.file_uploader(key="upload_file").set_value(("bdhvs_2611.xlsx", path.read_bytes(), XLSX)).run()
    button = at.button(key="upload_load")
    at.secrets["analysts"] = {"someone_else": HASHES["lan"]}
    button.click().run()
    assert not at.exception and not at.success
    assert not at.get("file_uploader") and "upload_auth_password" in keys(at, "text_input")
    with duckdb.connect(str(seeded_copy), read_only=True) as con:
        assert con.execute("select count(*) from meta.loads where file_name = 'bdhvs_2611.xlsx'").fetchone() == (0,)


def test_identity_provider_user_listed_as_analyst(app):
    secrets = {"auth": IDP, "roles": {"analysts": ["a@quangngai.gov.vn"]}}
    at = app(secrets, {"is_logged_in": True, "email": "A@quangngai.gov.vn", "name": "Nguyễn Văn A"},
             page="app_pages/upload.py")
    assert at.get("file_uploader")
    assert any(md_text("a@quangngai.gov.vn") in c.value for c in at.sidebar.caption)  # shown as text, not a mailto link


def test_identity_provider_user_not_listed_is_refused(app):
    secrets = {"auth": IDP, "roles": {"analysts": ["a@quangngai.gov.vn"]}}
    at = app(secrets, {"is_logged_in": True, "email": "b@quangngai.gov.vn"}, page="app_pages/upload.py")
    assert not at.get("file_uploader")
    assert f"{md_text('b@quangngai.gov.vn')} chưa có quyền chuyên viên" in at.warning[0].value


def test_signed_out_visitor_is_offered_the_identity_provider(app):
    secrets = {"auth": IDP, "roles": {"analysts": ["a@quangngai.gov.vn"]}}
    at = app(secrets, {"is_logged_in": False}, page="app_pages/upload.py")
    assert not at.get("file_uploader")
    assert "upload_auth_oidc_default" in keys(at, "button")


def test_the_retract_confirmation_rechecks_the_role_when_clicked(app, seeded_copy):
    at = app({"analysts": HASHES}, page="app_pages/history.py")
    login(at, "lan", PASSWORD, prefix="auth_sidebar")
    newest = at.selectbox(key="history_load").value
    at.button(key="history_retract").click().run()
    confirm = at.button(key="history_retract_confirm")
    at.secrets["analysts"] = {"someone_else": HASHES["lan"]}  # the operator revokes lan meanwhile
    confirm.click().run()
    assert not at.exception and not at.success
    assert "history_retract_confirm" not in keys(at, "button")
    with duckdb.connect(str(seeded_copy), read_only=True) as con:
        assert con.execute("select retracted_at from meta.loads where load_id = ?", [newest]).fetchone() == (None,)
