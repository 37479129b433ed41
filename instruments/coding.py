"""The coding frame of open comments (``comment_themes.yaml``): themes, each a pillar and
a barrier or enabler, with the words and phrases that code a comment to it, and the words
that name each sector. Kept as data a domain expert edits; checked here."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from instruments.catalogue import DEFAULT_DIR, THEMES_FILE, _read_yaml, _validate
from instruments.schema import Ident, Strict


class Theme(Strict):
    id: Ident
    pillar: Ident | None
    type: Literal["barrier", "enabler"]
    title: str
    words: list[str] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_something_to_match(self) -> Theme:
        if not (self.words or self.phrases):
            raise ValueError(f"theme '{self.id}' needs at least one word or phrase")
        return self


class CodingFrame(Strict):
    key: Ident
    version: str = Field(pattern=r"^\d+\.\d+(\.\d+)?$")
    title: str
    questions: dict[str, Literal["barrier", "enabler"]]
    themes: list[Theme] = Field(min_length=1)
    sector_words: dict[str, list[str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _unique_ids(self) -> CodingFrame:
        ids = [t.id for t in self.themes]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"theme id used twice: {', '.join(twice)}")
        return self


def load_coding_frame(folder: Path | None = None) -> CodingFrame:
    """The coding frame of ``folder`` (the shipped one when the folder has none)."""
    path = Path(folder or DEFAULT_DIR) / THEMES_FILE
    if not path.exists():
        path = DEFAULT_DIR / THEMES_FILE
    return _cached(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _cached(path: str, _mtime: int) -> CodingFrame:
    return _validate(CodingFrame, _read_yaml(Path(path)), Path(path).name)
