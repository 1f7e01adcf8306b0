"""Who may write, on the Streamlit side: the analyst role from st.secrets and st.user.

Browsing needs no rights; uploading, retracting and downloading originals need the analyst
role. Every check runs on the server at each script run (a page re-checks before acting).
The rules themselves (password hashes, OIDC e-mail lists, throttling) are warehouse.auth.
"""

from __future__ import annotations

import streamlit as st

from warehouse.formatting import md_text

_SESSION_USER = "_auth_analyst"  # set only by a verified password login; never a widget key
OPEN_USER = "ứng dụng web (chế độ mở)"
READ_ONLY_NOTE = ("Máy chủ chưa cấu hình chuyên viên nên ứng dụng chỉ cho xem. Quản trị viên thêm chuyên viên "
                  "vào .streamlit/secrets.toml (xem README, mục «Quyền chuyên viên»).")


def _auth_secrets() -> dict:
    """The [auth], [roles] and [analysts] sections of st.secrets; {} without a secrets.toml."""
    try:
        return {name: st.secrets[name] for name in ("auth", "roles", "analysts") if name in st.secrets}
    except FileNotFoundError:
        return {}


def _signed_in_user() -> dict:
    """st.user as a dict ({} outside a session or without an identity provider)."""
    try:
        return dict(st.user.to_dict())
    except Exception:  # no script context
        return {}


def identity() -> tuple[str | None, str | None]:
    """(analyst name, how recognised: auth.PASSWORD | auth.OIDC | auth.OPEN), or (None, None) for a viewer."""
    from warehouse import auth

    secrets = _auth_secrets()
    user = st.session_state.get(_SESSION_USER)
    if user and user in auth.password_accounts(secrets):
        return user, auth.PASSWORD
    if auth.oidc_providers(secrets):
        info = _signed_in_user()
        if auth.is_oidc_analyst(secrets, info):
            return str(info["email"]).strip().lower(), auth.OIDC
    if auth.open_uploads():
        return OPEN_USER, auth.OPEN
    return None, None


def analyst_name() -> str | None:
    return identity()[0]


def is_analyst() -> bool:
    return analyst_name() is not None


def require_analyst(key: str) -> str:
    """The analyst's name; for anyone else, a login form (or why there is none) and the page stops."""
    from warehouse import auth

    name = analyst_name()
    if name:
        return name
    modes = auth.modes(_auth_secrets())
    if not modes:
        st.warning(READ_ONLY_NOTE, icon=":material/lock:")
        st.stop()
    signed_in = _signed_in_user()
    email = signed_in.get("email") if signed_in.get("is_logged_in") else None
    if email:
        st.warning(f"Tài khoản {md_text(email)} chưa có quyền chuyên viên (mục [roles] analysts của secrets.toml).",
                   icon=":material/lock:")
    else:
        st.info("Phần này dành cho chuyên viên: hãy đăng nhập.", icon=":material/lock:")
    login_form(key)
    st.stop()


@st.cache_resource(show_spinner=False)
def _throttle():
    from warehouse import auth

    return auth.Throttle()


def login_form(key: str) -> None:
    """Sign-in through the identity provider and/or with an analyst's password."""
    from warehouse import auth

    secrets = _auth_secrets()
    providers = [] if _signed_in_user().get("is_logged_in") else auth.oidc_providers(secrets)
    for provider in providers:
        label = "Đăng nhập bằng tài khoản công vụ" + (f" ({provider})" if provider else "")
        if st.button(label, key=f"{key}_oidc_{provider or 'default'}", icon=":material/badge:"):
            st.login(provider)
    if auth.password_accounts(secrets):
        with st.form(f"{key}_form", clear_on_submit=True, border=False):
            user = st.text_input("Tên đăng nhập", key=f"{key}_user")
            password = st.text_input("Mật khẩu", type="password", key=f"{key}_password")
            submitted = st.form_submit_button("Đăng nhập", icon=":material/login:")
        if submitted:
            _password_login(user, password)


def _password_login(user: str, password: str) -> None:
    from warehouse import auth

    wait = _throttle().wait_seconds(user)
    if wait:
        st.error(f"Đăng nhập sai quá nhiều lần; hãy thử lại sau {int(wait // 60) + 1} phút.", icon=":material/timer:")
        return
    if auth.check_login(auth.password_accounts(_auth_secrets()), user, password):
        _throttle().succeeded(user)
        st.session_state[_SESSION_USER] = user.strip()
        st.rerun()
    _throttle().failed(user)
    st.error("Sai tên đăng nhập hoặc mật khẩu.", icon=":material/error:")


def account_box(analyst_page: bool = False) -> None:
    """Sidebar: who is signed in and a way out, a way in, or why the app is read-only. The single-user machine's
    technical note (WAREHOUSE_OPEN_UPLOADS) is for the analyst's pages (`analyst_page`: upload, history) only:
    whoever browses the leaders' pages there sees nothing of it."""
    from warehouse import auth

    name, how = identity()
    with st.sidebar:
        if how == auth.OPEN:
            if analyst_page:
                st.caption(":material/lock_open: Chế độ một người dùng (WAREHOUSE_OPEN_UPLOADS=1): "
                           "ai mở ứng dụng cũng nạp và thu hồi được dữ liệu.")
        elif name:
            st.caption(f":material/verified_user: Chuyên viên: **{md_text(name)}**")
            if st.button("Đăng xuất", key="auth_logout", icon=":material/logout:"):
                logout(how)
        elif not auth.modes(_auth_secrets()):
            st.caption(":material/visibility: Chế độ chỉ xem: chưa cấu hình chuyên viên.")
        else:
            signed_in = _signed_in_user()
            if signed_in.get("is_logged_in"):
                st.caption(f":material/visibility: {md_text(signed_in.get('email'))}: chỉ xem")
                if st.button("Đăng xuất", key="auth_logout", icon=":material/logout:"):
                    logout(auth.OIDC)
            with st.expander("Đăng nhập chuyên viên", icon=":material/login:"):
                login_form("auth_sidebar")


def logout(how: str | None) -> None:
    from warehouse import auth

    st.session_state.pop(_SESSION_USER, None)
    if how == auth.OIDC:
        st.logout()
    st.rerun()
