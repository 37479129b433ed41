"""Sharing Readiness dashboard: page configuration, who is using it, navigation."""

import streamlit as st

from views import auth

st.set_page_config(page_title="Sharing Readiness", layout="wide")
if "survey" in st.query_params:  # a survey link: answered without signing in
    st.navigation([st.Page("views/take_survey.py", title="Survey")], position="hidden").run()
    st.stop()
account = auth.current()
if account is None:
    st.navigation(auth.sign_in_pages(), position="hidden").run()
    st.stop()

role = account.scope.role
profile = st.Page("views/area_profile.py", title="Area profile", url_path="profile")
portfolio = st.Page("views/portfolio.py", title="Portfolio", url_path="portfolio")
patterns = st.Page("views/patterns.py", title="Patterns", url_path="patterns")
overview = st.Page("views/overview.py", title="Areas and waves", url_path="areas")
if role == "panel":
    pages = [patterns]
elif role == "partnership":
    pages = [profile, overview]
else:
    pages = [portfolio, profile, patterns, overview]
if account.scope.can_import:
    pages += [
        st.Page("views/evidence.py", title="Evidence", url_path="evidence"),
        st.Page("views/survey_links.py", title="Survey links", url_path="links"),
    ]
if account.scope.can_admin:
    pages.append(st.Page("views/admin.py", title="Administration", url_path="admin"))
with st.sidebar:
    st.write(f"Signed in as **{account.label}**")
    if account.username.startswith("demo:"):
        st.caption("DEMO MODE: fictional sample data")
    st.button("Sign out", on_click=auth.logout, key="logout")
st.navigation(pages).run()
