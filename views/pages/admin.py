"""Administration: accounts and the audit log (administrators only)."""

import streamlit as st

from app.access import AUDIT_ACTIONS
from views import state
from views.widgets import require

require(lambda scope: scope.can_admin, "This page is for administrators.")
st.title("Administration")
st.subheader("Accounts")
st.caption("Add, disable and enable accounts with `readiness users`.")
st.dataframe(state.door().accounts(), hide_index=True, width="stretch", key="users_table")
st.subheader("Audit log")
action = st.selectbox(
    "Action", ["(all)", *AUDIT_ACTIONS], key="audit_action", help="Show one kind of entry."
)
log = state.door().audit_log(None if action == "(all)" else action)
st.dataframe(log, hide_index=True, width="stretch", key="audit_table")
