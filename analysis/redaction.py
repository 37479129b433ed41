"""Redaction of free text: contact details, NHS numbers, postcodes and people's names
are taken out before any open answer or quote is shown."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_PHONE = re.compile(
    r"(?<![\w+/.])(?:\+44\s?(?:\(0\)\s?)?|0044\s?|\(?0)\d{2,4}\)?(?:[\s-]?\d){5,8}(?!\d)"
)
_NHS = re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")
_POSTCODE = re.compile(r"(?<!\w)[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}(?!\w)")
# Capitalised words that follow a title or role but are not names ("Nurse Practitioner").
_NOT_NAMES = (
    r"Practitioners?|Professionals?|Consultant|Manager|Lead|Leader|Teams?|Services?|Board"
    r"|Practice|Partnership|Council|Police|Health|Care|Social|Mental|Safeguarding|Hub|Agency"
    r"|Agencies|Meeting|Report|Officer|Station|Ward|Office|Unit|Department|Trust|Support"
    r"|Protocol|Adults?|Children|Community|Acute|Primary|Public|Family|Early|Youth|Housing"
    r"|Education|Fire|Probation|Ambulance|Hospital|Court|County|City|District|Borough|Local"
    r"|National|Integrated|Joint|Information|Governance|Data|And|The|Of|\w+day"
)
_WORD = (
    rf"(?!(?:{_NOT_NAMES})\b)"
    r"[A-Z](?:[a-z]+|[a-z]*[A-Z][a-z]+|['’][A-Z][a-z]+)(?:-[A-Z][a-z]+)?(?!\w)"
)
_NAME = rf"(?:[A-Z]\.?\s+)*{_WORD}(?:\s+{_WORD}){{0,2}}"
_TITLED = re.compile(
    r"\b(?:Mrs|Mr|Ms|Miss|Mx|Dr|Prof|Professor|Sister|Nurse|Matron|Midwife|PCSO|PC|DCI|DC|DS"
    rf"|DI|Sgt|Sergeant|Insp|Inspector|Constable|Councillor|Cllr|Revd|Rev)\b\.?\s+{_NAME}"
)
_ROLED = re.compile(
    r"(?P<role>(?i:\b(?:my|our|their|his|her|your|the|a|an)\s+(?:(?:line|team|practice|ward)"
    r"\s+manager|manager|colleague|boss|supervisor|(?:social|key|support|case|youth)\s+worker"
    r"|caseworker|health\s+visitor|(?:police|probation|duty)\s+officer|officer|nurse|midwife"
    r"|doctor|gp|consultant|counterpart|contact|team\s+leader|lead|director|practitioner"
    r"|co-?ordinator|therapist|psychiatrist|(?:head\s*)?teacher|sergeant|inspector|mentor)))"
    rf"(?P<gap>\s+){_NAME}"
)


def _phone(m: re.Match[str]) -> str:  # a UK number has 9 or 10 digits after the 0 or +44
    national = re.sub(r"\D", "", re.sub(r"^(?:\+|00)44", "", m.group(0))).removeprefix("0")
    return "[phone]" if len(national) in (9, 10) else m.group(0)


def _redact_once(text: str) -> str:
    text = _PHONE.sub(_phone, _EMAIL.sub("[email]", text))
    text = _POSTCODE.sub("[postcode]", _NHS.sub("[NHS number]", text))
    text = _TITLED.sub("[name]", text)
    return _ROLED.sub(lambda m: f"{m.group('role')}{m.group('gap')}[name]", text)


def redact(text: str) -> str:
    """Take contact details, NHS numbers, postcodes and people's names out of free text.

    E-mail addresses become "[email]"; UK phone numbers (landline or mobile, spaced or not,
    0…, +44 … or +44 (0)… forms) "[phone]"; any other run of 10 digits, optionally spaced
    3-3-4 ("943 476 5919"), "[NHS number]"; UK postcodes ("SW1A 1AA") "[postcode]"; a title
    or role with capitalised names ("Mrs J. Patel", "PC Jones", "Cllr Ahmed") "[name]";
    and in "my manager Sarah told me" the name only ("my manager [name] told me").

    Everything else is kept exactly, markup included (escaping is the view's job; text is
    never stripped or rendered here), and replacing repeats until nothing changes, so
    ``redact(redact(x)) == redact(x)``.

    Notes
    -----
    The NHS number's Modulus 11 check digit is deliberately not used as a filter: a number
    mistyped by one digit is still an identifier. Name detection is heuristic: a bare name
    ("Sarah said") is not found, and a capitalised word after a title or role is taken for
    a name unless it is a known service word ("Nurse Practitioner").
    """
    if not isinstance(text, str):
        raise TypeError(f"redact() takes a string, got {type(text).__name__}; drop missing text.")
    while (clean := _redact_once(text)) != text:
        text = clean
    return text
