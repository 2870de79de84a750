"""The streaming path and its schedulers give the in-memory path's results, exactly, in the same order."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import corpus
from corpus.features import dtm
from corpus.schedule import Runner, check_scheduler
from corpus.container import MANIFEST
from corpus.features import select_vocabulary
from corpus.stream import plan_shards, stream_corpus
from corpus.segment import tokens

ROOT = Path(__file__).resolve().parents[1]
N_DOCS = 240


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """240 documents made of the seeds' real paragraphs (cleaned-text lines), with the hard cases mixed in."""
    out = tmp_path_factory.mktemp("many")
    lines = [line for p in sorted((ROOT / "seeds").glob("*.txt"))
             for line in p.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 15]  # fmt: skip
    rng = random.Random(7)
    for i in range(N_DOCS):
        body = "\n".join([f"第{i}号测试文档"] + rng.sample(lines, 6))
        data = body.encode("gb18030") if i % 10 == 3 else body.encode("utf-8")
        (out / f"d{i:04d}.txt").write_bytes(data)
    (out / "d9000.txt").write_bytes((out / "d0005.txt").read_bytes())  # an exact duplicate
    (out / "d9001.txt").write_bytes(b"\x00\x01\x02 binary \xff\xfe\x00")  # a file that cannot be read
    pd.DataFrame({"doc_id": ["d0001", "d0002", "nobody"], "locality": ["甲地", "乙地", "丙地"]}).to_csv(out / "metadata.csv", index=False)
    return out


@pytest.fixture(scope="module")
def in_memory(folder):
    loaded = corpus.load_corpus(folder, cache=False)
    return loaded, tokens(corpus.paragraphs(loaded), cache=False, workers=1)


@pytest.fixture(scope="module")
def serial(folder, tmp_path_factory):
    return stream_corpus(folder, tmp_path_factory.mktemp("serial"), shard_mb=0.05, scheduler="serial")


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype({"doc_id": str, "token": str}).reset_index(drop=True)


def test_the_corpus_is_split_into_several_shards_in_doc_id_order(serial):
    assert len(serial.shards) >= 4
    ids = serial.documents(["doc_id"])["doc_id"].tolist()
    assert ids == sorted(ids) and len(ids) == N_DOCS + 1


def test_the_manifest_records_where_the_run_went(serial):
    manifest = json.loads((serial.folder / MANIFEST).read_text(encoding="utf-8"))
    assert (manifest["scheduler"], manifest["workers"], manifest["n_docs"]) == ("serial", 1, N_DOCS + 1)
    assert list(manifest["seconds"]) == ["scan", "clean", "tokenize"] and min(manifest["seconds"].values()) > 0


def test_streamed_documents_match_load_corpus(serial, in_memory):
    docs, _ = in_memory
    streamed = serial.documents().set_index("doc_id")
    expected = docs.documents().set_index("doc_id")
    for col in ["text", "raw", "title", "encoding", "n_chars", "duplicate_of", "locality"]:
        assert streamed[col].reindex(expected.index).astype(object).where(lambda s: s.notna(), None).tolist() == \
            expected[col].astype(object).where(lambda s: s.notna(), None).tolist(), col  # fmt: skip
    assert streamed.loc["d9000", "duplicate_of"] == "d0005"
    assert set(serial.problems["doc_id"]) == set(corpus.problems(docs)["doc_id"]) >= {"d9001", "nobody"}
    audit = corpus.audit(docs)
    assert len(serial.audit) == len(audit) and serial.audit["count"].sum() == audit["count"].sum()


def test_streamed_tokens_are_the_in_memory_tokens(serial, in_memory):
    _, toks = in_memory
    expected = _plain(toks).sort_values(["doc_id", "para_no"], kind="stable").reset_index(drop=True)
    assert _plain(serial.tokens()).equals(expected)
    assert sum(len(part) for part in serial.iter_tokens()) == len(toks)


@pytest.mark.parametrize("unit, prune", [("doc", {}), ("paragraph", {"min_df": 2}),
                                         ("doc", {"min_df": 0.05, "max_df": 0.8, "max_features": 300})])  # fmt: skip
def test_streamed_counts_equal_features_dtm(serial, in_memory, unit, prune):
    _, toks = in_memory
    got, want = dtm(serial, unit, **prune), dtm(toks, unit, **prune)
    assert got.terms.tolist() == want.terms.tolist()
    assert got.rows.astype(str).equals(want.rows.astype(str))
    assert got.matrix.shape == want.matrix.shape and (got.matrix != want.matrix).nnz == 0


@pytest.mark.parametrize("scheduler", ["threads", "processes"])
def test_threads_and_processes_write_the_serial_shards(folder, serial, tmp_path, scheduler):
    other = stream_corpus(folder, tmp_path, shard_mb=0.05, scheduler=scheduler, workers=2)
    assert other.shards == serial.shards and other.token_config == serial.token_config
    for a, b in zip(serial.iter_tokens(), other.iter_tokens()):
        assert _plain(a).equals(_plain(b))
    assert (dtm(serial, "paragraph").matrix != dtm(other, "paragraph").matrix).nnz == 0


def test_a_dask_local_cluster_gives_the_local_results(folder, serial, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Runner("dask", address=cluster.scheduler_address) as runner:
            remote = stream_corpus(folder, tmp_path, shard_mb=0.05, runner=runner)
            counts = dtm(remote, "doc", min_df=2, runner=runner)
    assert len(remote.shards) >= 4 and len(remote) >= 200
    for name, a, b in zip(serial.shards, serial.iter_tokens(), remote.iter_tokens()):
        assert _plain(a).equals(_plain(b)), name
    want = dtm(serial, "doc", min_df=2)
    assert counts.terms.tolist() == want.terms.tolist() and (counts.matrix != want.matrix).nnz == 0


# --------------------------------------------------------------------------- a table as the source


@pytest.fixture(scope="module")
def table_rows(folder) -> pd.DataFrame:
    """The folder's readable documents as table rows, with metadata columns and an empty row."""
    docs = corpus.io.read_folder(folder).docs
    rows = pd.DataFrame({"doc_id": docs["doc_id"], "text": docs["raw"],
                         "locality": [f"地{i % 7}" if i % 3 else "" for i in range(len(docs))],
                         "province": [f"省{i % 4}" for i in range(len(docs))]})  # fmt: skip
    empty = pd.DataFrame({"doc_id": ["d5000"], "text": ["  "], "locality": ["无"], "province": ["无"]})
    return pd.concat([rows.iloc[:100], empty, rows.iloc[100:]], ignore_index=True)


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_a_table_streams_to_what_load_corpus_reads_from_it(table_rows, tmp_path, suffix):
    path = tmp_path / f"corpus{suffix}"
    if suffix == ".parquet":
        table_rows.to_parquet(path, index=False)
    elif suffix == ".csv":
        table_rows.to_csv(path, index=False, encoding="utf-8-sig")
    else:
        table_rows.to_json(path, orient="records", lines=True, force_ascii=False)
    sharded = stream_corpus(path, tmp_path / "shards", shard_mb=0.05, scheduler="processes", workers=2)
    loaded = corpus.load_corpus(path, cache=False)
    docs = loaded.documents()
    manifest = json.loads((sharded.folder / MANIFEST).read_text(encoding="utf-8"))
    assert list(manifest["seconds"]) == ["split", "scan", "clean", "tokenize"] and not (sharded.folder / "inputs").exists()
    assert len(sharded.shards) >= 4 and len(sharded) == len(docs) == len(table_rows) - 1
    streamed = sharded.documents()
    assert streamed["doc_id"].tolist() == docs["doc_id"].tolist()  # row order, not sorted
    for col in ["text", "title", "locality", "province", "duplicate_of"]:
        assert streamed[col].astype(object).where(streamed[col].notna(), None).tolist() == \
            docs[col].astype(object).where(docs[col].notna(), None).tolist(), col  # fmt: skip
    assert sharded.problems[["doc_id", "problem"]].values.tolist() == corpus.problems(loaded)[["doc_id", "problem"]].values.tolist()
    assert ["d5000", "empty"] in sharded.problems[["doc_id", "problem"]].values.tolist()
    toks = tokens(corpus.paragraphs(loaded), cache=False, workers=1)
    assert _plain(sharded.tokens()).equals(_plain(toks))
    got, want = dtm(sharded, "doc", min_df=2), dtm(toks, "doc", min_df=2)
    assert got.terms.tolist() == want.terms.tolist() and (got.matrix != want.matrix).nnz == 0


def test_a_table_with_repeated_ids_is_refused_by_name(table_rows, tmp_path):
    path = tmp_path / "twice.parquet"
    pd.concat([table_rows, table_rows.iloc[[5, 7]]], ignore_index=True).to_parquet(path, index=False)
    with pytest.raises(corpus.CorpusError, match=r"twice.parquet: duplicate document ids \['d0005', 'd0007'\]"):
        stream_corpus(path, tmp_path / "shards", scheduler="serial")


def test_a_csv_that_changes_encoding_after_its_first_megabytes_is_named(tmp_path):
    path = tmp_path / "mixed.csv"
    head = "doc_id,text\n" + "".join(f"a{i},{'党建引领基层治理' * 20}\n" for i in range(9000))  # > 4 MB of UTF-8
    path.write_bytes(head.encode("utf-8") + "b0,海门公安\n".encode("gb18030"))
    with pytest.raises(corpus.CorpusError, match="mixed.csv: not valid utf-8"):
        stream_corpus(path, tmp_path / "shards", scheduler="serial")


def _worker_settings(_: int) -> tuple[str | None, bool]:
    import os

    import dask

    return os.environ.get("MALLOC_TRIM_THRESHOLD_"), dask.config.get("distributed.worker.profile.enabled")


def test_the_runners_own_dask_cluster_keeps_the_allocator_of_a_process_pool(monkeypatch):
    """Its workers start without Dask's malloc trim threshold and without the sampling profiler (both slow cleaning)."""
    pytest.importorskip("distributed")
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)  # an earlier default cluster sets it in this process
    with Runner("dask", workers=2) as runner:
        settings = runner.map(_worker_settings, [0, 1])
    assert settings == [(None, False), (None, False)]


def test_a_second_call_reuses_the_shards_and_a_changed_file_does_not(folder, tmp_path):
    first = stream_corpus(folder, tmp_path / "s", shard_mb=0.05, scheduler="serial")
    marker = first.folder / "tokens" / f"{first.shards[0]}.parquet"
    stamp = marker.stat().st_mtime_ns
    again = stream_corpus(folder, tmp_path / "s", shard_mb=0.05, scheduler="serial")
    assert (again.folder, again.shards) == (first.folder, first.shards) and marker.stat().st_mtime_ns == stamp
    changed = tmp_path / "changed"
    changed.mkdir()
    for p in sorted(folder.glob("d00*.txt"))[:20]:
        (changed / p.name).write_bytes(p.read_bytes())
    before = stream_corpus(changed, tmp_path / "c", shard_mb=0.01, scheduler="serial").documents(["text"])["text"].tolist()
    (changed / "d0000.txt").write_text("全新内容：党建引领基层治理。", encoding="utf-8")
    after = stream_corpus(changed, tmp_path / "c", shard_mb=0.01, scheduler="serial").documents(["text"])["text"].tolist()
    assert after[0] == "全新内容：党建引领基层治理。" != before[0] and after[1:] == before[1:]


def test_shards_follow_the_file_order_and_size(tmp_path):
    files = []
    for i, size in enumerate([400, 400, 900, 100, 100, 100]):
        files.append(tmp_path / f"f{i}.txt")
        files[-1].write_bytes(b"x" * size)
    assert [[p.name for p in s] for s in plan_shards(files, 0.0008)] == [["f0.txt", "f1.txt"], ["f2.txt"], ["f3.txt", "f4.txt", "f5.txt"]]
    with pytest.raises(ValueError, match="shard_mb"):
        plan_shards(files, 0)


def test_vocabulary_selection_follows_the_document_frequency_rule():
    terms = np.array(["丙", "乙", "甲", "丁"], dtype=object)
    df, total = np.array([1, 3, 2, 4]), np.array([5, 9, 9, 4])
    assert select_vocabulary(terms, df, total, 4, min_df=2, max_df=1.0, max_features=None).tolist() == ["丁", "乙", "甲"]
    assert select_vocabulary(terms, df, total, 4, min_df=1, max_df=0.75, max_features=2).tolist() == ["乙", "甲"]
    with pytest.raises(ValueError, match="min_df"):
        select_vocabulary(terms, df, total, 4, min_df=3, max_df=2, max_features=None)


def test_bad_scheduler_settings_are_named(tmp_path):
    with pytest.raises(ValueError, match="scheduler"):
        check_scheduler("gpu")
    with pytest.raises(ValueError, match="needs scheduler='dask'"):
        check_scheduler("processes", "tcp://127.0.0.1:8786")
    with pytest.raises(RuntimeError, match="start the runner"):
        Runner("threads").map(len, ["a"])
    with pytest.raises(corpus.CorpusError, match="no such folder or file"):
        stream_corpus(tmp_path / "missing.csv")
    (tmp_path / "corpus.xlsx").write_bytes(b"PK")
    with pytest.raises(corpus.CorpusError, match="unsupported file type"):
        stream_corpus(tmp_path / "corpus.xlsx")


def test_load_corpus_chooses_the_streaming_path_by_size_and_counts_the_same(tmp_path):
    small = corpus.load_corpus(ROOT / "seeds", scheduler="serial", cache_dir=tmp_path)
    large = corpus.load_corpus(ROOT / "seeds", scheduler="serial", stream_above_mb=0, cache_dir=tmp_path)
    assert not small.sharded and large.sharded and "raw" not in large.docs.columns
    assert large.documents()["text"].tolist() == small.docs["text"].tolist()
    assert corpus.doc_labels(large.docs, "locality").equals(corpus.doc_labels(small.docs, "locality"))
    for unit in ("doc", "paragraph"):
        a, b = corpus.dtm(small, unit, min_df=2), corpus.dtm(large, unit, min_df=2)
        assert a.terms.tolist() == b.terms.tolist() and (a.matrix != b.matrix).nnz == 0
    assert _plain(large.tokens()).equals(_plain(small.tokens()))
    assert corpus.audit(large)["count"].sum() == corpus.audit(small)["count"].sum()
    assert large.token_config == small.token_config and large.clean_config == small.clean_config


def test_the_report_runner_refuses_an_address_without_dask(capsys):
    from corpus.report import main

    assert main(["seeds", "--scheduler", "processes", "--address", "tcp://127.0.0.1:8786"]) == 2
    assert "needs scheduler='dask'" in capsys.readouterr().err


def test_a_subset_of_paragraphs_counts_the_same_on_both_paths(tmp_path):
    from corpus.report import open_report

    small = open_report(ROOT / "seeds", output_dir=tmp_path / "a", scheduler="serial", cache_dir=tmp_path)
    large = open_report(ROOT / "seeds", output_dir=tmp_path / "b", scheduler="serial", stream_above_mb=0, cache_dir=tmp_path)
    body = small.paragraphs[small.paragraphs["kind"] != "heading"]
    a, b = small.dtm("paragraph", min_df=2, units=body), large.dtm("paragraph", min_df=2, units=body)
    assert len(a.rows) < len(small.dtm("paragraph").rows)
    assert a.terms.tolist() == b.terms.tolist() and a.rows.astype(str).equals(b.rows.astype(str))
    assert (a.matrix != b.matrix).nnz == 0


def test_stream_corpus_refuses_a_folder_it_did_not_make_and_keeps_its_files(folder, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("研究笔记", encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match="not empty and was not made by"):
        stream_corpus(folder, mine, shard_mb=0.05, scheduler="serial")
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "研究笔记"
    built = stream_corpus(folder, tmp_path / "built", shard_mb=0.05, scheduler="serial")
    key = json.loads((built.folder / MANIFEST).read_text(encoding="utf-8"))["key"]
    rebuilt = stream_corpus(folder, built.folder, shard_mb=0.05, scheduler="serial", near_duplicate_threshold=0.9)
    assert json.loads((rebuilt.folder / MANIFEST).read_text(encoding="utf-8"))["key"] != key  # its own folder, rebuilt
    assert len(rebuilt) == len(built)


def test_an_edited_metadata_file_gives_new_shards_not_stale_ones(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for p in sorted((ROOT / "seeds").glob("*.txt")):
        (src / p.name).write_bytes(p.read_bytes())
    meta = pd.read_csv(ROOT / "seeds" / "metadata.csv", dtype=str)
    meta.to_csv(src / "metadata.csv", index=False)
    first = stream_corpus(src, scheduler="serial", cache_dir=tmp_path / "cache")
    meta.loc[0, "province"] = "新省份"
    meta.to_csv(src / "metadata.csv", index=False)
    second = stream_corpus(src, scheduler="serial", cache_dir=tmp_path / "cache")
    assert first.folder != second.folder
    assert second.docs.set_index("doc_id").at[meta.loc[0, "doc_id"], "province"] == "新省份"


def test_a_file_replaced_by_one_of_the_same_size_and_time_gives_new_shards(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    first_text, second_text = "坚持改革开放，发展社会生产力。", "坚持四项基本原则，发展生产力。"
    assert len(first_text.encode()) == len(second_text.encode())
    (src / "a.txt").write_text(first_text, encoding="utf-8")
    stamp = (src / "a.txt").stat().st_mtime_ns
    first = stream_corpus(src, scheduler="serial", cache_dir=tmp_path / "cache")
    (src / "a.txt").write_text(second_text, encoding="utf-8")
    os.utime(src / "a.txt", ns=(stamp, stamp))
    second = stream_corpus(src, scheduler="serial", cache_dir=tmp_path / "cache")
    assert first.folder != second.folder and second.documents(["text"])["text"].tolist() == [second_text]


def _build_in_another_process(args: tuple[str, str]) -> str:
    source, out = args
    return json.loads((stream_corpus(source, out, shard_mb=0.05, scheduler="serial").folder / MANIFEST).read_text("utf-8"))["key"]


def test_two_builds_of_the_same_shards_at_once_give_one_build_both_read(folder, tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    out = tmp_path / "shared_out"
    with ProcessPoolExecutor(2) as pool:
        keys = list(pool.map(_build_in_another_process, [(str(folder), str(out))] * 2))
    assert keys[0] == keys[1] and len(corpus.open_corpus(out)) == N_DOCS + 1


def test_the_cache_keeps_to_its_size_limit_dropping_the_least_recently_used(tmp_path, monkeypatch):
    import time

    from corpus import cache

    sources = []
    for i in range(3):
        src = tmp_path / f"src{i}"
        src.mkdir()
        (src / "a.txt").write_text(f"第{i}份报告：坚持改革开放，发展社会生产力。" * 50, encoding="utf-8")
        sources.append(src)
    built = []
    for src in sources[:2]:
        built.append(stream_corpus(src, scheduler="serial", cache_dir=tmp_path / "cache"))
        time.sleep(0.05)
    stream_corpus(sources[0], scheduler="serial", cache_dir=tmp_path / "cache")  # used again: now the most recent
    size = sum(f.stat().st_size for f in built[0].folder.rglob("*") if f.is_file())
    monkeypatch.setenv("CORPUS_CACHE_MAX_GB", str(2.5 * size / 1e9))
    third = stream_corpus(sources[2], scheduler="serial", cache_dir=tmp_path / "cache")
    assert built[0].folder.is_dir() and third.folder.is_dir() and not built[1].folder.exists()
    assert len(third) == 1
    assert cache.evict(tmp_path / "cache", limit=0, spare=third.folder)  # everything else goes; the spared folder stays
    assert third.folder.is_dir() and not built[0].folder.exists()


def test_a_shard_folder_a_build_holds_is_never_evicted(tmp_path):
    from filelock import FileLock

    from corpus import cache

    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("全面建成小康社会。", encoding="utf-8")
    built = stream_corpus(src, scheduler="serial", cache_dir=tmp_path / "cache")
    with FileLock(built.folder.parent / f".{built.folder.name}.lock"):
        assert cache.evict(tmp_path / "cache", limit=0) == [] and built.folder.is_dir()
    assert cache.evict(tmp_path / "cache", limit=0) == [built.folder]


def test_a_token_shard_column_becomes_strings_as_astype_makes_them():
    from corpus.stream import _as_strings

    columns = [pd.Series(values, dtype="category") for values in (["党建", None, "警务", "党建"], [1, 2, None, 1], [], [None])]
    columns += [pd.Series(pd.Categorical(["b", "a"], categories=["b", "a", "c"]), index=[5, 7], name="token"), pd.Series(["x", None])]
    for column in columns:
        made, plain = _as_strings(column), column.astype(str)
        assert made.equals(plain) and made.dtype == plain.dtype and made.index.equals(plain.index) and made.name == plain.name
