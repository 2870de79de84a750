"""Dictionaries: reading codebooks, looking them up on text and tokens, counts, rates and the category matrix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import corpus
from corpus.dictionary import (
    MATCH_COLUMNS,
    Dictionary,
    dictionary_counts,
    dictionary_dtm,
    dictionary_from,
    example_dictionary_path,
    load_dictionary,
    lookup,
    unmatched_entries,
)

# Invented sentences in the register of the CPC reports.
DOCS = pd.DataFrame({
    "doc_id": ["a", "b", "c"],
    "text": ["坚持全面从严治党，把权力关进制度的笼子里。\n推进党建带团建，加强基层治理。",
             "中国共产党是领导核心。深化社会治理，推进国家治理体系和治理能力现代化。",
             "今年粮食产量稳定增长。"],
    "period": ["2010s", "2020s", "2020s"],
})  # fmt: skip


# --------------------------------------------------------------------------- reading


def test_nested_yaml_categories_are_flattened_to_dotted_names_with_their_source(tmp_path):
    path = tmp_path / "codebook.yml"
    path.write_text("党的建设:\n  政治建设:\n    - 两个维护\n    - 四个意识\n  作风建设: [八项规定]\n治理:\n  - 社会治理\n  - '*治理'\n",
                    encoding="utf-8")  # fmt: skip
    d = load_dictionary(path)
    assert d.names == ("党的建设.政治建设", "党的建设.作风建设", "治理")
    assert d.categories["党的建设.政治建设"] == ("两个维护", "四个意识")
    assert d.source == str(path)
    assert d.entries()["kind"].tolist() == ["word", "word", "word", "word", "glob"]


def test_csv_and_plain_list_files_load_and_a_list_is_one_category_named_after_its_file(tmp_path):
    table = tmp_path / "codes.csv"
    table.write_text("category,entry\n作风,八项规定\n作风,四风\n治理,*治理\n", encoding="utf-8")
    assert load_dictionary(table).categories == {"作风": ("八项规定", "四风"), "治理": ("*治理",)}
    listing = tmp_path / "tifa.txt"
    listing.write_text("# 提法 to follow\n全面从严治党\n\n自我革命  # 19th report\nC#\n", encoding="utf-8")
    assert dict(load_dictionary(listing).categories) == {"tifa": ("全面从严治党", "自我革命", "C#")}  # a # inside a word is the word's


@pytest.mark.parametrize(("name", "content", "message"), [
    ("a.csv", "类别,词\n作风,四风\n", "header 'category,entry'"),
    ("a.yml", "作风: [四风\n", "not valid YAML"),
    ("a.yml", "- 四风\n", "maps category names"),
    ("a.yml", "作风:\n", "has no entries"),
    ("a.yml", "作风: ['*']\n", "only wildcards"),
    ("a.json", "{}", "must end in .yml"),
    ("a.txt", "# nothing\n", "no entries"),
])  # fmt: skip
def test_a_malformed_dictionary_file_is_refused_naming_the_file_and_the_problem(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as err:
        load_dictionary(path)
    assert name in str(err.value)


def test_a_missing_file_is_named():
    with pytest.raises(FileNotFoundError, match="no_such.yml"):
        load_dictionary("no_such.yml")


def test_the_shipped_example_loads_with_sources_stated_and_every_category_small_enough_to_read():
    d = load_dictionary(example_dictionary_path())
    assert 6 <= len(d.names) <= 10 and 40 <= len(d) <= 90
    text = example_dictionary_path().read_text(encoding="utf-8")
    assert "SOURCES" in text
    top_level = [line.split(":")[0] for line in text.splitlines() if line and not line.startswith(("#", " ", "-"))]
    for name in top_level:  # every category opens with its sources (the comment lines just above it or its first child)
        at = text.index(f"\n{name}:")
        assert text[:at].rstrip().splitlines()[-1].startswith("#") or text[at:].splitlines()[2].strip().startswith("#"), name


# --------------------------------------------------------------------------- lookup


def test_text_entries_are_found_where_the_segmenter_splits_them_and_offsets_slice_the_surface():
    d = dictionary_from({"制度": ["制度的笼子"], "团建": ["党建带团建"]})
    m = lookup(DOCS, d)
    assert m.columns.tolist() == MATCH_COLUMNS
    assert sorted(m["surface"]) == ["党建带团建", "制度的笼子"]
    assert (m["match"] == "text").all()
    texts = DOCS.set_index("doc_id")["text"]
    assert [texts[d][s:e] for d, s, e in zip(m["doc_id"], m["start"], m["end"])] == m["surface"].tolist()
    tokens = corpus.tokens(corpus.paragraphs(DOCS[["doc_id", "text"]]))
    assert not tokens["token"].isin(["制度的笼子", "党建带团建"]).any()  # the segmenter did split them


def test_a_text_match_inside_a_token_is_found_but_marked_not_aligned():
    m = lookup(DOCS, dictionary_from({"国": ["中国", "领导核心"]}))
    aligned = dict(zip(m["surface"], m["token_aligned"]))
    assert aligned == {"中国": False, "领导核心": True}


def test_within_a_category_a_position_counts_once_for_the_longest_entry_but_other_categories_count_too():
    d = dictionary_from({"治党": ["全面从严治党", "从严治党", "治党"], "从严": ["从严治党"]})
    m = lookup(DOCS, d)
    assert m[["category", "entry"]].astype(str).values.tolist() == [["治党", "全面从严治党"], ["从严", "从严治党"]]
    assert unmatched_entries(m, d, DOCS).empty  # 从严治党 and 治党 are written (inside 全面从严治党): they count for it


def test_globs_match_tokens_and_a_multiword_glob_needs_touching_tokens():
    d = dictionary_from({"治理": ["*治理"], "团建": ["党建 带*"], "笼子": ["制度 笼*"]})
    m = lookup(DOCS, d)
    assert (m["match"] == "token").all() and m["token_aligned"].all()
    found = m.groupby("category", observed=False)["surface"].apply(list).to_dict()
    tokens = corpus.tokens(corpus.paragraphs(DOCS[["doc_id", "text"]]))["token"].astype(str)
    assert found["治理"] == [t for t in tokens if t.endswith("治理")] == ["基层治理", "社会治理"]
    assert found["团建"] == ["党建带团建"]
    assert found["笼子"] == []  # 制度的笼子: the stop-listed 的 leaves 制度 and 笼子 apart


def test_a_glob_word_the_stop_list_removes_is_named_in_a_warning(caplog):
    with caplog.at_level("WARNING", logger="corpus.dictionary"):
        m = lookup(DOCS, dictionary_from({"推进": ["推进 党建*"]}))
    assert len(m) == 0 and "推进" in caplog.text and "stop list" in caplog.text


def test_multiword_entries_match_the_text_without_the_spaces_and_traditional_entries_match_simplified_text():
    d = dictionary_from({"治党": ["全面 從嚴 治黨"], "治理": ["國家治理體系"]})
    m = lookup(DOCS, d)
    assert m[["entry", "surface"]].values.tolist() == [["全面 從嚴 治黨", "全面从严治党"], ["國家治理體系", "国家治理体系"]]


def test_each_match_cites_the_paragraph_and_sentence_that_hold_it():
    m = lookup(DOCS, dictionary_from({"x": ["党建带团建", "社会治理"]}))
    sents = corpus.sentences(corpus.paragraphs(DOCS[["doc_id", "text"]]))
    for row in m.itertuples():
        sent = sents[(sents["doc_id"] == row.doc_id) & (sents["para_no"] == row.para_no) & (sents["sent_no"] == row.sent_no)]
        assert len(sent) == 1 and sent["start"].iloc[0] <= row.start and row.end <= sent["end"].iloc[0]
        assert row.surface in sent["text"].iloc[0]


def test_lookup_refuses_a_table_without_text_and_a_non_dictionary():
    with pytest.raises(ValueError, match="lacks"):
        lookup(DOCS[["doc_id"]], dictionary_from(["治理"]))
    with pytest.raises(TypeError, match="Dictionary"):
        lookup(DOCS, {"治理": ["治理"]})


# --------------------------------------------------------------------------- counts and the matrix


def test_counts_per_document_keep_zeros_and_rates_are_per_ten_thousand_tokens():
    d = dictionary_from({"治理": ["*治理"], "治党": ["全面从严治党"], "空": ["粮食安全"]})
    m = lookup(DOCS, d)
    table = dictionary_counts(m, DOCS)
    assert len(table) == 3 * 3 and table["category"].cat.categories.tolist() == ["治理", "治党", "空"]
    tokens = corpus.tokens(corpus.paragraphs(DOCS[["doc_id", "text"]]))["doc_id"].astype(str).value_counts()
    row = table[(table["doc_id"] == "a") & (table["category"] == "治党")].iloc[0]
    assert row["count"] == 1 and row["tokens"] == tokens["a"]
    assert row["rate"] == pytest.approx(10_000 / tokens["a"])
    assert table.loc[table["category"] == "空", "count"].sum() == 0


def test_group_counts_pool_their_documents():
    m = lookup(DOCS, dictionary_from({"治理": ["*治理"]}))
    per_doc = dictionary_counts(m, DOCS).merge(DOCS[["doc_id", "period"]], on="doc_id")
    per_period = dictionary_counts(m, DOCS, by="period")
    pooled = per_doc.groupby("period")[["count", "tokens", "documents", "documents_matched"]].sum()
    assert per_period.set_index("period")[["count", "tokens", "documents", "documents_matched"]].equals(pooled)
    assert np.allclose(per_period["rate"], 10_000 * per_period["count"] / per_period["tokens"])
    with pytest.raises(KeyError, match="no docvar 'year'"):
        dictionary_counts(m, DOCS, by="year")


def test_the_category_matrix_has_every_document_and_category_and_sums_to_the_matches():
    d = dictionary_from({"治理": ["*治理"], "治党": ["全面从严治党"], "空": ["粮食安全"]})
    m = lookup(DOCS, d)
    counts = dictionary_dtm(m, DOCS)
    assert counts.rows["doc_id"].tolist() == ["a", "b", "c"] and counts.terms.tolist() == ["治理", "治党", "空"]
    assert counts.matrix.sum() == len(m)
    by_para = dictionary_dtm(m, DOCS, unit="paragraph")
    assert by_para.matrix.sum() == len(m) and len(by_para.rows) == len(corpus.paragraphs(DOCS[["doc_id", "text"]]))


# --------------------------------------------------------------------------- on a real corpus


def test_on_the_cpc_reports_counts_agree_with_plain_substring_counts_and_every_row_traces_back(cpc_corpus, cpc_folder):
    d = load_dictionary(example_dictionary_path())
    m = lookup(cpc_corpus, d)
    texts = dict(zip(cpc_corpus.documents(["doc_id", "text"])["doc_id"], cpc_corpus.documents(["doc_id", "text"])["text"]))
    assert all(texts[doc][s:e] == surface for doc, s, e, surface in zip(m["doc_id"], m["start"], m["end"], m["surface"]))
    # 自我革命 is the only entry of its category inside which no other entry starts: its count is the substring count.
    for entry in ("自我革命", "枫桥经验", "整风"):
        rows = m[m["entry"] == entry]
        assert len(rows) == sum(t.count(entry) for t in texts.values()) > 0
        assert rows.groupby("doc_id", observed=True).size().to_dict() == {k: t.count(entry) for k, t in texts.items() if entry in t}
    # 两个维护 and 两个确立 (2018, 2021) are in no report up to 2022.
    assert {"两个维护", "两个确立"} <= set(unmatched_entries(m, d)["entry"])
    counts = dictionary_dtm(m, cpc_corpus)
    assert counts.matrix.shape == (len(cpc_corpus), len(d.names))
    labels = pd.read_csv(cpc_folder / "labels.csv", usecols=["doc_id", "year"])
    by_year = dictionary_counts(m, cpc_corpus.with_docvars(labels), by="year")
    assert len(by_year) == len(labels) * len(d.names) and by_year["count"].sum() == len(m)
    assert by_year.groupby("year")["tokens"].first().sum() == len(cpc_corpus.tokens())
    # 全面从严治党 (2014 on) is in the 2017 and 2022 reports only.
    assert sorted(m.loc[m["entry"] == "全面从严治党", "doc_id"].astype(str).unique()) == sorted(
        labels.loc[labels["year"] >= 2017, "doc_id"])
    sim = corpus.similarity(corpus.tfidf(counts))
    assert sim.shape == (len(cpc_corpus), len(cpc_corpus))


def test_a_dictionary_is_frozen_and_travels_to_worker_processes():
    import pickle

    d = dictionary_from({"治理": ["*治理"]}, source="codebook.yml")
    with pytest.raises(TypeError):
        d.categories["x"] = ("y",)
    again = pickle.loads(pickle.dumps(d))
    assert isinstance(again, Dictionary) and again == d and again.source == "codebook.yml"


def test_a_traditional_glob_matches_the_simplified_tokens():
    m = lookup(DOCS, dictionary_from({"党建": ["黨建*"]}))
    assert m["surface"].tolist() == ["党建"] and m["entry"].tolist() == ["黨建*"]


def _brute_force(texts: dict[str, str], categories: dict[str, tuple[str, ...]]) -> list[tuple[str, int, int, str, str]]:
    """The rule lookup implements, spelled out: per document and category, every occurrence of every entry, then leftmost-longest."""
    rows = []
    for doc_id, text in texts.items():
        for name, entries in categories.items():
            found = sorted({(i, i + len(e), e) for e in entries for i in range(len(text)) if text.startswith(e, i)},
                           key=lambda m: (m[0], -m[1]))  # fmt: skip
            until = -1
            for start, end, entry in found:
                if start >= until:
                    rows.append((doc_id, start, end, name, entry))
                    until = end
    return sorted(rows)


def test_text_lookup_agrees_with_a_brute_force_search_on_nested_and_overlapping_entries(cpc_corpus):
    docs = cpc_corpus.documents(["doc_id", "text"]).head(3)
    docs["text"] = docs["text"].str.slice(0, 4000)
    texts = dict(zip(docs["doc_id"], docs["text"]))
    rng = np.random.default_rng(0)
    joined = "".join(texts.values())
    cuts = [(int(i), int(i) + int(n)) for i, n in zip(rng.integers(0, len(joined) - 8, 300), rng.integers(1, 7, 300))]
    pieces = [joined[a:b] for a, b in cuts if "\n" not in joined[a:b] and joined[a:b].strip() == joined[a:b]]
    # Nested and overlapping entries on purpose: each piece with its prefixes and suffixes, spread over three categories.
    entries = sorted({p for piece in pieces for p in (piece, piece[:-1], piece[1:]) if p and not set(p) & set("*? ")})
    categories = {f"c{k}": tuple(entries[k::3]) for k in range(3)}
    m = lookup(docs, dictionary_from(categories))
    got = sorted(zip(m["doc_id"].astype(str), m["start"], m["end"], m["category"].astype(str), m["entry"]))
    assert got == _brute_force(texts, categories)
    assert len(got) > 300


def test_a_category_defined_twice_is_refused(tmp_path):
    path = tmp_path / "twice.yml"
    path.write_text("党的建设:\n  作风: [四风]\n党的建设.作风: [八项规定]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'党的建设.作风'.*defined twice"):
        load_dictionary(path)


def test_a_category_written_twice_in_yaml_is_refused_naming_the_file_the_category_and_both_lines(tmp_path):
    path = tmp_path / "twice.yml"
    path.write_text("从严治党:\n  - 全面从严治党\n  - 管党治党\n治理:\n  - 社会治理\n从严治党:\n  - 党要管党\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"twice\.yml, line 6: category '从严治党' is defined twice \(first at line 1\)"):
        load_dictionary(path)
    nested = tmp_path / "nested.yml"  # a sub-category written twice under one parent
    nested.write_text("党的建设:\n  作风: [四风]\n  纪律: [政治纪律]\n  作风: [八项规定]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"nested\.yml, line 4: category '作风' is defined twice \(first at line 2\)"):
        load_dictionary(nested)


def test_yaml_entries_are_read_as_written_not_as_numbers_or_booleans(tmp_path):
    path = tmp_path / "scalars.yml"
    path.write_text("规划:\n  - 3.10\n  - 010\n  - yes\n  - 十四五\n待定:\n", encoding="utf-8")
    with pytest.raises(ValueError, match="待定"):  # an empty category is still refused, not read as the text 'null'
        load_dictionary(path)
    path.write_text("规划:\n  - 3.10\n  - 010\n  - yes\n  - 十四五\n", encoding="utf-8")
    assert load_dictionary(path).entries()["entry"].tolist() == ["3.10", "010", "yes", "十四五"]


@pytest.mark.parametrize(("content", "line", "entry"), [
    ("治理:\n  - 国家治理\n  - *治理\n", 3, "*治理"),
    ("治理: [社会治理, *治理]\n", 1, "*治理"),
    ("改革:\n  - 深化改革\n  - *reform  # English\n", 3, "*reform"),
])  # fmt: skip
def test_an_unquoted_glob_in_yaml_is_named_with_the_quoting_it_needs(tmp_path, content, line, entry):
    path = tmp_path / "globs.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError) as err:
        load_dictionary(path)
    assert str(err.value) == f"{path}, line {line}: an entry starting with * must be quoted in YAML: '{entry}'"


def test_an_unclosed_quote_in_yaml_is_reported_at_the_line_it_opens(tmp_path):
    path = tmp_path / "quote.yml"
    path.write_text("从严治党:\n  - 全面从严治党\n  - \"国家治理\n治理:\n  - 社会治理\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"quote\.yml, line 3: not valid YAML \(while scanning a quoted scalar"):
        load_dictionary(path)


def test_full_width_wildcards_are_wildcards():
    d = dictionary_from({"治理": ["＊治理"], "党建": ["党建？"]})
    assert d.entries()["kind"].tolist() == ["glob", "glob"]
    full = lookup(DOCS, d)
    half = lookup(DOCS, dictionary_from({"治理": ["*治理"], "党建": ["党建?"]}))
    assert full["surface"].tolist() == half["surface"].tolist() and "基层治理" in full["surface"].tolist()
    with pytest.raises(ValueError, match="only wildcards"):
        dictionary_from({"x": ["＊"]})


def test_full_and_half_width_plus_match_each_other_and_the_text_stays_as_written():
    docs = pd.DataFrame({"doc_id": ["a"], "text": ["推进互联网＋政务服务，发展互联网+医疗健康，开展党建＋警务。"]})
    for entry in ("互联网+", "互联网＋"):
        m = lookup(docs, dictionary_from({"模式": [entry]}))
        assert m["surface"].tolist() == ["互联网＋", "互联网+"] and m["entry"].tolist() == [entry, entry]
        assert [docs["text"][0][s:e] for s, e in zip(m["start"], m["end"])] == ["互联网＋", "互联网+"]
    both = lookup(docs, dictionary_from({"模式": ["党建+警务", "党建＋警务"]}))
    assert both["surface"].tolist() == ["党建＋警务"]  # one position, counted once in its category
    assert len(lookup(docs, dictionary_from({"模式": ["互联网+*"]}))) == 1  # a glob: the token 互联网+医疗健康


def test_an_entry_written_only_inside_a_longer_entry_of_its_category_is_not_unmatched(caplog):
    docs = pd.DataFrame({"doc_id": ["a", "b"],
                         "text": ["推进国家治理体系和治理能力现代化。", "坚持改革开放，推进全面深化改革。"]})  # fmt: skip
    d = dictionary_from({"治理": ["国家治理体系和治理能力现代化", "治理能力现代化", "國家治理", "社会治理"],
                         "改革": ["改革开", "开放"], "开放": ["坚持改革开放", "改革*"]})  # fmt: skip
    m = lookup(docs, d)
    assert m["entry"].tolist() == ["国家治理体系和治理能力现代化", "坚持改革开放", "改革开"]
    with caplog.at_level("INFO", logger="corpus.dictionary"):
        assert unmatched_entries(m, d, docs)["entry"].tolist() == ["社会治理"]
    assert "治理能力现代化" in caplog.text and "國家治理" in caplog.text
    # Without the texts: an entry inside a longer match is known written; one that straddles a match's end, or a glob, is not.
    assert unmatched_entries(m, d)["entry"].tolist() == ["社会治理", "开放", "改革*"]


def test_an_entry_with_a_bracketed_part_counts_in_the_discourse_report_only_where_written_as_lookup_counts_it():
    from corpus import discourse as D

    docs = pd.DataFrame({"doc_id": ["a", "b"],
                         "text": ["修订干部选拔任用条例，各地执行条例。", "印发《党内监督条例（试行）》，推行一县（一区）一特色和（试行）办法。"]})  # fmt: skip
    d = dictionary_from({"法规": ["党内监督条例（试行）", "干部选拔任用条例（试行）", "（试行）"], "模式": ["一县（一区）一特色"]})
    tifa = D.item_list(d)
    occ = D.item_occurrences(docs, tifa["item"])
    m = lookup(docs, d)
    # Per item, the discourse report's uses equal lookup's matches where each entry is looked up alone.
    alone = {e: len(lookup(docs, dictionary_from({"x": [e]}))) for e in tifa["item"]}
    assert occ.groupby("item").size().to_dict() == {e: n for e, n in alone.items() if n}
    assert alone == {"党内监督条例（试行）": 1, "干部选拔任用条例（试行）": 0, "（试行）": 2, "一县（一区）一特色": 1}
    assert unmatched_entries(m, d, docs)["entry"].tolist() == ["干部选拔任用条例（试行）"]
    # An insertion inside a term is still set aside: the bare form is the same item.
    assert D.variant_key("一县（一区）一特色") == D.variant_key("一县一特色") != D.variant_key("条例（试行）")
