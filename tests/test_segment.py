"""Segmentation on real text: domain terms whole, engines agree, filters, offsets, cache."""

from __future__ import annotations

import pickle
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

import corpus
from corpus import segment
from corpus.segment import TokenConfig, Tokenizer, corpus_terms, marked_spans, token_spans, tokenize, tokens, vocabulary_filter

ROOT = Path(__file__).resolve().parents[1]
CPC = ROOT.parent / "shared" / "corpora" / "cpc"
GOLD = ROOT / "tests" / "fixtures" / "domain_terms_gold.txt"
TONED = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")
PINYIN_FRAGMENT = re.compile(r"^(?:[bpmfdtnlgkhjqxzcsrwy]|zh|ch|sh)?[aeiouüv]{1,3}(?:n|ng|r)?$|^(?:ng|n|m)$")  # lower-case, as pinyin is written


@pytest.fixture(scope="module")
def seeds():
    docs = corpus.load_corpus(ROOT / "seeds").docs
    return docs, corpus.paragraphs(docs)


def _gold() -> list[str]:
    return [line.strip() for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]


def _whole_rate(paras: pd.DataFrame, config: TokenConfig) -> float:
    """Share of gold-term occurrences with no token boundary inside them."""
    whole = total = 0
    for text, spans in zip(paras["text"], token_spans(paras, config)):
        bounds = {s for s, _ in spans} | {e for _, e in spans}
        for term in _gold():
            for m in re.finditer(re.escape(term), text):
                total += 1
                whole += not any(m.start() < b < m.end() for b in bounds)
    return whole / total


def test_domain_terms_of_the_seeds_come_out_whole(seeds):
    _, paras = seeds
    assert len(_gold()) >= 60
    assert _whole_rate(paras, TokenConfig()) >= 0.95
    assert _whole_rate(paras, TokenConfig(domain_lexicon=False, corpus_lexicon=False)) < 0.5  # jieba's own dictionary


def test_rjieba_and_jieba_agree_on_token_spans_of_the_seeds(seeds):
    _, paras = seeds
    fast, reference = token_spans(paras), token_spans(paras, TokenConfig(segmenter="jieba"))
    agree = sum(len(a & b) for a, b in zip(fast, reference))
    assert agree / sum(len(b) for b in reference) >= 0.999


def test_no_pinyin_fragment_survives_even_with_every_filter_off(seeds):
    docs, paras = seeds
    raw_tokens = tokens(paras, TokenConfig().without_filters(), cache=False)
    latin = {t for t in raw_tokens["token"].astype(str).unique() if re.fullmatch(r"[A-Za-z]+", t)}
    assert not {t for t in latin if PINYIN_FRAGMENT.match(t)}, latin
    assert not any(TONED.search(t) for t in raw_tokens["token"].astype(str).unique())
    haimen = docs.loc[docs["doc_id"].str.startswith("004"), "raw"].iloc[0]  # the same check on uncleaned text fails
    uncleaned = tokenize(haimen, TokenConfig().without_filters())
    assert sum(bool(PINYIN_FRAGMENT.match(t)) for t in uncleaned) > 20


def test_token_offsets_slice_the_document_text(seeds):
    docs, paras = seeds
    tk = tokens(paras, cache=False)
    text = dict(zip(docs["doc_id"], docs["text"]))
    assert all(text[d][s:e] == t for d, s, e, t in zip(tk["doc_id"], tk["start"], tk["end"], tk["token"].astype(str)))
    sents = corpus.sentences(paras)
    ts = tokens(sents, cache=False)
    assert (ts["sent_no"] > 0).all()
    assert all(text[d][s:e] == t for d, s, e, t in zip(ts["doc_id"], ts["start"], ts["end"], ts["token"].astype(str)))


@pytest.mark.parametrize("segmenter", ["rjieba", "jieba"])
def test_units_cut_together_give_each_unit_the_tokens_it_gets_alone(segmenter):
    """Units are segmented joined by line breaks; edge cases must not shift a token or an offset."""
    texts = ["", "𠀀𠀁党建引领𪚥，基层治理", "Party building 党建+警务 ABC-2023", "末尾有回车\r", "下一段开头",
             "ｆｕｌｌ　ｗｉｄｔｈ三会一课", " ", "é中文ü", "最后一段"]  # fmt: skip
    units = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "para_no": 1, "start": 7, "text": texts})
    config = TokenConfig(segmenter=segmenter).without_filters()
    together = tokens(units, config, cache=False, workers=1)
    alone = pd.concat([tokens(units.iloc[[i]], config, cache=False, workers=1) for i in range(len(texts))], ignore_index=True)
    pd.testing.assert_frame_equal(together.astype({"doc_id": str, "token": str}), alone.astype({"doc_id": str, "token": str}))
    text = dict(zip(units["doc_id"], units["text"]))
    assert all(text[d][s - 7 : e - 7] == t for d, s, e, t in zip(together["doc_id"], together["start"], together["end"], together["token"].astype(str)))
    assert "".join(together["token"].astype(str)) == re.sub(r"\s", "", "".join(texts))  # only whitespace is ever dropped


def test_default_filters_drop_numbers_punctuation_latin_single_characters_and_stopwords():
    keep = vocabulary_filter(TokenConfig(), ["2024", "25.8%", "，", "ABC", "的", "开展", "一是", "一名", "党建引领", "党建+警务", "执法"])
    assert [w for w, ok in keep.items() if ok] == ["党建引领", "党建+警务", "执法"]
    everything = vocabulary_filter(TokenConfig().without_filters(), keep)
    assert all(everything.values())


def test_numeral_years_dates_and_vague_counts_are_numbers():
    no_stop_lists = TokenConfig(function_stopwords=False, bureaucratic_stopwords=False)
    numbers = ["一九五四年", "二〇二二年", "二零零零年", "１９５４年", "1954年", "10余万", "三千多", "数百", "十几个",
               "三分之一", "百分之九十五", "第十九届", "一九四九年十月一日", "二十八日"]  # fmt: skip
    words = ["一些", "一样", "统一", "万一", "千万", "十分", "万岁", "五个坚持", "三会一课", "两个一百年", "二十大", "数字"]
    keep = vocabulary_filter(no_stop_lists, numbers + words)
    assert [w for w in numbers if keep[w]] == []
    assert [w for w in words if not keep[w]] == []


def test_full_width_and_numeral_years_never_reach_the_keywords_of_a_cleaned_text():
    raw = "１９５４年９月，第一届全国人民代表大会通过宪法。一九五四年以来，全国人民坚持群众路线，新增就业１０余万人。"
    words = tokenize(corpus.clean_text(raw).text)
    assert not [w for w in words if re.search(r"\d|[０-９]|一九|五四", w)], words
    assert {"宪法", "群众路线"} <= set(words)


def test_bureaucratic_filler_is_a_separate_switch():
    words = ["开展", "进一步", "的"]
    assert vocabulary_filter(TokenConfig(bureaucratic_stopwords=False), words) == {"开展": True, "进一步": True, "的": False}


def test_corpus_marked_units_are_added_and_listed_with_counts(seeds):
    docs, _ = seeds
    terms = corpus_terms(docs["text"])
    assert {"三会一课", "党建+警务", "三抓四学五查六提升"} <= set(terms["term"])
    assert set(terms["kind"]) <= {"quotation", "formula", "model"}
    long_quote = "“" + "坚持以人民为中心的发展思想不动摇" + "”"
    assert corpus_terms([long_quote])["term"].tolist() == []  # quoted sentences stay sentences
    assert "三抓四学五查六提升" in tokenize("探索创新形成三抓四学五查六提升工作法，" + "“三抓四学五查六提升”")
    assert "三抓四学五查六提升" not in tokenize("探索创新形成三抓四学五查六提升工作法", TokenConfig(corpus_lexicon=False))


def test_user_lexicon_and_stopword_files_change_tokens_without_code(tmp_path):
    lexicon, stops = tmp_path / "lex.txt", tmp_path / "stop.txt"
    lexicon.write_text("# my terms\n蓝背心工程 50000 nz\n", encoding="utf-8")
    stops.write_text("工程\n", encoding="utf-8")
    text = "深入实施单位联盟群防群治蓝背心工程，带领群众开展巡逻。"
    assert "蓝背心工程" not in tokenize(text)
    assert "蓝背心工程" in tokenize(text, TokenConfig(lexicon_paths=(str(lexicon),)))
    with pytest.raises(FileNotFoundError, match="not found"):
        TokenConfig(stopword_paths=(str(tmp_path / "missing.txt"),))
    assert "工程" in tokenize(text) and "工程" not in tokenize(text, TokenConfig(stopword_paths=(str(stops),)))
    custom = tmp_path / "stop2.txt"
    custom.write_text("巡逻\n", encoding="utf-8")
    assert "巡逻" not in tokenize(text, TokenConfig(stopword_paths=(str(custom),)))


def test_an_unknown_segmenter_is_refused_with_the_allowed_values():
    with pytest.raises(ValueError, match="`segmenter` must be one of 'rjieba', 'jieba'; got 'thulac'"):
        TokenConfig(segmenter="thulac")


def test_pos_filter_keeps_only_the_asked_parts_of_speech():
    words = tokenize("民警深入社区走访群众，迅速化解矛盾纠纷。", TokenConfig(pos=("n",)))
    assert "民警" in words and "走访" not in words and "迅速" not in words


def test_segmenter_instances_are_private_and_leave_jieba_global_alone():
    import jieba

    jieba.dt.initialize()
    assert tokenize("坚持党建引领基层治理", TokenConfig(segmenter="jieba")) == ["党建引领", "基层治理"]
    assert "党建引领" not in jieba.dt.FREQ
    assert "党建引领" not in jieba.lcut("坚持党建引领基层治理")


def test_cached_tokens_equal_fresh_ones_and_a_changed_setting_misses_the_cache(tmp_path, seeds):
    _, paras = seeds
    first = tokens(paras, cache_dir=tmp_path)
    entries = list((tmp_path / "tokens").glob("*.parquet"))
    assert len(entries) == 1
    again = tokens(paras, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(first, again)
    tokens(paras, TokenConfig(drop_single_chars=False), cache_dir=tmp_path)
    assert len(list((tmp_path / "tokens").glob("*.parquet"))) == 2
    entries[0].write_bytes(b"not parquet")  # a damaged entry is recomputed, not trusted
    pd.testing.assert_frame_equal(tokens(paras, cache_dir=tmp_path), first)


def test_concurrent_writers_never_leave_a_corrupt_cache_entry(tmp_path, seeds):
    _, paras = seeds
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: tokens(paras, cache_dir=tmp_path), range(4)))
    for r in results[1:]:
        pd.testing.assert_frame_equal(r, results[0])
    assert not list((tmp_path / "tokens").glob(".*.tmp"))
    pd.testing.assert_frame_equal(pd.read_parquet(next((tmp_path / "tokens").glob("*.parquet"))).astype({"token": "category"}), results[0])


def test_parallel_and_serial_segmentation_give_identical_tables(seeds):
    _, paras = seeds
    many = pd.concat([paras.assign(doc_id=paras["doc_id"] + f"_{i}") for i in range(300)], ignore_index=True)  # many chunks
    pd.testing.assert_frame_equal(tokens(many, cache=False, workers=1), tokens(many, cache=False, workers=2))  # threads


def test_the_pure_python_engine_segments_in_processes_with_identical_tables(seeds, monkeypatch):
    from corpus import segment as module

    _, paras = seeds
    many = pd.concat([paras.assign(doc_id=paras["doc_id"] + f"_{i}") for i in range(12)], ignore_index=True)
    monkeypatch.setattr(module, "PROCESS_POOL_MIN_CHARS", 0)  # the processes path, on a corpus small enough to be quick
    config = TokenConfig(segmenter="jieba")
    pd.testing.assert_frame_equal(tokens(many, config, cache=False, workers=1), tokens(many, config, cache=False, workers=2))


def test_a_stop_entry_the_segmenter_splits_is_named_once(tmp_path, caplog):
    import logging

    from corpus.segment import unreachable_stopwords

    stops = tmp_path / "stops.txt"
    stops.write_text("工作\n党建引领基层治理格局\n", encoding="utf-8")  # the second is split into lexicon terms
    config = TokenConfig(stopword_paths=(str(stops),), function_stopwords=False, bureaucratic_stopwords=False)
    units = pd.DataFrame({"doc_id": ["d"], "text": ["推进党建引领基层治理格局建设工作"]})
    with caplog.at_level(logging.WARNING, logger="corpus"):
        tokens(units, config, cache=False)
        tokens(units, config, cache=False)
    named = [r.getMessage() for r in caplog.records if "never match" in r.getMessage()]
    assert len(named) == 1 and "党建引领基层治理格局" in named[0] and "工作" not in named[0].split(":", 1)[1]
    assert unreachable_stopwords(config) == ("党建引领基层治理格局",)


# --------------------------------------------------------------------------- per-text tokenizer

#: Invented paragraphs in the style of local reports: a quoted name, an X+Y model, numbered formulae.
INVENTED = [
    "群众亲切地称之为“老街坊议事会”的协商平台，已在全区推开。",
    "每月召开老街坊议事会，听取居民对物业管理的意见建议。",
    "探索“党建+物业”治理路径，推行四访四办工作法，落实“两清单一台账”。",
    "全年化解矛盾纠纷1200余起，调解成功率达98.5%，实现“小事不出网格、大事不出社区”。",
    "",
    "坚持党建引领，深化“党建+警务”模式，落实三会一课制度",
]


def _per_unit(frame: pd.DataFrame, n: int) -> list[list[str]]:
    """The tokens of a :func:`tokens` table as one list per unit, units numbered 0..n-1 in ``para_no``."""
    lists: list[list[str]] = [[] for _ in range(n)]
    for para_no, token in zip(frame["para_no"], frame["token"].astype(str)):
        lists[para_no].append(token)
    return lists


def test_a_tokenizer_gives_a_word_the_same_tokens_in_every_text():
    quoted, plain = INVENTED[0], INVENTED[1]  # the name is quoted in one text only
    tok = Tokenizer.from_texts(INVENTED)
    assert "老街坊议事会" in tok(quoted) and "老街坊议事会" in tok(plain)
    assert tok(quoted + plain) == tok(quoted) + tok(plain)  # a sentence's tokens do not depend on the text around it
    # tokenize() cuts a text around what it marks: the unquoted sentence keeps its own tokens wherever it stands
    assert tokenize(quoted + plain) == tokenize(quoted) + tokenize(plain)
    assert "老街坊议事会" in tokenize(quoted) and "老街坊议事会" not in tokenize(plain)


def test_a_marked_unit_the_lexicon_lacks_comes_out_whole_without_building_a_segmenter():
    tok = Tokenizer.from_texts(INVENTED[:2])
    tok(""), tokenize("")  # both segmenters exist from here on
    built = segment._segmenter.cache_info().misses
    assert {"党建+物业", "四访四办", "两清单一台账"} <= set(tokenize(INVENTED[2]))
    assert {"党建+物业", "四访四办", "两清单一台账"} <= set(tok(INVENTED[2]))  # marks the fixed lexicon lacks
    assert "小事不出网格、大事不出社区" not in tokenize(INVENTED[3])  # a quoted sentence stays a sentence
    assert segment._segmenter.cache_info().misses == built
    assert not {"党建+物业", "四访四办"} & set(tokenize(INVENTED[2], TokenConfig(corpus_lexicon=False)))  # jieba alone splits them


def test_marked_spans_are_the_units_corpus_terms_counts():
    for text in INVENTED:
        found = [text[s:e] for s, e in marked_spans(text)]
        assert set(found) <= set(corpus_terms([text])["term"]), text
        assert found == sorted(found, key=text.index)
    assert [INVENTED[2][s:e] for s, e in marked_spans(INVENTED[2])] == ["党建+物业", "四访四办", "两清单一台账"]


def test_a_tokenizer_is_a_scikit_learn_analyzer_also_after_pickling():
    from sklearn.base import clone
    from sklearn.feature_extraction.text import CountVectorizer

    tok = Tokenizer.from_texts(INVENTED)
    tok(INVENTED[0])  # holds a segmenter and judged words now; neither travels
    copy = pickle.loads(pickle.dumps(tok))
    assert copy == tok and len(pickle.dumps(tok)) < 20_000
    assert [copy(t) for t in INVENTED] == [tok(t) for t in INVENTED]
    vectorizer = CountVectorizer(analyzer=tok)
    counts = vectorizer.fit_transform(INVENTED)
    assert "老街坊议事会" in vectorizer.vocabulary_ and counts.sum() == sum(len(tok(t)) for t in INVENTED)
    restored = pickle.loads(pickle.dumps(vectorizer))
    assert (restored.transform(INVENTED) != counts).nnz == 0
    assert (clone(vectorizer).fit_transform(INVENTED) != counts).nnz == 0


def test_tokenizer_tokens_equal_the_batch_tokens_when_the_lexicon_holds_the_corpus_terms():
    units = pd.DataFrame({"doc_id": "invented", "para_no": range(len(INVENTED)), "text": INVENTED})
    tok = Tokenizer.from_texts(INVENTED)
    assert [tok(t) for t in INVENTED] == _per_unit(tokens(units, cache=False), len(INVENTED))
    config = TokenConfig(segmenter="jieba", drop_single_chars=False)
    tok = Tokenizer.from_texts(INVENTED, config)
    assert [tok(t) for t in INVENTED] == _per_unit(tokens(units, config, cache=False), len(INVENTED))


def test_tokenizer_tokens_equal_the_batch_tokens_on_the_cpc_reports():
    if not CPC.is_dir():
        pytest.skip(f"the CPC corpus is not at {CPC} (../shared/corpora/cpc beside the repository)")
    lines = [line for path in sorted(CPC.glob("cpc_*.txt")) for line in path.read_text(encoding="utf-8").splitlines()]
    units = pd.DataFrame({"doc_id": "cpc", "para_no": range(len(lines)), "text": lines})
    tok = Tokenizer.from_texts(lines)
    assert [tok(t) for t in lines] == _per_unit(tokens(units, cache=False), len(lines))
