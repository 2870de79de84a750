"""Tests for load_corpus (corpus.load) and the units built on it (corpus.structure).

The seeds and, where present, the shared CPC corpus are real text; every other fixture
is a small document written here into a temporary folder.
"""

from __future__ import annotations

import gc
import json
import logging
import re
from pathlib import Path

import pandas as pd
import pytest

import corpus
from corpus.clean import BULK_STEPS
from corpus.docvars import CORE_COLUMNS
from corpus.pipeline import AUDIT_COLUMNS
from corpus.schedule import collector_paused, huge_pages_on_advice, small_pages

ROOT = Path(__file__).parents[1]
SEEDS = ROOT / "seeds"
CPC = Path(__file__).parents[2] / "shared" / "corpora" / "cpc"

LIAONING, FEIDONG, GANSU, WUGANG, HAIMEN = (
    "000_38fd660c71088e9b", "001_b1124c6a07369896", "002_8508244a78657aa1",
    "003_5c96e830640d5030", "004_e186e5d3fe9db7fc",
)  # fmt: skip

#: A short news item with a title and a header line that dates it 2023-05-12.
DATED_ITEM = (
    "县公安局召开党建工作推进会\n"
    "发布时间：2023-05-12 09:30    来源：县公安局政治处\n"
    "5月11日，县公安局召开党建工作推进会，传达学习上级会议精神，总结一季度党建工作情况，部署下一阶段重点任务。"
    "会议要求，各级党组织要坚持政治建警，把党建工作与公安业务同谋划、同部署、同落实。\n"
)
#: A plain document with nothing to extract.
PLAIN = "县公安局党委召开专题会议，研究部署党建工作。会议强调，要坚持政治建警，推动党建与业务深度融合。\n"

ARTICLE = [
    "5月11日，县公安局召开党建工作推进会，传达学习上级会议精神，总结一季度党建工作情况，部署下一阶段重点任务。",
    "会议指出，今年以来，全局各级党组织坚持以习近平新时代中国特色社会主义思想为指导，深入推进政治建警，党建工作取得明显成效。",
    "会议要求，各级党组织要坚持把党建工作与公安业务同谋划、同部署、同落实，推动党建与业务深度融合。",
    "要以“党建+警务”模式为抓手，持续深化模范机关创建，推动基层所队建设全面过硬。",
    "要严格落实全面从严管党治警责任，加强党风廉政建设，锻造一支忠诚干净担当的公安铁军。",
    "会上，各党支部书记围绕支部建设、队伍管理、服务群众等方面作了交流发言。",
]
OTHER_ARTICLE = (
    "6月1日，市公安局交警支队开展“护航高考”专项行动，组织警力在各考点周边疏导交通。\n"
    "支队要求，各大队要加强考点周边巡逻管控，及时处置突发情况，为考生营造安全畅通的出行环境。\n"
    "行动期间，民警共护送迟到考生十余名，受到考生和家长的一致好评。\n"
)
REPOST_TRAILER = "本文来源：县公安局政治处。版权所有，未经授权不得转载。\n"
BOILERPLATE_ONLY = "上一篇：县公安局开展警营开放日活动\n下一篇：县公安局举办业务培训班\n" + REPOST_TRAILER


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def seeds(seed_corpus: corpus.Corpus) -> pd.DataFrame:
    return seed_corpus.documents()


@pytest.fixture(scope="module")
def seed_paragraphs(seed_corpus: corpus.Corpus) -> pd.DataFrame:
    return corpus.paragraphs(seed_corpus)


@pytest.fixture(scope="module")
def seed_sentences(seed_corpus: corpus.Corpus) -> pd.DataFrame:
    return corpus.sentences(seed_corpus)


# --------------------------------------------------------------------------- the seeds


def test_the_seeds_load_as_five_documents(seeds, seed_corpus):
    assert len(seeds) == 5
    assert seeds["doc_id"].tolist() == [LIAONING, FEIDONG, GANSU, WUGANG, HAIMEN]
    assert corpus.problems(seed_corpus).empty


def test_the_columns_are_the_core_columns_in_order_then_the_metadata_columns(seeds):
    header = (SEEDS / "metadata.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == ["doc_id", "province", "locality", "level", "agency", "outlet", "date", "script", "basis"]
    metadata_only = [c for c in header[1:] if c not in CORE_COLUMNS]
    assert list(seeds.columns) == CORE_COLUMNS + metadata_only
    for name in header[1:]:
        assert name in seeds.columns


def test_the_seed_metadata_fills_province_level_date_and_script(seeds):
    by_id = seeds.set_index("doc_id")
    assert by_id.at[LIAONING, "province"] == "辽宁"
    assert by_id.at[FEIDONG, "level"] == "county"
    assert by_id.at[FEIDONG, "date"] == "2022-07-26"
    assert by_id.at[WUGANG, "script"] == "traditional"
    assert by_id.at[HAIMEN, "outlet"] == "新华法治"


def test_n_chars_is_the_length_of_the_cleaned_text(seeds):
    assert (seeds["n_chars"] == seeds["text"].str.len()).all()


# --------------------------------------------------------------------------- metadata


def test_metadata_wins_over_the_date_the_text_gives(tmp_path):
    folder = write(tmp_path / "c", {"item.txt": DATED_ITEM})
    (folder / "metadata.csv").write_text("doc_id,province,date\nitem,河北,2022-01-01\n", encoding="utf-8")
    loaded = corpus.load_corpus(folder)
    docs = loaded.documents()
    assert docs.set_index("doc_id").at["item", "date"] == "2022-01-01"
    assert docs.set_index("doc_id").at["item", "province"] == "河北"


def test_a_metadata_value_that_contradicts_the_text_is_listed_in_problems_and_logged(tmp_path, caplog):
    folder = write(tmp_path / "c", {"item.txt": DATED_ITEM})
    (folder / "metadata.csv").write_text("doc_id,province,date\nitem,河北,2022-01-01\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="corpus"):
        loaded = corpus.load_corpus(folder)
        docs = loaded.documents()
    found = corpus.problems(loaded)
    assert len(found) == 1
    row = found.iloc[0]
    assert row["doc_id"] == "item"
    assert "disagree" in row["problem"]
    assert "2022-01-01" in row["detail"] and "2023-05-12" in row["detail"]
    assert any("2023-05-12" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)


def test_a_metadata_year_agrees_with_a_full_date_in_the_text(tmp_path):
    folder = write(tmp_path / "c", {"item.txt": DATED_ITEM})
    (folder / "metadata.csv").write_text("doc_id,date\nitem,2023\n", encoding="utf-8")
    loaded = corpus.load_corpus(folder)
    docs = loaded.documents()
    assert corpus.problems(loaded).empty
    assert docs.at[0, "date"] == "2023"


def test_a_metadata_row_without_a_file_is_a_problem_and_a_warning_not_an_error(tmp_path, caplog):
    folder = write(tmp_path / "c", {"a.txt": PLAIN})
    (folder / "metadata.csv").write_text("doc_id,province\na,河北\nghost,河南\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="corpus"):
        loaded = corpus.load_corpus(folder)
        docs = loaded.documents()
    assert docs["doc_id"].tolist() == ["a"]
    found = corpus.problems(loaded).set_index("doc_id")
    assert found.at["ghost", "problem"] == "metadata without document"
    assert found.at["ghost", "path"].endswith("metadata.csv")
    assert any("ghost" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)


def test_a_file_without_a_metadata_row_is_a_problem_and_a_warning_not_an_error(tmp_path, caplog):
    folder = write(tmp_path / "c", {"a.txt": PLAIN, "b.txt": OTHER_ARTICLE})
    (folder / "metadata.csv").write_text("doc_id,province\na,河北\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="corpus"):
        loaded = corpus.load_corpus(folder)
        docs = loaded.documents()
    assert docs["doc_id"].tolist() == ["a", "b"]
    assert pd.isna(docs.set_index("doc_id").at["b", "province"])
    found = corpus.problems(loaded).set_index("doc_id")
    assert found.at["b", "problem"] == "document without metadata"
    assert any(" b" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)


def test_many_files_without_metadata_give_one_row_each_and_one_log_line(tmp_path, caplog):
    folder = write(tmp_path / "c", {f"d{i:02d}.txt": f"{PLAIN}\n第{i}篇。" for i in range(25)})
    (folder / "metadata.csv").write_text("doc_id,province\nd00,河北\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="corpus"):
        loaded = corpus.load_corpus(folder)
        docs = loaded.documents()
    assert (corpus.problems(loaded)["problem"] == "document without metadata").sum() == 24
    lines = [r.getMessage() for r in caplog.records if "document without metadata" in r.getMessage()]
    assert len(lines) == 1 and "(24 in all)" in lines[0] and "d01" in lines[0]


def test_a_load_from_the_cache_gives_the_very_tables_of_the_first_load(tmp_path):
    # Dates, metadata and raw offsets were Python objects (None, lists) in a first load and Arrow strings (NaN) and
    # arrays from the cache: a researcher's second run saw other types.
    folder = write(tmp_path / "c", {"a.txt": PLAIN, "b.txt": OTHER_ARTICLE})
    (folder / "metadata.csv").write_text("doc_id,province,date\na,河北,2023-05-12\nb,,\n", encoding="utf-8")
    first = corpus.load_corpus(folder, cache_dir=tmp_path / "cache", progress=False)
    again = corpus.load_corpus(folder, cache_dir=tmp_path / "cache", progress=False)
    for name in ("docs", "paragraphs", "audit", "problems"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(again, name), obj=name)
    assert first.docs["date"].isna().tolist() == [False, True]


def test_a_duplicate_doc_id_in_the_metadata_is_an_error_naming_the_id(tmp_path):
    folder = write(tmp_path / "c", {"a.txt": PLAIN, "b.txt": OTHER_ARTICLE})
    (folder / "metadata.csv").write_text("doc_id,province\na,河北\nb,河南\na,山东\n", encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match=r"duplicate doc_id.*'a'"):
        corpus.load_corpus(folder)


def test_a_document_id_given_by_two_files_is_an_error_naming_both(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "dump.dat").write_text("".join(f"<doc><docno>{i}</docno><contenttitle>标题{i}</contenttitle>"
                                             f"<content>第{i}条记录的正文。</content></doc>\n" for i in (1, 2)), encoding="utf-8")
    (folder / "dump_00001.txt").write_text("另一份文件的正文。", encoding="utf-8")  # the id of the dump's first record
    with pytest.raises(corpus.CorpusError, match=r"'dump_00001' \(.*dump.dat#record1, .*dump_00001.txt\); rename a file"):
        corpus.load_corpus(folder, cache=False)


def test_a_metadata_row_without_a_doc_id_is_an_error_naming_its_line(tmp_path):
    folder = write(tmp_path / "c", {"a.txt": PLAIN, "b.txt": OTHER_ARTICLE})
    (folder / "metadata.csv").write_text("doc_id,province\na,河北\n,河南\nb,山东\n ,山西\n", encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match=r"no doc_id on line\(s\) 3, 5"):
        corpus.load_corpus(folder, cache=False)


def test_a_column_named_twice_in_the_metadata_is_an_error_naming_it(tmp_path):
    folder = write(tmp_path / "c", {"a.txt": PLAIN, "b.txt": OTHER_ARTICLE})
    (folder / "metadata.csv").write_text("doc_id,date,date\na,2020-01-01,2021-01-01\nb,2020,2021\n", encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match=r"names column\(s\) \['date'\] more than once"):
        corpus.load_corpus(folder, cache=False)


def test_metadata_header_names_are_stripped_and_empty_unnamed_columns_left_out(tmp_path, caplog):
    # What spreadsheets write: spaces after the commas of the header, and empty columns after the last (,,).
    folder = write(tmp_path / "c", {"item.txt": DATED_ITEM, "b.txt": OTHER_ARTICLE})
    (folder / "metadata.csv").write_text("doc_id, province , date,,\nitem,河北,2022-01-01,,\nb,山东,2021,,\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="corpus"):
        docs = corpus.load_corpus(folder, cache=False).documents().set_index("doc_id")
    assert (docs.at["item", "date"], docs.at["b", "province"]) == ("2022-01-01", "山东")
    assert "" not in docs.columns and any("2 empty column(s) without a name left out" in r.getMessage() for r in caplog.records)


def test_a_metadata_column_with_values_and_no_name_is_an_error_naming_it(tmp_path):
    folder = write(tmp_path / "c", {"a.txt": PLAIN, "b.txt": OTHER_ARTICLE})
    (folder / "metadata.csv").write_text("doc_id,province,\na,河北,市级\nb,山东,\n", encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match=r"column\(s\) \[3\] hold values but have no name"):
        corpus.load_corpus(folder, cache=False)


def test_loading_gives_the_garbage_collector_back_as_it_found_it(tmp_path, monkeypatch):
    """Cleaning pauses Python's cyclic collector while it makes its objects; after the load it is as it was, and after an error."""
    import corpus.pipeline

    folder = write(tmp_path / "c", {"a.txt": PLAIN, "b.txt": OTHER_ARTICLE})
    seen, clean_and_sign = [], corpus.pipeline.clean_and_sign
    monkeypatch.setattr(corpus.pipeline, "clean_and_sign", lambda *a, **k: seen.append(gc.isenabled()) or clean_and_sign(*a, **k))
    assert gc.isenabled()
    assert len(corpus.load_corpus(folder, cache=False)) == 2
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        corpus.load_corpus(folder, cache=False)
        assert not gc.isenabled()  # a caller that switched it off keeps it off
    finally:
        gc.enable()

    def failing(*args, **kwargs):
        raise RuntimeError("a worker died")

    monkeypatch.setattr(corpus.pipeline, "clean_and_sign", failing)  # an error while the collector is off
    with pytest.raises(RuntimeError, match="a worker died"):
        corpus.load_corpus(folder, cache=False)
    assert gc.isenabled()
    with pytest.raises(ValueError, match="inside"), collector_paused():
        assert not gc.isenabled()
        raise ValueError("inside")
    assert gc.isenabled()


def kernel_settings(folder: Path, enabled: str) -> Path:
    """A folder written as Linux writes /sys/kernel/mm/transparent_hugepage (the chosen value in brackets)."""
    folder.mkdir()
    (folder / "enabled").write_text(enabled + "\n")
    return folder


@pytest.mark.parametrize(("enabled", "honoured"), [
    ("always [madvise] never", True),
    ("[always] madvise never", False),  # huge pages with or without advice: withholding it changes nothing
    ("always madvise [never]", False),
    ("madvise", False),  # no value chosen: not a setting this function knows
])  # fmt: skip
def test_huge_pages_on_advice_read_from_the_kernel_setting(tmp_path, enabled, honoured):
    """Withholding advice gives ordinary pages where the kernel gives huge ones on advice only; not where it always or never does, nor off Linux."""
    assert huge_pages_on_advice(kernel_settings(tmp_path / "thp", enabled)) is honoured
    assert huge_pages_on_advice(tmp_path / "absent") is False


def page_settings() -> tuple[bool, str]:
    """NumPy's huge-page advice and the backend of pyarrow's default pool, as they stand."""
    import pyarrow as pa

    from corpus.schedule import _numpy_huge_page_advice

    advised = _numpy_huge_page_advice(True)
    _numpy_huge_page_advice(advised)
    return advised, pa.default_memory_pool().backend_name


@pytest.fixture
def advice_on(tmp_path, monkeypatch) -> tuple[bool, str]:
    """A kernel that gives huge pages on advice; NumPy advising them and pyarrow on an allocator of its own, as a session starts."""
    import pyarrow as pa

    import corpus.schedule
    from corpus.schedule import _numpy_huge_page_advice

    monkeypatch.setattr(corpus.schedule, "HUGE_PAGE_SETTINGS", kernel_settings(tmp_path / "thp-madvise", "always [madvise] never"))
    advised, pool = _numpy_huge_page_advice(True), pa.default_memory_pool()
    for allocator in (pa.mimalloc_memory_pool, pa.jemalloc_memory_pool):
        try:
            pa.set_memory_pool(allocator())
            break
        except NotImplementedError:  # not in this build of pyarrow
            continue
    else:
        pytest.skip("this pyarrow has no allocator but the system's")
    try:
        yield page_settings()
    finally:
        pa.set_memory_pool(pool)
        _numpy_huge_page_advice(advised)


def test_loading_and_segmenting_ask_no_huge_pages_and_give_the_settings_back(tmp_path, monkeypatch, advice_on):
    """Inside the load, its batch, the tokenize stage and a count matrix NumPy advises no huge pages and pyarrow uses the system allocator; after, as before."""
    import corpus.features
    import corpus.load
    import corpus.pipeline
    import corpus.schedule
    import corpus.segment

    folder = write(tmp_path / "c", {"a.txt": PLAIN, "b.txt": OTHER_ARTICLE})
    seen = []
    for module, name in ((corpus.load, "duplicates_of"), (corpus.pipeline, "clean_and_sign"),
                         (corpus.segment, "_kept_tokens"), (corpus.features, "prune")):  # fmt: skip
        original = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _f=original, **k: seen.append(page_settings()) or _f(*a, **k))
    for enabled, inside in (("always [madvise] never", (False, "system")), ("always madvise [never]", advice_on)):
        monkeypatch.setattr(corpus.schedule, "HUGE_PAGE_SETTINGS", kernel_settings(tmp_path / enabled.replace(" ", ""), enabled))
        seen.clear()
        loaded = corpus.load_corpus(folder, cache=False)
        toks = corpus.segment.tokens(loaded.paragraphs, loaded.token_config, cache=False)
        assert corpus.features.dtm(toks).matrix.sum() == len(toks) > 0
        assert seen == [inside] * 4 and page_settings() == advice_on
        with pytest.raises(ValueError, match="inside"), small_pages():
            assert page_settings() == inside
            raise ValueError("inside")
        assert page_settings() == advice_on


def test_small_pages_blocks_overlapping_in_threads_restore_when_the_last_leaves(advice_on):
    """A block that leaves while another thread's is open leaves the settings switched; the last to leave restores them."""
    import threading

    first_in, second_in, second_may_leave = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with small_pages():
            first_in.set()
            second_in.wait(10)

    def second() -> None:
        first_in.wait(10)
        with small_pages():
            second_in.set()
            second_may_leave.wait(10)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    threads[0].join(10)
    assert second_in.is_set() and not threads[0].is_alive()
    assert page_settings() == (False, "system")  # the second block is still open
    second_may_leave.set()
    threads[1].join(10)
    assert page_settings() == advice_on


@pytest.mark.skipif(not huge_pages_on_advice(), reason="this kernel gives huge pages always or never, not on advice")
def test_an_array_made_inside_small_pages_gets_no_huge_pages():
    """Where huge pages come on advice only, a 64 MB NumPy array made inside the block has ordinary pages (from /proc/self/smaps)."""
    import numpy as np

    with small_pages():
        array = np.ones(8_000_000)  # 64 MB: a mapping of its own, above malloc's largest mmap threshold (32 MB)
    address, huge_kb = array.ctypes.data + array.nbytes // 2, None  # its middle: advice splits off the first page
    with open("/proc/self/smaps") as smaps:
        inside = False
        for line in smaps:
            if re.match(r"[0-9a-f]+-[0-9a-f]+ ", line):
                start, end = (int(x, 16) for x in line.split()[0].split("-"))
                inside = start <= address < end
            elif inside and line.startswith("AnonHugePages:"):
                huge_kb = int(line.split()[1])
    assert huge_kb is not None, "the array's mapping is not in /proc/self/smaps"
    assert huge_kb == 0


def test_paragraphs_split_run_by_run_are_those_of_all_the_documents_at_once():
    """The loader splits each run of cleaned documents as its worker hands it back; the runs' tables make the one table."""
    from corpus.structure import paragraphs

    folder = CPC if CPC.is_dir() else SEEDS
    for workers in (1, 2):  # one run; then a run per two or three documents, several on each worker
        loaded = corpus.load_corpus(folder, pattern="*.txt", cache=False, workers=workers, progress=False)
        whole = paragraphs(loaded.documents()[["doc_id", "text"]])
        assert len(whole) > 2 * len(loaded) and whole["kind"].nunique() >= 2
        pd.testing.assert_frame_equal(loaded.paragraphs, whole)


@pytest.mark.parametrize(("csv_text", "message"), [
    ("doc_id,province\na,河北\nb,河南,多余\n", r"line 3\b.*3 fields.*2"),
    ("doc_id,province\na,河北\n\nb,河南,多余\n", r"line 4\b"),  # blank lines count
], ids=["names-the-line", "counts-blank-lines"])  # fmt: skip
def test_a_metadata_line_with_the_wrong_number_of_fields_is_an_error_naming_the_line(tmp_path, csv_text, message):
    folder = write(tmp_path / "c", {"a.txt": PLAIN, "b.txt": OTHER_ARTICLE})
    (folder / "metadata.csv").write_text(csv_text, encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match=message):
        corpus.load_corpus(folder)


def test_metadata_without_a_doc_id_column_is_an_error_showing_the_header(tmp_path):
    folder = write(tmp_path / "c", {"a.txt": PLAIN})
    (folder / "metadata.csv").write_text("id,province\na,河北\n", encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match=r"no 'doc_id' column.*'id', 'province'"):
        corpus.load_corpus(folder)


def test_metadata_saved_by_excel_with_a_byte_order_mark_loads(tmp_path):
    folder = write(tmp_path / "c", {"a.txt": PLAIN})
    (folder / "metadata.csv").write_text("doc_id,province\na,河北\n", encoding="utf-8-sig")
    loaded = corpus.load_corpus(folder)
    docs = loaded.documents()
    assert docs.at[0, "province"] == "河北"
    assert corpus.problems(loaded).empty


def test_a_folder_without_metadata_loads_with_no_problems(tmp_path):
    folder = write(tmp_path / "c", {"a.txt": PLAIN, "b.txt": OTHER_ARTICLE})
    loaded = corpus.load_corpus(folder)
    docs = loaded.documents()
    assert list(docs.columns) == CORE_COLUMNS
    assert corpus.problems(loaded).empty


def test_a_named_metadata_file_that_does_not_exist_is_an_error(tmp_path):
    folder = write(tmp_path / "c", {"a.txt": PLAIN})
    with pytest.raises(corpus.CorpusError, match="does not exist"):
        corpus.load_corpus(folder, metadata=tmp_path / "missing.csv")


# --------------------------------------------------------------------------- tables

TABLE_ROWS = [
    {"id": "x1", "content": PLAIN.strip(), "province": "河北", "date": "2023-05-12"},
    {"id": "x2", "content": OTHER_ARTICLE.strip(), "province": "山东", "date": "2023-06-01"},
]


def write_table(path: Path, rows: list[dict]) -> Path:
    frame = pd.DataFrame(rows)
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    elif path.suffix == ".parquet":
        frame.to_parquet(path)
    else:
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_a_table_with_a_text_column_and_metadata_columns_loads(tmp_path, suffix):
    table = write_table(tmp_path / f"docs{suffix}", TABLE_ROWS)
    loaded = corpus.load_corpus(table, text_column="content", id_column="id")
    docs = loaded.documents()
    assert docs["doc_id"].tolist() == ["x1", "x2"]
    assert list(docs.columns) == CORE_COLUMNS + ["province"]
    assert docs["text"].tolist() == [r["content"] for r in TABLE_ROWS]
    assert docs["province"].tolist() == ["河北", "山东"]
    assert docs["date"].tolist() == ["2023-05-12", "2023-06-01"]
    assert corpus.problems(loaded).empty


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("stream", [False, True])
def test_a_json_file_holding_one_array_of_objects_loads_as_a_table(tmp_path, indent, stream):
    (tmp_path / "docs.json").write_text(json.dumps(TABLE_ROWS, ensure_ascii=False, indent=indent), encoding="utf-8")
    loaded = corpus.load_corpus(tmp_path / "docs.json", text_column="content", id_column="id", cache=False,
                                stream_above_mb=0 if stream else 256)  # fmt: skip
    assert loaded.doc_ids == ["x1", "x2"] and corpus.problems(loaded).empty


def test_nested_json_values_are_kept_as_json_text_on_every_load(tmp_path):
    rows = [dict(r, tags=["省级", "年度"], origin={"site": "gov", "page": 3}) for r in TABLE_ROWS]
    table = write_table(tmp_path / "docs.jsonl", rows)
    fresh = corpus.load_corpus(table, text_column="content", id_column="id", cache_dir=tmp_path / "cache").documents()
    again = corpus.load_corpus(table, text_column="content", id_column="id", cache_dir=tmp_path / "cache").documents()
    assert fresh["tags"].tolist() == ['["省级", "年度"]'] * 2 and fresh["origin"].iloc[0] == '{"site": "gov", "page": 3}'
    assert again[["tags", "origin"]].values.tolist() == fresh[["tags", "origin"]].values.tolist()  # from the cache alike


@pytest.mark.parametrize("stream", [False, True])
def test_a_line_that_is_not_json_is_a_problem_naming_its_line_and_the_other_rows_load(tmp_path, stream):
    table = write_table(tmp_path / "docs.jsonl", TABLE_ROWS)
    cut = json.dumps({"id": "x3", "content": "全党同志要"}, ensure_ascii=False)[:20]  # a scrape that stopped mid-line
    table.write_text(table.read_text(encoding="utf-8") + "\n[1, 2]\n" + cut, encoding="utf-8")
    loaded = corpus.load_corpus(table, text_column="content", id_column="id", cache=False, stream_above_mb=0 if stream else 256)
    assert loaded.doc_ids == ["x1", "x2"]
    found = corpus.problems(loaded)
    assert [Path(p).name for p in found["path"]] == ["docs.jsonl#line4", "docs.jsonl#line5"]
    assert found["problem"].tolist() == ["unreadable row"] * 2
    assert found["detail"].iloc[0].startswith("a JSON list") and found["detail"].iloc[1].startswith("not a JSON object")
    with pytest.raises(corpus.CorpusError, match=r"docs.jsonl#line5: unreadable row"):
        corpus.load_corpus(table, text_column="content", id_column="id", cache=False, strict=True)


def test_a_jsonl_file_without_one_json_object_is_an_error_naming_its_first_line(tmp_path):
    table = tmp_path / "docs.jsonl"
    table.write_text("id,content\nx1,全面建设社会主义现代化国家\n", encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match=r"docs.jsonl, line 1: not a JSON object .*not a JSON Lines table"):
        corpus.load_corpus(table, text_column="content", id_column="id", cache=False)


def test_a_table_with_the_default_column_names_needs_no_parameters(tmp_path):
    rows = [{"doc_id": r["id"], "text": r["content"], "province": r["province"]} for r in TABLE_ROWS]
    loaded = corpus.load_corpus(write_table(tmp_path / "docs.csv", rows))
    docs = loaded.documents()
    assert docs["doc_id"].tolist() == ["x1", "x2"]
    assert docs["province"].tolist() == ["河北", "山东"]


def test_a_table_without_an_id_column_numbers_its_rows(tmp_path):
    table = write_table(tmp_path / "docs.jsonl", TABLE_ROWS)
    loaded = corpus.load_corpus(table, text_column="content", id_column=None)
    docs = loaded.documents()
    assert docs["doc_id"].tolist() == ["docs_00001", "docs_00002"]


def test_a_table_without_the_text_column_is_an_error_listing_its_columns(tmp_path):
    table = write_table(tmp_path / "docs.csv", TABLE_ROWS)
    with pytest.raises(corpus.CorpusError, match=r"'text'.*\['id', 'content', 'province', 'date'\]"):
        corpus.load_corpus(table)


def test_an_empty_text_cell_is_a_problem_not_a_document(tmp_path):
    rows = TABLE_ROWS + [{"id": "x3", "content": "   ", "province": "河南", "date": ""}]
    loaded = corpus.load_corpus(write_table(tmp_path / "docs.csv", rows), text_column="content", id_column="id")
    docs = loaded.documents()
    assert docs["doc_id"].tolist() == ["x1", "x2"]
    assert corpus.problems(loaded).set_index("doc_id").at["x3", "problem"] == "empty"


# --------------------------------------------------------------------------- duplicates and empty documents


@pytest.fixture(scope="module")
def duplicates(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    near = list(ARTICLE)
    near[3] = "要以“枫桥式公安派出所”创建为抓手，持续深化模范机关创建，推动基层所队建设全面过硬。"
    folder = write(
        tmp_path_factory.mktemp("dupes"),
        {
            "a_original.txt": "\n".join(ARTICLE) + "\n",
            "b_exact_copy.txt": "\n".join(ARTICLE) + "\n",
            "c_repost.txt": "\n".join(near) + "\n" + REPOST_TRAILER,
            "d_other.txt": OTHER_ARTICLE,
            "e_plain.txt": PLAIN,
        },
    )
    return corpus.load_corpus(folder).documents().set_index("doc_id")


def test_an_exact_duplicate_points_at_the_earlier_document(duplicates):
    assert duplicates.at["b_exact_copy", "duplicate_of"] == "a_original"


def test_a_near_duplicate_with_a_changed_sentence_and_a_trailer_points_at_the_earlier_document(duplicates):
    assert duplicates.at["c_repost", "duplicate_of"] == "a_original"


def test_duplicates_are_flagged_not_dropped(duplicates):
    assert list(duplicates.index) == ["a_original", "b_exact_copy", "c_repost", "d_other", "e_plain"]
    assert duplicates.at["c_repost", "text"]


def test_different_documents_are_not_flagged_as_duplicates(duplicates):
    for doc_id in ("a_original", "d_other", "e_plain"):
        assert pd.isna(duplicates.at[doc_id, "duplicate_of"]), doc_id


def test_no_seed_is_flagged_as_a_duplicate(seeds):
    assert seeds["duplicate_of"].isna().all()


def test_flag_duplicates_works_on_plain_lists():
    texts = ["\n".join(ARTICLE), "\n".join(ARTICLE), OTHER_ARTICLE]
    assert corpus.flag_duplicates(["a", "b", "c"], texts) == [None, "a", None]


def test_a_document_that_is_only_boilerplate_keeps_its_text_and_the_audit_names_the_bound(tmp_path):
    folder = write(tmp_path / "c", {"a.txt": PLAIN, "b_nav.txt": BOILERPLATE_ONLY})
    loaded = corpus.load_corpus(folder)
    docs = loaded.documents().set_index("doc_id")
    assert list(docs.index) == ["a", "b_nav"]
    assert docs.at["b_nav", "text"] and docs.at["b_nav", "n_chars"] > 0  # cleaning never empties a document
    rows = corpus.audit(loaded)
    bounded = rows[(rows["doc_id"] == "b_nav") & (rows["action"] == "flagged") & rows["note"].str.contains("bound")]
    assert len(bounded) >= 1


def test_a_document_left_empty_is_flagged_in_the_audit_and_logged(tmp_path, caplog):
    folder = write(tmp_path / "c", {"a.txt": PLAIN, "b_blank.txt": "\u200b\u200b\u00ad\n"})  # only invisible characters
    with caplog.at_level(logging.WARNING, logger="corpus"):
        loaded = corpus.load_corpus(folder)
        docs = loaded.documents().set_index("doc_id")
    assert docs.at["b_blank", "text"] == "" and docs.at["b_blank", "n_chars"] == 0
    rows = corpus.audit(loaded)
    flagged = rows[(rows["doc_id"] == "b_blank") & (rows["action"] == "flagged") & rows["note"].str.contains("empty")]
    assert len(flagged) == 1
    assert rows[(rows["doc_id"] == "a") & rows["note"].str.contains("empty")].empty
    assert any("b_blank" in r.getMessage() and "empty" in r.getMessage() for r in caplog.records)


# --------------------------------------------------------------------------- audit


def test_the_audit_has_the_documented_columns(seeds, seed_corpus):
    assert list(corpus.audit(seed_corpus).columns) == AUDIT_COLUMNS
    assert AUDIT_COLUMNS == ["doc_id", "step", "action", "start", "end", "before", "after", "count", "note", "text_start", "text_end"]


def test_every_edit_no_later_edit_touched_is_found_at_its_recorded_place_in_the_text(seeds, seed_corpus):
    rows = corpus.audit(seed_corpus)
    texts = seeds.set_index("doc_id")["text"]
    placed = rows[rows["text_start"].notna() & (rows["after"] != "")]
    found = [texts[r.doc_id][int(r.text_start) : int(r.text_end)] == r.after for r in placed.itertuples()]
    assert len(found) >= 10 and sum(found) / len(found) > 0.9  # the rest were overlapped by a later step's edit
    assert rows.loc[rows["count"] > 1, "text_start"].isna().all()  # bulk summaries have no single place


def test_bulk_steps_give_one_summary_row_per_document_with_a_count(seeds, seed_corpus):
    rows = corpus.audit(seed_corpus)
    bulk = rows[rows["step"].isin(["script", "punctuation"])]
    assert (bulk.groupby(["doc_id", "step"]).size() == 1).all()
    assert set(bulk.loc[bulk["step"] == "script", "doc_id"]) == {WUGANG, HAIMEN}
    assert set(bulk.loc[bulk["step"] == "punctuation", "doc_id"]) == set(seeds["doc_id"])
    assert (bulk["count"] > 1).all()


def test_non_bulk_rows_count_one_edit_each(seeds, seed_corpus):
    rows = corpus.audit(seed_corpus)
    assert (rows.loc[~rows["step"].isin(BULK_STEPS), "count"] == 1).all()


def test_the_detailed_audit_lists_as_many_rows_as_the_summary_counts(seeds, seed_corpus):
    summary = corpus.audit(seed_corpus)
    detail = corpus.audit(seed_corpus, detail=True)
    assert list(detail.columns) == AUDIT_COLUMNS
    assert (detail["count"] == 1).all()
    bulk = summary[summary["step"].isin(BULK_STEPS)]
    counted = bulk.groupby(["doc_id", "step"])["count"].sum()
    listed = detail[detail["step"].isin(BULK_STEPS)].groupby(["doc_id", "step"]).size()
    pd.testing.assert_series_equal(counted.sort_index(), listed.sort_index(), check_names=False)
    script = detail[detail["step"] == "script"]
    for row in script.itertuples():  # a run of changed characters, each one converted
        assert len(row.before) == len(row.after) == row.end - row.start, row
        assert all(a != b for a, b in zip(row.before, row.after)), row
    non_bulk = lambda f: f[~f["step"].isin(BULK_STEPS)].reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(non_bulk(summary), non_bulk(detail))


def test_the_audit_summary_has_a_row_per_step_and_action_that_sums_the_counts(seeds, seed_corpus):
    rows = corpus.audit(seed_corpus)
    summary = corpus.audit_summary(seed_corpus)
    assert list(summary.index.names) == ["step", "action"]
    assert set(summary.index) == set(zip(rows["step"], rows["action"]))
    assert summary.index.is_unique
    expected = rows.groupby(["step", "action", "doc_id"])["count"].sum()
    for (step, action, doc_id), count in expected.items():
        assert summary.at[(step, action), doc_id] == count
    assert summary.at[("script", "changed"), LIAONING] == 0


def test_the_long_audit_summary_holds_the_wide_ones_counts_row_for_row(seeds, seed_corpus):
    wide = corpus.audit_summary(seed_corpus)
    long = corpus.audit_summary(seed_corpus, long=True)
    assert list(long.columns) == ["doc_id", "step", "action", "count"]
    assert not long.duplicated(["doc_id", "step", "action"]).any()
    stacked = wide.stack().rename("count").reset_index()
    stacked = stacked[stacked["count"] > 0]
    nonzero = long[long["count"] > 0]
    assert len(nonzero) == len(stacked)
    pivoted = nonzero.pivot_table(index=["step", "action"], columns="doc_id", values="count", aggfunc="sum", fill_value=0)
    pd.testing.assert_frame_equal(pivoted.reindex_like(wide).fillna(0).astype(wide.dtypes.iloc[0]), wide, check_names=False)
    rank = {step: i for i, step in enumerate(dict.fromkeys(wide.index.get_level_values("step")))}
    for doc_id, part in long.groupby("doc_id"):  # each document's steps in cleaning order, as the wide table's rows
        assert part["step"].map(rank).is_monotonic_increasing, doc_id


def test_lengths_and_excerpts_are_labelled_by_the_column_asked_for(seeds, seed_corpus):
    by_locality = corpus.lengths(seed_corpus, "locality")
    by_province = corpus.lengths(seed_corpus, label_column="province")
    assert by_locality["label"].tolist() == corpus.doc_labels(seeds, "locality").tolist()
    assert by_province["label"].tolist() == corpus.doc_labels(seeds, "province").tolist() != by_locality["label"].tolist()
    excerpts = corpus.before_after(seed_corpus, 40, label_column="province")
    assert excerpts["label"].tolist() == by_province["label"].tolist()


# --------------------------------------------------------------------------- the CPC corpus


@pytest.fixture(scope="module")
def cpc(cpc_corpus: corpus.Corpus) -> pd.DataFrame:
    return cpc_corpus.documents()


_FOOTNOTE_MARKER = re.compile(r"\s*(?:\[|\]|↑|\^|\[\d{1,3}\]|CPC\s*\d{1,3}|true|false)\s*", re.I)


def test_the_cpc_corpus_loads_as_twelve_documents(cpc, cpc_corpus):
    assert len(cpc) == 12
    assert cpc["doc_id"].tolist() == [f"cpc_{n:02d}" for n in range(9, 21)]
    assert corpus.problems(cpc_corpus).empty


def test_the_cpc_texts_keep_no_wikisource_licence_notice(cpc):
    for doc_id, text in zip(cpc["doc_id"], cpc["text"]):
        for marker in ("本作品来自", "Public domain", "↑"):
            assert marker not in text, f"{doc_id} still contains {marker!r}"


def test_the_cpc_texts_keep_no_line_that_is_only_a_footnote_marker(cpc):
    for doc_id, text in zip(cpc["doc_id"], cpc["text"]):
        markers = [line for line in text.split("\n") if _FOOTNOTE_MARKER.fullmatch(line)]
        assert not markers, f"{doc_id}: footnote marker lines {markers[:5]}"


def test_a_name_the_page_set_on_its_own_line_is_joined_into_its_sentence(cpc):
    assert "工贼\n刘少奇\n为首" in (CPC / "cpc_09.txt").read_text(encoding="utf-8")
    text = cpc.set_index("doc_id").at["cpc_09", "text"]
    assert "工贼刘少奇为首" in text
    found = corpus.sentences(cpc[cpc["doc_id"] == "cpc_09"])
    assert found["text"].str.contains("以叛徒、内奸、工贼刘少奇为首的资产阶级司令部").sum() == 1
    assert not (found["text"] == "刘少奇").any()


# --------------------------------------------------------------------------- paragraphs


def test_paragraph_numbers_run_from_one_without_gaps_in_each_document(seed_paragraphs):
    for doc_id, group in seed_paragraphs.groupby("doc_id"):
        assert group["para_no"].tolist() == list(range(1, len(group) + 1)), doc_id


def test_paragraph_offsets_slice_the_document_text_exactly(seeds, seed_paragraphs):
    texts = seeds.set_index("doc_id")["text"]
    for row in seed_paragraphs.itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.text, (row.doc_id, row.para_no)


def test_every_non_blank_line_of_the_text_is_a_paragraph(seeds, seed_paragraphs):
    for doc_id, text in zip(seeds["doc_id"], seeds["text"]):
        lines = [line for line in text.split("\n") if line.strip()]
        assert seed_paragraphs.loc[seed_paragraphs["doc_id"] == doc_id, "text"].tolist() == lines


def test_paragraph_kinds_are_heading_body_or_list_item(seed_paragraphs):
    assert set(seed_paragraphs["kind"]) <= {"heading", "body", "list item"}
    assert set(seed_paragraphs["kind"]) == {"heading", "body", "list item"}


def test_the_liaoning_seed_has_numbered_headings_whose_list_items_sit_under_them(seed_paragraphs):
    paras = seed_paragraphs[seed_paragraphs["doc_id"] == LIAONING]
    headings = paras[paras["kind"] == "heading"]
    numbered = headings[headings["text"].str.match(r"^[一二三四五六七八九十]+、")]
    assert numbered["text"].str[0].tolist()[:5] == list("一二三四五")
    items = paras[paras["kind"] == "list item"]
    assert items["text"].str.match(r"^[一二三四五六七八九十]是").any()
    current = None
    for row in paras.itertuples():
        if row.kind == "heading" and re.match(r"^[一二三四五六七八九十]+、", row.text):
            current = row.text
        elif row.kind == "list item" and re.match(r"^[一二三四五六七八九十]是", row.text):
            assert current is not None and row.section.startswith(current), (row.para_no, row.section)


def test_the_wugang_seed_has_lettered_headings_and_no_paragraph_that_is_only_a_letter(seed_paragraphs):
    paras = seed_paragraphs[seed_paragraphs["doc_id"] == WUGANG]
    headings = paras.loc[paras["kind"] == "heading", "text"].tolist()
    for letter in "ABC":
        assert any(h.startswith(letter) and len(h) > 2 for h in headings), (letter, headings)
    assert not paras["text"].str.strip().str.fullmatch(r"[A-Za-z]").any()


def test_the_gansu_seed_joins_a_two_line_heading_in_the_section(seed_paragraphs):
    paras = seed_paragraphs[seed_paragraphs["doc_id"] == GANSU]
    body = paras[paras["kind"] == "body"]
    assert (body["section"] == "紧跟中央精神 做到靶心不变、焦点不散").any()
    assert not (body["section"] == "做到靶心不变、焦点不散").any()


def test_a_heading_joins_two_lines_at_most_and_never_a_numbered_sibling():
    # A table of contents and a list of numbered headings: each line its own heading. Before, every
    # run of short lines became one growing heading (300,000 short lines: 24 GB of section strings).
    text = "目录\n第一章 总则\n第二章 规划管理\n一、总体要求\n二、主要任务\n第三条 为了保障实施，制定本细则。"
    sections = corpus.paragraphs(pd.DataFrame({"doc_id": ["d"], "text": [text]}))["section"].tolist()
    chapter = "第二章 规划管理"  # a chapter holds the numbered headings under it
    assert sections == ["目录", "第一章 总则", chapter, f"{chapter} > 一、总体要求", f"{chapter} > 二、主要任务", f"{chapter} > 二、主要任务"]
    short = "\n".join(["加强管理", "落实责任", "健全机制"] * 2000)
    longest = corpus.paragraphs(pd.DataFrame({"doc_id": ["d"], "text": [short]}))["section"].str.len().max()
    assert longest == len("加强管理 落实责任")


# --------------------------------------------------------------------------- sentences


def test_sentence_offsets_slice_the_document_text_exactly(seeds, seed_sentences):
    texts = seeds.set_index("doc_id")["text"]
    for row in seed_sentences.itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.text, (row.doc_id, row.para_no, row.sent_no)


def test_sentences_cover_every_character_of_their_paragraph(seed_paragraphs, seed_sentences):
    joined = seed_sentences.groupby(["doc_id", "para_no"])["text"].agg("".join)
    for row in seed_paragraphs.itertuples():
        assert joined[(row.doc_id, row.para_no)] == row.text


def test_a_closing_quotation_mark_stays_with_its_sentence(seed_sentences):
    assert not seed_sentences["text"].str.match(r"^[”’」』）)]").any()
    wugang = seed_sentences[seed_sentences["doc_id"] == WUGANG]
    assert (wugang["text"] == "“唯其艰难，方显勇毅；唯其磨砺，始得玉成。”").any()


def test_a_quotation_that_ends_a_sentence_inside_a_paragraph_keeps_its_mark(tmp_path):
    text = "会议强调：“要坚持政治建警。”各党支部要抓好落实！\n"
    loaded = corpus.load_corpus(write(tmp_path / "c", {"q.txt": text}))
    docs = loaded.documents()
    assert corpus.sentences(loaded)["text"].tolist() == ["会议强调：“要坚持政治建警。”", "各党支部要抓好落实！"]


def test_sentence_numbers_restart_in_each_paragraph(seed_sentences):
    for key, group in seed_sentences.groupby(["doc_id", "para_no"]):
        assert group["sent_no"].tolist() == list(range(1, len(group) + 1)), key
    assert (seed_sentences.groupby("doc_id")["para_no"].nunique() > 1).all()


def test_an_unwritable_cache_means_no_cache_and_one_warning_naming_it(tmp_path, caplog):
    folder = write(tmp_path / "c", {"a.txt": PLAIN})
    not_a_folder = tmp_path / "cache_is_a_file"
    not_a_folder.write_text("x", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        first = corpus.load_corpus(folder, cache_dir=not_a_folder)
        first.tokens()
        again = corpus.load_corpus(folder, cache_dir=not_a_folder)
    assert again.documents()["text"].tolist() == first.documents()["text"].tolist() != [""]
    warned = [r.getMessage() for r in caplog.records if "cannot be written" in r.getMessage()]
    assert warned and all(str(not_a_folder) in w for w in warned) and len(warned) == len(set(warned))
    streamed = corpus.stream_corpus(folder, scheduler="serial", cache_dir=not_a_folder)
    assert streamed.documents(["text"])["text"].tolist() == first.documents()["text"].tolist()


def test_a_cache_entry_that_holds_other_documents_is_named_and_not_used(tmp_path, caplog):
    import shutil

    folder = write(tmp_path / "c", {"a.txt": PLAIN})
    corpus.load_corpus(folder, cache_dir=tmp_path / "cache")
    (entry,) = (tmp_path / "cache" / "corpus").glob("*-docs.parquet")
    other = write(tmp_path / "o", {"b.txt": PLAIN})
    corpus.load_corpus(other, cache_dir=tmp_path / "other_cache")
    (stranger,) = (tmp_path / "other_cache" / "corpus").glob("*-docs.parquet")
    shutil.copyfile(stranger, entry)  # a valid Parquet file, of other content
    with caplog.at_level(logging.WARNING):
        again = corpus.load_corpus(folder, cache_dir=tmp_path / "cache")
    assert again.doc_ids == ["a"]
    assert any(str(entry) in r.getMessage() for r in caplog.records)


def test_an_edited_metadata_file_is_read_again_not_served_from_the_cache(tmp_path):
    folder = write(tmp_path / "c", {"a.txt": PLAIN})
    (folder / "metadata.csv").write_text("doc_id,province\na,甲省\n", encoding="utf-8")
    first = corpus.load_corpus(folder, cache_dir=tmp_path / "cache")
    (folder / "metadata.csv").write_text("doc_id,province\na,乙省\n", encoding="utf-8")
    second = corpus.load_corpus(folder, cache_dir=tmp_path / "cache")
    assert first.docs["province"].tolist() == ["甲省"] and second.docs["province"].tolist() == ["乙省"]


@pytest.mark.parametrize("streamed", [False, True])
def test_a_copy_of_a_folder_is_served_its_own_paths_not_the_first_loads(tmp_path, streamed):
    import shutil

    english = "A note in English only, with no Chinese in it: the pipeline names its file in problems()."
    folder = write(tmp_path / "first", {"a.txt": PLAIN, "b.txt": english})
    shutil.copytree(folder, tmp_path / "second")
    options = {"cache_dir": tmp_path / "cache", "stream_above_mb": 0 if streamed else float("inf")}
    corpus.load_corpus(folder, **options)
    copy = corpus.load_corpus(tmp_path / "second", **options)
    assert [Path(p).parent.name for p in copy.docs["path"]] == ["second", "second"]
    assert [Path(p).parent.name for p in corpus.problems(copy)["path"]] == ["second"]


def test_a_long_texts_signature_fed_in_chunks_is_the_one_fed_at_once(monkeypatch):
    from corpus import pipeline

    text = "".join(CPC_LIKE[(i * 7) % len(CPC_LIKE)] for i in range(5000))
    whole = pipeline.text_signature(text)
    monkeypatch.setattr(pipeline, "SIGNATURE_CHUNK_CHARS", 97)  # many chunks, and an odd size
    chunked = pipeline.text_signature(text)
    assert whole[0] == chunked[0] and (whole[1] == chunked[1]).all()


CPC_LIKE = "坚持以经济建设为中心坚持四项基本原则坚持改革开放自力更生艰苦创业"


def test_every_near_copy_whose_estimate_passes_the_threshold_is_flagged(cpc_corpus):
    """Paragraphs of the CPC reports and copies with a few characters changed: a pair is flagged exactly when its MinHash
    estimate reaches the threshold (the LSH bands let no such pair go unchecked; datasketch's balanced bands missed half)."""
    import random

    from datasketch import LeanMinHash

    from corpus import pipeline

    rng = random.Random(3)
    paragraphs = [t for t in cpc_corpus.paragraphs["text"] if len(t) > 300]
    scheme = pipeline._minhash_template().scheme
    near = 0
    for _ in range(150):
        text = rng.choice(paragraphs)
        chars = list(text)
        for _ in range(rng.randint(2, 10)):
            chars[rng.randrange(len(chars))] = rng.choice("的是了在和有这中大为上个国以要")
        copy = "".join(chars)
        (_, a), (_, b) = pipeline.text_signatures([text, copy])
        estimate = LeanMinHash(seed=1, hashvalues=a, scheme=scheme).jaccard(LeanMinHash(seed=1, hashvalues=b, scheme=scheme))
        near += 0.85 <= estimate < 0.95
        assert (corpus.flag_duplicates(["a", "b"], [text, copy])[1] == "a") == (estimate >= 0.85), estimate
    assert near >= 20  # the pairs that decide it: at the threshold


def test_a_text_set_one_character_a_line_is_loaded_and_listed_as_a_problem(tmp_path):
    vertical = "\n".join("为人民服务是我们党的根本宗旨全心全意") + "\n"  # a column of vertical text, as a PDF copy gives it
    folder = write(tmp_path / "c", {"vertical.txt": vertical, "a.txt": PLAIN})
    loaded = corpus.load_corpus(folder, cache=False)
    found = corpus.problems(loaded)
    assert loaded.doc_ids == ["a", "vertical"] and found["problem"].tolist() == ["one character a line"]
    assert found["doc_id"].tolist() == ["vertical"] and found["detail"].iloc[0].startswith("18 of 18 lines hold one character")
    assert corpus.problems(loaded.subset(doc_id=["a"])).empty


def test_a_text_with_almost_no_chinese_is_loaded_and_listed_as_a_problem_that_follows_it(tmp_path):
    folder = write(tmp_path / "c", {"latin.txt": "Annual report 2021. GDP growth 8.1%, CPI 0.9%. See the tables.\n", "a.txt": PLAIN})
    loaded = corpus.load_corpus(folder, cache=False)
    found = corpus.problems(loaded)
    assert loaded.doc_ids == ["a", "latin"] and found["doc_id"].tolist() == ["latin"]
    assert found["problem"].tolist() == ["little chinese"] and found["detail"].iloc[0].startswith("0 Chinese characters of 52:")
    assert corpus.problems(loaded.subset(doc_id=["a"])).empty


def test_a_metadata_files_blank_cells_leave_what_the_pages_carry_and_its_values_win_with_a_problems_row(tmp_path):
    """A ``date`` column filled for one page only: the others keep their pages' dates; a filled cell that disagrees with the
    page is a problems row; a column the pages carry too (a disclosure table's ``issuer``) stays one column."""
    scrapes = Path(__file__).parent / "fixtures" / "scrapes"
    for name in ("portal_notice.html", "date_in_url.html", "govcn_policy_table.html"):
        (tmp_path / name).write_bytes((scrapes / name).read_bytes())
    (tmp_path / "metadata.csv").write_text("doc_id,date,issuer\nportal_notice,,\ndate_in_url,2023-05-20,\n"
                                           "govcn_policy_table,2023,\n", encoding="utf-8")  # fmt: skip
    c = corpus.load_corpus(tmp_path, cache=False)
    docs = c.docs.set_index("doc_id")
    assert docs["date"].to_dict() == {"date_in_url": "2023-05-20", "govcn_policy_table": "2023", "portal_notice": "2023-03-15"}
    assert docs.loc["govcn_policy_table", "issuer"] == "某省人民政府办公厅" and docs.loc["portal_notice", "issuer"] is None
    assert not [column for column in docs.columns if column.endswith(("_table", "_carried"))]
    disagree = corpus.problems(c).query("problem == 'metadata disagrees with text'")
    assert disagree["doc_id"].tolist() == ["date_in_url"] and "2023-05-17" in disagree["detail"].iloc[0]  # 2023 agrees with 2023-06-19
