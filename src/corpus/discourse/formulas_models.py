"""Numbered formulae (四个全面, 三去一降一补, “四风”, 十四五) with the members the text spells out, and X+Y models (互联网+医疗健康, 1+N).

A numeric model (1+N, 3+2, 4+X) is both: :func:`models` lists it with every X+Y model and
:func:`formulae` with the numbered formulae (form ``numeric``); the two rows cite the same
occurrence. See :mod:`corpus.discourse` for what counts as a formula rather than a claim.
"""

from __future__ import annotations

import re

import pandas as pd

from ..patterns import (CJK, FORMULA_NUMERALS, NOT_BEFORE_FORMULA, cn_int, formula_head, formula_numbers, iter_formulae, iter_models,
                        model_parts)
from .units import iter_paragraphs, paragraph_units

FORMULA_COLUMNS = ["doc_id", "para_no", "start", "end", "surface", "form", "kind", "numbers", "total", "head", "quoted",
                   "members", "n_members"]  # fmt: skip
#: What kind of label a formula is (the ``kind`` column): a five-year plan (十四五), a 双 formula (双循环,
#: 双X双Y: every numeral is 双), a numeric model (1+N) or any other numbered formula (四个全面, 一国两制).
FORMULA_KINDS = ("numbered", "plan", "double", "numeric")
MODEL_COLUMNS = ["doc_id", "para_no", "start", "end", "surface", "parts", "head", "n_parts", "numeric", "open_slot",
                 "restored"]  # fmt: skip


def formulae(units: pd.DataFrame) -> pd.DataFrame:
    """Numbered formulae (三去一降一补, 四个全面, “四风”, 双循环, 十四五) and numeric models (1+N, 3+2, 4+X) with numbers, head, offsets and members.

    What counts as a formula: :func:`corpus.patterns.iter_formulae`. ``form`` is the detector's
    form (plan, multi, counted, bare, head_first), or ``numeric`` for a numeric model; ``kind``
    one of :data:`FORMULA_KINDS` (plan, double, numeric, numbered); ``numbers`` the numerals as
    written, joined by '/' (a plan's number: 十四 in 十四五); ``total`` their sum (a plan's
    number); ``members`` the items the same paragraph spells out (see :func:`formula_members`),
    joined by '；'. A formula inside a longer one (两学 in 两学一做) is not listed again.

    A formula the detector finds anywhere in ``units`` is a formula wherever else they write it:
    the detector reads a label from where it ends (做到两个维护。, “四风”, 四风问题), and the same
    label before a verb (推动两个维护落到实处, 纠治四风，) is the same label, so its count does not
    depend on the syntax around it. Only labels found unquoted at least once are so read (quoted,
    any phrase is a label: “十条” does not make 以上十条 one). Those further occurrences keep the
    form of the label (never after a numeral, 第 or a dot, as the detector's own, nor after 这, 那,
    以上 or 上述, which point back to items just listed; never inside another formula).

    Numeric models are X+Y models whose parts are all digits or letters, at least one a digit
    (1+N, 3+2, 1+3+5, 4+X). They are listed here and in :func:`models`: each such row is the
    same occurrence (same ``doc_id``, ``start``, ``end``) as a :func:`models` row with
    ``numeric`` True. Here ``numbers`` are the parts (3/2, 4/X), ``total`` the sum of the digit
    parts (a letter is an open slot and counts nothing), ``head`` the noun the model names,
    written right after it (“1+N”政策体系 → 政策体系; '' where none is); no members are read
    for them, since their numbers count groups (3+2: three tasks set above, two added locally)
    that the texts seldom spell out item by item.
    """
    rows = []
    paras = list(iter_paragraphs(paragraph_units(units)))
    detected = [list(iter_formulae(text)) for *_, text in paras]
    labels = {m.group(): m.lastgroup for (*_, text), found in zip(paras, detected) for m in found
              if m.lastgroup != "plan" and not _quoted(text, m.start(), m.end())}  # a quotation makes any phrase a label
    elsewhere = _label_pattern(labels)
    for (doc_id, para_no, offset, text), matches in zip(paras, detected):
        found = []
        spans = [m.span() for m in matches]
        if elsewhere is not None:
            matches = sorted([*matches, *(m for m in elsewhere.finditer(text) if not _points_back(text, m.start())
                                          and not any(a < m.end() and m.start() < b for a, b in spans))], key=lambda m: m.start())  # fmt: skip
        for m in matches:
            form = m.lastgroup if m.re is not elsewhere else labels[m.group()]
            nums = formula_numbers(m.group())
            values = [cn_int(n.replace("双", "两")) or 0 for n in nums]
            members = formula_members(text, m.start(), m.end(), values)
            found.append({"start": m.start(), "end": m.end(), "surface": m.group(), "form": form,
                          "kind": _kind(form, nums), "numbers": "/".join(nums), "total": sum(values), "head": formula_head(m.group()),
                          "members": "；".join(members), "n_members": len(members)})  # fmt: skip
        for m in iter_models(text):
            parts = model_parts(m.group())
            if is_numeric_model(parts):
                found.append({"start": m.start(), "end": m.end(), "surface": m.group(), "form": "numeric", "kind": "numeric",
                              "numbers": "/".join(parts), "total": sum(int(p) for p in parts if p.isdigit()),
                              "head": _named_after(text, m.end()), "members": "", "n_members": 0})  # fmt: skip
        for row in sorted(found, key=lambda r: r["start"]):
            rows.append({"doc_id": doc_id, "para_no": para_no, **row, "start": offset + row["start"], "end": offset + row["end"],
                         "quoted": _quoted(text, row["start"], row["end"])})  # fmt: skip
    return pd.DataFrame(rows, columns=FORMULA_COLUMNS)


def _label_pattern(labels: dict[str, str]) -> re.Pattern[str] | None:
    """Where the labels found are written elsewhere, longest first (a bare alternation, which re scans for by its first
    characters; what may come before is checked by :func:`_points_back`)."""
    if not labels:
        return None
    return re.compile("|".join(re.escape(label) for label in sorted(labels, key=lambda w: (-len(w), w))))


def _points_back(text: str, start: int) -> bool:
    """Whether a label at ``start`` follows a numeral, 第, a date's dot (十四风 has no 四风) or a word that points back to
    items just listed (这两个, 以上十条)."""
    return (start > 0 and text[start - 1] in NOT_BEFORE_FORMULA + "这那") or text[max(0, start - 2) : start] in ("以上", "上述")


def _kind(form: str | None, numbers: list[str]) -> str:
    """The kind of a detected formula: plan (十四五), double (双循环, every numeral 双) or numbered."""
    if form == "plan":
        return "plan"
    return "double" if numbers and all(n == "双" for n in numbers) else "numbered"


def is_numeric_model(parts: list[str]) -> bool:
    """Whether an X+Y model's parts make it a numeric model: all digits or letters (at most 3), one at least a digit.

    >>> is_numeric_model(["1", "N"]), is_numeric_model(["3", "2"]), is_numeric_model(["互联网", "X"]), is_numeric_model(["互联网", ""])
    (True, True, False, False)
    """
    return all(re.fullmatch(r"[0-9A-Za-z]{1,3}", p) for p in parts) and any(p.isdigit() for p in parts)


def _named_after(text: str, end: int) -> str:
    """The noun written right after a model (“1+N”政策体系, “3+N”重点任务和…): up to 8 ideographs, to 的/和/与/及/等."""
    run = re.match(f"[”’」]?([{CJK}]{{1,8}})", text[end:])
    return re.split("[的和与及等]", run.group(1))[0] if run else ""


def _quoted(text: str, start: int, end: int) -> bool:
    return text[start - 1 : start] in ("“", "‘") and text[end : end + 1] in ("”", "’")


_LIST_VERBS = ("形成|实行|建立|健全|开设|推行|围绕|通过|实施|实现|开展|坚持|落实|包括|按照|聚焦|构建|打造|完善|制定|"
               "明确|强化|推进|做到|整合|优化|保持|组织|涵盖|突出|深化|紧盯|依托|发挥|调动|存在着|存在")  # fmt: skip
_LEAD_VERB = re.compile(rf"^.*(?:{_LIST_VERBS})(?=.)")
# A list right before a formula ends in its last member, or in a word that points back at the list (这, 这些, 等).
_POINTING_BACK = re.compile("(?:这些|这|等)$")
# A clause that ends in one of these before a formula describes it (具有重大意义的三件大事, 一系列两条腿走路的方针)
# or quantifies it, and lists no members.
_NOT_A_LIST_END = re.compile("(?:的|一系列|一整套|一批|各项|一些)$")
# A list of 、 that closes on 等 and a noun (A、B、C等活动): in the clause right after a formula, its instances.
_LISTED_INSTANCES = re.compile(rf"^(.+、.+)等[{CJK}]{{1,4}}$")
# A formula that opens its paragraph in a sentence this short (“三优”促发展。) heads what follows,
# so the next sentence's list may be its members; a longer first sentence is about something else.
HEADLINE_CHARS = 12
# What opens an item announced by a colon: 一是, 二是, 一个是, 另一个是, 第一，
_ITEM_MARKER = re.compile(rf"^(?:(?:另)?一个是|[{FORMULA_NUMERALS[:-2]}]+是|第[{FORMULA_NUMERALS[:-2]}]+[，、]?)")
# The last word that links a modifier or a preceding noun to a list's first item (…创造的老, 条件和老).
_LAST_LINK = re.compile("^.*[的和与及]")
# The numbering of a heading the clause opens with (十三、坚持和完善“一国两制”): not part of any list.
_HEADING_NUMBER = re.compile(rf"^\s*[（(]?[{FORMULA_NUMERALS[:-2]}\d]+[、.．）)]")


def formula_members(text: str, start: int, end: int, numbers: list[int]) -> list[str]:
    """The items a formula at ``[start, end)`` of a paragraph counts, where the paragraph says they are its items.

    Tried in order: for a multi-part formula, the clauses of its sentence that assign each
    part (以A为主，以B为两翼的“一主两翼”); a list ending right before it
    (物质文明、政治文明、精神文明“三个文明”, …这三大任务); one after ，即 or a colon (两大问题：一是…，二是…);
    a list of 、 closed by 等 in the next clause (“三级联动”机制，整合公安、司法、信访等力量);
    and for a formula opening the paragraph (“三优”促发展。) the first list of the next sentence. A
    list counts when it has as many items as the formula's number (the sum of a multi-part
    formula's numbers, or for 五位一体 its first). Any other list that follows a formula in its
    sentence (坚持“一国两制”，按照A、B、C的原则) is not read as its members: on the CPC reports,
    such lists were about something else in 14 of 14 cases. 一X一Y formulae, formulae that
    are themselves list items (A、B和“三个代表”) and formulae after a list of attributes (…的三件大事) have none.

    >>> formula_members("坚持物质文明、政治文明、精神文明“三个文明”协调发展", 17, 21, [3])
    ['物质文明', '政治文明', '精神文明']
    >>> formula_members("以制造业为主，以服务业和农业为两翼的“一主两翼”格局", 19, 23, [1, 2])
    ['制造业', '服务业和农业']
    >>> formula_members("全面贯彻“一国两制”方针，按照甲、乙、丙的原则推进", 5, 9, [1, 2])
    []
    """
    roles = _role_members(text, start, end) if len(numbers) > 1 else []
    if roles:
        return roles
    wanted = _wanted_members(numbers)
    close = end + (text[end : end + 1] in ("”", "’"))
    rest = text[close:]
    before = _clause_before(text, start)
    in_list = (
        text[:start].rstrip("“‘").endswith("、")
        or rest.startswith("等")
        or "、" in re.split(r"[，。；：！？]", rest)[0]
        or ("、" in before and re.search("[和与及]$", before) is not None)
    )
    if not wanted or in_list:
        return []
    candidates = [(_HEADING_NUMBER.sub("", _POINTING_BACK.sub("", before)), True), (_after_colon(text, end), False)]
    if _NOT_A_LIST_END.search(before):
        candidates = candidates[1:]
    for candidate, lead in candidates:
        items = _split_list(candidate, wanted, lead=lead)
        if items:
            return items
    sentences = re.split(r"[。；！？]", rest)
    following = re.split(r"[，：]", sentences[0])[1:2]
    for clause in following:  # 依托“三级联动”机制，整合公安、司法、信访等力量: instances, named as such by 等
        if (listed := _LISTED_INSTANCES.search(clause)) and (items := _split_list(listed.group(1), wanted, lead=True, only="、")):
            return items
    if start <= 1 and len(sentences) > 1 and len(sentences[0]) <= HEADLINE_CHARS:  # “三优”促发展。该市通过优服务、优环境、优政策，…
        later = re.split(r"[，：]", sentences[1])
        return next((items for clause in later if (items := _split_list(clause, wanted, lead=True))), [])
    return []


def _role_members(text: str, start: int, end: int) -> list[str]:
    """Members given part by part before a multi-part formula in its sentence: 以A为主 … 以B为两翼 → A, B (split at 、)."""
    terms = formula_head(text[start:end]).split("/")
    sentence = re.split(r"[。；！？]", text[:start])[-1]
    items, pos = [], 0
    for term in terms:
        role = re.compile(rf"以([^，。；：以为]{{1,30}})为(?:主|[{FORMULA_NUMERALS}]{{1,2}})?{re.escape(term)}(?=[，、的和])")
        m = role.search(sentence, pos)
        if not term or m is None:
            return []
        items += [i for i in m.group(1).split("、") if i]
        pos = m.end()
    return items


def _wanted_members(numbers: list[int]) -> set[int]:
    """How many members a formula with these numbers has: N, the sum of several, or 五位一体's first."""
    if not numbers or all(n == 1 for n in numbers):
        return set()
    wanted = {sum(numbers)} | ({numbers[0]} if len(numbers) > 1 and numbers[-1] == 1 else set())
    return wanted - {0, 1}


def _clause_before(text: str, start: int) -> str:
    """The clause that ends where a formula starts (a quoted list right before it, else back to ，。；：)."""
    head = text[:start].rstrip("“‘")
    if head.endswith(("”", "’")):
        opening = max(head.rfind("“"), head.rfind("‘"))
        return head[opening + 1 : -1] if opening >= 0 else ""
    return re.split(r"[，。；：！？”]", head)[-1]


def _after_colon(text: str, end: int) -> str:
    """The sentence after a formula followed by ，即 or a colon (its items may be clauses of their own, to ；), else ''."""
    m = re.match(r"[”’]?(?:，即|，也就是|：|即)([^。]*)", text[end:])
    return m.group(1) if m else ""


def _split_list(clause: str, wanted: set[int], *, lead: bool, only: str | None = None) -> list[str]:
    """The clause's items (split at 、, else at ；, at ， or at 和/与/及) when their number is one wanted.

    A list's first item loses the verb that introduces the list (坚持A、B → A), and where it is
    still far longer than every other item, what comes before its last 的, 和, 与 or 及 (…创造的老、中、青 → 老).
    """
    clause = clause.strip()
    if not clause:
        return []
    for pattern in (only,) if only else (r"、", r"；", r"[，；]", r"、|和|与|及"):
        items = [i.strip() for i in re.split(pattern, clause)]
        if len(items) in wanted and all(items):
            if lead:
                items[0] = _LEAD_VERB.sub("", items[0]) or items[0]
                longest_other = max(len(i) for i in items[1:])
                if len(items[0]) > 2 * longest_other + 2 and (cut := _LAST_LINK.search(items[0][:-1])):
                    items[0] = items[0][cut.end() :]
            else:
                items = [_ITEM_MARKER.sub("", i) or i for i in items]
            items[-1] = re.split(r"等", items[-1])[0] or items[-1]
            return [i.strip("“”‘’") for i in items]
    return []


#: The audit columns :func:`models` reads: each edit's step, its replacement and its span in ``text``.
AUDIT_SPAN_COLUMNS = ["doc_id", "step", "after", "text_start", "text_end"]


def models(units: pd.DataFrame, *, audit: pd.DataFrame | None) -> pd.DataFrame:
    """X+Y(+Z) models (互联网+医疗健康, 1+N, 医疗+养老（康复）, the open slot “互联网+”), one row per occurrence.

    ``parts`` are joined by '|' (an open slot is an empty last part); ``numeric`` marks digit
    and letter models (3+2, 4+X; see :func:`is_numeric_model`). Numeric models are also listed
    by :func:`formulae` (form ``numeric``), with their numbers and the noun they name.

    ``restored`` is True where cleaning restored the model's plus sign (a '+' lost as a space
    in the page), read from ``audit``: the rows of step ``plus_signs`` whose ``after`` is '+',
    at ``text_start``/``text_end`` (where that '+' lies in the document's ``text``;
    :func:`corpus.clean.edit_text_spans`). ``audit=None``: not known, ``restored`` is <NA>.
    """
    if audit is not None:
        missing = [c for c in AUDIT_SPAN_COLUMNS if c not in audit.columns]
        if missing:
            raise ValueError(f"`audit` lacks the columns {missing}: pass the audit of these documents with the span of "
                             "each edit in the cleaned text (text_start, text_end: corpus.clean.edit_text_spans), "
                             "or audit=None where it is not known")  # fmt: skip
        restored = _restored_plus_signs(audit)
    rows = []
    for doc_id, para_no, offset, text in iter_paragraphs(paragraph_units(units)):
        for m in iter_models(text):
            parts = model_parts(m.group())
            start, end = offset + m.start(), offset + m.end()
            plus = [start + i for i, ch in enumerate(m.group()) if ch in "+＋"]
            rows.append({"doc_id": doc_id, "para_no": para_no, "start": start, "end": end, "surface": m.group(),
                         "parts": "|".join(parts), "head": parts[0], "n_parts": len(parts),
                         "numeric": is_numeric_model(parts),
                         "open_slot": parts[-1] == "",
                         "restored": pd.NA if audit is None else any(p in restored.get(doc_id, ()) for p in plus)})  # fmt: skip
    frame = pd.DataFrame(rows, columns=MODEL_COLUMNS)
    frame["restored"] = frame["restored"].astype("boolean")
    return frame


def _restored_plus_signs(audit: pd.DataFrame) -> dict[str, set[int]]:
    """Offsets in each document's text of the '+' signs cleaning restored (where a later step left them)."""
    rows = audit[(audit["step"] == "plus_signs") & (audit["after"] == "+")]
    restored: dict[str, set[int]] = {}
    for doc_id, start, end in zip(rows["doc_id"], rows["text_start"], rows["text_end"]):
        restored.setdefault(str(doc_id), set()).update(range(int(start), int(end)))
    return restored
