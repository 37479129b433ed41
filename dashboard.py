"""Sharing Readiness dashboard: page configuration, who is using it, navigation."""

import streamlit as st

from views import auth

st.set_page_config(page_title="Sharing Readiness", layout="wide")
account = auth.current()
if account is None:
    st.navigation([st.Page(auth.login_page, title="Sign in")]).run()
    st.stop()

pages = [st.Page("views/overview.py", title="Areas and waves", default=True)]
if account.scope.can_admin:
    pages.append(st.Page("views/admin.py", title="Administration"))
with st.sidebar:
    st.write(f"Signed in as **{account.label}**")
    if account.username.startswith("demo:"):
        st.caption("DEMO MODE: fictional sample data")
    st.button("Sign out", on_click=auth.logout, key="logout")
st.navigation(pages).run()
