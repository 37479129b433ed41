"""The words a respondent reads, in the language they chose.

Every text in an instrument is English with an optional Welsh (``cy``) translation
(:class:`instruments.schema.Text`). The web survey asks in either language and stores the
same answers whatever the language: only the words change, never an item id or an option
code. The respondent pages' own messages live in the survey's YAML (``messages``), so a
translator edits data, not code; ``RESPONDENT_MESSAGES`` lists the ones the pages use, with
the English a folder without them falls back to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from instruments.schema import SurveyInstrument, Text

if TYPE_CHECKING:
    from instruments.catalogue import Catalogue

ENGLISH = "en"
WELSH = "cy"
LANGUAGES = {ENGLISH: "English", WELSH: "Cymraeg"}

RESPONDENT_MESSAGES: dict[str, str] = {
    "language": "Language / Iaith",
    "progress": "Step {step} of {steps}",
    "back": "Back",
    "next": "Next",
    "submit": "Submit my answers",
    "blank_prompt": (
        "Questions left blank on this page: {n}. You can continue without them, or go "
        "back and answer them."
    ),
    "continue_anyway": "Continue without them",
    "answer_them": "Answer them",
    "needs_answer": "This question needs an answer.",
    "fix_these": "Please answer these questions before you go on:",
    "link_closed": "This survey link is not open.",
    "closed_on_submit": "This survey has been closed, so your answers could not be saved.",
    "not_saved": "Your answers were not saved. Please check these questions:",
    "thanks": "Thank you: your answers have been saved. You may close this page.",
    "sectors_help": "Choose every sector you work with. Include your own if you like.",
    "no_sectors": "Choose at least one sector to be asked about it, or go on to the next step.",
    "resume_code": (
        "Your resume code is {code}. Note it down: to finish later, open the same link "
        "and enter it on the first page. Your answers so far are saved."
    ),
    "resume_enter": "Started before? Enter your resume code to continue where you left off.",
    "resume_label": "Resume code",
    "resume_button": "Continue my answers",
    "resume_unknown": "That resume code is not known, or it has expired.",
    "resume_expiry": (
        "Unfinished answers are kept for {days} days and are not counted until you submit them."
    ),
}


def say(text: Text | str | None, lang: str = ENGLISH) -> str:
    """``text`` in ``lang``: its Welsh when asked for and given, else its English."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    if lang == WELSH and text.cy:
        return text.cy
    return text.en


def message(inst: SurveyInstrument, key: str, lang: str = ENGLISH, **values: Any) -> str:
    """One of the respondent pages' messages, with ``values`` filled in."""
    text = inst.messages.get(key)
    words = say(text, lang) if text is not None else RESPONDENT_MESSAGES[key]
    return words.format(**values) if values else words


def has_welsh(inst: SurveyInstrument) -> bool:
    """Whether the survey offers Welsh (its title is translated)."""
    return bool(inst.title.cy)


def sector_name(cat: Catalogue, code: str, lang: str = ENGLISH, *, short: bool = True) -> str:
    """A sector's display name from ``sectors.yaml`` (short or full), in ``lang``."""
    for s in cat.sectors.sectors:
        if s.code == code:
            if short:
                return (s.short_cy if lang == WELSH else None) or s.short
            return (s.name_cy if lang == WELSH else None) or s.name
    return code


def option_label(
    cat: Catalogue, inst: SurveyInstrument, kind: str, option: str, lang: str = ENGLISH
) -> str:
    """How an answer option is shown: a sector by its full name, anything else by the
    survey's ``option_labels`` (a code with no label is shown as it is)."""
    if kind == "sector":
        return sector_name(cat, option, lang, short=False)
    label = inst.option_labels.get(option)
    return say(label, lang) if label is not None else option


def texts(cat: Catalogue, inst: SurveyInstrument, lang: str = ENGLISH) -> dict[str, str]:
    """The question text of every column of the survey (profile, items, trust, open), by
    column id, in ``lang``."""
    out = {f.id: say(f.text, lang) for f in inst.profile}
    out |= {i.id: say(i.text, lang) for i in inst.items}
    if inst.trust is not None:
        for s in cat.sectors.sectors:
            name = sector_name(cat, s.code, lang)
            for f in inst.trust.facets:
                item = inst.trust.id_pattern.format(sector=s.code, facet=f.id)
                out[item] = say(f.text, lang).replace("{sector}", name)
    out |= {q.id: say(q.text, lang) for q in inst.open_questions}
    return out


def untranslated(cat: Catalogue, inst: BaseModel) -> list[str]:
    """Every text of an instrument (and, for a survey, of the respondent pages: step
    titles, answer labels, messages; and the sector names) that has no Welsh, named by
    where it is; empty when the translation is complete."""
    missing = [where for where, text in _texts(inst, "") if not text.cy]
    if isinstance(inst, SurveyInstrument):
        for sc in inst.scales:
            if sc.step is None:
                missing.append(f"scales.{sc.id}.step")
        for name in ("profile_step", "open_step", "trust_question"):
            if getattr(inst, name) is None:
                missing.append(name)
        options = {o for f in inst.profile if f.type == "choice" for o in f.options or ()}
        options |= {"yes", "no", "true", "false", "dont_know"}
        missing += [f"option_labels.{o}" for o in sorted(options - set(inst.option_labels))]
        missing += [f"messages.{k}" for k in RESPONDENT_MESSAGES if k not in inst.messages]
    for s in cat.sectors.sectors:
        if not (s.short_cy and s.name_cy):
            missing.append(f"sectors.{s.code}")
    return missing


def _texts(node: Any, where: str) -> Iterator[tuple[str, Text]]:
    """Every :class:`Text` inside ``node`` (a model, list or mapping), with its path."""
    if isinstance(node, Text):
        yield where, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _texts(getattr(node, name), f"{where}.{name}" if where else name)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            ident = getattr(item, "id", None) or getattr(item, "code", None) or i
            yield from _texts(item, f"{where}.{ident}")
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from _texts(item, f"{where}.{key}")
