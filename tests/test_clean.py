"""Tests for the cleaning pipeline (corpus.clean), step by step and on the seed corpus.

The single-step cases live in ``fixtures/clean_cases.json``, one object per case:

- ``label``: what the case shows (the pytest id);
- ``step``: the name of the one cleaning step the case runs;
- ``kind``: ``positive`` (the step fires) or ``negative`` (look-alike legitimate text the
  step must leave as it is);
- ``input`` / ``expected``: the step's input and the text built from its edits alone;
- ``fields`` (optional): what the step must extract into the context, exactly;
- ``ctx`` (optional): context earlier steps would have left (a title for bylines);
- ``flags`` (optional): how many ``flagged`` edits (suspicions that change nothing) it records.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

import corpus
from corpus import clean
from corpus.clean import STEP_NAMES, STEPS, CleanConfig, Edit, apply_edits, clean_text, context_fields, edit_text_spans, replay, with_steps

SEEDS = Path(__file__).parents[1] / "seeds"
#: The CPC congress reports, in the shared folder beside the repository (absent from a user's clone).
CPC = Path(__file__).parents[2] / "shared" / "corpora" / "cpc"
CASES_PATH = Path(__file__).parent / "fixtures" / "clean_cases.json"
CASES = json.loads(CASES_PATH.read_text(encoding="utf-8"))
STEP_FUNCTIONS = {name: fn for name, fn, _ in STEPS}

#: Lower-case vowels with a tone mark: what a pinyin syllable left in the text would carry.
TONE_MARKED = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")


def run_step(step: str, text: str, cfg: CleanConfig | None = None, ctx: dict | None = None) -> tuple[str, list[Edit], dict]:
    """One step alone, as clean_text runs it: its edits sorted, then applied to its input; the fields it found."""
    ctx = dict(ctx or {})
    edits = sorted(STEP_FUNCTIONS[step](text, cfg or CleanConfig(), ctx), key=lambda e: (e.start, e.end))
    return apply_edits(text, edits), edits, context_fields(ctx)


@pytest.fixture(scope="module")
def seed_docs(seed_corpus):
    return seed_corpus.documents()


def seed_doc(docs, prefix: str):
    rows = docs[docs["doc_id"].str.startswith(prefix)]
    assert len(rows) == 1, f"expected one seed document starting with {prefix}"
    return rows.iloc[0]


# --------------------------------------------------------------------------- the case file


def test_every_case_names_a_known_step_and_kind():
    for case in CASES:
        assert case["step"] in STEP_NAMES, case["label"]
        assert case["kind"] in ("positive", "negative"), case["label"]
        assert set(case) <= {"label", "step", "kind", "input", "expected", "fields", "ctx", "flags"}, case["label"]


def test_case_labels_are_unique():
    counts = Counter(case["label"] for case in CASES)
    assert [label for label, n in counts.items() if n > 1] == []


def test_negative_cases_expect_their_input_unchanged():
    for case in CASES:
        if case["kind"] == "negative":
            assert case["expected"] == case["input"], case["label"]


@pytest.mark.parametrize("step", STEP_NAMES)
def test_each_step_has_two_positive_and_one_negative_case(step):
    kinds = Counter(case["kind"] for case in CASES if case["step"] == step)
    assert kinds["positive"] >= 2, f"{step}: {kinds['positive']} positive case(s)"
    assert kinds["negative"] >= 1, f"{step}: no negative case"


# --------------------------------------------------------------------------- single steps


@pytest.mark.parametrize("case", CASES, ids=[case["label"] for case in CASES])
def test_single_step_gives_the_expected_text_and_fields(case):
    text, edits, ctx = run_step(case["step"], case["input"], ctx=case.get("ctx"))
    assert text == case["expected"]
    assert ctx == {**case.get("ctx", {}), **case.get("fields", {})}
    flagged = [e for e in edits if e.action == "flagged"]
    if "flags" in case:
        assert len(flagged) == case["flags"], flagged
    if case["kind"] == "positive":
        assert edits, "the step should have fired"
    else:
        assert [e for e in edits if e.action != "flagged"] == []


def test_pinyin_annotations_are_removed_only_when_they_match():
    text = "海門區(qū)公安局推行政府和社会资本合作(PPP)模式，建设天网工程(tiān wǎng)。"
    out, edits, _ = run_step("pinyin", text)
    assert out == "海門區公安局推行政府和社会资本合作(PPP)模式，建设天网工程(tiān wǎng)。"
    assert [e.before for e in edits] == ["(qū)"]


def test_a_real_question_mark_is_not_flagged_but_a_lost_character_is():
    _, edits, _ = run_step("mojibake", "这项工作落实到位了吗?")
    assert edits == []
    _, edits, _ = run_step("mojibake", "立黨為公，還是立黨為私?這是無產階級政黨和資產階級政黨的分水嶺。")  # cpc_10, in Traditional script
    assert edits == []
    _, edits, _ = run_step("mojibake", "加强基层?治理")
    assert [e.action for e in edits] == ["flagged"]


def test_plus_signs_leave_headline_spaces_alone_but_flag_them():
    out, edits, _ = run_step("plus_signs", "坚持党建引领多元共治 全面提升基层治理水平")
    assert out == "坚持党建引领多元共治 全面提升基层治理水平"
    assert {e.action for e in edits} == {"flagged"}


def test_steps_read_their_settings_from_the_config():
    text = "区(qū)域协作，现(xiàn)代化，引领(lǐng)基层，建\ufffd(shè)。"
    strict = CleanConfig(min_pinyin_annotations=4)
    out, _, _ = run_step("pinyin", text, cfg=strict)
    assert "(shè)" in out and "(qū)" not in out
    out, _, _ = run_step("pinyin", text)
    assert "(shè)" not in out


# --------------------------------------------------------------------------- bounds on removal

#: A text of one line that a removal step would take whole: a caption, an image, links, a notice, a header, a byline.
LONE_LINES = {
    "captions": "▲民警深入社区开展反诈宣传",
    "markup": "![](https://img.example.cn/2023/a.jpg)",
    "navigation": "上一篇：全市公安机关召开党风廉政建设工作会议",
    "trailers": "本网站所有内容版权所有，未经授权不得转载。",
    "header_lines": "来源：平安日报 2023-05-12",
    "bylines": "法治日报记者 王晓东 通讯员 刘建国",
}


@pytest.mark.parametrize("step", sorted(LONE_LINES))
def test_a_removal_step_flags_a_lone_matching_line_and_never_empties_the_text(step):
    text, edits, ctx = run_step(step, LONE_LINES[step])
    assert text == LONE_LINES[step]
    assert edits and all(e.action == "flagged" for e in edits)
    assert all("bound" in e.note or "too long" in e.note for e in edits), [e.note for e in edits]
    assert ctx == {}  # nothing is extracted from a line that stays
    assert clean_text(LONE_LINES[step]).text.strip()


def test_the_audit_names_the_bound_that_stopped_a_step():
    raw = "上一篇：全市公安机关召开党风廉政建设工作会议\n下一篇：我局开展春季安全大检查\n坚持党建引领。"
    result = clean_text(raw)
    notes = [e.note for step, e in result.edits if step == "navigation"]
    assert len(notes) == 2 and all("kept, bound max_removal_share=0.5" in note for note in notes)
    assert "上一篇" in result.text
    assert "上一篇" not in clean_text(raw, CleanConfig(max_removal_share=0.9)).text


def test_removal_shares_must_be_shares_of_the_document():
    for name in ("max_removal_share", "max_trailer_share"):
        with pytest.raises(ValueError, match=f"`{name}` must be a share"):
            CleanConfig(**{name: 0})
        with pytest.raises(ValueError, match=f"`{name}` must be a share"):
            CleanConfig(**{name: 1.5})


def test_a_trailer_longer_than_its_share_is_flagged_and_kept():
    body = "近年来，全县公安机关坚持以党的政治建设为统领，持续深化基层基础建设，不断完善社会治安防控体系。"
    notice = "\n".join(["本文来自平安日报，仅代表作者观点。"] + ["转载请注明出处，不得转载用于商业用途。"] * 3)
    text, edits, _ = run_step("trailers", body + "\n" + notice)
    assert text == body + "\n" + notice
    assert [e.action for e in edits] == ["flagged"] and "max_trailer_share=0.3" in edits[0].note
    assert edits[0].before == notice


def _nonspace(text: str) -> int:
    return len(re.sub(r"\s", "", text))


def _cpc_reports() -> list:
    """The CPC reports with the length of their body (the text before the Wikisource notice), else one skipped case."""
    if not CPC.is_dir():
        absent = pytest.mark.skip(reason="the CPC corpus (../shared/corpora/cpc) is not beside this repository")
        return [pytest.param(None, None, id="cpc", marks=absent)]
    with open(CPC / "labels.csv", encoding="utf-8") as f:
        body_chars = {row["doc_id"]: int(row["body_chars"]) for row in csv.DictReader(f)}
    return [pytest.param(p, body_chars[p.stem], id=p.stem) for p in sorted(CPC.glob("*.txt"))]


@pytest.mark.parametrize(("path", "body_chars"), _cpc_reports())
@pytest.mark.parametrize("joiner", ["", " "], ids=["joined", "joined-by-spaces"])
def test_a_cpc_report_flattened_to_one_line_keeps_its_body_and_loses_its_notice(path, body_chars, joiner):
    raw = path.read_text(encoding="utf-8")
    flat = joiner.join(line for line in raw.split("\n") if line.strip())
    result = clean_text(flat)
    assert "本作品" not in result.text and "Public domain" not in result.text
    assert _nonspace(result.text) == _nonspace(raw[:body_chars])
    assert [step for step, e in result.edits if e.action in ("removed", "extracted")] == ["trailers"]


@pytest.mark.parametrize(("path", "body_chars"), _cpc_reports())
def test_cleaning_a_cpc_report_removes_its_notice_and_at_most_its_title_lines(path, body_chars):
    raw = path.read_text(encoding="utf-8")
    result = clean_text(raw)
    body = _nonspace(raw[:body_chars])
    assert body - 100 <= _nonspace(result.text) <= body
    assert not any(e.action == "flagged" and "bound" in e.note for _, e in result.edits)


# --------------------------------------------------------------------------- old forms, mojibake, numbers, line breaks

#: Passages written for these tests: in the manner of 1950s official texts (old variant forms), of a
#: Traditional-script constitution and of a Hong Kong government notice. Real text: no mojibake.
OLD_AND_TRADITIONAL = {
    "1950s": "我們必須堅持羣衆路綫，依靠羣衆，加強對幹部和羣衆的敎育，提高羣衆的覺悟。全國人民要保衞祖國，保衞和平，"
    "鞏固人民民主專政。各級人民政府應當關心羣衆生活，注意工作方法，克服官僚主義。",
    "1950s-simplified": "我们必须坚持羣衆路綫，依靠羣衆，加强对干部和羣衆的敎育。全国人民要保衞祖国，保衞和平，巩固人民民主专政。",
    "constitution": "中華人民共和國是工人階級領導的、以工農聯盟為基礎的人民民主國家。中華人民共和國的一切權力屬於人民。"
    "人民行使權力的機關是全國人民代表大會和地方各級人民代表大會。",
    "hong-kong": "香港特別行政區政府衞生署提醒市民，注意個人及環境衞生。港鐵東鐵綫列車服務如常，裏面的資料僅供參考。",
}


@pytest.mark.parametrize("name", sorted(OLD_AND_TRADITIONAL))
def test_old_variant_and_traditional_text_raises_no_mojibake_flag(name):
    _, edits, _ = run_step("mojibake", OLD_AND_TRADITIONAL[name])
    assert edits == []
    assert not any(e.action == "flagged" for _, e in clean_text(OLD_AND_TRADITIONAL[name]).edits)


@pytest.mark.parametrize("name", ["1950s", "1950s-simplified", "hong-kong"])
def test_old_variant_forms_are_converted_to_the_forms_they_are_counted_with(name):
    text = clean_text(OLD_AND_TRADITIONAL[name]).text
    assert not set("羣衆敎衞綫裏") & set(text)
    assert clean.detect_script(text) == "simplified"
    assert ("群众路线" in text and "教育" in text and "保卫" in text) or "卫生署" in text


def test_variant_forms_are_converted_even_in_a_text_otherwise_simplified():
    raw = "全党同志要坚持群众路线。" * 20 + "我们必须坚持羣衆路綫。"
    result = clean_text(raw)
    assert result.fields["script"] == "simplified"
    assert result.text.endswith("我们必须坚持群众路线。")
    assert {e.before for step, e in result.edits if step == "variants"} == {"羣", "衆", "綫"}


def test_radicals_a_pdf_export_wrote_for_ideographs_become_those_ideographs_and_are_counted_again():
    # A word processor's PDF gives Kangxi radicals (U+2F00-U+2FD5) for ideographs of the same shape (invented text).
    raw = "⼀、各地要⾼度重视⽣态⽂明建设，⼈民群众满意。"
    result = clean_text(raw)
    assert result.text == "一、各地要高度重视生态文明建设，人民群众满意。"
    assert {e.note for step, e in result.edits if step == "variants"} == {"radical → the ideograph of its shape"}
    assert "生态" in corpus.tokenize(result.text) or "生态文明" in corpus.tokenize(result.text)


@pytest.mark.parametrize(("garble", "repaired"), [
    (lambda s: s.encode("utf-8").decode("gb18030"), True),  # UTF-8 read as GBK
    (lambda s: s.encode("utf-8").decode("latin-1"), True),  # UTF-8 read as Latin-1
    (lambda s: s.encode("gbk").decode("utf-8", errors="replace"), False),  # GBK read as UTF-8
], ids=["utf8-as-gbk", "utf8-as-latin1", "gbk-as-utf8"])
def test_mojibake_made_by_misreading_bytes_is_still_flagged_or_repaired(garble, repaired):
    phrase = "基层服务"
    raw = "全市公安机关" + garble(phrase) + "工作取得新成效。"
    result = clean_text(raw)
    moji = [e for step, e in result.edits if step == "mojibake"]
    assert moji
    assert (result.text == "全市公安机关基层服务工作取得新成效。") is repaired
    if not repaired:
        assert any(e.action == "flagged" for e in moji)


def test_a_whole_text_read_as_latin1_is_repaired_even_where_its_bytes_look_like_a_soft_hyphen_or_a_space():
    # 中 is E4 B8 AD and 加 E5 8A A0: read as Latin-1 they end in U+00AD and U+00A0, which the unicode step used to
    # remove or make a space before the mojibake step ran, and the text stayed garbled (CPC 2022's first sentence).
    sentence = "全面建设社会主义现代化国家，全面推进中华民族伟大复兴，加强党的建设。"
    result = clean_text(sentence.encode("utf-8").decode("latin-1"))
    assert result.text == sentence and [step for step, _ in result.edits] == ["mojibake"]
    assert clean_text("co\xadoperate，版权所有 ©\xa02023").text == "cooperate，版权所有 © 2023"  # ordinary ones still go


@pytest.mark.parametrize("raw, cleaned", [
    ("会议指出：“We must uphold multilateralism, and oppose unilateralism.” 这一论述意义深远。",
     "会议指出：“We must uphold multilateralism, and oppose unilateralism.”这一论述意义深远。"),
    ("Annual report 2021. GDP growth 8.1%, CPI 0.9% (estimate).", "Annual report 2021. GDP growth 8.1%, CPI 0.9% (estimate)."),
    ("推进工作 , 取得成效 。 抓好落实（ 第二次 ）", "推进工作,取得成效。抓好落实（第二次）"),  # beside Chinese: gone as before
])
def test_spaces_after_ascii_punctuation_in_latin_text_stay(raw, cleaned):
    assert clean_text(raw).text == cleaned


def test_scripts_styles_and_every_html_tag_a_scrape_leaves_are_removed_not_only_formatting_tags():
    raw = ("<script>alert(1)</script>关于开展安全检查的通知\n各单位：</td></tr></table>现将有关事项<b>通知</b>如下。\n"
           "<h2>一、检查范围</h2>\n<ul><li>全市各单位</li></ul>\n<script>var a = 1;\nvar b = 2;</script><style>p{color:red}</style>"
           "各单位要认真组织自查，确保不留死角。\n数值a<b且c>d时成立。")
    result = clean_text(raw)
    assert result.fields["title"] == "关于开展安全检查的通知"
    assert result.text == "各单位：现将有关事项通知如下。\n一、检查范围\n全市各单位\n各单位要认真组织自查，确保不留死角。\n数值a<b且c>d时成立。"
    notes = [e.note for step, e in result.edits if step == "markup"]
    assert notes.count("script or style") == 3 and set(notes) == {"script or style", "markup"}


@pytest.mark.parametrize("crumb", ["中新网首页 > 国内新闻 > 正文", "当前位置：首页 / 政务公开 / 通知公告", "首页>新闻中心>工作动态>", "您的位置："])
def test_a_breadcrumb_line_is_page_navigation_and_the_title_after_it_is_the_title(crumb):
    result = clean_text(f"{crumb}\n戈壁滩上种出光伏新产业\n{_BODY}\n{_BODY}")
    assert result.text == f"{_BODY}\n{_BODY}" and result.fields["title"] == "戈壁滩上种出光伏新产业"
    assert clean_text(f"{_BODY}\n当x>5时，y>3。\n{_BODY}").text == f"{_BODY}\n当x>5时，y>3。\n{_BODY}"  # comparisons stay


def test_a_closing_credit_for_words_and_pictures_names_the_author_and_goes():
    result = clean_text(f"某县召开述职评议会\n{_BODY}\n{_BODY}\n文字：王楠 图片：刘洋\n审核：赵强")
    assert result.text == f"{_BODY}\n{_BODY}" and (result.fields["author"], result.fields["editor"]) == ("王楠", "赵强")
    assert "credit" not in result.fields  # a photographer fills no column


def test_control_characters_are_removed_and_recorded():
    raw = "坚持\x00党建引领，\x07推动基层治理。\r\n\x0c全面提升治理水平。"
    result = clean_text(raw)
    assert result.text == "坚持党建引领，推动基层治理。\n全面提升治理水平。"
    removed = [e for step, e in result.edits if step == "unicode" and e.action == "removed"]
    assert [e.before for e in removed] == ["\x00", "\x07"]
    assert all("control character" in e.note for e in removed)
    assert replay(raw, result.edits) == result.text


def test_bidirectional_controls_are_removed_and_recorded():
    # U+202E shows what follows it backwards (in a report's title too); the marks and isolates are invisible.
    raw = "关于\u202e加强基层治理\u202c的意见\n\u2067坚持\u2069党的领导，\u200f健全\u200e制度。"
    result = clean_text(raw)
    assert result.text == "关于加强基层治理的意见\n坚持党的领导，健全制度。"
    removed = [e for step, e in result.edits if step == "unicode" and e.action == "removed"]
    assert [e.before for e in removed] == ["\u202e", "\u202c", "\u2067", "\u2069", "\u200f", "\u200e"]
    assert all("bidirectional control" in e.note for e in removed)
    assert replay(raw, result.edits) == result.text


def test_a_text_not_in_nfc_still_loses_its_carriage_returns_and_controls():
    raw = "\uf907\u0000坚持党建引领。\r\n推动基层治理。"  # a compatibility ideograph: not NFC
    text, edits, _ = run_step("unicode", raw)
    assert text == "\u9f9c坚持党建引领。\n推动基层治理。"


def test_full_width_digits_and_letters_are_recorded_in_the_audit():
    result = clean_text("２０２２年，全市ＧＤＰ增长１２．５％，新增就业１０余万人。")
    assert result.text == "2022年，全市GDP增长12.5%，新增就业10余万人。"
    assert [e.before for step, e in result.edits if step == "fullwidth"] == ["２０２２", "ＧＤＰ", "１２．５％", "１０"]


def test_a_page_break_inside_a_word_is_rejoined():
    result = clean_text("我们必须坚持稳健的货币政策，适当控\x0c制信贷规模，保持物价基本稳定。")
    assert result.text == "我们必须坚持稳健的货币政策，适当控制信贷规模，保持物价基本稳定。"


# --------------------------------------------------------------------------- flags and replay


def _texts_with_flags() -> list[str]:
    return [case["input"] for case in CASES] + [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def test_flagged_edits_never_change_text():
    n_flags = 0
    for raw in _texts_with_flags():
        result = clean_text(raw)
        flagged = [(step, e) for step, e in result.edits if e.action == "flagged"]
        n_flags += len(flagged)
        for step, e in flagged:
            assert e.before == e.after, (step, e)
        # Dropping the flags from the audit changes nothing in the replay.
        unflagged = [(step, e) for step, e in result.edits if e.action != "flagged"]
        assert replay(raw, unflagged) == result.text
    assert n_flags, "the cases and seeds should raise some suspicions"


def test_apply_edits_ignores_the_after_of_a_flag():
    assert apply_edits("加强基层?治理", [Edit(4, 5, "?", "X", "flagged")]) == "加强基层?治理"


def test_flags_are_audit_rows_that_leave_the_text_as_it_was():
    raw = "全面加强基层?治理能力建设。"
    assert clean_text(raw, CleanConfig(mojibake=False)).text == clean_text(raw).text
    assert any(step == "mojibake" and e.action == "flagged" for step, e in clean_text(raw).edits)


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_replaying_the_audit_on_a_seed_gives_its_clean_text(path):
    raw = path.read_text(encoding="utf-8")
    result = clean_text(raw)
    assert result.edits
    assert replay(raw, result.edits) == result.text


CONSTRUCTED = [
    "【基层动态】海門區(qū)公安局:推行「黨建 警務」模式\r\n來源:【平安南通】 2024-03-02\r\n\r\n"
    "今年以来,区公安局坚持党建引领,深化基层治理,不断提升群众安全感和满意度,成效明显。\r\n"
    "▲民警走访辖区群众\r\n上一篇:我局召开党委会\r\n本文来自【平安南通】,仅代表作者观点。\r\nID:pant01",
    "同志们：\n\n这场斗争，沉重打击了以\n张某某\n为首的犯罪团伙，大大增强了人民群众的安全感和获得感。\n\nA\n精心谋划\n\n"
    "一是压实责任。层层签订责任书。二是细化措施。制定工作方案。\n\n我们必须继续努力，奋力开创公安工作新局面。（李明）",
    "| ![](https://img.example.cn/a.jpg) |\n| 夜间巡逻 |\n民警&nbsp;深入社区<br>开展“平安 共建”活动,发放宣传资料1,000余份。",
    "",
    "\u200b",
    "１９５４年９月，全国人民\x00代表大会通过宪法。\x0c我们必须坚持羣衆路綫，适当控\n制信贷规模，保持物价基本稳定。",
    "近年来，全县公安机关坚持以党的政治建设为统领，持续深化基层基础建设。本网站所有内容版权所有，未经授权不得转载。",
    "▲民警深入社区开展反诈宣传",
]


@pytest.mark.parametrize("raw", CONSTRUCTED, ids=[f"constructed-{i}" for i in range(len(CONSTRUCTED))])
def test_replaying_the_audit_on_constructed_texts_gives_their_clean_text(raw):
    result = clean_text(raw)
    assert replay(raw, result.edits) == result.text


def test_replay_also_holds_with_steps_switched_off():
    raw = CONSTRUCTED[0]
    for name in STEP_NAMES:
        result = clean_text(raw, with_steps(CleanConfig(), **{name: False}))
        assert replay(raw, result.edits) == result.text, name


def _traced_spans(raw: str, edits: list[tuple[str, Edit]]) -> dict[int, tuple[int, int, str]]:
    """Each edit's span in the final text, found by carrying its text through the later steps (an independent reckoning).

    The text is a list of characters, each tagged with the edit that wrote it, and of markers
    around each edit's ``after`` (or, for a flag, around the text it marks). Returned: the span
    of every edit no later edit overlapped (both markers survive, no text was inserted where a
    marker sits, the text between them is the edit's own), with the text that must lie there.
    """
    items: list[tuple[str | None, int]] = [(ch, -1) for ch in raw]  # (character, writer) or (None, marker id)
    touched: set[int] = set()
    index = 0
    for name in dict.fromkeys(step for step, _ in edits):
        own = [(i, e) for i, (step, e) in enumerate(edits) if step == name]
        chars = [k for k, (ch, _) in enumerate(items) if ch is not None]
        gap = lambda p: chars[p] if p < len(chars) else len(items)  # the list position just before character p
        out, pos = [], 0
        for i, e in own:
            if e.action == "flagged":
                out += items[pos : gap(e.start)] + [(None, 2 * i)] + items[gap(e.start) : gap(e.end)] + [(None, 2 * i + 1)]
                pos = gap(e.end)
                continue
            if e.start == e.end:  # an insertion: where it lands among markers already there is a matter of convention
                k = gap(e.start) - 1
                while k >= 0 and items[k][0] is None:
                    touched.add(items[k][1] // 2)
                    k -= 1
                out += items[pos : gap(e.start)]
            else:
                region_start, region_end = chars[e.start], chars[e.end - 1] + 1
                out += items[pos:region_start]
                touched.update(m // 2 for ch, m in items[region_start:region_end] if ch is None)
            out += [(None, 2 * i)] + [(ch, i) for ch in e.after] + [(None, 2 * i + 1)]
            pos = gap(e.end) if e.start == e.end else chars[e.end - 1] + 1
        items = out + items[pos:]
    where, text_pos, owned = {}, 0, {}
    for ch, tag in items:
        if ch is None:
            where[tag] = text_pos
        else:
            owned.setdefault(text_pos, tag)
            text_pos += 1
    text = "".join(ch for ch, _ in items if ch is not None)
    writers = [tag for ch, tag in items if ch is not None]
    traced = {}
    for i, (_, e) in enumerate(edits):
        if i in touched or 2 * i not in where or 2 * i + 1 not in where:
            continue
        s, t = where[2 * i], where[2 * i + 1]
        expected = e.before if e.action == "flagged" else e.after
        own_text = all(w < i for w in writers[s:t]) if e.action == "flagged" else all(w == i for w in writers[s:t])
        if own_text and t - s == len(expected):
            traced[i] = (s, t, expected)
    assert text == replay(raw, edits)
    return traced


def _raw_texts() -> list:
    """The seeds, and the CPC reports where the shared folder is there (else one skipped case that says so)."""
    seeds = [pytest.param(p, id=p.stem) for p in sorted(SEEDS.glob("*.txt"))]
    if not CPC.is_dir():
        absent = pytest.mark.skip(reason="the CPC corpus (../shared/corpora/cpc) is not beside this repository")
        return seeds + [pytest.param(None, id="cpc", marks=absent)]
    return seeds + [pytest.param(p, id=p.stem) for p in sorted(CPC.glob("*.txt"))]


@pytest.mark.parametrize("path", _raw_texts())
def test_edit_spans_give_where_each_edit_lies_in_the_cleaned_text(path):
    raw = path.read_text(encoding="utf-8")
    result = clean_text(raw)
    spans = edit_text_spans(result.edits)
    assert len(spans) == len(result.edits)
    traced = _traced_spans(raw, result.edits)
    assert len(traced) >= 0.9 * len(result.edits)  # nearly every edit survives the later steps untouched
    for i, (start, end, expected) in traced.items():
        assert spans[i] == (start, end), (i, result.edits[i])
        assert result.text[start:end] == expected
    assert all(0 <= a <= b <= len(result.text) for a, b in spans)


def test_an_edit_whose_text_a_later_step_removed_gets_an_empty_span_where_it_vanished():
    edits = [("a", Edit(2, 3, " ", "+", "changed")), ("b", Edit(1, 5, "建+警务", "", "removed"))]  # 党建 警务。 → 党。
    assert edit_text_spans(edits) == [(1, 1), (1, 1)]
    assert edit_text_spans([("a", Edit(0, 0, "", "“", "changed")), ("b", Edit(0, 0, "", "x", "changed"))]) == [(1, 2), (0, 1)]


def test_clean_text_matches_its_doctest_example():
    assert clean_text("區(qū)公安局推行「黨建 警務」模式,成效明显。").text == "区公安局推行“党建+警务”模式，成效明显。"


# --------------------------------------------------------------------------- switching steps off

#: A raw page in Traditional script with one artifact per step (the pinyin annotation and the
#: variant form 衞, which t2s does not know, are added after conversion).
_SWITCH_DRAFT = (
    "【基层动态】海门区公安局:推行「党建 警务」模式\r\n"
    "来源:【平安南通】 2024-03-02\r\n"
    "平安日报记者 王晓东 通讯员 刘建国\r\n"
    "B\r\n强化队伍建设\r\n"
    "２０２４年以来,\u200b区公安局积极探索「党建 警务」基层治理新模式,深化基层治理,保卫居民安全,不断提升居民安全感和满意度,取得明显成效。\r\n"
    "一是压实责任。层层签订责任书。二是细化措施。制定工作\r\n- 1 -\f方案。\r\n"
    "习近平总书记强调：“\r\n公安机关要坚持人民至上。\r\n”\r\n"
    "▲民警走访辖区群众\r\n"
    "![](https://img.example.cn/a.jpg)\r\n"
    "上一篇:我局召开党委会\r\n"
    "　　全区公安机关将继续奋力开创公安工作新局面，为平安建设作出新的更大贡献。（李明）\r\n"
    "本文来自【平安南通】,仅代表作者观点。\r\n"
)
SWITCH_RAW = clean._converter("s2t").convert(_SWITCH_DRAFT).replace("海門區", "海門區(qū)", 1).replace("保衛", "保衞", 1)

#: For each step: a test of its artifact on the text cleaned without it (True: artifact still there).
ARTIFACT_KEPT = {
    "page_furniture": lambda r: "- 1 -" in r.text,
    "unicode": lambda r: "\u200b" in r.text,
    "script": lambda r: "黨" in r.text or "區" in r.text,
    "variants": lambda r: "衞" in r.text,
    "fullwidth": lambda r: "２０２４" in r.text,
    "pinyin": lambda r: re.search("[(（]qū[)）]", r.text + r.fields.get("title", "")) is not None,
    "quotes": lambda r: "「" in r.text,
    "punctuation": lambda r: re.search(r"[\u4e00-\u9fff][,:]", r.text) is not None,
    "captions": lambda r: "▲" in r.text,
    "markup": lambda r: "![](" in r.text,
    "navigation": lambda r: "上一篇" in r.text,
    "trailers": lambda r: "本文来自" in r.text,
    "header_lines": lambda r: "来源" in r.text,
    "title": lambda r: "推行“党建+警务”模式" in r.text.split("\n")[0] and "title" not in r.fields,
    "bylines": lambda r: "记者" in r.text and "（李明）" in r.text,
    "section_markers": lambda r: "B\n" in r.text,
    "broken_lines": lambda r: "强调：“\n" in r.text,
    "enumeration_breaks": lambda r: "书。二是" in r.text,
    "plus_signs": lambda r: "党建 警务" in r.text,
    "whitespace": lambda r: "\u3000" in r.text,
}


def test_every_step_with_an_artifact_in_the_switch_text_is_covered():
    assert set(ARTIFACT_KEPT) == set(STEP_NAMES) - {"mojibake"}


def test_full_cleaning_removes_every_artifact_of_the_switch_text():
    result = clean_text(SWITCH_RAW)
    still_there = [name for name, kept in ARTIFACT_KEPT.items() if kept(result)]
    assert still_there == []
    assert result.fields["column_label"] == "基层动态"
    assert result.fields["date"] == "2024-03-02"
    assert result.fields["source"] == "平安南通"
    assert result.fields["author"] == "记者 王晓东；通讯员 刘建国"
    assert result.text.split("\n")[0] == "B 强化队伍建设"
    assert "习近平总书记强调：“公安机关要坚持人民至上。”" in result.text


def test_a_lost_plus_in_the_title_is_restored_in_the_title_field():
    result = clean_text(SWITCH_RAW)
    assert result.fields["title"] == "海门区公安局：推行“党建+警务”模式"


@pytest.mark.parametrize("step", sorted(ARTIFACT_KEPT), ids=str)
def test_switching_a_step_off_leaves_its_artifact_in_place(step):
    result = clean_text(SWITCH_RAW, with_steps(CleanConfig(), **{step: False}))
    assert ARTIFACT_KEPT[step](result), f"with {step}=False its artifact should remain"
    assert not any(name == step for name, _ in result.edits)


def test_switching_pinyin_off_keeps_the_annotation():
    assert re.search("[(（]qū[)）]", clean_text("海門區(qū)公安局", CleanConfig(pinyin=False)).text)
    assert "qū" not in clean_text("海門區(qū)公安局").text


def test_switching_mojibake_off_drops_its_flags_and_repairs():
    raw = "全市公安机关" + "基层服务".encode("utf-8").decode("gb18030") + "工作取得新成效。"
    assert clean_text(raw).text == "全市公安机关基层服务工作取得新成效。"
    off = clean_text(raw, CleanConfig(mojibake=False))
    assert off.text != "全市公安机关基层服务工作取得新成效。"
    assert not any(step == "mojibake" for step, _ in off.edits)


def test_unknown_step_names_are_refused():
    with pytest.raises(ValueError, match="unknown cleaning step"):
        with_steps(CleanConfig(), pinyn=False)


# --------------------------------------------------------------------------- the seed corpus


def test_no_tone_marked_pinyin_remains_in_the_cleaned_seeds(seed_docs):
    for doc_id, text in zip(seed_docs["doc_id"], seed_docs["text"]):
        assert not TONE_MARKED.search(text), (doc_id, TONE_MARKED.search(text))


def test_no_markup_navigation_or_repost_notice_remains_in_the_cleaned_seeds(seed_docs):
    for doc_id, text in zip(seed_docs["doc_id"], seed_docs["text"]):
        for artifact in ("![](", "上一篇", "下一篇", "本文来自", "仅代表作者观点", "ID:", "▲", "(资料图片)", "（资料图片）", "|", "\r"):
            assert artifact not in text, (doc_id, artifact)


def test_no_line_of_a_cleaned_seed_is_a_lone_section_letter(seed_docs):
    for doc_id, text in zip(seed_docs["doc_id"], seed_docs["text"]):
        lone = [line for line in text.split("\n") if re.fullmatch(r"\s*[A-Za-z]\s*", line)]
        assert lone == [], doc_id


def test_the_traditional_seeds_are_simplified_after_cleaning(seed_docs):
    t2s = clean._converter("t2s")
    traditional = seed_docs[seed_docs["doc_id"].str.startswith(("003", "004"))]
    assert len(traditional) == 2
    for doc_id, raw, text in zip(traditional["doc_id"], traditional["raw"], traditional["text"]):
        # Flagged mojibake is kept exactly as found, so only its characters may still convert.
        suspects = {ch for step, e in clean_text(raw).edits if e.action == "flagged" for ch in e.before}
        left = {a for a, b in zip(text, t2s.convert(text)) if a != b}
        assert left <= suspects, (doc_id, left - suspects)
        assert len(t2s.convert(text)) == len(text)
        assert clean.detect_script(text) == "simplified", doc_id


def test_the_traditional_seeds_record_their_original_script(seed_docs):
    for prefix in ("003", "004"):
        assert clean_text(seed_doc(seed_docs, prefix)["raw"]).fields["script"] == "traditional"
    for prefix in ("000", "001", "002"):
        assert clean_text(seed_doc(seed_docs, prefix)["raw"]).fields["script"] == "simplified"


def test_the_haimen_seed_restores_the_lost_plus(seed_docs):
    text = seed_doc(seed_docs, "004")["text"]
    assert "党建+警务" in text
    assert "党建 警务" not in text


def test_cleaned_seed_texts_keep_their_body(seed_docs):
    for doc_id, raw, text in zip(seed_docs["doc_id"], seed_docs["raw"], seed_docs["text"]):
        assert len(text) > 0.8 * len(raw.strip()) - 400, doc_id
        assert "\n\n" not in text and text == text.strip(), doc_id


def test_seed_000_title_column_and_agency(seed_docs):
    doc = seed_doc(seed_docs, "000")
    assert doc["title"] == "锚定“五个目标” 强化“五个坚持”以辽宁公安之为护航新突破三年行动"
    assert doc["column_label"] == "高质量党建促进高质量发展"
    assert doc["author"] == "省公安厅"
    assert not doc["text"].startswith(("【", "锚定", "省公安厅\n"))


def test_seed_001_header_and_closing_byline(seed_docs):
    doc = seed_doc(seed_docs, "001")
    assert doc["title"] == "肥东县公安局：创新“党建+”多元模式打造公安基层党建“新标杆”"
    assert doc["column_label"] == "党建"
    assert doc["author"] == "张小进"
    assert doc["editor"] == "武静"
    assert doc["source"] == "安徽先锋网"
    assert doc["date"] == "2022-07-26"
    assert not doc["text"].rstrip().endswith("（张小进）")
    assert "责编" not in doc["text"]


def test_seed_001_fields_come_from_the_text_itself(seed_docs):
    fields = clean_text(seed_doc(seed_docs, "001")["raw"]).fields
    assert {k: fields.get(k) for k in ("source", "date", "author", "editor")} == {
        "source": "安徽先锋网", "date": "2022-07-26", "author": "张小进", "editor": "武静",
    }  # fmt: skip


def test_seed_002_has_no_title_line(seed_docs):
    doc = seed_doc(seed_docs, "002")
    assert doc["title"] is None or doc["title"] != doc["title"]  # None or NaN
    assert doc["text"].startswith("学习贯彻习近平新时代中国特色社会主义思想主题教育开展以来")


def test_seed_003_reporter_byline(seed_docs):
    doc = seed_doc(seed_docs, "003")
    assert doc["source"] == "河南法制报"
    assert doc["author"].startswith("记者 陈亚洲")
    assert "朱莉娜" in doc["author"] and "李轶昂" in doc["author"]
    assert doc["text"].startswith("全省公安机关“坚持政治建警、全面从严治警”教育整顿试点工作开展以来")
    assert "A 精心谋划精准指导" in doc["text"]


def test_seed_004_title_source_and_glued_byline(seed_docs):
    doc = seed_doc(seed_docs, "004")
    assert doc["title"] == "海门区公安局：坚持党建引领多元共治 全面提升基层治理现代化水平"
    assert doc["source"] == "新华法治"
    assert doc["author"] == "海宫轩"
    assert doc["text"].rstrip().endswith("最大限度为企业群众提供便捷服务。")


def test_metadata_agrees_with_what_the_seeds_say(seed_corpus):
    found = corpus.problems(seed_corpus)
    assert found[found["problem"] == "metadata disagrees with text"].empty, found.to_dict("records")


# --------------------------------------------------------------------------- speed without change: the fast paths give the slow ones' results
# Cleaning skips steps that cannot fire, follows spans in arrays, signs texts in batches and
# cleans runs of documents in worker processes. Each shortcut is checked here against the
# plain computation, on the CPC reports (where present), the seeds and the cleaning cases.


def _texts_to_clean() -> dict[str, str]:
    texts = {f"seed {p.name[:3]}": p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
    texts |= {f"cpc {p.stem}": p.read_text(encoding="utf-8") for p in sorted(CPC.glob("*.txt"))} if CPC.is_dir() else {}
    texts |= {f"case {case['label']}": case["input"] for case in CASES}
    texts |= {f"constructed {k}": raw for k, raw in enumerate(CONSTRUCTED)}
    # Each case inside running text: a step must fire on its artifact wherever the text puts it.
    texts |= {f"case in text {case['label']}": f"坚持以人民为中心的发展思想。\n{case['input']}\n全面建设社会主义现代化国家。"
              for case in CASES}  # fmt: skip
    return texts


TEXTS_TO_CLEAN = _texts_to_clean()


def test_a_step_the_gates_skip_would_have_found_nothing():
    cfg = CleanConfig()
    for name, raw in TEXTS_TO_CLEAN.items():
        text, ctx, bits = raw, {}, clean._gate_bits(raw)
        for step, fn, _ in STEPS:
            assert clean._gate_bits(text) & ~bits == 0, (name, step)  # the tracked set holds every character's bits
            before = dict(ctx)
            edits = sorted(fn(text, cfg, ctx), key=lambda e: (e.start, e.end))
            if not clean._may_fire(step, text, bits):
                assert edits == [] and ctx == before, (name, step)
            if edits:
                text = apply_edits(text, edits)
                bits |= clean._gate_bits("".join(e.after for e in edits))


@pytest.mark.parametrize("switch_off", [None, "unicode", "script"])
def test_cleaning_through_the_gates_gives_what_running_every_step_gives(switch_off):
    cfg = CleanConfig() if switch_off is None else with_steps(CleanConfig(), **{switch_off: False})
    for name, raw in TEXTS_TO_CLEAN.items():
        gated, every = clean_text(raw, cfg), clean._clean(raw, cfg, gated=False)
        assert (gated.text, gated.fields, gated.edits) == (every.text, every.fields, every.edits), name


def test_spans_and_raw_offsets_are_the_same_followed_in_arrays(monkeypatch):
    cleaned = [clean_text(raw).edits for raw in TEXTS_TO_CLEAN.values()]
    one_at_a_time = [(edit_text_spans(e), edit_text_spans(e, steps={"pinyin", "title"}), clean.raw_offsets(e)) for e in cleaned]
    monkeypatch.setattr(clean, "_ARRAY_MIN", 0)
    in_arrays = [(edit_text_spans(e), edit_text_spans(e, steps={"pinyin", "title"}), clean.raw_offsets(e)) for e in cleaned]
    assert in_arrays == one_at_a_time


def test_spans_of_some_steps_are_those_of_all_steps_for_those_steps():
    for raw in TEXTS_TO_CLEAN.values():
        edits = clean_text(raw).edits
        every, some = edit_text_spans(edits), edit_text_spans(edits, steps={"pinyin", "plus_signs", "title", "whitespace"})
        assert [s if step in {"pinyin", "plus_signs", "title", "whitespace"} else None for (step, _), s in zip(edits, every)] == some


def _heavily_edited_texts() -> dict[str, str]:
    """Texts whose bulk steps change thousands of characters: CPC reports (where present) in Traditional script and with
    half-width punctuation, and an invented text whose changed marks stand side by side (runs of two)."""
    texts = {"marks side by side": "真的是这样吗?!好的,我们走吧;(一)坚持,继续?!\n" * 60}
    for path in sorted(CPC.glob("*.txt"))[:3] if CPC.is_dir() else []:
        raw = path.read_text(encoding="utf-8")
        texts[f"{path.stem} traditional"] = clean.to_traditional(raw)
        texts[f"{path.stem} half-width"] = raw.replace("，", ",").replace("：", ":").replace("；", ";")
        texts[f"{path.stem} both, corner quotes"] = clean.to_traditional(texts[f"{path.stem} half-width"]).replace("“", "「").replace("”", "」")
    return texts


@pytest.mark.parametrize("array_min", [None, 0])
def test_the_loaders_columns_give_the_edits_spans_offsets_and_summaries_of_single_edits(monkeypatch, array_min):
    # clean_blocks keeps the bulk steps' changes as columns (corpus.clean.Changes) that the loader summarises; made into
    # edits they are clean_text's, and what the loader takes from them is what it took from the edits one by one.
    if array_min is not None:
        monkeypatch.setattr(clean, "_ARRAY_MIN", array_min)
    spanned = set(STEP_NAMES) - clean.BULK_STEPS
    columns_seen = 0
    for name, raw in {**TEXTS_TO_CLEAN, **_heavily_edited_texts()}.items():
        plain, blocks = clean_text(raw), clean.clean_blocks(raw)
        assert (blocks.text, blocks.fields) == (plain.text, plain.fields), name
        assert [(step, e) for step, own in blocks.blocks for e in clean._as_edits(own)] == plain.edits, name
        assert clean.block_text_spans(blocks.blocks, steps=spanned) == edit_text_spans(plain.edits, steps=spanned), name
        assert clean.block_raw_offsets(blocks.blocks) == clean.raw_offsets(plain.edits), name
        for step, own in blocks.blocks:
            if isinstance(own, clean.Changes):
                columns_seen += len(own.starts)
                assert clean.summarize_changes(step, own) == clean.summarize_bulk(step, own.edits()), (name, step)
    assert columns_seen > 1000  # the heavy texts went through the columns

def test_the_rare_character_class_is_the_rare_characters():
    found = clean._mark_re()
    for lo, hi in clean._IDEOGRAPH_RANGES[:3]:
        for code in range(lo, hi + 1):
            assert bool(found.fullmatch(chr(code))) == clean._is_rare(chr(code)), hex(code)
    assert all(found.fullmatch(c) and clean._is_rare(c) for c in ("\U00020000", "\U00024b62", "\U0002ebef"))


def test_the_whole_text_test_for_utf8_read_as_gbk_is_three_sequences_in_its_bytes():
    # A run of _gbk_mojibake_runs is three UTF-8 ideographs in the run's GB18030 bytes, which lie in the text's.
    garbled = "中国共产党第二十次全国代表大会".encode("utf-8").decode("gb18030", errors="replace")
    for text in [garbled, f"坚持党的领导。{garbled}。", *TEXTS_TO_CLEAN.values()]:
        in_bytes = re.search(rb"(?:[\xe3-\xe9][\x80-\xbf]{2}){3}", text.encode("gb18030", "replace"))
        assert clean._may_hold_utf8_read_as_gbk(text) == bool(in_bytes)
    assert list(clean._gbk_mojibake_runs(garbled)) and list(clean._gbk_mojibake_runs(f"坚持党的领导。{garbled}。"))


# --------------------------------------------------------------------------- loading: signatures and worker processes


def test_duplicate_signatures_are_datasketchs_minhash_values(monkeypatch):
    from datasketch import MinHash

    from corpus import pipeline

    texts = [raw for name, raw in TEXTS_TO_CLEAN.items() if name.startswith(("seed", "cpc"))] + ["", " ", "党建", "一二三四五六七"]
    for chunk, small in [(pipeline._MINHASH_CHUNK, pipeline._MINHASH_SMALL), (5000, 0), (97, 10**9)]:
        monkeypatch.setattr(pipeline, "_MINHASH_CHUNK", chunk)
        monkeypatch.setattr(pipeline, "_MINHASH_SMALL", small)
        for text, (digest, values) in zip(texts, pipeline.text_signatures(texts)):
            key = "".join(text.split())
            if not key:
                assert values is None
                continue
            reference = MinHash(num_perm=128, seed=1, hashfunc=int)
            reference.update_batch(pipeline._shingle_hashes(key, 5).tolist())
            assert values.dtype == reference.hashvalues.dtype and (values == reference.hashvalues).all()
            assert (digest, list(values)) == (pipeline.text_signature(text)[0], list(pipeline.text_signature(text)[1]))


def test_loading_in_two_worker_processes_gives_the_tables_of_one(tmp_path):
    folder = CPC if CPC.is_dir() else SEEDS
    one = corpus.load_corpus(folder, pattern="*.txt", cache=False, workers=1, progress=False)
    two = corpus.load_corpus(folder, pattern="*.txt", cache=False, workers=2, progress=False)
    for table in ("docs", "paragraphs", "audit", "problems"):
        pd.testing.assert_frame_equal(getattr(one, table), getattr(two, table))
    assert one.token_config == two.token_config


# --------------------------------------------------------------------------- the front matter of notices and 公文 (invented texts)

_BODY = "会议强调，要坚持以人民为中心的发展思想，切实把各项工作落到实处，不断增强人民群众的获得感和安全感。"


def test_a_short_notices_body_lines_and_signature_date_stay_in_its_text():
    raw = ("关于召开全县安全生产工作会议的通知\n各乡镇人民政府，县直有关单位：\n经研究，定于近期召开安全生产会议。\n"
           "一、会议时间：2023年8月5日上午9时\n二、会议地点：县政府三楼会议室\n县安委会办公室\n2023年8月1日")
    result = clean_text(raw)
    assert result.fields["title"] == "关于召开全县安全生产工作会议的通知"
    assert result.fields["date"] == "2023-08-01"  # the date it is signed with, not the meeting's
    assert "一、会议时间：2023年8月5日上午9时" in result.text and result.text.endswith("2023年8月1日")


def test_a_label_inside_a_longer_word_opens_no_header_field():
    assert clean.parse_header_line("会议时间：2023年8月5日") == {}
    assert clean.parse_header_line("时间：2023年8月5日") == {"date": "2023-08-05"}


@pytest.mark.parametrize("line", [
    "2019-12-03\u3000来源：某某日报",
    "2019-12-03 10:20\u3000来源：某某日报",
    "2019年12月3日\u3000来源：某某日报",
    "来源：某某日报\u30002019-12-03",
    "来源：某某日报  2019年12月3日  作者：王小平",
])
def test_a_header_lines_date_is_kept_on_either_side_of_its_fields(line):
    result = clean_text(f"某市召开全市经济工作会议\n{line}\n\n{_BODY}\n{_BODY}")
    assert result.fields["date"] == "2019-12-03" and result.fields["source"] == "某某日报"
    assert result.text == f"{_BODY}\n{_BODY}"


def test_a_date_after_a_label_of_no_field_is_not_the_header_lines_date():
    assert clean.parse_header_line("会议时间：2023年8月5日 来源：某报") == {"source": "某报"}


def test_header_values_stop_at_the_pages_counters_and_keep_paired_title_marks():
    assert clean.parse_header_line("时间：2021年11月08日 来源：市委组织部 浏览次数：386") == {"date": "2021-11-08", "source": "市委组织部"}
    assert clean.parse_header_line("发布日期：2019-06-21 作者：政治部宣传处 来源：省公安厅 点击数：1523")["source"] == "省公安厅"
    assert clean.parse_header_line("来源：《求是》2023/21")["source"] == "《求是》2023/21"
    assert clean.parse_header_line("来源：《求是》")["source"] == "求是"


def test_a_red_head_and_a_document_number_are_left_in_the_text_and_the_title_is_the_titles():
    raw = "某某省人民政府办公厅文件\n某政办发〔2023〕12号\n某某省人民政府办公厅关于加强基层应急\n管理能力建设的意见\n各市人民政府：\n" + _BODY
    result = clean_text(raw)
    assert result.fields["title"] == "某某省人民政府办公厅关于加强基层应急管理能力建设的意见"
    assert result.text.startswith("某某省人民政府办公厅文件\n某政办发〔2023〕12号\n各市人民政府：")


def test_no_byline_document_number_breadcrumb_or_sentence_is_taken_as_a_titles_second_line():
    for second in ("某办发〔2023〕11号", "本报记者　王小明", "首页 > 通知公告", "各地要全面排查隐患，对重大隐患实行挂牌督办"):
        result = clean_text(f"关于加强隐患排查整治工作的通知\n{second}\n{_BODY}")
        assert result.fields["title"] == "关于加强隐患排查整治工作的通知", second


def test_a_one_word_title_is_a_title_and_a_clause_is_never_one():
    result = clean_text("公告\n为进一步加强城市管理，维护市容环境秩序，根据有关规定，\n" + _BODY)
    assert result.fields.get("title") == "公告" and "column_label" not in result.fields
    assert "为进一步加强城市管理，维护市容环境秩序，根据有关规定，" in result.text


@pytest.mark.parametrize("trailer", ["（本文转载自某某网，如有侵权请联系删除）", "(本文来源：某某网)", "【本文来源：某某网】"])
def test_a_repost_trailer_in_brackets_is_removed_and_names_the_source(trailer):
    result = clean_text(f"{_BODY}\n{_BODY}\n{trailer}")
    assert result.text == f"{_BODY}\n{_BODY}" and result.fields["source"] == "某某网"


def test_a_header_source_wins_over_a_closing_credit_which_fills_only_what_the_header_left():
    page = "关于加强基层治理的通知\n{header}2023-05-12\n" + f"{_BODY}\n{_BODY}\n来源：某某日报\n责任编辑：王明"
    headed = clean_text(page.format(header="来源：某某省人民政府网站\n"))
    assert headed.fields["source"] == "某某省人民政府网站" and headed.fields["editor"] == "王明"
    assert "来源：某某日报" not in headed.text  # the credit goes all the same
    assert clean_text(page.format(header="")).fields["source"] == "某某日报"


@pytest.mark.parametrize("closing, iso", [
    ("某某省人民政府\n二〇二三年五月六日\n（此件公开发布）", "2023-05-06"),
    ("某某省人民政府\n2016年4月3日\n抄送：省委办公厅\n某某省人民政府办公厅 2016年4月5日印发", "2016-04-03"),
    ("2016年", None),  # a year at the foot is not a signed date
])
def test_the_date_a_document_is_signed_with_is_its_date_and_stays_in_its_text(closing, iso):
    result = clean_text(f"关于加强某项工作的通知\n各市人民政府：\n{_BODY}\n{closing}")
    assert result.fields.get("date") == iso and result.text.endswith(closing)


def test_a_date_in_the_header_wins_over_the_signed_one():
    result = clean_text(f"某项工作取得进展\n来源：某报 2020-01-02\n{_BODY}\n2016年4月3日")
    assert result.fields["date"] == "2020-01-02"


# --------------------------------------------------------------------------- page furniture (invented pages)

_PAGE = "各地要加强汛期值班值守，严格执行领导带班和24小时值班制度，确保信息畅通。"


def test_page_numbers_and_running_heads_go_and_a_sentence_the_page_cut_joins_again():
    pages = [f"某防指〔2023〕3号\n{_PAGE}\n{_PAGE}加强巡\n— {n} —" if n < 4 else f"某防指〔2023〕3号\n查防守，确保安全度汛。\n— {n} —"
             for n in range(1, 5)]
    result = clean_text("\f".join(pages))
    assert "— " not in result.text and "某防指" not in result.text and "巡查防守" in result.text
    notes = [e.note for step, e in result.edits if step == "page_furniture"]
    assert notes.count("page number") == 4 and notes.count("running head or foot") == 4


def test_a_bare_number_goes_only_where_it_counts_the_pages():
    counted = "\f".join(f"{_PAGE}\n{n}" for n in range(7, 10))
    assert clean_text(counted).text == "\n".join([_PAGE] * 3)  # repeated body lines end as sentences: never running heads
    once = f"{_PAGE}\n12\f{_PAGE}"  # one number at one page's foot: a value, not a page number
    assert "12" in clean_text(once).text


def test_a_text_without_form_feeds_keeps_its_numbers_and_repeated_lines():
    text = "\n".join([f"某防指〔2023〕3号\n{_PAGE}\n— 1 —"] * 3)
    assert clean_text(text).text.count("— 1 —") == 3


def test_a_page_break_inside_a_sentence_is_joined_and_one_after_a_heading_or_a_stop_is_not():
    body = "各地要加强汛期值班值守，严格执行领导带班和二十四小时值班制度，确保"
    result = clean_text(f"{body}\n— 1 —\f信息畅通。\n— 2 —")
    assert result.text == f"{body}信息畅通。"
    assert "page break inside a sentence: joined" in [e.note for step, e in result.edits if step == "page_furniture"]
    for kept in (f"二、重点任务\f{body}", f"{body}信息畅通。\f下一步要做好防汛工作。", f"{body}\f一、总体要求"):
        assert not [e for step, e in clean_text(kept).edits if e.note.startswith("page break inside")], kept

# --------------------------------------------------------------------------- a saved page's furniture and closing bylines (invented pages)

_NEWS = "今年以来，市公安局紧紧围绕平安建设目标任务，扎实开展夏季治安打击整治行动，共破获刑事案件320余起。"


@pytest.mark.parametrize("widgets", [
    "【打印本页】【关闭窗口】",
    "【我要纠错】",
    "【字体：大 中 小】【打印】【关闭】",
    "【字体：\n大\n中\n小\n】【\n打印\n】【\n关闭\n】",  # a row of widgets in a table, one cell a line
    "分享到：\n微信扫一扫\n关注该公众号",
])
def test_a_pages_widgets_go_even_split_over_lines(widgets):
    result = clean_text(f"关于开展夏季治安打击整治行动的通报\n{_BODY}\n{widgets}\n{_NEWS}")
    assert result.text == f"{_BODY}\n{_NEWS}"


def test_sentences_that_name_printing_closing_or_sharing_stay():
    lines = ["请于会后打印材料并关闭电脑，欢迎分享到朋友圈。", "打印机采购项目已完成", "关闭窗口前请保存数据。", "大"]
    result = clean_text("关于加强办公设备管理的通知\n" + _BODY + "\n" + "\n".join(lines) + "\n" + _NEWS)
    assert all(line in result.text for line in lines)


@pytest.mark.parametrize("footer", [
    "主办：某市人民政府办公室\u3000网站标识码：3301000001\u3000浙ICP备05012345号",
    "京公网安备11010202000001号",
    "某县人民政府办公室主办 皖ICP备08001234号",
    "网站地图 | 联系我们\n主办单位：某县人民政府办公室\n承办：某县大数据中心\n技术支持：某某信息技术有限公司\n联系电话：0571-88888888\n皖ICP备08001234号",
])
def test_a_site_footer_goes_with_its_registration_numbers_on_a_short_page(footer):
    result = clean_text(f"关于开展夏季治安打击整治行动的通报\n{_BODY}\n{_NEWS}\n{footer}")
    assert result.text == f"{_BODY}\n{_NEWS}"
    assert replay(f"关于开展夏季治安打击整治行动的通报\n{_BODY}\n{_NEWS}\n{footer}", result.edits) == result.text


@pytest.mark.parametrize("closing", [
    "联系人：王某\n联系电话：0571-88888888",  # a notice's own contact line
    "主办单位：市文明办\n承办单位：某区文化馆",  # an event's organisers
    "未取得ICP备案的网站不得提供互联网信息服务。",  # a sentence about registration, no number
])
def test_contact_organiser_and_registration_lines_of_the_body_stay(closing):
    result = clean_text(f"关于举办文明实践志愿服务活动的通知\n{_BODY}\n{_NEWS}\n{closing}")
    assert result.text.endswith(closing)


@pytest.mark.parametrize("closing, fields", [
    ("责任编辑：张明远", {"editor": "张明远"}),
    ("【我要纠错】 责任编辑：张明远", {"editor": "张明远"}),
    ("（责编：孙立新、李娜）", {"editor": "孙立新、李娜"}),
    ("来源：城关派出所\n编辑：刘晓\n审核：陈刚\n微信扫一扫\n关注该公众号", {"source": "城关派出所", "editor": "刘晓"}),
])
def test_a_closing_editor_line_goes_and_fills_the_editor(closing, fields):
    raw = f"关于开展夏季治安打击整治行动的通报\n{_BODY}\n{_NEWS}\n{closing}"
    result = clean_text(raw)
    assert result.text == f"{_BODY}\n{_NEWS}"
    assert {k: result.fields.get(k) for k in fields} == fields
    assert replay(raw, result.edits) == result.text


@pytest.mark.parametrize("closing", ["特此通知", "特此公告", "特此通报", "特此函告", "特此批复", "特此报告", "此复", "此致敬礼", "谢谢"])
def test_a_closing_formula_glued_to_the_last_sentence_is_no_author(closing):
    result = clean_text(f"关于开展夏季治安打击整治行动的通知\n{_BODY}\n{_NEWS}{closing}")
    assert "author" not in result.fields and result.text.endswith(f"{_NEWS}{closing}")


@pytest.mark.parametrize("name", ["张晓明", "王磊", "欧阳晓明"])
def test_a_name_glued_to_the_last_sentence_is_the_author(name):
    result = clean_text(f"关于开展夏季治安打击整治行动的通知\n{_BODY}\n{_NEWS}{name}")
    assert result.fields["author"] == name and result.text == f"{_BODY}\n{_NEWS}"


def test_an_editor_glued_to_the_last_sentence_is_taken_too():
    result = clean_text(f"关于开展夏季治安打击整治行动的通报\n{_BODY}\n{_NEWS}（责编：孙立新、李娜）")
    assert result.text == f"{_BODY}\n{_NEWS}" and result.fields["editor"] == "孙立新、李娜"


@pytest.mark.parametrize("byline, author", [
    ("（通讯员 周海洋）", "通讯员 周海洋"),
    ("（记者 李明 通讯员 王红）", "记者 李明；通讯员 王红"),
    ("(本报记者 李明 王红)", "记者 李明、王红"),
])
def test_a_closing_byline_on_a_line_of_its_own_goes_and_fills_the_author(byline, author):
    result = clean_text(f"县公安局开展警营开放日活动\n{_BODY}\n{_NEWS}\n{byline}")
    assert result.text == f"{_BODY}\n{_NEWS}" and result.fields["author"] == author


def test_a_bracketed_closing_line_without_a_role_is_no_byline():
    result = clean_text(f"关于加强某项工作的通知\n{_BODY}\n{_NEWS}\n（此件公开发布）")
    assert result.text.endswith("（此件公开发布）") and "author" not in result.fields


@pytest.mark.parametrize("dateline, fields", [
    ("新华社北京10月17日电（记者李晓东）", {"source": "新华社", "author": "记者 李晓东"}),
    ("新华社北京10月17日电 ", {"source": "新华社"}),
    ("本报讯（记者 王小红 通讯员 刘建国）", {"author": "记者 王小红；通讯员 刘建国"}),  # 本报 names no outlet
])
def test_a_datelines_prefix_goes_gives_source_and_author_and_its_sentence_stays(dateline, fields):
    result = clean_text(f"全国高标准农田建设取得新进展\n{dateline}{_BODY}\n{_NEWS}")
    assert result.text == f"{_BODY}\n{_NEWS}"
    assert {k: result.fields.get(k) for k in ("source", "author")} == {"source": None, "author": None, **fields}


def test_a_dateline_on_a_line_of_its_own_is_no_part_of_the_title():
    result = clean_text(f"全国高标准农田建设取得新进展\n新华社北京10月17日电\n{_BODY}")
    assert result.fields["title"] == "全国高标准农田建设取得新进展" and result.fields["source"] == "新华社"
    assert result.text == _BODY


def test_a_date_followed_by_a_word_in_dian_is_no_dateline():
    raw = f"某某日报社区5月3日电力供应恢复正常，{_BODY}\n{_NEWS}"
    assert clean_text(raw).text == raw


def test_every_navigation_word_holds_a_character_of_the_navigation_gate():
    bits, table = clean._gate_table()
    for word in clean._NAV_WORDS.split("|"):
        assert any(table[ord(c)] & bits["navigation"] for c in word), word
