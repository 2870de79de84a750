"""Keyness: hand-worked statistics, agreement with scipy on the seeds, BH, seed findings, input errors."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency, power_divergence

import corpus
from corpus.features import dtm
from corpus.compare import distinctive_terms, each_against_rest, group_members, vocabulary_overlap
from corpus.keyterms import KEYNESS_COLUMNS, _benjamini_hochberg_by_hand, benjamini_hochberg, keyness, keyness_table

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
    assert not hand.loc["乡村", "single_doc"]  # no target occurrence at all


def test_chi2_p_value_is_the_chi_square_survival_with_one_degree_of_freedom():
    table = keyness(dtm(_hand_tokens()), HAND_LEVEL, target="county", measure="chi2", min_count=1).set_index("term")
    # For 1 df, P(X² > x) = erfc(√(x/2)); X² = 2.4 for 党建.
    assert table.loc["党建", "p_value"] == pytest.approx(math.erfc(math.sqrt(2.4 / 2)), abs=1e-12)


def test_doc_id_lists_give_the_same_table_as_labels():
    counts = dtm(_hand_tokens())
    by_label = keyness(counts, HAND_LEVEL, target="county", min_count=1)
    by_ids = keyness(counts, target=["C1", "C2"], min_count=1)
    by_both = keyness(counts, target=["C1", "C2"], reference=["P1", "P2"], min_count=1)
    pd.testing.assert_frame_equal(by_label, by_ids)
    pd.testing.assert_frame_equal(by_label, by_both)


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


def test_terms_from_a_single_target_document_are_flagged(seeds):
    docs, _, counts = seeds
    table = keyness(counts, docs.set_index("doc_id")["level"], target="county", min_count=1)
    dense = counts.to_frame()
    county = docs.loc[docs["level"] == "county", "doc_id"].tolist()
    n_docs = (dense.loc[county] > 0).sum()
    assert (table["docs_target"].to_numpy() == n_docs[table["term"]].to_numpy()).all()
    assert (table["single_doc"] == (n_docs[table["term"]].to_numpy() == 1)).all()
    flagged = set(table.loc[table["single_doc"], "term"])
    # Place names of one county appear in that county's document only; 公安局 in all three.
    assert {"肥东县", "舞钢市"} <= flagged and "公安局" not in flagged


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
    pd.testing.assert_frame_equal(keyness_table(counts.terms, a, c, docs_t, docs_r, min_count=2, measure="g2"), full)


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
