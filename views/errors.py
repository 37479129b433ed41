"""The one place where an error a user caused becomes a message on the page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from instruments.errors import ReadinessError


def sentence(exc: BaseException) -> str:
    """An error's message as a sentence: capital first letter, full stop at the end."""
    text = str(exc).strip() or "That could not be done"
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


@contextmanager
def shown() -> Iterator[None]:
    """Run a page; anything a user caused (:class:`ReadinessError`) is shown as an error
    box instead of a traceback. Anything else is a bug and is left to Streamlit."""
    try:
        yield
    except ReadinessError as exc:
        st.error(sentence(exc))
