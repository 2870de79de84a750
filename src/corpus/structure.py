"""Document structure: paragraphs with their kind and heading path, and sentences.

``paragraphs`` and ``sentences`` give the units every later table cites
(``doc_id``, ``para_no``, ``sent_no`` and character offsets into ``text``), so a
keyword, a cluster member or a claim can always be traced to where it was written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from .dates import is_date_alone
from .patterns import CJK, CN_ORDINALS, MAX_HEADING_LEN

PARAGRAPH_COLUMNS = ["doc_id", "para_no", "kind", "level", "section", "start", "end", "text"]
SENTENCE_COLUMNS = ["doc_id", "para_no", "sent_no", "start", "end", "text"]

#: Heading numberings, outermost first: the level a heading sits at.
_HEADING_LEVELS = [
    re.compile(rf"^[{CN_ORDINALS}]{{1,3}}[、．.]"),  # 一、
    re.compile(rf"^[（(][{CN_ORDINALS}]{{1,3}}[）)]"),  # （一）
    re.compile(r"^[A-Z](?:[ 、．.]|$)"),  # A 精心谋划 (a joined section letter)
    re.compile(r"^\d{1,2}[、．.](?!\d)"),  # 1、
    re.compile(r"^[（(]\d{1,2}[）)]"),  # （1）
]
_NUMBERED = re.compile("|".join(f"({pattern.pattern})" for pattern in _HEADING_LEVELS))  # group k + 1: level k
#: The level of a short line without a numbering (a title, a heading in words).
_UNNUMBERED = len(_HEADING_LEVELS)
#: A part, chapter or section number (第二章 总则, 第三节): such a line opens a heading of its own, never continues one.
_CHAPTER = re.compile(rf"^第[\s\u3000]*[{CN_ORDINALS}\d]{{1,4}}[\s\u3000]*([编章节部篇])")
#: The level of each kind of chapter line, above the numberings (a law's 第二章 holds its （一） items).
_CHAPTER_LEVELS = {"编": -3, "部": -3, "篇": -3, "章": -2, "节": -1}
_STOP = re.compile("[。；]")
_ATTACHMENT_HEAD = re.compile(r"^附件\s*[:：]")
_NUMBER_LINE = re.compile(r"^[^\s]{0,12}\s*[〔\[［]\s*\d{4}\s*[〕\]］]\s*(?:第\s*)?\d{1,5}\s*号")
_ITEM = re.compile(rf"^(?:[{CN_ORDINALS}]{{1,3}}是|第[{CN_ORDINALS}\d]{{1,3}}[，、,]|首先|其次|再次|最后|“[^”]{{1,8}}”[^，。]{{0,6}}。)")
# A sentence ends at 。！？ or …, with the closing quotation marks and brackets after them. Not at
# ；: in Chinese usage (GB/T 15834-2011) the semicolon joins the clauses of one sentence, as in
# 一是…；二是…。 And not at a half-width ? or ! after an ideograph: cleaning makes every real one
# full-width, so one left there stands for a lost character (领域?I调处), flagged as mojibake.
_SENTENCE = re.compile(rf"[^。！？!?…]*(?:(?<=[{CJK}])[!?]+[^。！？!?…]*)*(?:[。！？]+|(?<![{CJK}])[!?]+|…+|$)[”’」』）)]*")


def _heading_level(line: str) -> int | None:
    """The level of a heading line (0 = 一、, the outermost numbering; parts, chapters and sections of laws and
    plans above it: 第…编 -3, 第…章 -2, 第…节 -1), or None for running text.

    >>> _heading_level("一、坚持用“政治建警”引领“业务建设”"), _heading_level("（一）抓党建"), _heading_level("突出党委带动")
    (0, 1, 5)
    >>> _heading_level("第二章　水源保护"), _heading_level("第三节 生态保护"), _heading_level("第一编 总则")
    (-2, -1, -3)
    >>> _heading_level("一是聚焦“引领融合”明方向。制定《全省公安机关“第一议题”学习制度》。") is None
    True
    """
    chapter = _CHAPTER.match(line)
    if chapter and len(line) <= MAX_HEADING_LEN and not _STOP.search(line):
        return _CHAPTER_LEVELS[chapter.group(1)]
    numbered = _NUMBERED.match(line)  # the first numbering that matches; the test after it is the same for every one
    if numbered and len(line) <= MAX_HEADING_LEN * 2 and not _STOP.search(line, 0, len(line) - 1):
        return numbered.lastindex - 1
    if (len(line) <= MAX_HEADING_LEN and line[-1] not in "。；！？!?：:，," and not _ITEM.match(line)
            and not _CLOSING_MATTER.search(line) and not _is_table_row(line) and not is_date_alone(line)):  # fmt: skip
        return len(_HEADING_LEVELS)
    return None


# A 公文's head and closing matter (GB/T 9704) and notes in brackets: never a heading over what follows. The head: its
# red head (某某局文件), number (某发〔2021〕8号), copy number (000128), secrecy and urgency (秘密★1年, 特急).
_CLOSING_MATTER = re.compile(r"^(?:附件|抄送|主送|印发|[（(].*[）)]$|\d{5,8}$|(?:绝密|机密|秘密|特急|加急|特提|平急|急件)(?:\s*★.{0,6})?$)"
                             r"|印发$|文\s*件$|[〔\[［]\s*\d{4}\s*[〕\]］]\s*(?:第\s*)?\d{1,5}\s*号")


def _is_table_row(line: str) -> bool:
    """A row of a table as extraction writes it: three cells or more apart (a letter-spaced heading, 结 束 语, is none)."""
    cells = line.split()
    return len(cells) >= 3 and any(len(c) > 1 for c in cells)


def _numbered_label(line: str) -> str | None:
    """The lead phrase of a numbered line that is no heading (二、深化改革，推动转型。…): an item of a numbered list."""
    m = _NUMBERED.match(line)
    return re.split(r"[。；：，,]", line[m.end() :].strip(), maxsplit=1)[0][:MAX_HEADING_LEN] or None if m else None


def _item_label(line: str) -> str | None:
    """The lead phrase of an enumerated item (一是聚焦“引领融合”明方向), else None."""
    m = _ITEM.match(line)
    if not m:
        return None
    return re.split(r"[。；：]", line, maxsplit=1)[0][:MAX_HEADING_LEN]


def paragraphs(docs: pd.DataFrame) -> pd.DataFrame:
    """One row per paragraph (line) of ``text``: kind (heading / body / list item), heading path, offsets.

    Two consecutive short unnumbered heading lines form one two-line heading (a third starts the
    next heading; a numbered line or a 第…章 line always starts its own); ``section``
    joins the open headings with " > ", and a list item's lead phrase is appended
    for the item itself.
    """
    return paragraph_frame(paragraph_rows(docs["doc_id"].tolist(), docs["text"].tolist()))


def paragraph_rows(doc_ids: Iterable[str], texts: Iterable[str]) -> list[tuple]:
    """The rows of :func:`paragraphs` for these documents, each a tuple of :data:`PARAGRAPH_COLUMNS` values.

    For a caller that splits documents as they come (the loader, while its workers clean the
    next ones); the rows of several calls, concatenated in document order, make one :func:`paragraph_frame`.
    """
    rows: list[tuple] = []
    for doc_id, text in zip(doc_ids, texts):
        _doc_paragraphs(doc_id, text, rows)
    return rows


def paragraph_frame(rows: list[tuple]) -> pd.DataFrame:
    """The :func:`paragraphs` table of rows from :func:`paragraph_rows`."""
    columns = dict(zip(PARAGRAPH_COLUMNS, map(list, zip(*rows))))  # the rows made into columns at once
    frame = pd.DataFrame(columns if rows else [], columns=PARAGRAPH_COLUMNS)
    frame["level"] = frame["level"].astype("Int64")
    return frame


def _doc_paragraphs(doc_id: str, text: str, rows: list[tuple]) -> None:
    """Append the paragraphs of one document to ``rows``, each a tuple of the values of :data:`PARAGRAPH_COLUMNS`."""
    lines, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            lines.append((pos, pos + len(line), line, _heading_level(line.strip())))
        pos += len(line) + 1
    path: dict[int, str] = {}
    section = ""  # _section(path), joined again only when a heading changes the path
    prev_heading, joined, item_level, attached = None, False, None, False
    for para_no, (start, end, line, level) in enumerate(lines, 1):
        stripped = line.strip()
        listed = level is not None and 0 <= level < _UNNUMBERED and not _heads_text(lines, para_no, level) and (
            _SENTENCE_LINE.search(stripped) or (level == item_level and stripped[-1] in "。！？"))  # （三）…活动。 after （二）…；
        following = lines[para_no][2].strip() if para_no < len(lines) else ""
        if level == _UNNUMBERED and (is_date_alone(following) or _NUMBER_LINE.search(following)):
            level = None  # a signature over its date (某某局 ⏎ 2021年3月5日), an issuer over its document number
        if level is not None and 0 <= level < _UNNUMBERED and (attached or _ATTACHMENT_HEAD.match(stripped)):
            listed = True  # 附件：1．… 2．…: the attachments listed, not sections
        attached = bool(_ATTACHMENT_HEAD.match(stripped)) or (attached and listed)
        item_level = level if listed else None
        if listed:
            level = None  # 一、…，…。 or （一）…； followed by its sibling 二、, a chapter or nothing: an item of a list, not a heading
        if level is not None:
            # The second line of a two-line heading: two short unnumbered lines, never a third (a run of short lines,
            # a table of contents, is one heading after another) and never a numbered sibling (一、 then 二、).
            joined = level == prev_heading == _UNNUMBERED and not joined and level in path and not _CHAPTER.match(stripped)
            if joined:
                path[level] = f"{path[level]} {stripped}"
            else:
                path = {k: v for k, v in path.items() if k < level}
                path[level] = stripped
            section = _section(path)
            kind, row_section = "heading", section
        else:
            numbered_item = listed or (_NUMBERED.match(stripped) and _SENTENCE_LINE.search(stripped))  # long lines too
            label = _item_label(line) or (_numbered_label(stripped) if numbered_item else None)
            kind = "list item" if label else "body"
            row_section = section if not label else " > ".join(p for p in (section, label) if p)
        rows.append((doc_id, para_no, kind, level, row_section, start, end, line))
        prev_heading = level


# A numbered line written as a sentence or a clause of one: a clause, a comma, and the stop that ends it; or a clause
# ending in ； (（一）向水体排放污水；: an item of a law's list, whose last item, in 。, follows its sibling).
_SENTENCE_LINE = re.compile("[，,].*[。！？]$|[；;]$")


def _heads_text(lines: list[tuple], para_no: int, level: int) -> bool:
    """Whether the numbered line ``para_no`` (1-based) heads text of its own: a next line numbered neither as its sibling nor higher."""
    if para_no >= len(lines):
        return False
    following = lines[para_no][2].strip()
    if _CHAPTER.match(following):  # the last item of a list before the next chapter (3.…。 then 第四章)
        return False
    numbered = _NUMBERED.match(following)
    return not (numbered and numbered.lastindex - 1 <= level)


def _section(path: dict[int, str]) -> str:
    return " > ".join(path[k] for k in sorted(path))


def sentences(units: pd.DataFrame) -> pd.DataFrame:
    """Sentences of documents or paragraphs, split after 。！？… (closing quotes stay attached), not at ；.

    The corpus's one sentence splitter: every table that cites a ``sent_no`` (tokens, claims)
    uses these sentences. Offsets are into the document's ``text``; given documents,
    paragraphs are derived first.

    >>> import pandas as pd
    >>> sentences(pd.DataFrame({"doc_id": ["d"], "text": ["他说：“好。”我们走吧！一是建制度；二是抓落实。OK?好"]}))["text"].tolist()
    ['他说：“好。”', '我们走吧！', '一是建制度；二是抓落实。', 'OK?', '好']
    """
    paras = units if "para_no" in units.columns else paragraphs(units)
    rows = []
    for doc_id, para_no, start, text in zip(paras["doc_id"], paras["para_no"], paras.get("start", [0] * len(paras)), paras["text"]):
        sent_no = 0
        for m in _SENTENCE.finditer(text):
            if not m.group().strip():
                continue
            sent_no += 1
            rows.append({"doc_id": doc_id, "para_no": para_no, "sent_no": sent_no,
                         "start": start + m.start(), "end": start + m.end(), "text": m.group()})  # fmt: skip
    return pd.DataFrame(rows, columns=SENTENCE_COLUMNS)
