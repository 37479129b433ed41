"""Text people typed (area names and codes, wave labels, display names) is shown as text in
titles, headings and captions: markdown and HTML in it are escaped, never rendered."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from helpers import filled_rows, write_csv
from streamlit.testing.v1 import AppTest

from app.evidence import import_file
from survey.store.accounts import add_user
from survey.store.engine import open_store
from views.widgets import plain

markdown_it = pytest.importorskip("markdown_it")
ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery"
PAYLOADS = [
    "**b** [c](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script> Vale",
    "# Heading",
    "- a list",
    "![i](http://example.com/x.png)",
    ":red[coloured] :material/home:",
    "$x^2$ `code` ~~gone~~ _em_",
    "| a | b |",
    "line\nbreak",
]


def rendered(markdown: str) -> str:
    return markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


@pytest.mark.parametrize("text", PAYLOADS)
def test_escaped_text_renders_as_exactly_the_text(text):
    html = rendered(f"**Area** {plain(text)}")
    for tag in ("<a", "<em", "<img", "<script", "<h1", "<li", "<code", "<table", "<s>"):
        assert tag not in html.replace("<strong>Area</strong>", ""), (text, html)
    assert "\n" not in plain(text)


def test_titles_and_labels_in_the_dashboard_are_text(tmp_path, monkeypatch, catalogue):
    db = tmp_path / "readiness.db"
    engine = open_store(f"sqlite:///{db}")
    header, rows = filled_rows(catalogue, "staff_survey", 12)
    import_file(
        engine,
        write_csv(tmp_path / "s.csv", header, rows),
        instrument="staff_survey",
        area="MDX",
        area_name="**b** [c](javascript:alert(1))",
        wave="<b>2026</b> [w](javascript:x)",
        catalogue=catalogue,
        imported_by="cli",
    )
    add_user(engine, "mgr", "manager", password=PASSWORD, display_name="[Boss](http://evil)")
    engine.dispose()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("READINESS_DATABASE_URL", f"sqlite:///{db}")
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        at.query_params["area"] = "MDX"
        at.run()
        at.text_input(key="login_username").input("mgr")
        at.text_input(key="login_password").input(PASSWORD)
        next(b for b in at.button if b.label == "Sign in").click().run()
        at.switch_page("views/pages/area_profile.py").run()
        assert not at.exception
        [title] = at.title
        html = rendered(title.value)
        assert "<a" not in html and "<strong" not in html and "<b>" not in html
        assert "**b**" in html and "&lt;b&gt;2026&lt;/b&gt;" in html  # the text, as typed
        signed_in = " ".join(m.value for m in at.sidebar.markdown)
        assert "Boss" in signed_in and "<a" not in rendered(signed_in)
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
