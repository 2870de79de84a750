"""Tests for decoding a document's bytes (corpus.decode): real bytes in each encoding, written here.

Every case encodes invented text (in the style of Party Congress reports, or everyday Korean
and Japanese prose) in the encoding under test, so each test knows what the bytes hold.
"""

from __future__ import annotations

import codecs
import io
import random
import zipfile

import pytest

from corpus import decode
from corpus.decode import BOMS, DecodeError, Decoded, Replacement, decode_bytes, encode_like

#: Invented sentences in the style of a Party Congress report (simplified).
SIMPLIFIED = (
    "坚持和发展中国特色社会主义，全面建成小康社会，"
    "推进国家治理体系和治理能力现代化。各级党组织要把学习贯彻落实到基层。\n"
)
#: The same sentences as a Hong Kong or Taiwan repost would carry them.
TRADITIONAL = (
    "堅持和發展中國特色社會主義，全面建成小康社會，"
    "推進國家治理體系和治理能力現代化。各級黨組織要把學習貫徹落實到基層。\n"
)
#: Invented everyday Korean prose.
KOREAN = (
    "정부는 올해 경제 성장률을 높이기 위해 새로운 정책을 발표했다. 이번 정책은 중소기업을 지원하고 "
    "일자리를 늘리는 데 중점을 두고 있다. 전문가들은 이러한 조치가 지역 경제에 긍정적인 영향을 줄 것으로 보고 있다.\n"
)
#: Invented everyday Japanese prose.
JAPANESE = (
    "政府は今年の経済成長率を高めるため、新しい政策を発表した。今回の政策は中小企業を支援し、"
    "雇用を増やすことに重点を置いている。専門家は、この措置が地域経済に良い影響を与えると見ている。\n"
)
BIG5_FAMILY = {"cp950", "big5", "big5hkscs"}


def gb2312_level1() -> list[str]:
    """The 3,755 common simplified characters (GB2312 level 1, rows B0–D7), in code order."""
    chars = []
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.append(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def problem_of(data: bytes) -> DecodeError:
    with pytest.raises(DecodeError) as info:
        decode_bytes(data)
    return info.value


# --------------------------------------------------------------------------- GB18030 or Big5


def test_short_gbk_files_of_common_characters_are_read_as_gb18030_not_big5():
    common = gb2312_level1()
    assert len(common) == 3755
    rng = random.Random(20240501)
    words = ["".join(rng.choice(common) for _ in range(rng.choice((2, 3)))) for _ in range(500)]
    right = [decode_bytes(w.encode("gbk")) for w in words]
    share = sum(d.text == w and d.encoding == "gb18030" for d, w in zip(right, words)) / len(words)
    assert share >= 0.99, share


def test_a_short_file_read_by_the_gb18030_preference_says_so_in_its_confidence():
    short = decode_bytes("小康".encode("gbk"))  # also valid Big5 (its two characters are common there too)
    assert (short.text, short.encoding) == ("小康", "gb18030")
    assert short.confidence < 0.2
    sentence = decode_bytes(SIMPLIFIED.encode("gbk"))
    assert (sentence.text, sentence.encoding) == (SIMPLIFIED, "gb18030")
    assert sentence.confidence > 0.9


def test_short_gbk_bytes_that_happen_to_be_valid_utf8_are_still_read_as_gb18030():
    # A GBK character with lead byte C2–D7 and trail byte A1–BF is also a two-byte UTF-8 sequence.
    common = [c for c in gb2312_level1() if 0xC2 <= c.encode("gbk")[0] and c.encode("gbk")[1] <= 0xBF]
    rng = random.Random(3)
    words = ["".join(rng.sample(common, 2)) for _ in range(100)]
    assert all(_is_utf8(w.encode("gbk")) for w in words)
    assert [decode_bytes(w.encode("gbk")).text for w in words] == words


def test_latin_text_that_gb18030_could_also_read_stays_utf8():
    for text in ("café au lait", "Zürich, São Paulo", "naïve"):
        assert decode_bytes(text.encode("utf-8")).encoding == "utf-8"


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@pytest.mark.parametrize("text", [TRADITIONAL, "縣公安局黨委召開專題會議，研究部署黨建工作。", "中國特色社會主義進入新時代"])
def test_big5_text_of_a_sentence_is_still_read_as_big5(text):
    decoded = decode_bytes(text.encode("big5"))
    assert decoded.text == text
    assert decoded.encoding in BIG5_FAMILY
    assert encode_like(decoded.text, decoded.encoding) == text.encode("big5")


def test_gb18030_text_with_characters_outside_gbk_is_read_as_gb18030():
    text = "全面推进乡村振兴𠀀，€ 与 · 标点。"
    decoded = decode_bytes(text.encode("gb18030"))
    assert (decoded.text, decoded.encoding) == (text, "gb18030")


# --------------------------------------------------------------------------- not Chinese


@pytest.mark.parametrize(
    ("text", "codec", "language"),
    [
        (KOREAN, "euc_kr", "Korean"),
        (KOREAN, "cp949", "Korean"),
        (KOREAN, "iso2022_kr", "Korean"),
        (JAPANESE, "euc_jp", "Japanese"),
        (JAPANESE, "shift_jis", "Japanese"),
        (JAPANESE, "cp932", "Japanese"),
        (JAPANESE, "iso2022_jp", "Japanese"),
    ],
)
def test_korean_and_japanese_legacy_files_are_refused_as_not_chinese(text, codec, language):
    error = problem_of(text.encode(codec))
    assert error.problem == "not chinese"
    assert language in error.detail


@pytest.mark.parametrize(("text", "language"), [(KOREAN, "Korean"), (JAPANESE, "Japanese")])
@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le"])
def test_korean_and_japanese_unicode_files_are_refused_as_not_chinese(text, language, codec):
    error = problem_of(text.encode(codec))
    assert (error.problem, language in error.detail) == ("not chinese", True)


def test_a_chinese_text_quoting_a_japanese_title_or_a_korean_name_is_chinese():
    text = "代表团访问东京，参观了《ひまわり》展览，并会见了首尔市长오세훈。" + SIMPLIFIED
    for codec in ("utf-8", "gb18030"):
        assert decode_bytes(text.encode(codec)).text == text


def test_a_not_chinese_file_is_a_value_error_with_a_problem_and_a_detail():
    error = problem_of(KOREAN.encode("utf-8"))
    assert isinstance(error, decode.CorpusError) and isinstance(error, ValueError)
    assert str(error) == f"{error.problem}: {error.detail}"
    assert "Hangul" in error.detail


# --------------------------------------------------------------------------- a few undecodable bytes


def test_utf8_cut_inside_its_last_character_is_loaded_with_that_character_replaced():
    data = SIMPLIFIED.rstrip("\n").encode("utf-8")[:-1]  # a byte-capped scrape
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8"
    assert decoded.text == SIMPLIFIED.rstrip("\n")[:-1] + "\ufffd"
    last = len(SIMPLIFIED.rstrip("\n")) - 1
    assert decoded.replaced == (Replacement(byte_offset=len(data) - 2, char_offset=last, hex=data[-2:].hex()),)
    assert 0.9 < decoded.confidence < 1


def test_utf8_with_one_stray_byte_is_loaded_with_that_byte_replaced_at_its_offsets():
    before = "坚持和发展中国特色社会主义，"
    data = before.encode("utf-8") + b"\xff" + SIMPLIFIED.encode("utf-8")
    decoded = decode_bytes(data)
    assert decoded.text == before + "\ufffd" + SIMPLIFIED
    assert decoded.replaced == (Replacement(byte_offset=len(before.encode("utf-8")), char_offset=len(before), hex="ff"),)
    assert decoded.text == data.decode("utf-8", "replace")


def test_gb18030_with_one_stray_byte_is_loaded_with_that_byte_replaced_at_its_offsets():
    before = "全面建成小康社会，"
    data = before.encode("gb18030") + b"\xff" + SIMPLIFIED.encode("gb18030")
    decoded = decode_bytes(data)
    assert decoded.encoding == "gb18030"
    assert decoded.text == before + "\ufffd" + SIMPLIFIED
    assert decoded.replaced == (Replacement(byte_offset=len(before.encode("gb18030")), char_offset=len(before), hex="ff"),)


def test_encode_like_puts_replaced_bytes_back_where_they_were():
    for data in (SIMPLIFIED.encode("utf-8")[:-2], SIMPLIFIED.encode("gb18030") + b"\x81", codecs.BOM_UTF8 + b"\xfe" + SIMPLIFIED.encode()):
        decoded = decode_bytes(data)
        assert len(decoded.replaced) == 1
        assert encode_like(decoded.text, decoded.encoding, decoded.replaced) == data


def test_more_bad_sequences_than_one_per_thousand_bytes_is_refused_naming_the_first_bad_byte():
    good = SIMPLIFIED.encode("utf-8")
    data = good + b"\xff" + good + b"\xfe" + good  # two stray bytes in under 1,000 bytes
    assert len(data) < decode.BYTES_PER_REPLACEMENT
    error = problem_of(data)
    assert error.problem == "undecodable"
    assert f"UTF-8 fails at byte {len(good)}" in error.detail
    longer = (good * 10 + b"\xff") * 2  # two in more than 2,000 bytes
    assert len(decode_bytes(longer).replaced) == 2


def test_mostly_undecodable_bytes_are_refused_naming_the_first_bad_byte():
    error = problem_of(b"\x80\xff" * 24)
    assert error.problem == "undecodable"
    assert "byte 0" in error.detail


# --------------------------------------------------------------------------- UTF-16/32 without a byte-order mark


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("text", [SIMPLIFIED, SIMPLIFIED.rstrip("\n"), "2024年工作报告\n" + SIMPLIFIED, "Report 2024\r\n"])
def test_utf16_and_utf32_without_a_byte_order_mark_are_recognised(codec, text):
    decoded = decode_bytes(text.encode(codec))
    assert (decoded.text, decoded.encoding) == (text, codec)
    assert encode_like(decoded.text, decoded.encoding) == text.encode(codec)


# --------------------------------------------------------------------------- binary, empty, NUL


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("report.txt", SIMPLIFIED * 20)
    return buffer.getvalue()


def _png_bytes() -> bytes:
    body = random.Random(7).randbytes(600)
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + body


@pytest.mark.parametrize("data", [_png_bytes(), _zip_bytes(), random.Random(1).randbytes(4000), bytes(range(1, 256)) * 4],
                         ids=["png", "zip", "random", "control bytes"])  # fmt: skip
def test_binary_files_are_refused_as_binary(data):
    assert problem_of(data).problem == "binary"


@pytest.mark.parametrize(("data", "words"), [(b"", "no text"), (b" \r\n\t\n  ", "only whitespace"),
                                             (codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"), "whitespace"),
                                             ("\u3000\u3000\n".encode("utf-8"), "whitespace")])  # fmt: skip
def test_empty_and_whitespace_only_files_are_refused_as_empty(data, words):
    error = problem_of(data)
    assert error.problem == "empty" and words in error.detail


def test_valid_utf8_with_nul_bytes_is_text_for_the_cleaning_step():
    data = SIMPLIFIED.encode("utf-8") + b"\x00\x00" + "第二部分".encode("utf-8")
    decoded = decode_bytes(data)
    assert (decoded.text, decoded.encoding, decoded.confidence) == (data.decode("utf-8"), "utf-8", 1.0)


def test_valid_utf8_never_reaches_the_slower_rules(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a rule for bytes that are not UTF-8 ran on valid UTF-8")

    for name in ("_decode_not_utf8", "_legacy_chinese", "_lenient", "_refuse_legacy_other_scripts"):
        monkeypatch.setattr(decode, name, refuse)
    big = (SIMPLIFIED * 20_000).encode("utf-8")
    assert decode_bytes(big).text == SIMPLIFIED * 20_000


def test_every_encoding_reported_is_one_of_the_documented_names():
    files = [SIMPLIFIED.encode(c) for c in ("utf-8", "utf-8-sig", "utf-16", "utf-32", "utf-16-le", "utf-32-be", "gb18030")]
    files += [TRADITIONAL.encode("big5"), "香港特別行政區立法會".encode("big5hkscs") + "𨋢".encode("big5hkscs")]
    found = {decode_bytes(data).encoding for data in files}
    assert found <= set(decode.CANDIDATE_ENCODINGS), found - set(decode.CANDIDATE_ENCODINGS)
    assert "big5hkscs" in found


# --------------------------------------------------------------------------- byte-order marks


@pytest.mark.parametrize(("bom", "name"), BOMS, ids=[name for _bom, name in BOMS])
def test_a_byte_order_mark_decides_and_encode_like_gives_the_exact_bytes_back(bom, name):
    codec = name.removesuffix("-sig")
    data = bom + SIMPLIFIED.encode(codec)
    decoded = decode_bytes(data)
    assert decoded == Decoded(SIMPLIFIED, name if name == "utf-8-sig" else f"{name}-bom", 1.0, ())
    assert encode_like(decoded.text, decoded.encoding) == data


def test_a_byte_order_mark_over_bytes_of_another_encoding_is_refused_naming_the_byte():
    data = codecs.BOM_UTF8 + SIMPLIFIED.encode("gb18030")
    error = problem_of(data)
    assert error.problem == "undecodable"
    assert "UTF-8 byte-order mark" in error.detail and "fails at byte 3" in error.detail


def test_the_common_character_score_is_the_mean_weight_of_the_scored_characters():
    # The score counts with code-point tables; its plain form takes each non-ASCII character that is not
    # whitespace or U+FFFD and averages their weights (1 and 0.5: sums exact in any order, so equal figures).
    def plain(text: str) -> tuple[float, int]:
        chars = [c for c in text if ord(c) > 0x7F and not c.isspace() and c != "\ufffd"]
        weights = decode._common_weights()
        return (sum(weights.get(c, 0.0) for c in chars) / len(chars), len(chars)) if chars else (0.0, 0)

    rng = random.Random(7)
    alphabet = SIMPLIFIED + TRADITIONAL + KOREAN + JAPANESE + "\ufffd\u3000\xa0\u2028 abc\t𠀀😀ÿ€"
    texts = [SIMPLIFIED, TRADITIONAL, KOREAN, JAPANESE, "", "abc", "\ufffd \u3000", "\ud800党"]
    texts += [SIMPLIFIED.encode("gb18030").decode(codec, "replace") for codec in ("big5", "shift_jis", "latin-1")]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200))) for _ in range(2000)]
    for text in texts:
        assert decode._common_score(text) == plain(text), text[:20]
