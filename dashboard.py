"""Sharing Readiness dashboard: page configuration, who is using it, navigation."""

import sys

import streamlit as st

respondent = "survey" in st.query_params  # a survey link: answered without signing in
st.set_page_config(page_title="Sharing Readiness", layout="centered" if respondent else "wide")
screen = bar = None
if "views.state" not in sys.modules:  # a fresh start: draw before the slow imports below
    screen = st.empty()
    with screen.container():
        st.title("Sharing Readiness")
        bar = st.progress(0.0, text="Starting…")

# Also set here, for a dashboard started from another folder than the project's (whose
# .streamlit/config.toml says the same): every download is an audited, neutralised export.
st.set_option("client.disableDataExport", True)

from views import auth, errors, state, widgets  # noqa: E402  (after the first screen is drawn)

state.warm_up(screen, bar)  # the store opens and the sample data loads under the bar
if respondent:
    page = st.navigation([st.Page("views/pages/take_survey.py", title="Survey")], position="hidden")
    with errors.shown():
        page.run()
    st.stop()
account = auth.current()
if account is None:
    st.navigation(auth.sign_in_pages(), position="hidden").run()
    st.stop()

role = account.scope.role
profile = st.Page("views/pages/area_profile.py", title="Area profile", url_path="profile")
portfolio = st.Page("views/pages/portfolio.py", title="Portfolio", url_path="portfolio")
patterns = st.Page("views/pages/patterns.py", title="Patterns", url_path="patterns")
overview = st.Page("views/pages/overview.py", title="Areas and waves", url_path="areas")
if role == "panel":
    pages = [patterns]
elif role == "partnership":
    pages = [profile, overview]
else:
    pages = [portfolio, profile, patterns, overview]
if account.scope.can_import:
    pages += [
        st.Page("views/pages/evidence.py", title="Evidence", url_path="evidence"),
        st.Page("views/pages/survey_links.py", title="Survey links", url_path="links"),
    ]
if account.scope.can_admin:
    pages.append(st.Page("views/pages/admin.py", title="Administration", url_path="admin"))
with st.sidebar:
    st.write(f"Signed in as **{widgets.plain(account.label)}**")
    if auth.is_demo(account):
        st.caption("DEMO MODE: fictional sample data, read-only")
    st.button("Sign out", on_click=auth.logout, key="logout")
page = st.navigation(pages)
with errors.shown():
    page.run()
