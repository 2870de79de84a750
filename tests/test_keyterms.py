"""Keyness: hand-worked statistics, agreement with scipy on the seeds, BH, seed findings, input errors."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.stats import chi2_contingency, power_divergence, ttest_ind

import corpus
from corpus.features import DTM, dtm
from corpus.compare import distinctive_terms, each_against_rest, group_members, vocabulary_overlap
from corpus.keyterms import (
    KEYNESS_COLUMNS,
    MAX_PERMUTATIONS,
    MIN_PERMUTATIONS,
    STOP_AFTER,
    TOKEN_COLUMNS,
    _benjamini_hochberg_by_hand,
    benjamini_hochberg,
    each_text_once,
    keyness,
    keyness_table,
    permutation_test,
    smallest_p,
)

ROOT = Path(__file__).resolve().parents[1]

# Four short documents, segmented by hand: two provincial (P1, P2) and two county (C1, C2),
# five tokens each, so n_t = n_r = 10 and N = 20.
HAND_DOCS = {
    "C1": "党建 党建 党建 警务 改革",
    "C2": "党建 警务 改革 引领 创新",
    "P1": "乡村 乡村 乡村 警务 改革",
    "P2": "党建 警务 改革 治理 创新",
}
HAND_LEVEL = pd.Series({"C1": "county", "C2": "county", "P1": "province", "P2": "province"})


def _hand_tokens() -> pd.DataFrame:
    rows = []
    for doc_id, text in HAND_DOCS.items():
        pos = 0
        for word in text.split():
            rows.append({"doc_id": doc_id, "para_no": 1, "sent_no": 0, "token": word, "start": pos, "end": pos + len(word)})
            pos += len(word) + 1
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def hand() -> pd.DataFrame:
    return keyness(dtm(_hand_tokens()), HAND_LEVEL, target="county", min_count=1, prior=10.0).set_index("term")


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    """The seeds' documents table, their tokens (the corpus's own segmentation) and document counts."""
    loaded = corpus.load_corpus(ROOT / "seeds", cache_dir=tmp_path_factory.mktemp("cache"), progress=False)
    return loaded.docs, loaded.tokens(), dtm(loaded)


# --------------------------------------------------------------------------- (a) worked example


def test_chi2_and_g2_match_a_calculation_by_hand(hand):
    # 党建: a = 4 in the county docs (3 + 1), c = 1 in the provincial ones.
    # Table: [[a, b], [c, d]] = [[4, 6], [1, 9]]; row totals 10, 10; column totals 5, 15; N = 20.
    # ad − bc = 4·9 − 6·1 = 30, so X² = N (ad − bc)² / (10·10·5·15) = 20·900 / 7500 = 2.4.
    assert hand.loc["党建", "chi2"] == pytest.approx(2.4, abs=1e-9)
    # Expected counts E = row total × column total / N: 10·5/20 = 2.5 and 10·15/20 = 7.5 in each row.
    # G² = 2 [4 ln(4/2.5) + 6 ln(6/7.5) + 1 ln(1/2.5) + 9 ln(9/7.5)].
    g2 = 2 * (4 * math.log(4 / 2.5) + 6 * math.log(6 / 7.5) + 1 * math.log(1 / 2.5) + 9 * math.log(9 / 7.5))
    assert hand.loc["党建", "g2"] == pytest.approx(g2, abs=1e-9)

    # 乡村: a = 0, c = 3. Table [[0, 10], [3, 7]]; column totals 3, 17.
    # ad − bc = 0·7 − 10·3 = −30, so X² = 20·900 / (10·10·3·17) = 18000 / 5100.
    assert hand.loc["乡村", "chi2"] == pytest.approx(18000 / 5100, abs=1e-9)
    # E = 10·3/20 = 1.5 and 10·17/20 = 8.5; the empty cell contributes 0 ln 0 = 0.
    g2 = 2 * (0 + 10 * math.log(10 / 8.5) + 3 * math.log(3 / 1.5) + 7 * math.log(7 / 8.5))
    assert hand.loc["乡村", "g2"] == pytest.approx(g2, abs=1e-9)


def test_log_odds_and_z_match_a_calculation_by_hand(hand):
    # Prior total α0 = 10 spread by corpus share: 党建 is 5 of 20 tokens, α = 10·5/20 = 2.5.
    # δ = ln((4 + 2.5) / (10 + 10 − 4 − 2.5)) − ln((1 + 2.5) / (10 + 10 − 1 − 2.5)) = ln(6.5/13.5) − ln(3.5/16.5).
    delta = math.log(6.5 / 13.5) - math.log(3.5 / 16.5)
    # Var(δ) ≈ 1/(4 + 2.5) + 1/(1 + 2.5); z = δ / √Var.
    z = delta / math.sqrt(1 / 6.5 + 1 / 3.5)
    assert hand.loc["党建", "log_odds"] == pytest.approx(delta, abs=1e-9)
    assert hand.loc["党建", "z"] == pytest.approx(z, abs=1e-9)
    # 乡村 is 3 of 20 tokens: α = 10·3/20 = 1.5.
    # δ = ln((0 + 1.5) / (20 − 0 − 1.5)) − ln((3 + 1.5) / (20 − 3 − 1.5)); Var ≈ 1/1.5 + 1/4.5.
    delta = math.log(1.5 / 18.5) - math.log(4.5 / 15.5)
    z = delta / math.sqrt(1 / 1.5 + 1 / 4.5)
    assert hand.loc["乡村", "log_odds"] == pytest.approx(delta, abs=1e-9)
    assert hand.loc["乡村", "z"] == pytest.approx(z, abs=1e-9)
    # Two-sided normal p-value: 2·Φ(−|z|) = erfc(|z| / √2).
    assert hand.loc["乡村", "p_value"] == pytest.approx(math.erfc(abs(z) / math.sqrt(2)), abs=1e-12)


def test_rates_documents_effect_size_and_single_doc_flag_match_the_hand_counts(hand):
    # Per 10,000 tokens: 4/10·10⁴ and 1/10·10⁴; Log Ratio = log2(((4 + 0.5)/10) / ((1 + 0.5)/10)) = log2(3).
    row = hand.loc["党建"]
    assert (row["freq_target"], row["freq_reference"]) == (4000.0, 1000.0)
    assert row["log_ratio"] == pytest.approx(math.log2(3), abs=1e-12)
    assert (row["docs_target"], row["docs_reference"], row["single_doc"]) == (2, 1, False)
    # 引领 occurs once, in C1 only: the whole target count comes from one document.
    assert hand.loc["引领", "single_doc"] and hand.loc["引领", "docs_target"] == 1
    # 乡村 is key to the reference (z < 0), and its three reference occurrences are all in P1: one
    # document is the whole evidence on the side the term is listed under, so it is flagged too.
    assert hand.loc["乡村", "z"] < 0 and hand.loc["乡村", "docs_reference"] == 1 and hand.loc["乡村", "single_doc"]
    # 治理 (P2 only) leans to the reference as well; 创新 has one document on each side, rates equal.
    assert hand.loc["治理", "single_doc"] and hand.loc["治理", "docs_target"] == 0


def test_chi2_p_value_is_the_chi_square_survival_with_one_degree_of_freedom():
    table = keyness(dtm(_hand_tokens()), HAND_LEVEL, target="county", measure="chi2", min_count=1).set_index("term")
    # For 1 df, P(X² > x) = erfc(√(x/2)); X² = 2.4 for 党建.
    assert table.loc["党建", "p_value"] == pytest.approx(math.erfc(math.sqrt(2.4 / 2)), abs=1e-12)


def test_doc_id_lists_give_the_same_table_as_labels():
    counts = dtm(_hand_tokens())
    by_label = keyness(counts, HAND_LEVEL, target="county", min_count=1)
    by_ids = keyness(counts, target=["C1", "C2"], min_count=1)
    by_both = keyness(counts, target=["C1", "C2"], reference=["P1", "P2"], min_count=1)
    numbers = KEYNESS_COLUMNS[2:]
    pd.testing.assert_frame_equal(by_label[numbers], by_ids[numbers])
    pd.testing.assert_frame_equal(by_label[numbers], by_both[numbers])
    # Each table records the groups it compared, on every row.
    assert set(zip(by_label["target"], by_label["reference"])) == {("county", "province")}
    assert set(zip(by_ids["target"], by_ids["reference"])) == {("C1、C2", "all other documents")}
    assert set(zip(by_both["target"], by_both["reference"])) == {("C1、C2", "P1、P2")}


def test_the_table_has_the_documented_columns_and_is_sorted_by_the_signed_statistic(hand):
    table = keyness(dtm(_hand_tokens()), HAND_LEVEL, target="county", measure="g2", min_count=1)
    assert table.columns.tolist() == KEYNESS_COLUMNS
    signed = np.sign(table["freq_target"] - table["freq_reference"]) * table["g2"]
    assert (np.diff(signed.to_numpy()) <= 1e-12).all()
    assert table["term"].iloc[0] == "党建" and table["term"].iloc[-1] == "乡村"
    assert (np.diff(hand.sort_values("z", ascending=False)["z"].to_numpy()) <= 0).all()


# --------------------------------------------------------------------------- (b) scipy on the seeds


def test_chi2_and_g2_agree_with_scipy_on_every_seed_term(seeds):
    docs, _, counts = seeds
    level = docs.set_index("doc_id")["level"]
    table = keyness(counts, level, target="county", min_count=1)
    assert len(table) == len(counts.terms)
    is_county = level.reindex(counts.rows["doc_id"]).eq("county").to_numpy()
    n_t, n_r = counts.matrix[is_county].sum(), counts.matrix[~is_county].sum()
    for a, c, x2, g2 in table[["count_target", "count_reference", "chi2", "g2"]].itertuples(index=False):
        observed = np.array([[a, n_t - a], [c, n_r - c]])
        assert x2 == pytest.approx(chi2_contingency(observed, correction=False)[0], rel=1e-9, abs=1e-12)
        assert g2 == pytest.approx(power_divergence(observed, observed.sum(1, keepdims=True) * observed.sum(0) / observed.sum(),
                                                    lambda_="log-likelihood", axis=None).statistic, rel=1e-9, abs=1e-12)  # fmt: skip


def test_yates_chi2_agrees_with_scipy_corrected_test(seeds):
    docs, _, counts = seeds
    table = keyness(counts, docs.set_index("doc_id")["level"], target="county", measure="chi2", yates=True, min_count=1)
    n_t, n_r = table["count_target"].sum(), table["count_reference"].sum()
    for a, c, x2 in table[["count_target", "count_reference", "chi2"]].head(200).itertuples(index=False):
        observed = np.array([[a, n_t - a], [c, n_r - c]])
        assert x2 == pytest.approx(chi2_contingency(observed, correction=True)[0], rel=1e-9, abs=1e-12)


def test_a_paragraph_matrix_counts_documents_not_paragraphs(seeds):
    docs, toks, counts = seeds
    level = docs.set_index("doc_id")["level"]
    by_doc = keyness(counts, level, target="county", min_count=3)
    by_para = keyness(dtm(toks, "paragraph"), level, target="county", min_count=3)
    pd.testing.assert_frame_equal(by_doc, by_para)


# --------------------------------------------------------------------------- (c) Benjamini–Hochberg


def test_benjamini_hochberg_matches_a_hand_computation():
    p = np.array([0.021, 0.5, 0.01, 0.02])
    # Sorted: 0.01, 0.02, 0.021, 0.5 with m = 4; p·m/k = 0.04, 0.04, 0.028, 0.5.
    # Step-up (minimum from the largest rank down): 0.028, 0.028, 0.028, 0.5; back in input order:
    expected = [0.028, 0.5, 0.028, 0.028]
    np.testing.assert_allclose(benjamini_hochberg(p), expected, atol=1e-12)
    np.testing.assert_allclose(_benjamini_hochberg_by_hand(p), expected, atol=1e-12)


def test_p_adjusted_is_bh_over_all_tested_terms(seeds):
    docs, _, counts = seeds
    table = keyness(counts, docs.set_index("doc_id")["level"], target="county", measure="g2", min_count=2)
    np.testing.assert_allclose(table["p_adjusted"], _benjamini_hochberg_by_hand(table["p_value"].to_numpy()), rtol=1e-12)
    assert (table["p_adjusted"] >= table["p_value"] - 1e-15).all()


# --------------------------------------------------------------------------- (d) findings on the seeds


def test_county_documents_are_keyed_by_county_and_district_terms(seeds):
    docs, _, counts = seeds
    table = keyness(counts, docs.set_index("doc_id")["level"], target="county", min_count=1).set_index("term")
    # County-level names and scopes (a county bureau is a 公安局, a province's a 公安厅) sit on the
    # county side, seen in no provincial document; the province's 全省 on the other side.
    county_terms = [t for t in ["公安局", "肥东县", "舞钢市", "海门区", "全区", "全县", "县委", "区委"] if t in table.index]
    assert len(county_terms) >= 4
    for term in county_terms:
        assert table.loc[term, "z"] > 0 and table.loc[term, "log_ratio"] > 0, term
        assert table.loc[term, "count_reference"] == 0, term
    assert table.loc["全省", "z"] < 0 and table.loc["全省", "log_ratio"] < 0


def test_terms_from_a_single_document_are_flagged_on_the_side_they_are_listed_under(seeds):
    docs, _, counts = seeds
    table = keyness(counts, docs.set_index("doc_id")["level"], target="county", min_count=1)
    dense = counts.to_frame()
    county = docs.loc[docs["level"] == "county", "doc_id"].tolist()
    province = docs.loc[docs["level"] == "province", "doc_id"].tolist()
    n_county, n_province = (dense.loc[county] > 0).sum(), (dense.loc[province] > 0).sum()
    assert (table["docs_target"].to_numpy() == n_county[table["term"]].to_numpy()).all()
    assert (table["docs_reference"].to_numpy() == n_province[table["term"]].to_numpy()).all()
    side = np.where(table["z"] >= 0, table["docs_target"], table["docs_reference"])
    assert (table["single_doc"] == (side == 1)).all()
    flagged = set(table.loc[table["single_doc"], "term"])
    # Place names of one county appear in that county's document only; 公安局 in all three.
    assert {"肥东县", "舞钢市"} <= flagged and "公安局" not in flagged
    # Terms key to the provinces that one provincial document carries are flagged as well.
    assert (table["single_doc"] & (table["z"] < 0)).sum() >= 3


# --------------------------------------------------------------------------- (e) input errors


def test_an_unknown_measure_is_refused_with_the_allowed_values():
    with pytest.raises(ValueError, match=r"`measure` must be one of 'log_odds', 'chi2', 'g2'; got 'x'"):
        keyness(dtm(_hand_tokens()), HAND_LEVEL, target="county", measure="x")


def test_unknown_labels_and_documents_are_named_in_the_error():
    counts = dtm(_hand_tokens())
    with pytest.raises(ValueError, match=r"`target` 'city' is not a label in `group`; labels are \['county', 'province'\]"):
        keyness(counts, HAND_LEVEL, target="city")
    with pytest.raises(ValueError, match="`reference` 'city' is not a label"):
        keyness(counts, HAND_LEVEL, target="county", reference="city")
    with pytest.raises(ValueError, match=r"`target` names documents not in `counts`: \['X9'\]"):
        keyness(counts, target=["C1", "X9"])
    with pytest.raises(ValueError, match="documents in both"):
        keyness(counts, target=["C1"], reference=["C1", "P1"])
    with pytest.raises(ValueError, match=r"`group` has no label for documents \['P2'\]"):
        keyness(counts, HAND_LEVEL.drop("P2"), target="county")
    with pytest.raises(ValueError, match="`group` has 3 labels for 4 rows"):
        keyness(counts, ["county", "county", "province"], target="county")


def test_an_empty_group_is_refused():
    counts = dtm(_hand_tokens())
    with pytest.raises(ValueError, match="the reference group is empty"):
        keyness(counts, target=["C1", "C2", "P1", "P2"])
    with pytest.raises(ValueError, match="the reference group is empty"):
        keyness(counts, pd.Series(["county"] * 4, index=list(HAND_DOCS)), target="county")
    with pytest.raises(ValueError, match="`target` is an empty list"):
        keyness(counts, target=[])
    with pytest.raises(ValueError, match="same label"):
        keyness(counts, HAND_LEVEL, target="county", reference="county")


def test_a_matrix_summed_by_group_is_refused_because_documents_are_lost():
    counts = dtm(_hand_tokens())
    with pytest.raises(ValueError, match="no doc_id column"):
        keyness(counts.group(HAND_LEVEL.to_numpy()), ["county", "province"], target="county")
    with pytest.raises(ValueError, match="`prior` must be a positive number"):
        keyness(counts, HAND_LEVEL, target="county", prior=0)


# --------------------------------------------------------------------------- (f) each against the rest, at any size


def test_keyness_from_group_totals_is_the_same_table(seeds):
    docs, _, counts = seeds
    level = docs.set_index("doc_id")["level"]
    full = keyness(counts, level, target="county", min_count=2, measure="g2")
    dense = counts.to_frame()
    county = (level.loc[counts.rows["doc_id"]] == "county").to_numpy()
    a, c = dense[county].sum().to_numpy(), dense[~county].sum().to_numpy()
    docs_t, docs_r = (dense[county] > 0).sum().to_numpy(), (dense[~county] > 0).sum().to_numpy()
    pd.testing.assert_frame_equal(keyness_table(counts.terms, a, c, docs_t, docs_r, min_count=2, measure="g2"), full[TOKEN_COLUMNS])


@pytest.mark.parametrize("measure", ["log_odds", "chi2"])
def test_each_document_against_the_rest_matches_keyness_run_once_per_document(seeds, measure):
    _, toks, counts = seeds
    stat = "z" if measure == "log_odds" else measure
    for matrix in (counts, dtm(toks, "paragraph")):
        own = each_against_rest(matrix, n=8, measure=measure, min_count=3)
        for doc_id in counts.rows["doc_id"]:
            one = keyness(matrix, target=[doc_id], measure=measure, min_count=3)
            one = one[one[stat] > 0].head(8).reset_index(drop=True)
            mine = own[own["target"] == doc_id].reset_index(drop=True)
            assert mine["rank"].tolist() == list(range(1, len(one) + 1))
            pd.testing.assert_frame_equal(mine[one.columns.intersection(mine.columns)], one[one.columns.intersection(mine.columns)])


def test_named_documents_and_groups_are_tested_against_every_other_document(seeds):
    docs, _, counts = seeds
    level = docs.set_index("doc_id")["level"]
    own = each_against_rest(counts, level, n=5)
    assert list(dict.fromkeys(own["target"])) == ["province", "county"]
    county = keyness(counts, level, target="county", min_count=3)
    pd.testing.assert_frame_equal(own[own["target"] == "county"][["term", "z"]].reset_index(drop=True),
                                  county[county["z"] > 0].head(5)[["term", "z"]].reset_index(drop=True))  # fmt: skip
    first = docs["doc_id"].iloc[0]
    alone = each_against_rest(counts, {first: "甲"}, n=5)
    assert set(alone["target"]) == {"甲"}
    assert alone["term"].tolist() == each_against_rest(counts, n=5).query("target == @first")["term"].tolist()


def test_vocabulary_overlap_names_a_few_documents_but_counts_every_one(seeds):
    docs, _, counts = seeds
    labels = corpus.doc_labels(docs, "locality").to_dict()
    full = vocabulary_overlap(counts, labels)
    two = {d: labels[d] for d in docs["doc_id"].iloc[:2]}
    few = vocabulary_overlap(counts, {**{d: None for d in docs["doc_id"]}, **two})
    assert list(few.columns) == ["term", *two.values(), "docs", "total"]
    pd.testing.assert_frame_equal(few, full[few.columns])
    own = distinctive_terms(few, n=5)
    pd.testing.assert_frame_equal(own, distinctive_terms(full, n=5).query("document in @two.values()").reset_index(drop=True))


def test_words_of_one_group_are_those_no_document_outside_it_uses(seeds):
    docs, _, counts = seeds
    level = docs.set_index("doc_id")["level"]
    by_level = vocabulary_overlap(counts, level)
    assert list(by_level.columns) == ["term", "province", "county", "docs", "total"]
    own = distinctive_terms(by_level, n=50)
    county_docs = docs.loc[docs["level"] == "county", "doc_id"]
    dense = counts.to_frame()
    for term in own.loc[own["document"] == "county", "term"]:
        assert dense.loc[~dense.index.isin(county_docs), term].sum() == 0, term


def test_group_members_lists_a_few_names_and_counts_the_rest():
    groups = pd.Series(["省"] + ["县"] * 30, index=[f"d{i}" for i in range(31)], name="level")
    table = group_members(groups, {"d0": "辽宁"}, max_names=3)
    assert table.columns.tolist() == ["level", "documents"]
    assert table.set_index("level").loc["县", "documents"] == "d1、d2、d3 …（+27）"
    assert table.set_index("level").loc["省", "documents"] == "辽宁"


# --------------------------------------------------------------------------- (g) the document-level test


def _constructed(seed: int, *, n_docs: int = 60, n_terms: int = 200, planted: int | None = None, shape: float = 8.0):
    """Invented documents, half 甲 and half 乙, whose counts are negative binomial: what real documents look like.

    Documents of 800–3,000 tokens; term rates fall as a Zipf law (exponent 0.9); each document's
    rate of each term is drawn from a gamma distribution with shape ``shape`` around it (shape 8:
    documents differ by about 35% in how often they use a word, so tokens are not independent);
    counts are Poisson given that rate. ``planted``: that term's rate is doubled in the 甲 documents.
    """
    rng = np.random.default_rng(seed)
    base = 1.0 / np.arange(1, n_terms + 1) ** 0.9
    base /= base.sum()
    lengths = rng.integers(800, 3000, n_docs)
    label = np.array(["甲"] * (n_docs // 2) + ["乙"] * (n_docs - n_docs // 2))
    rate = lengths[:, None] * base[None, :]
    if planted is not None:
        rate[label == "甲", planted] *= 2.0
    counts = rng.poisson(rng.gamma(shape, rate / shape))
    ids = [f"文{i:03d}" for i in range(n_docs)]
    terms = np.array([f"词{j:03d}" for j in range(n_terms)])
    return DTM(sp.csr_matrix(counts), pd.DataFrame({"doc_id": ids}), terms), pd.Series(label, index=ids)


def test_random_relabelings_give_a_significant_term_in_at_most_2_of_20():
    counts, label = _constructed(1)
    document_level, token_level = 0, 0
    for i in range(20):
        shuffled = pd.Series(np.random.default_rng(100 + i).permutation(label.to_numpy()), index=label.index)
        table = keyness(counts, shuffled, target="甲", min_count=5, random_state=i)
        assert table["tested"].sum() == 200 and table["test"].iloc[0] == "Monte Carlo permutation"
        document_level += bool((table["q"] < 0.05).any())
        token_level += bool((table["p_adjusted"] < 0.05).any())
    assert document_level <= 2
    # The token-level test calls terms key under nearly every random labelling: why it is no evidence.
    assert token_level >= 15


def test_a_planted_doubled_rate_is_found_in_at_least_9_of_10_corpora():
    found = 0
    for seed in range(10):
        counts, label = _constructed(1000 + seed, planted=20)
        row = keyness(counts, label, target="甲", min_count=5).set_index("term").loc["词020"]
        found += bool(row["q"] < 0.05 and row["mean_rate_target"] > row["mean_rate_reference"])
    assert found >= 9


def test_the_exact_test_counts_every_relabeling_by_welchs_t():
    rng = np.random.default_rng(7)
    x = rng.poisson(20, size=(8, 5)) + 1
    in_target = np.array([True, False, True, False, True, False, True, False])
    # fdr 0.9 lets all five terms be tested (C(8, 4) = 70 relabelings, mirrors tie: p ≥ 2/70).
    table = permutation_test(sp.csr_matrix(x), in_target, fdr=0.9)
    assert table["test"].iloc[0] == "exact permutation" and table["B"].iloc[0] == 70 and table["tested"].all()
    rates = x / x.sum(axis=1, keepdims=True)
    observed = np.abs(ttest_ind(rates[in_target], rates[~in_target], equal_var=False).statistic)
    reach = np.zeros(5)
    for chosen in itertools.combinations(range(8), 4):
        mask = np.isin(np.arange(8), chosen)
        reach += np.abs(ttest_ind(rates[mask], rates[~mask], equal_var=False).statistic) >= observed * (1 - 1e-9)
    np.testing.assert_allclose(table["p_perm"], reach / 70, atol=1e-12)
    np.testing.assert_allclose(table["q"], _benjamini_hochberg_by_hand(reach / 70), atol=1e-12)
    np.testing.assert_allclose(table["mean_rate_target"], rates[in_target].mean(axis=0) * 1e4, rtol=1e-12)


def test_a_term_only_in_every_target_document_reaches_exactly_the_smallest_p():
    # Three target documents against five: C(8, 3) = 56 relabelings; only the observed one puts the
    # term's three documents in the target, so p = 1/56, the smallest_p of a term in 3 documents.
    x = np.array([[10, 90], [11, 89], [12, 88], [0, 100], [0, 100], [0, 100], [0, 100], [0, 100]])
    table = permutation_test(sp.csr_matrix(x), np.array([True] * 3 + [False] * 5))
    assert smallest_p(np.array([3]), 3, 5)[0] == pytest.approx(1 / 56)
    assert table.loc[0, "p_perm"] == pytest.approx(1 / 56) and table.loc[0, "min_p"] == pytest.approx(1 / 56)


@pytest.mark.parametrize("n_t, n_r, testable", [
    (2, 3, False),  # C = 10: p ≥ 0.1
    (2, 4, False),  # C = 15
    (3, 3, False),  # C = 20, and every relabeling's mirror ties: p ≥ 0.1
    (1, 19, False),  # C = 20: p ≥ 0.05, never below it
    (1, 20, True),  # C = 21
    (2, 5, True),  # C = 21
    (3, 4, True),  # C = 35
    (4, 4, True),  # C = 70, mirrors tie: p ≥ 2/70
])  # fmt: skip
def test_with_too_few_documents_nothing_is_tested_and_the_rule_is_the_number_of_relabelings(n_t, n_r, testable):
    x = np.random.default_rng(3).poisson(30, size=(n_t + n_r, 40)) + 1
    table = permutation_test(sp.csr_matrix(x), np.arange(n_t + n_r) < n_t)
    relabelings = math.comb(n_t + n_r, n_t)
    assert table["min_p"].min() == pytest.approx((2 if n_t == n_r else 1) / relabelings)
    assert table["tested"].any() == testable
    if testable:
        # Every tested term could pass the correction alone: min_p · m < fdr.
        assert table["min_p"].max() * table["tested"].sum() < 0.05
        assert table["test"].iloc[0] == "exact permutation" and table["B"].iloc[0] == relabelings
    else:
        assert table["test"].iloc[0] == "none (too few documents)" and table["B"].iloc[0] == 0
        assert table[["p_perm", "q"]].isna().all().all()


def test_b_is_chosen_so_that_the_smallest_p_passes_the_correction_for_the_terms_tested():
    counts, label = _constructed(5, n_terms=400)
    table = keyness(counts, label, target="甲", min_count=5)
    m = int(table["tested"].sum())
    assert table["B"].iloc[0] == min(MAX_PERMUTATIONS, max(MIN_PERMUTATIONS, math.ceil(2 * m / 0.05) - 1))
    assert table.loc[table["tested"], "min_p"].max() * m <= 0.05 / 2
    # A B set by hand bounds the family instead: with B = 99 (p ≥ 0.01), at most 4 terms (0.01 · 4 < 0.05).
    few = keyness(counts, label, target="甲", min_count=5, permutations=99)
    assert few["tested"].sum() == 4 and few["B"].iloc[0] == 99
    assert set(few.loc[few["tested"], "term"]) == {"词000", "词001", "词002", "词003"}  # the most frequent


def test_monte_carlo_p_values_are_reproducible_and_agree_with_the_exact_ones():
    counts, label = _constructed(9, n_docs=16, n_terms=30)
    in_target = (label == "甲").to_numpy()
    exact = permutation_test(counts.matrix, in_target, fdr=0.5, permutations=20_000)
    assert exact["test"].iloc[0] == "exact permutation" and exact["B"].iloc[0] == 12_870
    sampled = permutation_test(counts.matrix, in_target, fdr=0.5, permutations=4_999)
    again = permutation_test(counts.matrix, in_target, fdr=0.5, permutations=4_999)
    other = permutation_test(counts.matrix, in_target, fdr=0.5, permutations=4_999, random_state=1)
    pd.testing.assert_frame_equal(sampled, again)
    assert not sampled["p_perm"].equals(other["p_perm"])
    both = exact["tested"] & sampled["tested"]
    assert both.sum() >= 20
    # Besag–Clifford: a term stopped after h = 20 hits has p = 20/l, within about 1/√20 of the truth.
    np.testing.assert_allclose(sampled.loc[both, "p_perm"], exact.loc[both, "p_perm"], rtol=0.6, atol=0.002)
    stopped = sampled.loc[both, "p_perm"] > 21 / 5_000
    assert ((STOP_AFTER / sampled.loc[both & stopped, "p_perm"]).round(6) % 1 == 0).all()


def test_a_unit_of_several_documents_is_permuted_whole():
    counts, label = _constructed(11, n_docs=24, n_terms=60, planted=3)
    # Each document cut into two halves (two doc_ids); its unit puts the halves back together.
    x = counts.matrix.toarray()
    halves = np.vstack([x // 2, x - x // 2])
    ids = [f"{d}a" for d in label.index] + [f"{d}b" for d in label.index]
    split = DTM(sp.csr_matrix(halves), pd.DataFrame({"doc_id": ids}), counts.terms)
    unit = pd.Series([d[:-1] for d in ids], index=ids)
    by_half = pd.Series(np.tile(label.to_numpy(), 2), index=ids)
    whole = keyness(counts, label, target="甲", min_count=5)
    rejoined = keyness(split, by_half, target="甲", min_count=5, unit=unit)
    same = ["term", "n_target", "n_reference", "mean_rate_target", "mean_rate_reference", "min_p", "tested", "p_perm", "q", "B"]
    pd.testing.assert_frame_equal(whole[same], rejoined[same])
    # Without the unit the halves count as 48 documents: a different (and wrong) test.
    assert keyness(split, by_half, target="甲", min_count=5)["n_target"].iloc[0] == 24
    mixed = by_half.copy()
    mixed.iloc[0] = "乙" if mixed.iloc[0] == "甲" else "甲"
    with pytest.raises(ValueError, match="units with documents in both the target and the reference"):
        keyness(split, mixed, target="甲", min_count=5, unit=unit)


def _copies(tokens: pd.DataFrame, n: int) -> DTM:
    """``n`` documents that are each the same text: ``tokens`` under n doc_ids."""
    return dtm(pd.concat([tokens.assign(doc_id=f"copy_{i:02d}") for i in range(n)], ignore_index=True))


@pytest.mark.parametrize("n", [12, 40])  # exact (924 relabelings) and Monte Carlo
def test_identical_documents_give_t_zero_and_p_one_never_a_significant_term(seeds, n):
    # Equal rates on both sides: sums taken in another order differ in the last bits, which made
    # Welch's t 0/0 (NaN) and every p 0 before. Now t = 0, p = 1 and nothing is key.
    _, tokens, _ = seeds
    counts = _copies(tokens[tokens["doc_id"] == tokens["doc_id"].iloc[0]], n)
    half = pd.Series(["甲"] * (n // 2) + ["乙"] * (n - n // 2), index=counts.rows["doc_id"].astype(str))
    table = keyness(counts, half, target="甲", min_count=5)
    assert table["tested"].any() and table["test"].iloc[0] == ("exact permutation" if n == 12 else "Monte Carlo permutation")
    assert (table.loc[table["tested"], "p_perm"] == 1.0).all() and not (table["q"] < 0.05).any()
    assert np.allclose(table["mean_rate_target"], table["mean_rate_reference"])
    assert each_against_rest(counts, n=5).empty  # no document uses any term more than the others


def test_each_text_once_leaves_later_copies_out_of_both_groups():
    groups = pd.Series({"a": "甲", "b": "甲", "c": "乙", "d": "乙", "e": None})
    duplicate_of = pd.Series({"a": None, "b": "a", "c": None, "d": "b", "e": None})  # d repeats a copy of a
    kept = each_text_once(groups, duplicate_of)
    assert kept.index.tolist() == list("abcde") and (kept["a"], kept["c"]) == ("甲", "乙")
    assert kept[["b", "d", "e"]].isna().all()


def test_a_text_posted_twice_counts_once_in_the_document_test(seeds):
    # Six texts (the odd and the even paragraphs of three documents), three to a side, each also
    # posted again under another id: 6 against 6 documents could reach p = 1/924 and be tested;
    # the texts themselves, 3 against 3, cannot pass the correction at all.
    docs, tokens, _ = seeds
    parts = []
    for i, (doc_id, odd) in enumerate(itertools.product(docs["doc_id"].iloc[:3], (0, 1))):
        part = tokens[(tokens["doc_id"] == doc_id) & (tokens["para_no"] % 2 == odd)]
        parts += [part.assign(doc_id=f"t{i}"), part.assign(doc_id=f"t{i}_again")]
    counts = dtm(pd.concat(parts, ignore_index=True))
    ids = counts.rows["doc_id"].astype(str)
    groups = pd.Series(["甲" if int(d[1]) % 2 else "乙" for d in ids], index=ids)
    duplicate_of = pd.Series([d.removesuffix("_again") if d.endswith("_again") else None for d in ids], index=ids)
    twice = keyness(counts, groups, target="甲", min_count=3)
    assert twice["n_target"].iloc[0] == 6 and twice["test"].iloc[0] == "exact permutation" and twice["tested"].any()
    once = keyness(counts, each_text_once(groups, duplicate_of), target="甲", min_count=3)
    assert (once["n_target"].iloc[0], once["n_reference"].iloc[0]) == (3, 3)
    assert once["test"].iloc[0] == "none (too few documents)" and not (once["q"] < 0.05).any()


def test_on_the_seeds_no_term_can_be_tested(seeds):
    docs, _, counts = seeds
    table = keyness(counts, docs.set_index("doc_id")["level"], target="province", min_count=3)
    assert (table["n_target"].iloc[0], table["n_reference"].iloc[0]) == (2, 3)
    assert table["test"].iloc[0] == "none (too few documents)" and not table["tested"].any()
    assert table["min_p"].min() == pytest.approx(0.1)  # 1 of C(5, 2) = 10 relabelings
    assert set(zip(table["target"], table["reference"])) == {("province", "county")}


def test_party_congress_reports_before_1980_speak_of_revolution_and_less_of_development(cpc_corpus, cpc_folder):
    labels = pd.read_csv(cpc_folder / "labels.csv").set_index("doc_id")
    era = (labels["year"] < 1980).map({True: "1969–1977", False: "1982–2022"})
    table = keyness(dtm(cpc_corpus), era, target="1969–1977", min_count=5).set_index("term")
    # 3 reports against 9: C(12, 3) = 220 relabelings, so p ≥ 1/220, and at most 10 terms can be
    # tested (10/220 < 0.05 ≤ 11/220): of those in three reports or more, the ten whose rate
    # varies most from report to report, a choice made without the labels.
    assert table["test"].iloc[0] == "exact permutation" and table["B"].iloc[0] == 220
    assert table["tested"].sum() == 10 and table["min_p"].min() == pytest.approx(1 / 220)
    for term, earlier in [("革命", True), ("毛主席", True), ("发展", False), ("经济", False)]:
        row = table.loc[term]
        assert row["tested"] and row["q"] < 0.05, term
        assert (row["mean_rate_target"] > row["mean_rate_reference"]) == earlier, term
    # The token-level p-values call over 200 terms key; the document-level test at most the 10 it can test.
    assert (table["p_adjusted"] < 0.05).sum() > 200 and (table["q"] < 0.05).sum() <= 10


def test_test_options_are_checked():
    counts = dtm(_hand_tokens())
    with pytest.raises(ValueError, match="`fdr` must be a number between 0 and 1; got 1.5"):
        keyness(counts, HAND_LEVEL, target="county", fdr=1.5)
    with pytest.raises(ValueError, match="`permutations` must be a positive integer or None; got 0"):
        keyness(counts, HAND_LEVEL, target="county", permutations=0)
    with pytest.raises(ValueError, match="`random_state` must be a non-negative integer"):
        keyness(counts, HAND_LEVEL, target="county", random_state=-1)
    with pytest.raises(ValueError, match=r"`unit` has no value for documents \['P2'\]"):
        keyness(counts, HAND_LEVEL, target="county", unit=pd.Series({"C1": "u", "C2": "u", "P1": "v"}))


def test_confounders_flag_a_variable_that_goes_with_the_groups_and_not_one_drawn_at_random():
    """Bias-corrected Cramér's V: 48 documents, 16 years at random against three groups flag nothing in 100 draws;
    a region that follows the groups (one mismatch in 48) is flagged."""
    from corpus.compare import confounders

    rng = np.random.default_rng(7)
    years = [str(y) for y in rng.integers(2005, 2021, 48)]
    flagged = 0
    for _ in range(100):
        docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(48)], "level": rng.choice(["省", "市", "县"], 48), "date": years})
        flagged += "year" in set(confounders(docs, "level")["variable"])
    assert flagged == 0
    level = ["省"] * 16 + ["市"] * 16 + ["县"] * 16
    region = ["东"] * 16 + ["中"] * 16 + ["西"] * 15 + ["东"]
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(48)], "level": level, "region": region, "date": years})
    found = confounders(docs, "level").set_index("variable")
    assert found.loc["region", "cramers_v"] > 0.9 and "year" not in found.index


def test_confounders_leave_out_columns_of_few_documents_and_of_the_files():
    """A disclosure table's topic_category on 2 pages of 8, or a PDF's page count, is no variable the groups could hide."""
    docs = pd.DataFrame({"doc_id": list("abcdefgh"), "level": ["省级"] * 4 + ["市级"] * 4,
                         "province": ["甲", "甲", "甲", "甲", "乙", "乙", "乙", "乙"],
                         "topic_category": ["综合政务", None, None, None, "信息产业", None, None, None],
                         "pages": ["3", "4", "3", "5", "1", "1", "2", "1"]})  # fmt: skip
    assert corpus.compare.confounders(docs, "level")["variable"].tolist() == ["province"]
    assert corpus.compare.confounders(docs, "level", candidates=["topic_category"])["variable"].tolist() == ["topic_category"]
