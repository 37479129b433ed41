"""Administration: accounts and the audit log (administrators only)."""

import streamlit as st

from survey import audit
from survey.accounts import list_users
from views import state
from views.widgets import require

account = require(lambda scope: scope.can_admin, "This page is for administrators.")
engine, _ = state.store()
st.title("Administration")
st.subheader("Accounts")
st.caption("Add, disable and enable accounts with `readiness users`.")
st.dataframe(list_users(engine), hide_index=True, width="stretch", key="users_table")
st.subheader("Audit log")
action = st.selectbox(
    "Action", ["(all)", *audit.ACTIONS], key="audit_action", help="Show one kind of entry."
)
log = audit.entries(engine, limit=500, action=None if action == "(all)" else action)
st.dataframe(log, hide_index=True, width="stretch", key="audit_table")
