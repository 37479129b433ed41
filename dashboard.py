"""Sharing Readiness dashboard: page configuration and navigation only."""

import streamlit as st

st.set_page_config(page_title="Sharing Readiness", layout="wide")
pages = [st.Page("views/overview.py", title="Areas and waves", default=True)]
st.navigation(pages).run()
