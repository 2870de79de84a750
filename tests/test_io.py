"""Tests for reading documents (corpus.io): encodings detected, bytes kept, bad files listed.

Every fixture file is written here, into a temporary folder, from the text below in the
encoding under test, so each test knows exactly what the file holds.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import random
from pathlib import Path

import pandas as pd
import pytest

import corpus
from corpus.io import DecodeError, decode_bytes, encode_like, read_folder

SEEDS = Path(__file__).parents[1] / "seeds"

#: A short official-style text, simplified script, full-width punctuation.
SIMPLIFIED = (
    "县公安局党委召开专题会议，研究部署党建工作。"
    "会议强调，要坚持政治建警，推动党建与业务深度融合。"
    "各党支部要落实“三会一课”制度。"
)
#: The same text as a Hong Kong or Taiwan repost would carry it (traditional, corner quotes).
TRADITIONAL = (
    "縣公安局黨委召開專題會議，研究部署黨建工作。"
    "會議強調，要堅持政治建警，推動黨建與業務深度融合。"
    "各黨支部要落實「三會一課」制度。"
)
#: One short GBK line: unrestricted detection takes these bytes for Korean (cp949).
SHORT_GBK_LINE = "公安局党委召开会议。"

GB_FAMILY = {"gb18030", "gbk", "gb2312"}
BIG5_FAMILY = {"big5", "cp950", "big5hkscs"}

#: file stem -> (bytes on disk, text those bytes hold, acceptable encoding names)
GOOD_FILES = {
    "01_utf8": (SIMPLIFIED.encode("utf-8"), SIMPLIFIED, {"utf-8"}),
    "02_utf8_bom": (codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), SIMPLIFIED, {"utf-8-sig"}),
    "03_utf16le_bom": (codecs.BOM_UTF16_LE + SIMPLIFIED.encode("utf-16-le"), SIMPLIFIED, {"utf-16-le-bom"}),
    "04_utf16be_bom": (codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), SIMPLIFIED, {"utf-16-be-bom"}),
    "05_gb18030": (SIMPLIFIED.encode("gb18030"), SIMPLIFIED, GB_FAMILY),
    "06_gbk": (SIMPLIFIED.encode("gbk"), SIMPLIFIED, GB_FAMILY),
    "07_big5": (TRADITIONAL.encode("big5"), TRADITIONAL, BIG5_FAMILY),
    "08_short_gbk": (SHORT_GBK_LINE.encode("gbk"), SHORT_GBK_LINE, GB_FAMILY),
}


def _binary_bytes() -> bytes:
    rng = random.Random(20240501)
    body = bytes(rng.randrange(256) for _ in range(600))
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + body


#: file stem -> (bytes on disk, reason the loader must give)
BAD_FILES = {
    "90_empty": (b"", "empty"),
    "91_whitespace": (b"  \r\n\t\n   \n", "empty"),
    "92_binary": (_binary_bytes(), "binary"),
    "93_undecodable": (b"\x80\xff" * 24, "undecodable"),
}


def write_files(folder: Path, files: dict[str, tuple]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for stem, (data, *_rest) in files.items():
        (folder / f"{stem}.txt").write_bytes(data)
    return folder


def canonical(encoding: str) -> str:
    return codecs.lookup(encoding).name.replace("_", "-")


@pytest.fixture(scope="module")
def encodings_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_files(tmp_path_factory.mktemp("encodings"), GOOD_FILES)


@pytest.fixture(scope="module")
def encodings_docs(encodings_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    loaded = corpus.load_corpus(encodings_folder, cache_dir=tmp_path_factory.mktemp("cache"), progress=False)
    return loaded.docs.set_index("doc_id")


@pytest.fixture(scope="module")
def seeds_docs(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return corpus.load_corpus(SEEDS, cache_dir=tmp_path_factory.mktemp("cache"), progress=False).docs


# --------------------------------------------------------------------------- encodings


def test_every_encoding_of_the_same_text_loads_as_one_document_each(encodings_docs):
    assert sorted(encodings_docs.index) == sorted(GOOD_FILES)


@pytest.mark.parametrize("stem", sorted(GOOD_FILES))
def test_a_file_decodes_to_the_text_it_was_written_from(encodings_docs, stem):
    _data, text, _encodings = GOOD_FILES[stem]
    assert encodings_docs.at[stem, "raw"] == text


@pytest.mark.parametrize("stem", sorted(GOOD_FILES))
def test_the_encoding_column_names_the_encoding_the_file_was_written_in(encodings_docs, stem):
    _data, _text, accepted = GOOD_FILES[stem]
    found = encodings_docs.at[stem, "encoding"]
    if accepted & (GB_FAMILY | BIG5_FAMILY):
        assert canonical(found) in {canonical(e) for e in accepted}, found
    else:
        assert found in accepted


def test_a_short_gbk_line_is_read_as_chinese_not_korean(encodings_docs):
    found = encodings_docs.at["08_short_gbk", "encoding"]
    assert canonical(found) == "gb18030"
    assert "949" not in found and "kr" not in found.lower()
    assert encodings_docs.at["08_short_gbk", "raw"] == SHORT_GBK_LINE


@pytest.mark.parametrize("stem", sorted(GOOD_FILES))
def test_re_encoding_raw_like_the_file_gives_back_its_exact_bytes(encodings_docs, stem):
    data, _text, _encodings = GOOD_FILES[stem]
    row = encodings_docs.loc[stem]
    assert encode_like(row["raw"], row["encoding"]) == data


@pytest.mark.parametrize("stem", sorted(GOOD_FILES))
def test_sha256_is_the_hash_of_the_file_bytes_whatever_the_encoding(encodings_docs, stem):
    data, _text, _encodings = GOOD_FILES[stem]
    assert encodings_docs.at[stem, "sha256"] == hashlib.sha256(data).hexdigest()


def test_traditional_big5_text_is_cleaned_to_the_same_simplified_text(encodings_docs):
    assert encodings_docs.at["07_big5", "text"] == SIMPLIFIED
    assert encodings_docs.at["07_big5", "script"] == "traditional"
    assert encodings_docs.at["06_gbk", "text"] == SIMPLIFIED
    assert encodings_docs.at["06_gbk", "script"] == "simplified"


def test_decode_bytes_and_encode_like_round_trip_each_encoding():
    for stem, (data, text, _encodings) in GOOD_FILES.items():
        decoded = decode_bytes(data)
        assert decoded.text == text, stem
        assert encode_like(decoded.text, decoded.encoding) == data, stem


# --------------------------------------------------------------------------- files that cannot be read


@pytest.fixture()
def mixed_folder(tmp_path: Path) -> Path:
    write_files(tmp_path / "mixed", {k: GOOD_FILES[k] for k in ("01_utf8", "06_gbk")})
    return write_files(tmp_path / "mixed", BAD_FILES)


def test_the_binary_fixture_really_contains_nul_bytes():
    assert b"\x00" in BAD_FILES["92_binary"][0]


def test_empty_whitespace_binary_and_undecodable_files_are_not_loaded(mixed_folder, tmp_path):
    loaded = corpus.load_corpus(mixed_folder, cache_dir=tmp_path / "cache", progress=False)
    assert sorted(loaded.docs["doc_id"]) == sorted(loaded.doc_ids) == ["01_utf8", "06_gbk"]


def test_each_unreadable_file_is_listed_in_problems_with_its_name_and_reason(mixed_folder, tmp_path):
    loaded = corpus.load_corpus(mixed_folder, cache_dir=tmp_path / "cache", progress=False)
    found = corpus.problems(loaded)
    pd.testing.assert_frame_equal(found, loaded.problems)
    assert list(found.columns)[:4] == ["path", "doc_id", "problem", "detail"]
    assert sorted(found["doc_id"]) == sorted(BAD_FILES)
    by_id = found.set_index("doc_id")
    for stem, (_data, reason) in BAD_FILES.items():
        assert by_id.at[stem, "problem"] == reason, stem
        assert Path(by_id.at[stem, "path"]).name == f"{stem}.txt"
        assert by_id.at[stem, "detail"], f"{stem}: no detail given"


def test_problems_are_asked_of_the_corpus_and_a_bare_table_is_refused_not_answered_empty(mixed_folder, tmp_path):
    loaded = corpus.load_corpus(mixed_folder, cache_dir=tmp_path / "cache", progress=False)
    with pytest.raises(TypeError, match="pass the Corpus itself"):
        corpus.problems(loaded.docs)


def test_a_whitespace_only_file_is_reported_as_holding_only_whitespace(mixed_folder, tmp_path):
    loaded = corpus.load_corpus(mixed_folder, cache_dir=tmp_path / "cache", progress=False)
    detail = corpus.problems(loaded).set_index("doc_id").at["91_whitespace", "detail"]
    assert "whitespace" in detail


def test_each_unreadable_file_is_logged_as_a_warning_naming_it(mixed_folder, tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="corpus"):
        corpus.load_corpus(mixed_folder, cache_dir=tmp_path / "cache", progress=False)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    for stem in BAD_FILES:
        assert any(f"{stem}.txt" in message for message in warnings), f"no warning names {stem}.txt: {warnings}"


@pytest.mark.parametrize("stem", sorted(BAD_FILES))
def test_strict_loading_raises_a_corpus_error_naming_the_unreadable_file(tmp_path, stem):
    folder = write_files(tmp_path / "strict", {"01_utf8": GOOD_FILES["01_utf8"], stem: BAD_FILES[stem]})
    with pytest.raises(corpus.CorpusError, match=f"{stem}\\.txt"):
        corpus.load_corpus(folder, strict=True, cache_dir=tmp_path / "cache", progress=False)


def test_strict_loading_of_readable_files_raises_nothing(encodings_folder, tmp_path):
    loaded = corpus.load_corpus(encodings_folder, strict=True, cache_dir=tmp_path / "cache", progress=False)
    assert len(loaded) == len(GOOD_FILES)


def test_a_folder_of_only_unreadable_files_gives_an_empty_corpus_and_lists_every_file(tmp_path):
    folder = write_files(tmp_path / "bad", BAD_FILES)
    loaded = corpus.load_corpus(folder, cache_dir=tmp_path / "cache", progress=False)
    assert len(loaded) == 0 and len(loaded.docs) == 0
    assert sorted(corpus.problems(loaded)["doc_id"]) == sorted(BAD_FILES)


@pytest.mark.parametrize("stem", sorted(BAD_FILES))
def test_decode_bytes_raises_a_decode_error_with_the_reason(stem):
    data, reason = BAD_FILES[stem]
    with pytest.raises(DecodeError) as info:
        decode_bytes(data)
    assert info.value.problem == reason
    assert isinstance(info.value, corpus.CorpusError) and info.value.detail


def test_read_folder_returns_documents_problems_and_metadata_separately(mixed_folder):
    docs, found, metadata = read_folder(mixed_folder)
    assert list(docs.columns) == ["doc_id", "path", "sha256", "raw", "encoding", "read_notes"]
    assert metadata is None  # plain text files say nothing of themselves
    assert sorted(docs["doc_id"]) == ["01_utf8", "06_gbk"]
    assert sorted(found["doc_id"]) == sorted(BAD_FILES)


# --------------------------------------------------------------------------- the seeds


def test_the_seeds_raw_text_re_encodes_to_the_exact_file_bytes(seeds_docs):
    assert len(seeds_docs) == 5
    for row in seeds_docs.itertuples():
        assert encode_like(row.raw, row.encoding) == Path(row.path).read_bytes(), row.doc_id


def test_the_seeds_sha256_is_the_hash_of_the_file_bytes(seeds_docs):
    for row in seeds_docs.itertuples():
        assert row.sha256 == hashlib.sha256(Path(row.path).read_bytes()).hexdigest(), row.doc_id


# --------------------------------------------------------------------------- tables read in batches

_TABLE = "doc_id,text,province\nd1,党建引领基层治理,辽宁\nd2,,甘肃\nd3,基層治理「楓橋經驗」,江苏\nd4,一是抓班子,河南\n"


@pytest.mark.parametrize("data", [_TABLE.encode("utf-8"), codecs.BOM_UTF8 + _TABLE.encode("utf-8"),
                                  _TABLE.encode("utf-16"), _TABLE.encode("gb18030"), _TABLE.encode("utf-32")],
                         ids=["utf-8", "utf-8-bom", "utf-16-bom", "gb18030", "utf-32-bom"])  # fmt: skip
def test_a_table_read_in_batches_is_the_table_read_whole(tmp_path, data):
    path = tmp_path / "corpus.csv"
    path.write_bytes(data)
    whole, whole_problems, whole_meta = corpus.io.read_table(path)
    batches = list(corpus.io.iter_table(path, batch_rows=2))
    assert len(batches) == 2
    meta = pd.concat([b.metadata for b in batches], ignore_index=True)
    docs = pd.concat([b.docs for b in batches], ignore_index=True)
    assert docs["doc_id"].tolist() == whole["doc_id"].tolist() == ["d1", "d3", "d4"]  # no mark in the first column name
    assert docs["raw"].tolist() == whole["raw"].tolist() and docs["path"].tolist() == whole["path"].tolist()
    assert meta.equals(whole_meta)
    assert pd.concat([b.problems for b in batches])["path"].tolist() == whole_problems["path"].tolist() == [f"{path}#row2"]


# --------------------------------------------------------------------------- decoding cases through the loader


def test_a_few_undecodable_bytes_are_replaced_and_listed_with_their_offsets_in_the_audit(tmp_path):
    good = "坚持和发展中国特色社会主义，全面建成小康社会。" * 4
    data = good.encode("utf-8")
    (tmp_path / "stray.txt").write_bytes(data[:30] + b"\xff" + data[30:])
    (tmp_path / "cut.txt").write_bytes(data + "社会".encode("utf-8")[:-1])  # a byte cap inside the last character
    c = corpus.load_corpus(tmp_path, cache=False, progress=False)
    assert sorted(c.docs["doc_id"]) == ["cut", "stray"] and c.problems.empty
    rows = c.audit[(c.audit["step"] == "(read)") & (c.audit["action"] == "changed")].set_index("doc_id")
    assert "undecodable bytes at byte 30 of the file" in rows.loc["stray", "note"] and rows.loc["stray", "before"] == "ff"
    raw = c.documents().set_index("doc_id")["raw"]
    assert raw["stray"][rows.loc["stray", "start"]] == "\ufffd"
    assert raw["cut"].endswith("社\ufffd") and f"byte {len(data) + 3}" in rows.loc["cut", "note"]


def test_korean_and_japanese_text_is_a_problem_not_chinese_nonsense(tmp_path):
    (tmp_path / "ko.txt").write_bytes("대한민국 정부는 국민의 생활 안정을 위하여 경제 정책을 추진하고 있습니다.".encode("euc_kr"))
    (tmp_path / "ja.txt").write_bytes("日本政府は国民の生活を安定させるために経済政策を進めています。".encode("euc_jp"))
    (tmp_path / "zh.txt").write_text("全面建成小康社会。", encoding="utf-8")
    c = corpus.load_corpus(tmp_path, cache=False, progress=False)
    assert c.docs["doc_id"].tolist() == ["zh"]
    found = c.problems.set_index("doc_id")["problem"]
    assert found["ko"] == "not chinese" and found["ja"] == "not chinese"


def test_utf16_without_a_byte_order_mark_loads(tmp_path):
    text = "坚持和发展中国特色社会主义，全面建成小康社会。"
    (tmp_path / "le.txt").write_bytes(text.encode("utf-16-le"))
    (tmp_path / "be.txt").write_bytes(text.encode("utf-16-be"))
    docs = corpus.load_corpus(tmp_path, cache=False, progress=False).documents().set_index("doc_id")
    assert docs.loc["le", "raw"] == text and docs.loc["be", "raw"] == text
    assert set(docs["encoding"]) == {"utf-16-le", "utf-16-be"}


def test_subfolders_and_links_to_nothing_are_named_in_the_log(tmp_path, caplog):
    from corpus.io import corpus_files

    (tmp_path / "a.txt").write_text("十八大报告全文。", encoding="utf-8")
    (tmp_path / "2019").mkdir()
    (tmp_path / "2019" / "b.txt").write_text("十九大报告全文。", encoding="utf-8")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "loop1.txt").symlink_to(tmp_path / "loop2.txt")
    (tmp_path / "loop2.txt").symlink_to(tmp_path / "loop1.txt")
    with caplog.at_level("WARNING", logger="corpus.io"):
        assert [p.name for p in corpus_files(tmp_path)] == ["a.txt"]
    line = " ".join(r.getMessage() for r in caplog.records)
    assert "1 subfolder(s), not read" in line and "2019" in line
    assert "3 link(s) to nothing or in a loop" in line and "gone.txt, loop1.txt, loop2.txt" in line


def test_the_metadata_file_is_no_document_under_its_name_nor_through_a_link(tmp_path):
    from corpus.io import corpus_files

    (tmp_path / "a.txt").write_text("十八大报告全文。", encoding="utf-8")
    (tmp_path / "meta.csv").write_text("doc_id,year\na,2012\n", encoding="utf-8")
    (tmp_path / "b.csv").symlink_to(tmp_path / "meta.csv")  # the metadata again, under another name
    (tmp_path / "c.txt").symlink_to(tmp_path / "a.txt")  # a link to a document stays a document
    listed = [p.name for p in corpus_files(tmp_path, exclude=[tmp_path / "meta.csv"], quiet=True)]
    assert listed == ["a.txt", "c.txt"]
    relative = Path(tmp_path.name) / "meta.csv"  # the excluded file named by another path to it
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp_path.parent)
        assert [p.name for p in corpus_files(Path(tmp_path.name), exclude=[relative], quiet=True)] == ["a.txt", "c.txt"]
