"""Comment themes: open answers coded to the themes of a coding frame
(:mod:`instruments.coding`), counted per area and wave, and the uncoded ones grouped by an
unsupervised method to suggest the frame's next version.

Coding is by dictionary: a comment of a question of type *barrier* (or *enabler*) goes to
the theme of that type whose words (whole words, any case) and phrases (anywhere, any
case; worth two words) it matches most, ties to the theme listed first; a comment that
matches none stays uncoded. The sectors a comment names are found by their names and the
frame's sector words. No text leaves this module as HTML; callers show it as plain text."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

from instruments.coding import CodingFrame

UNCODED = "uncoded"


def _word_pattern(words: list[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w.lower()) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w&])(?:{alternatives})(?![\w&])")


class Coder:
    """A compiled coding frame: :meth:`code` one comment, :meth:`sectors` it names."""

    def __init__(self, frame: CodingFrame, sector_names: dict[str, list[str]]):
        self.frame = frame
        self.themes = list(frame.themes)
        self._words = [_word_pattern(t.words) for t in self.themes]
        self._phrases = [[p.lower() for p in t.phrases] for t in self.themes]
        names = {code: [*sector_names.get(code, [])] for code in sector_names}
        for code, extra in frame.sector_words.items():
            names.setdefault(code, []).extend(extra)
        self._sectors = {code: _word_pattern(words) for code, words in names.items() if words}

    def code(self, text: str, kind: str) -> tuple[str, int]:
        """The theme id of ``text`` among the themes of type ``kind``, and its score
        (:data:`UNCODED` and 0 when nothing matches)."""
        low = str(text).lower()
        best, best_score = UNCODED, 0
        for theme, words, phrases in zip(self.themes, self._words, self._phrases, strict=True):
            if theme.type != kind:
                continue
            score = len(words.findall(low)) if words is not None else 0
            score += 2 * sum(low.count(p) for p in phrases)
            if score > best_score:
                best, best_score = theme.id, score
        return best, best_score

    def sectors(self, text: str) -> list[str]:
        """Sector codes the comment names, in the order of the sector list."""
        low = str(text).lower()
        return [code for code, pattern in self._sectors.items() if pattern.search(low)]


def code_comments(comments: pd.DataFrame, coder: Coder) -> pd.DataFrame:
    """``comments`` (``item_id``, ``text``, any other columns) with ``kind`` (barrier or
    enabler, from the frame's questions), ``theme``, ``score`` and ``sectors_named``
    (codes joined by ","). Blank comments and those of questions the frame does not name
    are dropped."""
    questions = coder.frame.questions
    text = comments["text"].fillna("").astype(str)
    keep = comments["item_id"].isin(list(questions)) & text.str.strip().ne("")
    out = comments[keep].copy()
    out["kind"] = out["item_id"].map(questions)
    coded = [coder.code(t, k) for t, k in zip(out["text"], out["kind"], strict=True)]
    out["theme"] = [c[0] for c in coded]
    out["score"] = [c[1] for c in coded]
    out["sectors_named"] = [",".join(coder.sectors(t)) for t in out["text"]]
    return out


def theme_counts(
    coded: pd.DataFrame, coder: Coder, *, sector_names: dict[str, str] | None = None
) -> pd.DataFrame:
    """Comments per theme: index theme; ``title``, ``pillar``, ``type``, ``comments``,
    ``share`` (of the comments to that question type, uncoded included) and ``sectors``
    (the sectors most often named, up to three). Themes with no comment are left out; the
    uncoded comments of each type are a row each."""
    sector_names = sector_names or {}
    if coded.empty:
        return pd.DataFrame(columns=["title", "pillar", "type", "comments", "share", "sectors"])
    totals = coded.groupby("kind").size()
    info = {t.id: t for t in coder.themes}
    rows = []
    for (kind, theme), group in coded.groupby(["kind", "theme"], sort=False):
        named = Counter(s for cell in group["sectors_named"] for s in cell.split(",") if s)
        t = info.get(theme)
        rows.append(
            {
                "theme": theme if t else f"{UNCODED}_{kind}",
                "title": t.title if t else f"Not coded ({kind})",
                "pillar": t.pillar if t else None,
                "type": kind,
                "comments": len(group),
                "share": len(group) / totals[kind],
                "sectors": ", ".join(sector_names.get(s, s) for s, _ in named.most_common(3)),
            }
        )
    table = pd.DataFrame(rows).set_index("theme")
    order = {t.id: i for i, t in enumerate(coder.themes)}
    rank = [order.get(i, len(order)) for i in table.index]
    table = table.assign(_rank=rank, _kind=table["type"] != "barrier")
    return table.sort_values(["_kind", "comments", "_rank"], ascending=[True, False, True]).drop(
        columns=["_rank", "_kind"]
    )


def uncoded_clusters(texts: pd.Series, *, clusters: int = 4, terms: int = 6) -> pd.DataFrame:
    """Groups of comments the frame left uncoded, for its next version: TF-IDF of the
    comments (English stop words out, words and word pairs seen at least twice), factored
    by non-negative matrix factorisation into ``clusters`` groups; each group's top
    ``terms`` and how many comments load most on it. In R: ``tm::weightTfIdf`` then
    ``NMF::nmf``. Empty when there are too few comments to factor."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = texts.fillna("").astype(str)
    docs = docs[docs.str.strip().ne("")]
    empty = pd.DataFrame(columns=["terms", "comments"])
    if len(docs) < max(5, clusters):
        return empty
    vectoriser = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), min_df=2)
    try:
        x = vectoriser.fit_transform(docs)
    except ValueError:  # no term seen twice
        return empty
    k = min(clusters, x.shape[1], x.shape[0])
    if k < 1:
        return empty
    model = NMF(n_components=k, init="nndsvda", random_state=0, max_iter=500)
    weights = model.fit_transform(x)
    vocab = np.array(vectoriser.get_feature_names_out())
    top = np.argsort(-model.components_, axis=1)[:, :terms]
    members = np.bincount(weights.argmax(axis=1), minlength=k)
    return pd.DataFrame(
        {"terms": [", ".join(vocab[row]) for row in top], "comments": members},
        index=pd.RangeIndex(1, k + 1, name="cluster"),
    )
