"""The fast forms of cleaning's searches find what their plain forms find (issue 16: cleaning never the bottleneck).

Each fast form is checked against the plain form it replaced, on the CPC reports (where present), the seed
articles and invented strings drawn from the characters the pattern reads (fixed seed).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from corpus import clean, patterns, pipeline
from corpus.clean import Edit

ROOT = Path(__file__).resolve().parents[1]
CPC = ROOT.parent / "shared" / "corpora" / "cpc"


def _real_texts() -> list[str]:
    paths = sorted((ROOT / "seeds").glob("*.txt")) + (sorted(CPC.glob("*.txt")) if CPC.is_dir() else [])
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in paths]
    return texts + [clean.to_traditional(t) for t in texts]


def _invented(alphabet: str, n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(n)]


REAL = _real_texts()


def test_the_orphan_pinyin_pattern_finds_what_its_plain_form_finds():
    tones = clean._TONES
    plain = re.compile(rf"[(（][a-z]*[{tones}][a-z]*[)）]?|(?<![A-Za-z{tones}])[a-z]*[{tones}][a-z]*[)）]")
    texts = REAL + _invented("abqzAQ(（)）" + tones[:6] + "ü区\n 1", 20000)
    for text in texts:
        assert [m.span() for m in clean._ORPHAN_PINYIN_RE.finditer(text)] == [m.span() for m in plain.finditer(text)], text[:40]


def test_pinyin_is_searched_from_each_parenthesis_as_the_whole_texts_search_finds_it():
    texts = REAL + ["堅持黨(dǎng)的領(lǐng)導，依靠群眾（qún zhòng）", "党(dǎng)\n建(jiàn)"] + _invented("区领导党建(（)）qūlǐng \n", 20000, seed=1)
    for text in texts:
        assert [m.span() for m in clean._pinyin_annotations(text)] == [m.span() for m in clean._PINYIN_RE.finditer(text)], text[:40]


def test_no_character_of_the_chinese_context_of_a_mark_is_a_digit():
    # The punctuation step makes a mark full-width only with Chinese beside it, and a mark between two digits (1,000)
    # never: it tests no digit, because nothing of that context is one.
    context = re.compile(clean._CJK_OR_FW)
    digits = [c for c in map(chr, range(0x110000)) if c.isdigit()]
    assert digits and not [c for c in digits if context.fullmatch(c)]


def test_half_width_marks_between_digits_stay_and_those_beside_chinese_change():
    cleaned = clean.clean_text("共1,000人,时间14:44;会议结束!是吗?").text
    assert cleaned == "共1,000人，时间14:44；会议结束！是吗？"


def test_the_model_heads_of_a_corpus_are_those_its_texts_give_one_by_one():
    invented = ["科技+教育\r\n科技+教育\n“互聯網＋政務”\n", "“產業+”模式\n1+X证书\n\n产业+金融+人才（试点）", "没有加号", "a+b\n科技+教育"]
    for texts in (REAL, invented, invented[::-1], []):
        one_by_one = patterns.model_heads(clean.to_simplified(pipeline._plus_lines(t)) for t in texts if "+" in t or "＋" in t)
        assert pipeline.corpus_model_heads(texts) == one_by_one


def test_spans_followed_through_a_step_in_one_walk_are_where_each_alone_goes():
    rng = random.Random(2)
    for _ in range(3000):
        edits, pos = [], rng.randint(0, 5)
        for _ in range(rng.randint(0, 5)):
            length = rng.choice([0, 1, 1, 2, 4])
            edits.append(Edit(pos, pos + length, "x" * length, "y" * rng.choice([0, 1, 3]), "changed"))
            pos += length + rng.choice([0, 0, 1, 3])
        shift = clean._StepShift(edits)
        spans = [tuple(sorted((rng.randint(0, pos + 3), rng.randint(0, pos + 3)))) for _ in range(12)]
        followed = list(spans)
        shift.follow(followed, list(range(len(spans))))
        assert followed == [shift.span(*s) for s in spans], (edits, spans)
        positions = [rng.randint(0, pos + 3) for _ in range(12)]
        assert shift.ends_each(positions) == [shift._end(p) for p in positions]


@pytest.mark.parametrize("share", [0.5, 0.05])
def test_a_removal_bound_counts_the_removed_text_as_its_pieces_add_up(share):
    cfg = clean.CleanConfig(max_removal_share=share)
    text = "坚持党的领导。\n（图为会场）\n全面建设社会主义现代化国家。\n▲ 资料图片\n" * 3
    removals = [Edit(m.start(), m.end(), m.group(), "", "removed") for m in re.finditer("（图为会场）|▲ 资料图片", text)]
    removed = sum(clean.ideograph_count(e.before) for e in removals)
    total = clean.ideograph_count(text)
    stop = clean._removal_bound(text, removals, cfg)
    assert (stop is None) == (removed <= share * total)
    assert stop is None or f"would remove {removed} of the document's {total}" in stop


def test_every_line_the_caption_step_would_take_holds_its_hint():
    # Without an image the step reads only the lines its hint finds: one of ▲△▼▽图摄, or 照片 (not the 照 of 按照).
    plain = re.compile("[▲△▼▽图摄]|照片")
    lines = [line for text in REAL for line in text.splitlines()]
    lines += _invented("照片图摄▲△▼▽按像的（）()|资料供 ■", 20000, seed=2)
    for line in lines:
        content = line.strip()
        taken = content and (clean._CAPTION_START.match(content) or (len(content) <= 120 and clean._CAPTION_END.search(content)))
        hinted = clean._CAPTION_HINT.search(line)
        assert bool(hinted) == bool(plain.search(line)), line
        assert hinted or not taken, line
