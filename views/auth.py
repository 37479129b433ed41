"""Who is using the dashboard: local login, single sign-on, or the demo role picker.

Demo mode is offered only while the database holds nothing but the shipped sample data;
as soon as real evidence is imported, every visitor must log in."""

from __future__ import annotations

import streamlit as st

from app.access import known_areas
from app.accounts import (
    ROLES,
    Account,
    LoginError,
    enter_demo,
    has_users,
    is_demo,
    sign_in,
    sign_in_sso,
    sign_out,
)
from app.evidence import only_sample_data
from views import state
from views.errors import sentence

KEY = state.KEY


def sso_configured() -> bool:
    """Streamlit's OIDC login is configured in ``.streamlit/secrets.toml`` ([auth])."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def demo_allowed() -> bool:
    return only_sample_data(state.engine())


def current() -> Account | None:
    """The signed-in account, or None (then the login page is shown)."""
    account = st.session_state.get(KEY)
    if account is not None:
        if is_demo(account) and not demo_allowed():
            st.session_state.pop(KEY, None)  # real data arrived: the demo ends here
            return None
        return account
    if sso_configured() and getattr(st.user, "is_logged_in", False):
        found = sign_in_sso(state.engine(), str(st.user.get("email", "")))
        if found is not None:
            st.session_state[KEY] = found
            return found
    return None


def logout() -> None:
    account = st.session_state.pop(KEY, None)
    if account is not None:
        sign_out(state.engine(), account)
    if sso_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()


PAGE_PATHS = ("profile", "portfolio", "patterns", "areas", "evidence", "links", "admin")


def sign_in_pages() -> list:
    """The sign-in page under every page's address, so that a shared link such as
    ``/profile?area=ASH`` asks for a sign-in and then opens that view (instead of
    'page not found')."""

    def under(path: str):
        def page() -> None:
            login_page()

        page.__name__ = f"sign_in_{path}"
        return st.Page(page, title="Sign in", url_path=path)

    return [st.Page(login_page, title="Sign in", default=True)] + [under(p) for p in PAGE_PATHS]


def login_page() -> None:
    """The login form (and SSO button, and the demo picker where allowed)."""
    st.title("Sharing Readiness")
    _, note = state.store()
    if note:
        st.info(note)
    st.write("Sign in to see readiness profiles.")
    if not has_users(state.engine()):
        st.info(
            "No account exists yet. Whoever runs the server creates the first administrator "
            "from the project folder with `readiness users add NAME --role admin` (it asks "
            "for a password), then signs in here and adds the others."
        )
    with st.form("login"):
        username = st.text_input("User name", key="login_username")
        password = st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        try:
            st.session_state[KEY] = sign_in(state.engine(), username, password)
        except LoginError as exc:
            st.error(sentence(exc))
        else:
            st.rerun()
    if sso_configured():
        if getattr(st.user, "is_logged_in", False):
            st.error("No account here matches your single sign-on e-mail address.")
        st.button("Sign in with single sign-on", on_click=st.login, key="login_sso")
    if demo_allowed():
        _demo_picker()


def _demo_picker() -> None:
    st.divider()
    st.subheader("Demo mode")
    st.warning(
        "DEMO: this database holds only the fictional sample data, so you may try each role "
        "without an account. The demo is read-only: every page of the role opens, nothing "
        "can be imported, opened or changed. It ends as soon as real evidence is imported."
    )
    # No demo administrator: accounts and the audit log are real even while the evidence is
    # only the sample, and a demo visitor has given no password.
    roles = [r for r in ROLES if r != "admin"]
    role = st.selectbox("Role", roles, format_func=ROLES.get, key="demo_role", index=0)
    area = None
    if role == "partnership":
        areas = known_areas(state.engine())
        area = st.selectbox("Area", areas, key="demo_area")
    if st.button("Enter the demo", key="demo_enter"):
        st.session_state[KEY] = enter_demo(state.engine(), role, area)
        st.rerun()
