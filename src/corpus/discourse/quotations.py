"""Quoted phrases (slogans) and the documents a text cites in 《…》, with how many documents use each."""

from __future__ import annotations

import re

import pandas as pd

from ..patterns import CJK, iter_formulae, iter_models, iter_quotes, iter_titles
from .units import iter_paragraphs, occurrence_stats, paragraph_units

SLOGAN_COLUMNS = ["doc_id", "para_no", "start", "end", "slogan", "kind", "in_title", "count", "n_docs", "docs"]
TITLE_COLUMNS = ["doc_id", "para_no", "start", "end", "title", "genre", "count", "n_docs", "docs"]


def slogans(units: pd.DataFrame, *, max_len: int = 30) -> pd.DataFrame:
    """Quoted phrases (“…”, 2 to ``max_len`` characters, not whole sentences) with corpus counts and documents.

    ``kind`` says whether the phrase is a formula, a model or another slogan; ``in_title``
    marks a phrase quoted inside a cited title (《关于落实“首问负责”制度的通知》). Titles themselves
    are listed by :func:`cited_documents`; one quoted character (“实”的作风) is emphasis.
    """
    rows = []
    for doc_id, para_no, offset, text in iter_paragraphs(paragraph_units(units)):
        titles = [m.span() for m in iter_titles(text)]
        for m in iter_quotes(text, max_len=max_len):
            inner = m.group(1) or m.group(2)
            if len(inner) < 2 or re.search(r"[。！？!?]", inner) or not re.search(f"[{CJK}]", inner):
                continue
            rows.append({"doc_id": doc_id, "para_no": para_no, "start": offset + m.start(), "end": offset + m.end(),
                         "slogan": inner, "kind": _phrase_kind(m.group()),
                         "in_title": any(a < m.start() < b for a, b in titles)})  # fmt: skip
    return occurrence_stats(pd.DataFrame(rows, columns=SLOGAN_COLUMNS[:7]), "slogan")[SLOGAN_COLUMNS]


def _phrase_kind(quote: str) -> str:
    """Formula, model or slogan: what the detectors find in the quoted phrase with its quotation marks.

    The marks are the context some forms exist in only (“四风”, “六稳”, the quoted count “十三个方面成就”,
    the open slot “互联网+”), so the phrase is typed as :func:`formulae` and :func:`models` list it.

    >>> [_phrase_kind(q) for q in ["“四风”", "“互联网+”", "“两个维护”", "“枫桥经验”"]]
    ['formula', 'model', 'formula', 'slogan']
    """
    whole = (1, len(quote) - 1)
    if any(m.span() == whole for m in iter_formulae(quote)):
        return "formula"
    if any(m.span() == whole for m in iter_models(quote)):
        return "model"
    return "slogan"


_GENRE = re.compile(
    r"(实施意见|实施方案|实施计划|实施细则|指导意见|工作要点|行动计划|行动方案|管理办法|暂行规定|若干措施|若干意见|"
    r"制度|规定|意见|办法|方案|计划|清单|要点|细则|通知|决定|条例|纲要|汇编|职责|规划|规则|守则|准则|报告|措施|标准|指引)$"
)


def cited_documents(units: pd.DataFrame) -> pd.DataFrame:
    """Titles cited in 《…》 with their genre (制度, 规定, 实施意见 …; '' for films, books and papers), counts and documents."""
    rows = []
    for doc_id, para_no, offset, text in iter_paragraphs(paragraph_units(units)):
        for m in iter_titles(text):
            title = m.group(1)
            genre = _GENRE.search(re.sub(r"[（(][^（）()]*[）)]$", "", title))
            rows.append({"doc_id": doc_id, "para_no": para_no, "start": offset + m.start(), "end": offset + m.end(),
                         "title": title, "genre": genre.group(1) if genre else ""})  # fmt: skip
    return occurrence_stats(pd.DataFrame(rows, columns=TITLE_COLUMNS[:6]), "title")[TITLE_COLUMNS]


