"""Collocations: planted pairs rise to the top, unit boundaries and removed tokens break adjacency, seeds."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import power_divergence

import corpus
from corpus.cooccurrence import COLLOCATE_COLUMNS, COLLOCATION_COLUMNS, collocates, collocations, propose_terms

ROOT = Path(__file__).resolve().parents[1]

# Hand-segmented paragraphs: words separated by spaces; a word in brackets was removed by the
# token filters (it occupies its characters in the text but has no row in the token table).
PARAGRAPHS = {
    "d1": [
        "坚持 发展 枫桥 经验 推进 基层 治理 加强 [的] 建设",
        "深化 枫桥 经验 完善 社区 警务 维护 安全",
        "稳定 局面 创新 枫桥 经验 强化 队伍 管理",
    ],
    "d2": [
        "学习 枫桥 经验 落实 责任 加强 [的] 建设 守护 安全",
        "稳定 大局 运用 枫桥 经验 化解 矛盾 纠纷",
    ],
    "d3": [
        "推广 枫桥 经验 加强 [的] 建设 提升 服务 保障 安全",
        "稳定 发展 加强 [的] 建设 夯实 根基",
    ],
}


def _token_table(paragraphs: dict[str, list[str]]) -> pd.DataFrame:
    """Token rows with offsets into each document's text; paragraphs follow each other with no gap."""
    rows = []
    for doc_id, paras in paragraphs.items():
        pos = 0
        for para_no, para in enumerate(paras, start=1):
            for word in para.split():
                removed = word.startswith("[")
                word = word.strip("[]")
                if not removed:
                    rows.append({"doc_id": doc_id, "para_no": para_no, "sent_no": 0, "token": word, "start": pos, "end": pos + len(word)})
                pos += len(word)
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def planted() -> pd.DataFrame:
    return _token_table(PARAGRAPHS)


@pytest.fixture(scope="module")
def seed_tokens(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return corpus.tokens(corpus.load_corpus(ROOT / "seeds", cache_dir=tmp_path_factory.mktemp("cache"), progress=False))


def test_a_planted_pair_gets_the_top_g2_and_pmi(planted):
    for measure in ("g2", "pmi"):
        table = collocations(planted, min_count=2, measure=measure)
        top = table.iloc[0]
        assert top["ngram"] == "枫桥 经验", measure
        assert (top["count"], top["docs"], top["words"], top["proposed_term"]) == (6, 3, ("枫桥", "经验"), "枫桥经验")
    assert collocations(planted, min_count=2).columns.tolist() == COLLOCATION_COLUMNS


def test_pmi_and_expected_follow_the_formula_by_hand(planted):
    table = collocations(planted, min_count=2).set_index("ngram")
    # N, the number of pair positions: neighbouring words of a paragraph, neither of them removed.
    n_pairs = 0
    for paras in PARAGRAPHS.values():
        for para in paras:
            words = para.split()
            n_pairs += sum(1 for x, y in zip(words, words[1:]) if not x.startswith("[") and not y.startswith("["))
    # 枫桥 is first of a pair 6 times, 经验 second 6 times: E = N · (6/N) · (6/N) = 36/N, PMI = log2(6 / E).
    expected = 36 / n_pairs
    assert table.loc["枫桥 经验", "expected"] == pytest.approx(expected, abs=1e-12)
    assert table.loc["枫桥 经验", "pmi"] == pytest.approx(math.log2(6 / expected), abs=1e-12)
    # G² on the 2 × 2 table [[6, 0], [0, N − 6]] (E = 36/N, 6·(N−6)/N, 6·(N−6)/N, (N−6)²/N).
    n = n_pairs
    g2 = 2 * (6 * math.log(6 / (36 / n)) + (n - 6) * math.log((n - 6) / ((n - 6) ** 2 / n)))
    assert table.loc["枫桥 经验", "g2"] == pytest.approx(g2, abs=1e-9)


def test_pairs_across_a_paragraph_boundary_or_a_removed_token_are_not_counted(planted):
    table = collocations(planted, min_count=1)
    # 安全 ends three paragraphs and 稳定 starts the next, with no gap in the offsets: still not a pair.
    assert "安全 稳定" not in set(table["ngram"])
    # 加强 的 建设 appears four times; with 的 filtered out, 加强 and 建设 are consecutive rows but not adjacent.
    assert "加强 建设" not in set(table["ngram"])
    # The same rows with the paragraph split ignored and 的 kept would pair them.
    merged = planted.assign(para_no=1)
    assert "安全 稳定" in set(collocations(merged, min_count=1)["ngram"])


def test_trigrams_need_every_link_adjacent(planted):
    table = collocations(planted, n=3, min_count=1).set_index("ngram")
    assert table.loc["发展 枫桥 经验", "count"] == 1
    assert not any(g.startswith("加强 建设") or " 加强 建设" in g for g in table.index)
    row = table.loc["发展 枫桥 经验"]
    assert row["proposed_term"] == "发展枫桥经验" and row["words"] == ("发展", "枫桥", "经验")


def test_pair_counts_documents_and_g2_match_a_plain_recount_of_the_seeds(seed_tokens):
    # Independent recount: walk the rows one by one, pairing only tokens in the same unit that touch.
    pairs: Counter[tuple[str, str]] = Counter()
    docs: dict[tuple[str, str], set[str]] = defaultdict(set)
    rows = list(seed_tokens[["doc_id", "para_no", "sent_no", "token", "start", "end"]].itertuples(index=False))
    for x, y in zip(rows, rows[1:]):
        if (x.doc_id, x.para_no, x.sent_no) == (y.doc_id, y.para_no, y.sent_no) and x.end == y.start:
            pairs[(x.token, y.token)] += 1
            docs[(x.token, y.token)].add(x.doc_id)
    n = sum(pairs.values())
    first, second = Counter(), Counter()
    for (w1, w2), k in pairs.items():
        first[w1] += k
        second[w2] += k

    table = collocations(seed_tokens, min_count=2)
    assert len(table) == sum(1 for k in pairs.values() if k >= 2)
    for words, count, n_docs, g2 in table[["words", "count", "docs", "g2"]].itertuples(index=False):
        assert count == pairs[words] and n_docs == len(docs[words])
        f1, f2 = first[words[0]], second[words[1]]
        observed = np.array([[count, f1 - count], [f2 - count, n - f1 - f2 + count]])
        expected = observed.sum(1, keepdims=True) * observed.sum(0) / n
        assert g2 == pytest.approx(power_divergence(observed, expected, lambda_="log-likelihood", axis=None).statistic, rel=1e-9)


def test_real_domain_collocations_appear_in_the_seeds(seed_tokens):
    table = collocations(seed_tokens, min_count=2)
    # Phrases of police and governance writing that jieba splits in two.
    known = {"全省 公安机关", "疫情 防控", "隐患排查 整治", "公安厅 党委", "三级 公安机关", "党委 班子成员", "安全 稳定"}
    assert len(known & set(table["ngram"].head(30))) >= 3
    top = table.iloc[0]
    assert top["count"] > top["expected"] and top["p_value"] < 1e-6
    proposed = propose_terms(table, min_docs=2, top=50)
    assert {"".join(k.split()) for k in known} & set(proposed)
    one_doc = set(table.loc[table["docs"] < 2, "proposed_term"])
    assert one_doc and not one_doc & set(proposed)  # 舞钢市公安局 and the like: one document only
    assert len(proposed) <= 50 and len(propose_terms(table, top=3)) == 3


@pytest.mark.parametrize("seed", range(6))
def test_shuffled_words_give_no_significant_pair_and_propose_nothing(seed_tokens, seed):
    # The seeds' tokens in their places, the words shuffled among them: no pair belongs together.
    shuffled = seed_tokens.assign(token=np.random.default_rng(seed).permutation(seed_tokens["token"].astype(str).to_numpy()))
    table = collocations(shuffled, min_count=2)
    assert (table["p_value"] < 0.05).any()  # uncorrected, chance alone passes
    assert not table["significant"].any() and propose_terms(table, min_docs=2) == []
    near = collocates(shuffled, table["words"].iloc[0][:1], window=5, min_count=2)
    assert not near["significant"].any()


def test_real_pairs_stay_significant_after_the_correction(seed_tokens):
    table = collocations(seed_tokens, min_count=2)
    chosen = table[table["significant"]]
    assert len(chosen) >= 20 and (chosen["count"] > chosen["expected"]).all()


def test_bad_arguments_are_refused_with_the_allowed_values(planted):
    with pytest.raises(ValueError, match=r"`alpha` must be a number between 0 and 1; got 1.5"):
        collocations(planted, alpha=1.5)
    with pytest.raises(ValueError, match=r"`alpha` must be a number between 0 and 1; got 0"):
        collocates(planted, ["枫桥"], alpha=0)
    with pytest.raises(ValueError, match=r"`measure` must be one of 'pmi', 'g2'; got 'x'"):
        collocations(planted, measure="x")
    with pytest.raises(ValueError, match=r"`window` must be one of 'adjacent'; got 5"):
        collocations(planted, window=5)
    with pytest.raises(ValueError, match="`n` must be an integer of at least 2"):
        collocations(planted, n=1)
    with pytest.raises(ValueError, match=r"tokens have no \['start', 'end'\] column"):
        collocations(planted.drop(columns=["start", "end"]))


def test_no_ngram_above_min_count_gives_an_empty_table_with_the_columns(planted):
    table = collocations(planted, min_count=100)
    assert table.empty and table.columns.tolist() == COLLOCATION_COLUMNS


# --- collocates: the words within a window of chosen terms ------------------------------------

#: Invented sentences (one a paragraph): 改革 has 开放 two or three tokens away, never next to it;
#: 体制 stands next to 改革 once; the last paragraph puts 开放 in the sentence after 改革.
WINDOW_PARAGRAPHS = {
    "a": ["坚持 改革 经济 体制 开放 方针", "深化 改革 扩大 对外 开放", "推进 农村 改革 继续 开放 市场"],
    "b": ["全面 深化 改革 体制 创新 开放 格局", "经济 发展 稳定 增长 民生 改善"],
    "c": ["推动 改革"],
}


def test_collocates_count_the_words_within_the_window_that_adjacent_pairs_miss():
    tokens = _token_table(WINDOW_PARAGRAPHS)
    near = collocates(tokens, ["改革"], window=3, min_count=1).set_index("collocate")
    assert near.columns.tolist() == [c for c in COLLOCATE_COLUMNS if c != "collocate"]
    assert near.at["开放", "count"] == 4 and near.at["开放", "docs"] == 2
    assert "开放" not in set(collocates(tokens, ["改革"], window=1, min_count=1)["collocate"])
    assert "改革 开放" not in set(collocations(tokens, min_count=1)["ngram"])
    assert near.index[0] == "开放"  # the strongest: in every window but one, rare elsewhere
    # the 2 × 2 table: positions in a window of 改革 (R) or not, among the tokens that are not 改革 (N)
    n = len(tokens) - 5  # 改革 five times
    r, c, o = near.at["开放", "window_tokens"], 4, 4
    assert near.at["开放", "expected"] == pytest.approx(r * c / n)
    table = np.array([[o, r - o], [c - o, n - r - (c - o)]], dtype=float)
    assert near.at["开放", "g2"] == pytest.approx(power_divergence(table, lambda_="log-likelihood", axis=None,
                                                                   f_exp=np.outer(table.sum(1), table.sum(0)) / n).statistic)
    assert near.at["开放", "log_dice"] == pytest.approx(14 + math.log2(2 * 4 / (5 + 4)))


def test_collocates_stop_at_the_sentence_and_count_each_position_once():
    tokens = _token_table({"a": ["改革 开放 改革", "开放 经济"]})
    near = collocates(tokens, "改革", window=5, min_count=1).set_index("collocate")
    assert near.at["开放", "count"] == 1  # between two occurrences: one position; the next paragraph's 开放 is not near
    assert near.at["开放", "window_tokens"] == 1 and near.at["开放", "node_count"] == 2
    assert collocates(tokens, ["不存在"], window=5).columns.tolist() == COLLOCATE_COLUMNS
    with pytest.raises(ValueError, match="measure"):
        collocates(tokens, ["改革"], measure="t")
    with pytest.raises(ValueError, match="window"):
        collocates(tokens, ["改革"], window=0)


def test_collocates_in_the_party_congress_reports(cpc_corpus):
    near = collocates(cpc_corpus.tokens(), ["改革", "阶级斗争"], window=5, min_count=3)
    first = near.groupby("node", sort=False)["collocate"].apply(lambda s: s.head(5).tolist())
    assert "经济体制" in first["改革"]
    assert "无产阶级" in first["阶级斗争"]
    by_pmi = collocates(cpc_corpus.tokens(), ["改革"], window=5, min_count=3, measure="pmi")
    assert by_pmi["pmi"].is_monotonic_decreasing
