"""The Corpus object: one container for every size, its verbs, its refusals, and its round trip through Parquet."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pandas as pd
import pytest

import corpus
from corpus import cache
from corpus.container import in_memory_corpus

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def seeds(seed_corpus: corpus.Corpus) -> corpus.Corpus:
    return seed_corpus


def test_a_merged_dataframe_cannot_be_mistaken_for_the_corpus(seeds):
    merged = seeds.docs.merge(pd.DataFrame({"doc_id": seeds.doc_ids, "x": range(len(seeds))}), on="doc_id")
    for fn in (corpus.problems, corpus.audit, corpus.audit_summary, corpus.lengths):
        with pytest.raises(TypeError, match="pass the Corpus itself"):
            fn(merged)


def test_new_docvars_travel_with_the_corpus_and_its_audit_and_problems_stay(seeds):
    extra = pd.DataFrame({"doc_id": seeds.doc_ids, "coder": ["甲", "乙", "甲", "乙", "甲"]})
    more = seeds.with_docvars(extra)
    assert more.docs["coder"].tolist() == extra["coder"].tolist()
    assert corpus.audit(more).equals(corpus.audit(seeds)) and corpus.problems(more).equals(corpus.problems(seeds))
    assert more.clean_config == seeds.clean_config and more.token_config == seeds.token_config
    with pytest.raises(corpus.CorpusError, match="does not have: nobody"):
        seeds.with_docvars(pd.DataFrame({"doc_id": ["nobody"], "coder": ["丙"]}))
    with pytest.raises(corpus.CorpusError, match="already has docvars"):
        seeds.with_docvars(seeds.docvars("province"))


def test_a_subset_is_a_corpus_with_only_its_documents_rows(seeds):
    county = seeds.subset(level="county")
    assert isinstance(county, corpus.Corpus) and 0 < len(county) < len(seeds)
    assert set(county.docs["level"]) == {"county"}
    for table in (county.paragraphs, county.audit, county.tokens()):
        assert set(table["doc_id"].astype(str)) <= set(county.doc_ids)
    assert county.subset([county.doc_ids[0]]).doc_ids == county.doc_ids[:1]
    with pytest.raises(KeyError, match="no document with id nobody"):
        seeds.subset(["nobody"])
    with pytest.raises(KeyError, match="no docvar 'party'"):
        seeds.subset(party="x")


def test_group_gives_one_corpus_per_docvar_value(seeds):
    groups = seeds.group("level")
    assert sum(len(g) for g in groups.values()) == len(seeds)
    assert all(set(g.docs["level"]) == {value} for value, g in groups.items())


def test_group_warns_of_the_documents_without_a_value(seeds):
    partial = seeds.with_docvars(pd.DataFrame({"doc_id": seeds.doc_ids[:2], "batch": ["一", "二"]}))
    with pytest.warns(UserWarning, match=rf"group\('batch'\): {len(seeds) - 2} of {len(seeds)} documents have no value"):
        groups = partial.group("batch")
    assert {k: len(g) for k, g in groups.items()} == {"一": 1, "二": 1}


def test_reshape_gives_units_that_carry_their_documents_docvars(seeds):
    units = seeds.reshape("sentences")
    assert len(units) == len(seeds.sentences) and {"sent_no", "province", "level"} <= set(units.columns)
    with pytest.raises(ValueError, match="`to` must be one of"):
        seeds.reshape("words")


def test_a_corpus_saved_as_parquet_opens_with_the_same_tables(seeds, tmp_path):
    folder = corpus.save_corpus(seeds, tmp_path / "saved")
    opened = corpus.open_corpus(folder)
    assert opened.sharded and "raw" not in opened.docs.columns
    pd.testing.assert_frame_equal(opened.documents().reset_index(drop=True), seeds.documents(), check_dtype=False)
    pd.testing.assert_frame_equal(opened.paragraphs, seeds.paragraphs, check_dtype=False)
    pd.testing.assert_frame_equal(opened.audit, seeds.audit, check_dtype=False)
    assert opened.clean_config == seeds.clean_config and opened.token_config == seeds.token_config
    a, b = corpus.dtm(seeds, "paragraph", min_df=2), corpus.dtm(opened, "paragraph", min_df=2)
    assert a.terms.tolist() == b.terms.tolist() and (a.matrix != b.matrix).nnz == 0
    chosen = opened.subset([seeds.doc_ids[1]])
    assert chosen.doc_ids == [seeds.doc_ids[1]] and set(chosen.tokens()["doc_id"].astype(str)) == {seeds.doc_ids[1]}


def test_corpora_combine_only_when_their_ids_and_cleaning_agree(seeds):
    first, rest = seeds.subset(seeds.doc_ids[:2]), seeds.subset(seeds.doc_ids[2:])
    both = corpus.concat_corpora([first, rest])
    assert both.doc_ids == seeds.doc_ids and len(both.audit) == len(seeds.audit)
    with pytest.raises(corpus.CorpusError, match="document ids repeat"):
        corpus.concat_corpora([seeds, first])
    plain = corpus.load_corpus(ROOT / "seeds", clean=corpus.CleanConfig(script=False), cache=False)
    with pytest.raises(corpus.CorpusError, match="different settings \\(script"):
        corpus.concat_corpora([seeds, plain.subset([])])


def test_parts_that_do_not_belong_together_are_refused_by_name(seeds):
    stray = seeds.paragraphs.assign(doc_id="elsewhere")
    with pytest.raises(corpus.CorpusError, match="paragraphs table names documents the docs table lacks: elsewhere"):
        in_memory_corpus("x", seeds.documents(), stray, seeds.audit, seeds.problems, seeds.clean_config, seeds.token_config)


def test_an_edit_in_the_discourse_code_changes_no_cleaning_key():
    cleaning = cache.stage_modules("corpus.pipeline")
    assert "corpus.clean" in cleaning and "corpus.structure" in cleaning
    assert not [m for m in cleaning if m.startswith(("corpus.discourse", "corpus.report", "corpus.features"))]
    assert "corpus.discourse.quantities" not in cache.stage_modules("corpus.segment")


def test_the_package_exposes_each_stage_by_its_public_name():
    for name in ("load_corpus", "tokens", "tokenize", "dtm", "tfidf", "keyness", "kwic", "collocations", "cluster_units"):
        assert callable(getattr(corpus, name)) and name in corpus.__all__
    assert callable(corpus.discourse.formulae) and corpus.tokenize("坚持和发展中国特色社会主义")


def test_a_report_opens_its_corpus_from_any_working_directory(tmp_path, monkeypatch):
    from corpus.report import open_report

    monkeypatch.chdir(tmp_path)  # neither seeds/ nor reports/ here: both are found in the repository
    rep = open_report("seeds", output_dir=f"reports/_any_cwd_{tmp_path.name}/00_test", scheduler="serial")
    assert len(rep.corpus) == 5 and rep.output_dir == ROOT / "reports" / f"_any_cwd_{tmp_path.name}" / "00_test"
    assert rep.output_dir.is_dir()
    shutil.rmtree(rep.output_dir.parent)
    assert not list(tmp_path.iterdir())  # nothing written where the notebook happened to run


def test_the_readmes_python_examples_run_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in text.split("```python\n")[1:]]
    assert len(blocks) >= 2
    for block in blocks:
        if "dask" in block or "Runner(" in block:
            continue
        code = compile(ast.parse(block), "README.md", "exec")
        exec(code, {})  # noqa: S102 - the README's own examples


def test_a_boolean_series_selects_by_its_index_as_pandas_aligns(seeds):
    """A mask built on a sorted copy of the table selects the documents its index names, not those at its positions."""
    shuffled = seeds.docs.sort_values("n_chars", ascending=False)
    mask = shuffled["level"] == "county"
    assert set(seeds.subset(mask).docs["level"]) == {"county"}
    by_id = shuffled.set_index("doc_id")["level"] == "county"
    assert seeds.subset(by_id).doc_ids == seeds.subset(level="county").doc_ids
    with pytest.raises(ValueError, match="names neither the rows"):
        seeds.subset(pd.Series([True] * len(seeds), index=[f"x{i}" for i in range(len(seeds))]))
    in_order = (seeds.docs["level"] == "county").to_numpy()[::-1]  # an array selects in order
    assert seeds.subset(in_order).doc_ids == [d for d, k in zip(seeds.doc_ids, in_order) if k]


def test_keyness_refuses_labels_whose_index_would_give_them_to_other_documents(seeds):
    counts = corpus.dtm(seeds, "doc")
    shuffled = seeds.docs.sort_values("n_chars")
    with pytest.raises(ValueError, match="neither doc_ids nor the rows in order"):
        corpus.keyness(counts, shuffled["level"], target="county")
    by_id = corpus.keyness(counts, shuffled.set_index("doc_id")["level"], target="county")
    in_order = corpus.keyness(counts, seeds.docs["level"], target="county")
    pd.testing.assert_frame_equal(by_id, in_order)


def test_a_docvar_value_no_document_has_is_warned_about_and_a_number_matches_its_text(seeds):
    with pytest.warns(UserWarning, match="no document has level='town'; the column holds 'county', 'province'"):
        assert len(seeds.subset(level="town")) == 0
    year_2021 = seeds.subset(date="2021")
    assert len(year_2021) >= 1 and seeds.subset(date=2021).doc_ids == year_2021.doc_ids


def test_a_subset_saved_back_into_the_folder_it_was_opened_from_replaces_it_whole(seeds, tmp_path):
    folder = corpus.save_corpus(seeds, tmp_path / "saved")
    opened = corpus.open_corpus(folder)
    corpus.save_corpus(opened.subset(opened.doc_ids[:2]), folder)
    again = corpus.open_corpus(folder)
    assert again.doc_ids == seeds.doc_ids[:2] and len(again.paragraphs) == len(seeds.subset(seeds.doc_ids[:2]).paragraphs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["saved"]  # nothing left beside it


def test_file_level_problems_are_listed_once_in_a_combined_corpus(tmp_path):
    folder = tmp_path / "c"
    shutil.copytree(ROOT / "seeds", folder)
    (folder / "metadata.csv").write_text((ROOT / "seeds" / "metadata.csv").read_text(encoding="utf-8")
                                         + "ghost_doc,辽宁,辽宁,province,,,2020,simplified,none\n", encoding="utf-8")  # fmt: skip
    loaded = corpus.load_corpus(folder, cache=False)
    assert corpus.problems(loaded)["problem"].tolist().count("metadata without document") == 1
    both = corpus.concat_corpora([loaded.subset(loaded.doc_ids[:2]), loaded.subset(loaded.doc_ids[2:])])
    pd.testing.assert_frame_equal(corpus.problems(both).reset_index(drop=True), corpus.problems(loaded).reset_index(drop=True))
