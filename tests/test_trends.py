"""Trends: dates and bins, rates by bin with bootstrap bands over documents, first/last use, risers and fallers, dispersion."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import scipy.sparse as sp  # noqa: E402

import corpus  # noqa: E402
from corpus.features import DTM, dtm, kwic  # noqa: E402
from corpus.report.trends_plot import band_note, trend_figure, xray_figure  # noqa: E402
from corpus.trends import (  # noqa: E402
    MIN_DOCS_FOR_BAND,
    TREND_COLUMNS,
    changing_terms,
    dispersion,
    document_dates,
    document_lengths,
    first_last_use,
    ordered_bins,
    risers_fallers,
    split_periods,
    time_bins,
    trend,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def cpc(cpc_folder) -> corpus.Corpus:
    """The Party Congress reports with labels.csv: year and congress as docvars (the loader finds dates for two texts only)."""
    return corpus.load_corpus(cpc_folder, cpc_folder / "labels.csv")


@pytest.fixture(scope="module")
def cpc_counts(cpc) -> DTM:
    return dtm(cpc)


def _matrix(counts: list[list[int]], ids: list[str], terms: list[str]) -> DTM:
    return DTM(sp.csr_matrix(np.array(counts)), pd.DataFrame({"doc_id": ids}), np.array(terms, dtype=object))


def _bins(labels: dict[str, str]) -> pd.Series:
    values = pd.Series(labels)
    return pd.Series(pd.Categorical(values, categories=sorted(set(values)), ordered=True), index=values.index)


# ----------------------------------------------------------------------------- dates and bins


def test_seed_documents_are_dated_by_their_metadata_dates(seed_corpus):
    found = document_dates(seed_corpus.docs)
    meta = pd.read_csv(SEEDS / "metadata.csv", dtype=str).set_index("doc_id")["date"]
    assert found.column == "date" and not found.undated
    assert found.values.to_dict() == meta.to_dict()
    assert "5 of 5 documents dated by `date`" in found.note


def test_party_congress_years_come_from_the_year_column_when_the_texts_date_only_a_few(cpc):
    found = document_dates(cpc.docs)
    assert cpc.docs["date"].notna().sum() < len(cpc.docs)  # the premise: the loader dates only some reports
    assert found.column == "year"
    assert found.values.to_dict() == cpc.docs.set_index("doc_id")["year"].astype(str).to_dict()
    assert "`date` dates" in found.note and "read from `year`" in found.note


def test_a_named_date_column_is_read_as_named_without_falling_back(cpc):
    found = document_dates(cpc.docs, "date")
    assert found.column == "year"  # the default name falls back …
    docs = cpc.docs.rename(columns={"date": "published"})
    named = document_dates(docs, "published")  # … a column the caller names does not
    assert named.column == "published" and len(named.values) == docs["published"].notna().sum()
    assert len(named.undated) == len(docs) - len(named.values) and "left out" in named.note


def test_a_corpus_without_dates_is_an_error_naming_the_column_to_set():
    docs = pd.DataFrame({"doc_id": ["a", "b"], "date": [None, "不详"], "congress": [9, 10]})
    with pytest.raises(ValueError, match="`date_column`"):
        document_dates(docs)
    with pytest.raises(ValueError, match="no column 'issued'.*`date_column`"):
        document_dates(docs, "issued")


def test_bins_by_year_month_and_date_keep_time_order_at_mixed_precision():
    dates = pd.Series(["2022-07-26", "2021", "2022-07", "2022-01-05"], index=["a", "b", "c", "d"])
    assert time_bins(dates, "year").cat.categories.tolist() == ["2021", "2022"]
    assert time_bins(dates, "month").tolist() == ["2022-07", "2021", "2022-07", "2022-01"]
    assert time_bins(dates, "date").cat.categories.tolist() == ["2021", "2022-01-05", "2022-07", "2022-07-26"]


def test_periods_start_at_their_breaks_and_empty_periods_are_left_out(cpc):
    years = document_dates(cpc.docs).values.astype(int)
    bins = time_bins(document_dates(cpc.docs), "period", breaks=[1978, 1992, 2012, 2030])
    assert bins.cat.categories.tolist() == ["–1977", "1978–1991", "1992–2011", "2012–2029"]
    for label, (lo, hi) in {"–1977": (0, 1977), "1978–1991": (1978, 1991), "1992–2011": (1992, 2011)}.items():
        assert set(bins[bins == label].index) == set(years[(years >= lo) & (years <= hi)].index)


@pytest.mark.parametrize("call, message", [
    (lambda d: time_bins(d, "decade"), "`by` must be one of"),
    (lambda d: time_bins(d, "period"), "needs `breaks`"),
    (lambda d: time_bins(d, "period", breaks=["二〇二二年夏"]), "`breaks` must be dates or years"),
    (lambda d: time_bins(d, "year", breaks=[2022]), "`breaks` is for by='period'"),
])  # fmt: skip
def test_bad_binning_options_are_refused_with_the_option_named(call, message):
    with pytest.raises(ValueError, match=message):
        call(pd.Series(["2021", "2022"], index=["a", "b"]))


def test_an_ordered_docvar_sorts_numbers_as_numbers_and_needs_an_order_otherwise(cpc):
    bins = ordered_bins(cpc.docs, "congress")
    assert bins.cat.categories.tolist() == [str(n) for n in range(9, 21)]  # 9 before 10, not after 19
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "plan": ["十三五", "十二五", "十四五"]})
    with pytest.raises(ValueError, match="pass `order`"):
        ordered_bins(docs, "plan")
    assert ordered_bins(docs, "plan", ["十二五", "十三五", "十四五"]).sort_values().index.tolist() == ["b", "a", "c"]


# ----------------------------------------------------------------------------- rates and bands


def test_the_mean_rate_weighs_each_document_once_and_the_pooled_rate_weighs_tokens():
    counts = _matrix([[1, 9], [4, 6], [0, 20]], ["a", "b", "c"], ["改革", "其他"])
    bins = _bins({"a": "1982", "b": "1982", "c": "1982"})
    mean = trend(counts, bins, ["改革"]).iloc[0]
    pooled = trend(counts, bins, ["改革"], statistic="pooled").iloc[0]
    assert mean["rate"] == pytest.approx(1e4 * (1 / 10 + 4 / 10 + 0 / 20) / 3)
    assert pooled["rate"] == pytest.approx(1e4 * 5 / 40)
    assert (mean["n_docs"], mean["tokens"], mean["count"], mean["docs_using"]) == (3, 40, 5, 2)


def test_rates_per_bin_on_the_party_congress_reports_are_counts_over_tokens(cpc, cpc_counts):
    bins = time_bins(document_dates(cpc.docs), "year")
    table = trend(cpc_counts, bins, ["改革", "阶级斗争"])
    assert list(table.columns) == TREND_COLUMNS and len(table) == 2 * 12
    column = list(cpc_counts.terms).index("阶级斗争")
    row_of = {d: i for i, d in enumerate(cpc_counts.rows["doc_id"])}
    for _, r in table[table["feature"] == "阶级斗争"].iterrows():
        doc = bins.index[bins == r["bin"]][0]
        i = row_of[doc]
        assert r["rate"] == pytest.approx(1e4 * cpc_counts.matrix[i, column] / cpc_counts.matrix[i].sum())
    assert not table["band"].any() and table["lo"].isna().all()  # one report per congress: no band anywhere


def test_a_bin_of_fewer_than_three_documents_gets_no_band_and_the_figure_says_so():
    counts = _matrix([[1, 9], [2, 8], [3, 7], [1, 9], [5, 5]], list("abcde"), ["改革", "其他"])
    bins = _bins({"a": "1982", "b": "1982", "c": "1982", "d": "1987", "e": "1987"})
    table = trend(counts, bins, ["改革"])
    assert table.set_index("bin")["band"].to_dict() == {"1982": True, "1987": False}
    assert table.set_index("bin").loc["1987", ["lo", "hi"]].isna().all()
    assert MIN_DOCS_FOR_BAND == 3
    note = band_note(table)
    assert "fewer than 3 documents" in note and "1987" in note
    fig = trend_figure(table, title="改革")
    assert any(note == t.get_text() for t in fig.texts)


def test_the_band_is_wide_when_one_document_carries_the_term_and_narrow_when_all_use_it_alike():
    alike = _matrix([[5, 95]] * 6, list("abcdef"), ["改革", "其他"])
    one = _matrix([[30, 70]] + [[0, 100]] * 5, list("abcdef"), ["改革", "其他"])
    bins = _bins(dict.fromkeys("abcdef", "2022"))
    same, single = trend(alike, bins, ["改革"]).iloc[0], trend(one, bins, ["改革"]).iloc[0]
    assert same["rate"] == single["rate"] == pytest.approx(500.0)
    assert same["lo"] == pytest.approx(500.0) and same["hi"] == pytest.approx(500.0)
    assert single["lo"] == 0.0 and single["hi"] > 1000.0


def test_bootstrap_bands_are_reproducible_and_do_not_depend_on_the_other_features_or_bins(cpc, cpc_counts):
    bins = time_bins(document_dates(cpc.docs), "period", breaks=[1978, 1992, 2012])
    both = trend(cpc_counts, bins, ["改革", "发展"], n_boot=400, random_state=3)
    again = trend(cpc_counts, bins, ["改革", "发展"], n_boot=400, random_state=3)
    alone = trend(cpc_counts, bins, ["发展"], n_boot=400, random_state=3)
    pd.testing.assert_frame_equal(both, again)
    pd.testing.assert_frame_equal(both[both["feature"] == "发展"].reset_index(drop=True), alone)
    other = trend(cpc_counts, bins, ["发展"], n_boot=400, random_state=4)
    assert not np.allclose(other["lo"].dropna(), alone["lo"].dropna())


def test_the_percentile_band_covers_the_true_mean_rate_about_as_often_as_it_says():
    # 200 simulated bins of 30 documents, each with its own rate drawn around 20 per 10,000 (gamma), Poisson counts.
    rng = np.random.default_rng(0)
    hits = 0
    for rep in range(200):
        lengths = rng.integers(2_000, 8_000, size=30)
        doc_rates = rng.gamma(4.0, 5.0 / 1e4, size=30)
        x = rng.poisson(doc_rates * lengths)
        counts = _matrix(np.column_stack([x, lengths - x]).tolist(), [f"d{i}" for i in range(30)], ["甲", "乙"])
        row = trend(counts, _bins({f"d{i}": "2022" for i in range(30)}), ["甲"], n_boot=500, random_state=rep).iloc[0]
        hits += row["lo"] <= 20.0 <= row["hi"]
    assert 0.88 <= hits / 200 <= 0.99


def test_a_dictionary_matrix_takes_the_term_matrix_token_totals_as_denominator(cpc, cpc_counts):
    from corpus.dictionary import dictionary_dtm, example_dictionary_path, load_dictionary, lookup

    matches = lookup(cpc, load_dictionary(example_dictionary_path()))
    categories = dictionary_dtm(matches, cpc)
    bins = time_bins(document_dates(cpc.docs), "year")
    table = trend(categories, bins, lengths=document_lengths(cpc_counts))
    assert set(table["feature"]) == set(categories.terms)
    by_doc = matches.groupby(["doc_id", "category"], observed=True).size()
    tokens = document_lengths(cpc_counts)
    row = table[(table["feature"] == categories.terms[0]) & (table["bin"] == "2022")].iloc[0]
    assert row["rate"] == pytest.approx(1e4 * by_doc.get(("cpc_20", categories.terms[0]), 0) / tokens["cpc_20"])


def test_trend_refuses_terms_it_does_not_count_and_bins_that_are_not_bins(cpc_counts):
    bins = _bins(dict.fromkeys(cpc_counts.rows["doc_id"], "2022"))
    with pytest.raises(ValueError, match="not features of `counts`.*lexicon"):
        trend(cpc_counts, bins, ["改革", "这不是一个词"])
    with pytest.raises(ValueError, match="categorical Series"):
        trend(cpc_counts, pd.Series("2022", index=cpc_counts.rows["doc_id"]), ["改革"])
    with pytest.raises(ValueError, match="`statistic` must be one of"):
        trend(cpc_counts, bins, ["改革"], statistic="median")


# ----------------------------------------------------------------------------- first and last use


def test_first_and_last_use_take_the_earliest_and_latest_dated_documents_ties_by_doc_id():
    counts = _matrix([[1, 0, 0], [0, 2, 0], [3, 1, 0], [1, 0, 0]], ["d", "b", "c", "a"], ["改革", "开放", "未用"])
    dates = pd.Series({"a": "1982", "b": "1978-12", "c": "1982", "d": "1977"})
    table = first_last_use(counts, dates).set_index("feature")
    assert table.loc["改革", ["first_date", "first_doc", "last_date", "last_doc", "docs_using", "count"]].tolist() == \
        ["1977", "d", "1982", "a", 3, 5]  # fmt: skip
    assert table.loc["开放", ["first_doc", "last_doc"]].tolist() == ["b", "c"]
    assert table.loc["未用"].isna()[["first_date", "last_date"]].all() and table.loc["未用", "docs_using"] == 0


# ----------------------------------------------------------------------------- risers and fallers


def test_risers_and_fallers_between_the_halves_of_the_party_congress_reports(cpc, cpc_counts):
    bins = time_bins(document_dates(cpc.docs), "year")
    earlier, later = split_periods(bins)
    assert earlier[-1] < later[0] and len(earlier) == len(later) == 6
    table = risers_fallers(cpc_counts, bins, min_count=5)
    assert (table["earlier"] == "1969–1992").all() and (table["later"] == "1997–2022").all()
    assert (table["direction"] == np.where(table["mean_rate_later"] > table["mean_rate_earlier"], "rises", "falls")).all()
    assert table["tested"].any() and table.loc[table["significant"], "tested"].all()
    struggle = table.set_index("term").loc["阶级斗争"]
    assert struggle["direction"] == "falls" and struggle["z"] < 0
    chosen = changing_terms(table, 8)
    assert len(chosen) == 8 and not table.set_index("term").loc[chosen, "single_doc"].any()
    assert table.set_index("term").loc[chosen[:4], "z"].gt(0).all() and table.set_index("term").loc[chosen[4:], "z"].lt(0).all()


def test_shuffled_dates_give_the_party_congress_reports_almost_no_risers_or_fallers(cpc, cpc_counts):
    # Under shuffled dates the periods do not differ: BH at 0.05 allows a significant term in about 1 shuffle in 20.
    dates = document_dates(cpc.docs).values
    rng = np.random.default_rng(0)
    found = []
    for _ in range(20):
        shuffled = pd.Series(rng.permutation(dates.to_numpy()), index=dates.index)
        found.append(int(risers_fallers(cpc_counts, time_bins(shuffled, "year"), min_count=5)["significant"].sum()))
    assert sum(n > 0 for n in found) <= 2, found
    assert risers_fallers(cpc_counts, time_bins(dates, "year"), min_count=5)["significant"].sum() >= 5  # the real dates


def test_risers_and_fallers_on_five_seed_documents_are_effect_sizes_only(seed_corpus):
    bins = time_bins(document_dates(seed_corpus.docs), "year")
    table = risers_fallers(dtm(seed_corpus), bins, min_count=3)
    assert not table["tested"].any() and not table["significant"].any()
    assert table["test"].iloc[0] == "none (too few documents)"


def test_a_text_repeated_in_every_year_neither_rises_nor_falls(seed_corpus):
    # Eight copies of one document dated 2001-2008: every term's rate is the same in both halves.
    tokens = seed_corpus.tokens()
    one = tokens[tokens["doc_id"] == tokens["doc_id"].iloc[0]]
    counts = dtm(pd.concat([one.assign(doc_id=f"y{year}") for year in range(2001, 2009)], ignore_index=True))
    bins = time_bins(pd.Series({f"y{year}": str(year) for year in range(2001, 2009)}), "year")
    table = risers_fallers(counts, bins, min_count=3)
    assert table["tested"].any() and (table["direction"] == "level").all()
    assert not table["significant"].any() and (table.loc[table["tested"], "p_perm"] == 1.0).all()
    assert changing_terms(table, 8) == []


def test_periods_that_overlap_or_name_no_bin_are_refused(cpc, cpc_counts):
    bins = time_bins(document_dates(cpc.docs), "year")
    with pytest.raises(ValueError, match="bins in both periods"):
        risers_fallers(cpc_counts, bins, earlier=["1969", "1973"], later=["1973", "2022"])
    with pytest.raises(ValueError, match="not bins"):
        risers_fallers(cpc_counts, bins, earlier=["1970"], later=["2022"])
    with pytest.raises(ValueError, match="two periods need documents in two bins"):
        split_periods(_bins({"a": "2022", "b": "2022"}))


def test_documents_dated_only_to_a_year_cut_at_a_month_belong_to_neither_period():
    dates = pd.Series({**{f"m{i:02d}": f"2020-{i:02d}-15" for i in range(1, 13)}, "y1": "2020", "y2": "2020"})
    rng = np.random.default_rng(0)
    counts = DTM(sp.csr_matrix(rng.integers(1, 6, (len(dates), 6))), pd.DataFrame({"doc_id": dates.index}), np.array(list("甲乙丙丁戊己")))
    bins = corpus.trends.time_bins(dates, "month")
    with pytest.warns(UserWarning, match=r"2 document\(s\) dated only to 2020 are left out"):
        table = corpus.trends.risers_fallers(counts, bins, min_count=1)
    assert table["earlier"].iloc[0] == "2020-01–2020-06" and table["later"].iloc[0] == "2020-07–2020-12"
    assert (table["n_earlier"] == 6).all() and (table["n_later"] == 6).all()


# ----------------------------------------------------------------------------- dispersion


def test_dispersion_gives_every_whole_token_occurrence_and_its_relative_position(cpc):
    table = dispersion(cpc, ["改革开放", "阶级斗争"])
    texts = cpc.docs.set_index("doc_id")["text"]
    assert all(texts[d][s:e] == t for d, s, e, t in zip(table["doc_id"], table["start"], table["end"], table["term"]))
    assert table["position"].between(0, 1).all()
    assert (table["position"] == table["start"] / table["doc_id"].map(texts.str.len())).all()
    assert len(table[table["term"] == "阶级斗争"]) == len(kwic(cpc, "阶级斗争"))
    fig = xray_figure(table, cpc.doc_ids, labels=cpc.docs.set_index("doc_id")["year"].astype(str).to_dict())
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == cpc.docs["year"].astype(str).tolist()
    assert len(fig.axes) == 2


def test_dispersion_refuses_an_empty_list_of_terms(seed_corpus):
    with pytest.raises(ValueError, match="`terms` is empty"):
        dispersion(seed_corpus, [])


def test_an_empty_selection_and_a_column_of_no_dates_are_named_as_such(seed_corpus):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        empty = seed_corpus.subset(level="nowhere")
    with pytest.raises(ValueError, match="no documents to date: the corpus or selection is empty"):
        corpus.trends.document_dates(empty.docs)
    with pytest.raises(ValueError, match="no units to count"):
        corpus.dtm(empty)
    with pytest.raises(ValueError, match=r"no document has a date in column 'province' \(its values: '安徽'"):
        corpus.trends.document_dates(seed_corpus.docs, "province")
