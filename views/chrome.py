"""The respondent pages' frame: Streamlit's menu and toolbar hidden, answer options laid out
for a phone (one row on a wide screen, one column on a narrow one, large targets), and each
new step opened at its top with the step's heading focused and announced.

This is the one module of the dashboard that writes markup, and it writes only the fixed
text below: no function here takes a string, so nothing a person typed, and no instrument
text, can reach it (``tests/test_respondent.py`` checks both)."""

from __future__ import annotations

import streamlit as st

LIVE_REGION_ID = "survey-live"

RESPONDENT_CSS = """<style>
[data-testid="stToolbar"], [data-testid="stMainMenu"], #MainMenu,
[data-testid="stDecoration"], [data-testid="stStatusWidget"],
[data-testid="stAppDeployButton"], [data-testid="stHeader"] { display: none !important; }
[data-testid="stMain"] [role="radiogroup"] { flex-wrap: nowrap; gap: 0.5rem; }
[data-testid="stMain"] [role="radiogroup"] > label {
  min-height: 44px; margin: 0; padding: 0.4rem 0.75rem; align-items: center;
  border: 1px solid #6b7280; border-radius: 0.5rem;
}
[data-testid="stMain"] [role="radiogroup"] > label:has(input:focus-visible) {
  outline: 3px solid #1d4ed8; outline-offset: 2px;
}
[data-testid="stMain"] button { min-height: 44px; }
[data-testid="stMain"] h2[tabindex="-1"]:focus { outline: none; }
@media (max-width: 900px) {
  [data-testid="stMain"] [role="radiogroup"] { flex-direction: column; align-items: stretch; }
  [data-testid="stMain"] [role="radiogroup"] > label { width: 100%; }
}
.survey-live { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
</style>"""

# Runs after each step is drawn: the page opens at its top, the step's heading (the first
# h2 of the main area) takes the focus, and the live region repeats the progress and the
# heading so that a screen reader announces the new step.
_STEP_SCRIPT = """<div id="%(live)s" class="survey-live" role="status" aria-live="polite"></div>
<script>
(() => {
  const step = %(step)d;
  const top = () => {
    window.scrollTo(0, 0);
    for (const el of document.querySelectorAll(
        '[data-testid="stMain"], [data-testid="stAppViewContainer"], section.main')) {
      el.scrollTop = 0;
    }
  };
  top();
  let tries = 0;
  const timer = setInterval(() => {
    const heading = document.querySelector('[data-testid="stMain"] h2');
    const bar = document.querySelector('[data-testid="stProgress"]');
    tries += 1;
    if (!heading && tries < 60) return;
    clearInterval(timer);
    top();
    if (!heading) return;
    heading.setAttribute("tabindex", "-1");
    heading.focus({preventScroll: true});
    const live = document.getElementById("%(live)s");
    const progress = bar ? bar.innerText.trim() : "";
    if (live) live.textContent = [progress, heading.innerText.trim()].filter(Boolean).join(": ");
    document.body.dataset.surveyStep = String(step);
  }, 50);
})();
</script>"""


def respondent_frame() -> None:
    """Hide Streamlit's own menu and toolbar and lay out answer options for any screen."""
    st.html(RESPONDENT_CSS)


def step_opened(step: int) -> None:
    """Open step ``step`` (a number: it is the only thing that varies) at its top, focus its
    heading and announce it."""
    st.html(
        _STEP_SCRIPT % {"step": int(step), "live": LIVE_REGION_ID},
        unsafe_allow_javascript=True,
    )
