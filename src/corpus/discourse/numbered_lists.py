"""Enumerated measures: the items official texts number (一是/二是 inside paragraphs, 一、/（一）/1、 headings), per section."""

from __future__ import annotations

import re

import pandas as pd

from ..patterns import ENUMERATION_STYLES, cn_int, iter_enumerators
from .units import iter_paragraphs, paragraph_units

ENUMERATION_COLUMNS = ["doc_id", "para_no", "start", "end", "section", "enum_no", "marker", "item_no", "n_items",
                       "label", "text"]  # fmt: skip


def enumerations(units: pd.DataFrame) -> pd.DataFrame:
    """Enumerated measures (一是/二是 inside paragraphs, 一、/（一）/1、 headings) as a table per section.

    One row per item: the section it belongs to (heading path), the run it is part of
    (``enum_no`` within the document, ``item_no``, ``n_items``), its ``marker`` style (一是, 一、 …), its
    lead phrase (``label``) and text, with offsets. Ranks (第一) inside sentences are not items.
    """
    paras = paragraph_units(units)
    rows = []
    for doc_id, part in paras.groupby("doc_id", sort=False):
        rows += _doc_enumerations(str(doc_id), part)
    frame = pd.DataFrame(rows, columns=[c for c in ENUMERATION_COLUMNS if c not in ("enum_no", "n_items")])
    if frame.empty:
        return pd.DataFrame(columns=ENUMERATION_COLUMNS)
    frame["enum_no"] = _runs(frame)
    frame["n_items"] = frame.groupby(["doc_id", "enum_no"])["item_no"].transform("size")
    return frame[ENUMERATION_COLUMNS]


def _runs(items: pd.DataFrame) -> list[int]:
    """Number the runs of items per document: a run is one style in one section counting 1, 2, 3 …"""
    current: dict[tuple, int] = {}
    last: dict[tuple, int] = {}
    count: dict[str, int] = {}
    runs = []
    for doc_id, section, style, item_no in zip(items["doc_id"], items["section"], items["marker"], items["item_no"]):
        key = (doc_id, section, style)
        if key not in current or item_no == 1 or item_no != last[key] + 1:
            count[doc_id] = count.get(doc_id, 0) + 1
            current[key] = count[doc_id]
        last[key] = item_no
        runs.append(current[key])
    return runs


def _doc_enumerations(doc_id: str, paras: pd.DataFrame) -> list[dict]:
    rows, heading_section = [], ""
    kinds = paras["kind"] if "kind" in paras.columns else pd.Series("body", index=paras.index)
    sections = paras["section"] if "section" in paras.columns else pd.Series("", index=paras.index)
    for (_, para_no, offset, text), kind, section in zip(iter_paragraphs(paras), kinds, sections):
        section = "" if pd.isna(section) else str(section)
        if kind == "heading":
            heading_section = section
            parent = " > ".join(section.split(" > ")[:-1])
        else:
            parent = heading_section if kind == "list item" else section
        marks = list(iter_enumerators(text))
        for i, m in enumerate(marks):
            style = next(name for name in ENUMERATION_STYLES if m.group(name))
            end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
            item = text[m.start("marker") : end].rstrip().rstrip("，,")  # 一是…，二是…: the comma joins, it is not the item's
            rows.append({"doc_id": doc_id, "para_no": para_no, "start": offset + m.start("marker"),
                         "end": offset + m.start("marker") + len(item), "section": parent,
                         "marker": ENUMERATION_STYLES[style], "item_no": cn_int(m.group(style)) or 0,
                         "label": re.split(r"[。；：]", item[len(m.group("marker")) :], maxsplit=1)[0][:40],
                         "text": item})  # fmt: skip
    return rows
