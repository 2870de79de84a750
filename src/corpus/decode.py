"""Decoding a document's bytes: the encoding is detected by explicit rules, never guessed silently.

The rules, in the order they are tried (cheap and certain first):

1. **Empty**: no bytes, or only whitespace → ``DecodeError("empty")``.
2. **Byte-order mark** (UTF-8, UTF-16, UTF-32): that encoding, confidence 1.
3. **Strict UTF-8**: ``utf-8``, confidence 1. Two exceptions, both cheap to test:
   bytes whose NULs sit in alternate positions (ASCII-heavy UTF-16 is valid UTF-8)
   are read as UTF-16 (rule 4); and a short file (≤ ``SHORT_FILE_BYTES``) whose UTF-8
   reading is only scattered Latin/Greek/Cyrillic/Arabic letters (no CJK, no ASCII
   letter) while its GB18030 reading is all common Chinese is read as GB18030: about
   2% of two-character GBK files are also valid UTF-8.
4. **UTF-16/32 without a mark**: each byte order is decoded and scored by the share of
   characters that are plausible text (``WIDE_TEXT_SHARE``); NUL bytes in alternate
   positions (ASCII, digits, newlines) make the right order stand out at once. UTF-16
   without any NUL (CJK only) must also read as common Chinese, be at least
   ``WIDE_MIN_CHARS`` characters long and beat the GB18030/Big5 reading (rule 7).
5. **Binary**: other NUL bytes, or more than ``CONTROL_SHARE`` of control bytes →
   ``DecodeError("binary")``. (Valid UTF-8 containing NULs is text: rule 3.)
6. **Not Chinese** (legacy encodings): the EUC-JP and Shift_JIS readings are checked
   for Japanese prose, the EUC-KR reading for Korean prose (*Scripts* below) →
   ``DecodeError("not chinese")``.
7. **GB18030 or Big5**: both readings are scored by their *common-character share*:
   each non-ASCII character counts 1 if it is a GB2312 level-1 (3,755 common simplified)
   or Big5 level-1 (5,401 common traditional) character or CJK punctuation, 0.5 if it is
   GB2312 level-2 or Big5 level-2, 0 otherwise (kana, Greek, private use, rare
   characters). The higher share wins and **a tie goes to GB18030**: two or three GBK
   characters usually also decode as Big5, and a GB2312 level-1 word always scores 1 in
   its GB18030 reading, so short mainland files are read as GB18030, never as Big5.
   Big5 text of a sentence or more scores about 1 as Big5 and well under 1 as GB18030.
8. **A few undecodable bytes**: UTF-8 (when its valid part holds at least two
   multi-byte characters per bad sequence, and no strict GB18030 reading scores as
   well), then GB18030 and Big5, may have at most one bad sequence per
   ``BYTES_PER_REPLACEMENT`` bytes (at least one in any file, ``MAX_REPLACED`` at
   most). Each bad sequence becomes U+FFFD, exactly as ``bytes.decode(enc, "replace")``
   gives it, and is listed in :attr:`Decoded.replaced` with its offsets.
9. Otherwise → ``DecodeError("undecodable")`` naming the first bad byte of each reading.

*Scripts*: any decoded text is refused as not Chinese when Hangul makes up at least
``HANGUL_SHARE`` of its CJK letters (Han, kana, Hangul) or kana at least ``KANA_SHARE``
(at least ``MIN_SCRIPT_CHARS`` of them either way). Korean prose is nearly all Hangul;
Japanese prose is 40–70% kana; a Chinese text quoting a Japanese title or a Korean
name stays far below both. Large texts are measured on three samples of
``SAMPLE_CHARS`` characters. In legacy encodings the script shares alone cannot
decide: common GBK characters also decode as Hangul in EUC-KR, and common Big5
characters (lead byte A4, 中 文 化 不) as hiragana in EUC-JP. So rule 6 asks of an
EUC-KR reading at least ``KOREAN_MIN_SYLLABLES`` Hangul syllables, at least
``KOREAN_COMMON_SHARE`` of them among ``KOREAN_COMMON`` and under 20% Hanja; and of an
EUC-JP or Shift_JIS reading at least ``JAPANESE_MIN_KANA`` kana making ``KANA_SHARE``
of its letters, at least ``JAPANESE_COMMON_SHARE`` of its hiragana among
``JAPANESE_COMMON``. Shorter Japanese or Korean files are read as Chinese (with a low
confidence): a few characters cannot tell.

*Confidence*: 1 for a byte-order mark or strict UTF-8; otherwise the chosen reading's
common-character (or plausible-text) share, times the share of bytes that decoded,
times ``min(1, n / EVIDENCE_CHARS)`` for a reading of ``n`` non-ASCII characters, and,
where a rival reading (GB18030 against Big5) was also valid with share ``rival``, times
``0.5 + 0.5 * min(1, n * (share - rival) / MARGIN_CHARS)``: a tie decided by the
GB18030 preference keeps half. A two-character GBK file gets about 0.06; a sentence 1.

Nothing here imports the rest of the package; :mod:`corpus.io` re-exports it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import cache

import numpy as np

#: Byte-order marks, longest first (the UTF-32-LE mark begins with the UTF-16-LE one).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: Every name :attr:`Decoded.encoding` may hold: with ``-bom`` (or ``-sig``) the file starts with a
#: byte-order mark, which :func:`encode_like` writes back. Big5-HKSCS only where CP950 fails.
CANDIDATE_ENCODINGS = ("utf-8", "utf-8-sig", "utf-16-le-bom", "utf-16-be-bom", "utf-32-le-bom", "utf-32-be-bom",
                       "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "gb18030", "cp950", "big5hkscs")  # fmt: skip
#: Legacy encodings checked only to refuse their text as not Chinese, with the name a researcher knows.
NON_CHINESE_ENCODINGS = {"euc_jp": "EUC-JP", "cp932": "Shift_JIS", "euc_kr": "EUC-KR", "cp949": "CP949 (Korean)"}

#: Files up to this size that are valid UTF-8 may still be read as GB18030 (rule 3).
SHORT_FILE_BYTES = 1024
#: A UTF-16/32 reading without a byte-order mark must be at least this share of plausible text.
WIDE_TEXT_SHARE = 0.9
#: Without NUL bytes, a UTF-16 reading needs this many characters (two Big5 characters can be two CJK ones in UTF-16-LE).
WIDE_MIN_CHARS = 4
#: More control bytes than this share (tab, newlines and form feed aside) make a file binary.
CONTROL_SHARE = 0.01
#: One undecodable sequence is tolerated per this many bytes (and one in any file) ...
BYTES_PER_REPLACEMENT = 1000
#: ... and never more than this many in one file.
MAX_REPLACED = 100
#: A lenient UTF-8 reading needs this many valid multi-byte characters per bad sequence.
UTF8_EVIDENCE = 2
#: Hangul share of CJK letters at or above which a text is Korean.
HANGUL_SHARE = 0.5
#: Kana share of CJK letters at or above which a text is Japanese.
KANA_SHARE = 0.25
#: Fewer kana or Hangul than this never make a text "not Chinese".
MIN_SCRIPT_CHARS = 2
#: An EUC-KR reading is Korean prose only with at least this many Hangul syllables ...
KOREAN_MIN_SYLLABLES = 8
#: ... of which at least this share are among :data:`KOREAN_COMMON`.
KOREAN_COMMON_SHARE = 0.3
#: Frequent Korean syllables (particles, endings, common nouns): 40–60% of Korean prose, about
#: 5% of the syllables a Chinese GBK text turns into when read as EUC-KR.
KOREAN_COMMON = frozenset(
    "이다에의는로하을가고지서한은기으년대사시를리도인스일수있것자정적국나어전부상주제해보아요게"
    "여구위만들성장라동면과와개경관세연방원문화중내소행치생회분입공실모무민미되없했니까마거그러"
    "습우용조신명계단비선물안발교통학결말때월날등및된할함합께더또업진당각두야처히같저현재터령외"
)
#: An EUC-JP or Shift_JIS reading is Japanese prose only with at least this many kana ...
JAPANESE_MIN_KANA = 8
#: ... and at least this share of its hiragana among :data:`JAPANESE_COMMON`.
JAPANESE_COMMON_SHARE = 0.35
#: Hiragana of Japanese particles and endings: over half of the hiragana in Japanese prose, and
#: 16 of the 86 hiragana that common Big5 characters (lead byte A4) turn into when read as EUC-JP.
JAPANESE_COMMON = frozenset("のにはをたがでてとしいるかなすっ")
#: Bytes decoded at a time where a file has undecodable bytes.
_WINDOW = 1 << 20
#: Characters sampled from each of the start, middle and end of a long text for the script shares.
SAMPLE_CHARS = 100_000
#: Bytes from the start of a file (or characters from the start of a reading) on which readings are compared.
SAMPLE_BYTES = 1 << 16
#: A reading of fewer non-ASCII characters than this gets proportionally less confidence.
EVIDENCE_CHARS = 16
#: Where a rival reading is also valid, the winner's lead must be worth this many characters
#: (share lead × characters) for full confidence; a tie halves it.
MARGIN_CHARS = 4

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u31f0-\u31ff]")  # full-width: half-width kana is what GBK turns into as Shift_JIS
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3131-\u318e]")
_KANA_OR_HANGUL = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u31f0-\u31ff\uac00-\ud7a3\u1100-\u11ff\u3131-\u318e]")
_NOT_BLANK = re.compile(r"[^\s\x00-\x08\x0e-\x1f\x7f]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\v\f\r") + b"\x7f"
_CONTROL_BYTE = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SCORED = re.compile(r"[^\x00-\x7f\s\ufffd]")
_ISO2022 = {b"\x1b$)C": "iso2022_kr", b"\x1b$B": "iso2022_jp", b"\x1b$@": "iso2022_jp", b"\x1b$(D": "iso2022_jp_1"}


class CorpusError(ValueError):
    """A corpus or metadata file cannot be used as it is; the message says which and why.

    Defined here, in the first module on the data's path, so that :class:`DecodeError` is
    one; :mod:`corpus.io` re-exports it.
    """


class ReadError(CorpusError):
    """A file gives no document: ``problem`` is a short name for the case, ``detail`` a sentence saying what was found.

    The reader turns one into a row of ``problems`` (:mod:`corpus.io`).
    """

    def __init__(self, problem: str, detail: str):
        super().__init__(f"{problem}: {detail}")
        self.problem = problem
        self.detail = detail


class DecodeError(ReadError):
    """A document's bytes are empty, binary, not Chinese or in no plausible encoding.

    ``problem``: "empty", "binary", "not chinese" or "undecodable"; ``detail`` names the byte
    offset where it matters.
    """


@dataclass(frozen=True)
class Replacement:
    """One undecodable byte sequence: where it was in the file and in the text, and its bytes."""

    #: Offset of the sequence's first byte in the file (a byte-order mark included).
    byte_offset: int
    #: Offset of the U+FFFD that stands for it in the decoded text.
    char_offset: int
    #: The bytes that could not be decoded, in hexadecimal ("e4b8").
    hex: str


@dataclass(frozen=True)
class Decoded:
    """A document's text exactly as decoded, the encoding that decoded it and how sure that is."""

    text: str
    encoding: str
    #: 1.0 for a byte-order mark or strict UTF-8; otherwise the measure in the module docstring.
    confidence: float = 1.0
    #: Undecodable byte sequences, each a U+FFFD in ``text``, in file order.
    replaced: tuple[Replacement, ...] = ()
    #: Why the encoding is not the one the file declares, where it declared another ("" otherwise).
    overrides: str = ""


def decode_bytes(data: bytes) -> Decoded:
    """Decode a document's bytes by the module's rules; raise :class:`DecodeError` with the reason.

    >>> decode_bytes("全面建设社会主义现代化国家".encode("utf-8")).encoding
    'utf-8'
    >>> short = decode_bytes("小康".encode("gbk"))
    >>> short.text, short.encoding, short.confidence < 0.5
    ('小康', 'gb18030', True)
    >>> cut = decode_bytes("全面建成小康社会".encode("utf-8")[:-1])
    >>> cut.text[:-1], cut.replaced
    ('全面建成小康社', (Replacement(byte_offset=21, char_offset=7, hex='e4bc'),))
    """
    decoded = _decode(data)
    if decoded.replaced and not decoded.text.replace("\ufffd", "").strip():
        first = decoded.replaced[0]
        raise DecodeError("undecodable", f"nothing but undecodable bytes in {decoded.encoding} (the first at byte {first.byte_offset}: "
                                         f"0x{first.hex})")  # fmt: skip
    return decoded


def _decode(data: bytes) -> Decoded:
    """:func:`decode_bytes` before its last check (a text of nothing but replaced bytes is no text)."""
    if not data.strip():
        raise DecodeError("empty", "the file has no text" if not data else "the file holds only whitespace")
    for bom, name in BOMS:
        if data.startswith(bom):
            codec = name.removesuffix("-sig")
            reading = _lenient(data, codec, start=len(bom))
            if reading is None:
                raise DecodeError("undecodable", f"starts with a {name.removesuffix('-sig').upper()} byte-order mark but is not "
                                  f"{codec.upper()}: {_first_bad(data, codec, len(bom))}")  # fmt: skip
            text, replaced = reading
            encoding = name if name == "utf-8-sig" else f"{name}-bom"
            return _checked(Decoded(text, encoding, _byte_share(data, replaced), replaced), name.upper())
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_not_utf8(data)
    head = data[:SAMPLE_BYTES]  # UTF-16 has NULs, ISO-2022 escapes, from its first line: no scan of a big file
    if b"\x00" in head:
        wide = _wide_reading(data, nul_pattern_only=True)
        if wide is not None:
            return _checked(wide, _wide_label(wide))
    if b"\x1b" in head:
        _refuse_iso2022(data)
    if len(data) <= SHORT_FILE_BYTES:
        gb = _short_gb_instead_of_utf8(data, text)
        if gb is not None:
            return gb
    return _checked(Decoded(text, "utf-8"), "UTF-8")


def encode_like(text: str, encoding: str, replaced: tuple[Replacement, ...] = ()) -> bytes:
    """Re-encode decoded text as the file held it (byte-order mark and undecodable bytes included).

    ``replaced``: the decoding's :attr:`Decoded.replaced`, whose bytes go back where their
    U+FFFD stands, so that even a damaged file's exact bytes come back.

    >>> data = codecs.BOM_UTF16_LE + "治理".encode("utf-16-le")
    >>> decoded = decode_bytes(data)
    >>> encode_like(decoded.text, decoded.encoding) == data
    True
    >>> damaged = "基层治理".encode("gb18030") + b"\\xff"
    >>> again = decode_bytes(damaged)
    >>> encode_like(again.text, again.encoding, again.replaced) == damaged
    True
    """
    prefix, codec = b"", encoding
    if encoding.endswith("-bom"):
        codec = encoding.removesuffix("-bom")
        prefix = dict((n, b) for b, n in BOMS)[codec]
    elif encoding == "utf-8-sig":
        codec, prefix = "utf-8", codecs.BOM_UTF8
    parts, at = [prefix], 0
    for rep in replaced:
        parts += [text[at : rep.char_offset].encode(codec), bytes.fromhex(rep.hex)]
        at = rep.char_offset + 1
    parts.append(text[at:].encode(codec))
    return b"".join(parts)


# --------------------------------------------------------------------------- rules for bytes that are not UTF-8


def _decode_not_utf8(data: bytes) -> Decoded:
    wide = _wide_reading(data, nul_pattern_only=False)
    if b"\x00" in data:
        if wide is None:
            raise DecodeError("binary", f"contains NUL bytes (the first at byte {data.index(0)}) and reads as no UTF-16/32 text")
        return _checked(wide, _wide_label(wide))
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > CONTROL_SHARE * len(data):
        if wide is not None:  # no legacy reading has so many control characters
            _refuse_prose(wide.text[:SAMPLE_BYTES], _wide_label(wide))
            if _common_score(wide.text[:SAMPLE_BYTES])[0] >= WIDE_TEXT_SHARE:
                return _checked(wide, _wide_label(wide))
        first = _CONTROL_BYTE.search(data).start()
        raise DecodeError("binary", f"{controls} of its {len(data)} bytes are control codes (the first at byte {first})")
    if wide is not None and (len(wide.text) < WIDE_MIN_CHARS or _common_score(wide.text[:SAMPLE_BYTES])[0] < WIDE_TEXT_SHARE):
        wide = None  # without NULs, UTF-16 must read as common Chinese (GBK read as UTF-16-BE is Hangul)
    head = data[:SAMPLE_BYTES]
    utf8 = _lenient(data, "utf-8")
    if utf8 is not None and _utf8_evidence(*utf8):
        utf8_score = _common_score(utf8[0][:SAMPLE_BYTES])[0]
        gb = _head_reading(head, "gb18030")
        if gb is None or _common_score(gb)[0] < utf8_score or not _decodes(data, "gb18030"):
            text, replaced = utf8
            return _checked(Decoded(text, "utf-8", round(utf8_score * _byte_share(data, replaced), 3), replaced), "UTF-8")
    _refuse_legacy_other_scripts(head)
    legacy = _legacy_chinese(data)
    if wide is not None and (legacy is None or wide.confidence > legacy.confidence):
        return _checked(wide, _wide_label(wide))
    if legacy is not None:
        return _checked(legacy, legacy.encoding.upper())
    raise DecodeError("undecodable", "not valid in any encoding Chinese text comes in: "
                      + "; ".join(f"{label} {_first_bad(data, codec)}" for codec, label in
                                  (("utf-8", "UTF-8"), ("gb18030", "GB18030"), ("cp950", "Big5"))))  # fmt: skip


def _legacy_chinese(data: bytes) -> Decoded | None:
    """Rules 7 and 8 for GB18030 and Big5: the reading of highest common-character share, fewer replacements and GB18030 first on a tie."""
    options = []
    for codec in ("gb18030", "cp950", "big5hkscs"):
        if codec == "big5hkscs" and any(o[3] == "cp950" and not o[5] for o in options):
            continue  # Big5-HKSCS only where CP950 fails
        reading = _lenient(data, codec)
        if reading is None:
            continue
        text, replaced = reading
        score, n = _common_score(text[:SAMPLE_BYTES])
        if n:
            options.append((score, -len(replaced), codec == "gb18030", codec, text, replaced, n))
    if not options:
        return None
    best = max(options)
    score, _bad, _gb, codec, text, replaced, n = best
    rival = max((o[0] for o in options if o is not best and not o[5]), default=None)
    confidence = score * min(1.0, n / EVIDENCE_CHARS) * _byte_share(data, replaced)
    if rival is not None:
        confidence *= 0.5 + 0.5 * min(1.0, n * (score - rival) / MARGIN_CHARS)
    return Decoded(text, codec, round(confidence, 3), replaced)


def _short_gb_instead_of_utf8(data: bytes, text: str) -> Decoded | None:
    """Rule 3's exception: short GBK bytes that happen to be valid UTF-8 (only scattered non-CJK letters)."""
    non_ascii = _NON_ASCII.findall(text)
    if not non_ascii or _ASCII_LETTER.search(text) or any(ord(c) >= 0x800 for c in non_ascii):
        return None
    try:
        gb = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    score, n = _common_score(gb)
    if score < 1.0:
        return None
    return _checked(Decoded(gb, "gb18030", round(min(1.0, n / EVIDENCE_CHARS) / 2, 3)), "GB18030")


def _utf8_evidence(text: str, replaced: tuple[Replacement, ...]) -> bool:
    """Whether a UTF-8 reading with replacements shows enough valid multi-byte characters to be UTF-8."""
    return _count_non_ascii(text) - len(replaced) >= UTF8_EVIDENCE * len(replaced)


def _wide_reading(data: bytes, *, nul_pattern_only: bool) -> Decoded | None:
    """UTF-16/32 without a byte-order mark: the byte order whose reading is most plausible text, or None.

    ``nul_pattern_only``: for bytes that are valid UTF-8, only a reading whose NULs sit in one
    position of each code unit (ASCII-heavy UTF-16/32) may replace the UTF-8 reading.
    """
    head = data[:SAMPLE_BYTES]
    candidates = []
    for codec, unit in (("utf-16-le", 2), ("utf-16-be", 2), ("utf-32-le", 4), ("utf-32-be", 4)):
        if nul_pattern_only and not _nul_pattern(head, codec, unit):
            continue
        if unit == 4 and head.count(0) < len(head) // 2:
            continue
        text = _head_reading(head[: len(head) - len(head) % unit], codec, final=False)
        share = _text_share(text) if text else 0.0
        if share >= WIDE_TEXT_SHARE:  # ties (short texts) go to the reading of more common Chinese characters
            candidates.append((share, _common_score(text)[0], codec))
    if not candidates:
        return None
    share, _common, codec = max(candidates)
    reading = _lenient(data, codec)
    if reading is None:
        return None
    text, replaced = reading
    confidence = share * _byte_share(data, replaced)
    if not nul_pattern_only and b"\x00" not in head:
        confidence *= min(1.0, len(text) / EVIDENCE_CHARS)
    return Decoded(text, codec, round(confidence, 3), replaced)


def _wide_label(decoded: Decoded) -> str:
    return decoded.encoding.upper() + " without a byte-order mark"


def _nul_pattern(head: bytes, codec: str, unit: int) -> bool:
    """Whether NUL bytes fill the high-byte position of ``codec``'s code units and almost never the low one."""
    low = 0 if codec.endswith("le") else unit - 1
    high = 1 if codec.endswith("le") else unit - 2
    usable = head[: len(head) - len(head) % unit]
    units = len(usable) // unit
    if units == 0:
        return False
    high_nuls, low_nuls = usable[high::unit].count(0), usable[low::unit].count(0)
    return high_nuls >= 0.3 * units and low_nuls * 10 <= high_nuls


def _refuse_iso2022(data: bytes) -> None:
    """Valid 7-bit bytes that switch into ISO-2022-JP or -KR are Japanese or Korean, not ASCII."""
    for escape, codec in _ISO2022.items():
        if escape in data:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            _check_scripts(text, codec.upper().replace("_", "-").replace("ISO2022", "ISO-2022"))


def _refuse_legacy_other_scripts(head: bytes) -> None:
    """Rule 6: raise "not chinese" where a Japanese or Korean legacy reading of ``head`` is prose."""
    for codec in ("euc_jp", "cp932"):
        text = _head_reading(head, codec)
        if text is not None:
            _refuse_prose(text, NON_CHINESE_ENCODINGS[codec])
    for codec in ("euc_kr", "cp949"):
        text = _head_reading(head, codec)
        if text is not None:
            _refuse_prose(text, NON_CHINESE_ENCODINGS[codec])
            return  # CP949 only where EUC-KR fails


def _refuse_prose(text: str, label: str) -> None:
    """Raise "not chinese" where ``text`` is Japanese or Korean prose by the stricter measures of rule 6."""
    han, kana, hangul = _script_counts(text)
    hiragana = [c for c in text if "\u3041" <= c <= "\u3096"]
    common = sum(c in JAPANESE_COMMON for c in hiragana)
    if (kana >= JAPANESE_MIN_KANA and kana >= KANA_SHARE * (han + kana + hangul)
            and common >= JAPANESE_COMMON_SHARE * len(hiragana)):  # fmt: skip
        raise DecodeError("not chinese", f"reads as Japanese ({label}): {_percent(kana, han + kana + hangul)} of its letters "
                          f"are kana, {_percent(common, len(hiragana))} of its hiragana the particles and endings of Japanese prose")  # fmt: skip
    syllables = [c for c in text if "\uac00" <= c <= "\ud7a3"]
    common = sum(c in KOREAN_COMMON for c in syllables)
    if (len(syllables) >= KOREAN_MIN_SYLLABLES and common >= KOREAN_COMMON_SHARE * len(syllables)
            and han < 0.2 * (han + hangul)):  # fmt: skip
        raise DecodeError("not chinese", f"reads as Korean ({label}): {len(syllables)} Hangul syllables, "
                          f"{_percent(common, len(syllables))} of them among the most common in Korean prose")  # fmt: skip


# --------------------------------------------------------------------------- measures


def _checked(decoded: Decoded, label: str) -> Decoded:
    """The decoded text, unless it is blank, only control characters, or Japanese or Korean (the *Scripts* rule)."""
    first = _NOT_BLANK.search(decoded.text)
    if first is None:
        if _CONTROL.search(decoded.text):
            raise DecodeError("binary", f"decodes as {label} to nothing but control characters and whitespace")
        raise DecodeError("empty", f"decodes as {label} to nothing but whitespace")
    _check_scripts(decoded.text, label)
    return decoded


def _check_scripts(text: str, label: str) -> None:
    sample = _sample(text)
    if not _KANA_OR_HANGUL.search(sample):
        return
    han, kana, hangul = _script_counts(sample)
    letters = han + kana + hangul
    if hangul >= MIN_SCRIPT_CHARS and hangul >= HANGUL_SHARE * letters:
        raise DecodeError("not chinese", f"reads as Korean ({label}): {_percent(hangul, letters)} of its letters are Hangul")
    if kana >= MIN_SCRIPT_CHARS and kana >= KANA_SHARE * letters:
        raise DecodeError("not chinese", f"reads as Japanese ({label}): {_percent(kana, letters)} of its letters are kana; "
                          "Chinese documents quote kana only in passing")  # fmt: skip


def _sample(text: str) -> str:
    if len(text) <= 3 * SAMPLE_CHARS:
        return text
    middle = len(text) // 2 - SAMPLE_CHARS // 2
    return text[:SAMPLE_CHARS] + text[middle : middle + SAMPLE_CHARS] + text[-SAMPLE_CHARS:]


def _script_counts(text: str) -> tuple[int, int, int]:
    """Han, (full-width) kana and Hangul characters in ``text``."""
    return len(_HAN.findall(text)), len(_KANA.findall(text)), len(_HANGUL.findall(text))


def _percent(part: int, whole: int) -> str:
    return f"{part / max(whole, 1):.0%}"


@cache
def _common_weights() -> dict[str, float]:
    """Weight of each character in the common-character share: 1 common, 0.5 less common (built on first use)."""
    weights: dict[str, float] = {}

    def add(codec: str, leads: range, trails: list[int], weight: float) -> None:
        for lead in leads:
            for trail in trails:
                try:
                    ch = bytes((lead, trail)).decode(codec)
                except UnicodeDecodeError:
                    continue
                weights[ch] = max(weights.get(ch, 0.0), weight)

    gb_trails = list(range(0xA1, 0xFF))
    big5_trails = list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))
    add("gb2312", range(0xB0, 0xD8), gb_trails, 1.0)  # level 1: 3,755 common simplified characters
    add("gb2312", range(0xD8, 0xF8), gb_trails, 0.5)  # level 2
    add("big5", range(0xA4, 0xC6), big5_trails, 1.0)  # A440–C67E: 5,401 common traditional characters
    add("big5", range(0xC6, 0xC7), big5_trails[:63], 1.0)  # (C6A1– holds kana in some Big5 tables)
    add("big5", range(0xC9, 0xFA), big5_trails, 0.5)  # C940–F9D5: less common
    punctuation = "".join(map(chr, range(0x3001, 0x3020))) + "".join(map(chr, range(0xFF01, 0xFF5F))) + "‐‑‒–—―‖‘’“”…·•"
    weights.update(dict.fromkeys(punctuation, 1.0))
    return weights


def _common_score(text: str) -> tuple[float, int]:
    """Common-character share of ``text``'s non-ASCII characters (U+FFFD and whitespace aside), and how many there are.

    Counted over the code points with two tables (:func:`_score_tables`); the weights are 1 and
    0.5, so the sum is exact in any order: the same figure as adding them one by one.
    """
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    scored, weights = _score_tables()
    bmp = points[points < 0x10000]
    n = int(np.count_nonzero(scored[bmp])) + (len(points) - len(bmp))  # beyond the BMP: scored, no weight
    if not n:
        return 0.0, 0
    return float(weights[bmp].sum()) / n, n


@cache
def _score_tables() -> tuple[np.ndarray, np.ndarray]:
    """For each code point of the BMP: whether :data:`_SCORED` matches it, and its common-character weight."""
    scored = np.fromiter((_SCORED.match(chr(c)) is not None for c in range(0x10000)), dtype=bool, count=0x10000)
    weights = np.zeros(0x10000, dtype=np.float64)
    for char, weight in _common_weights().items():
        weights[ord(char)] = weight
    if (weights[~scored] != 0).any():
        raise AssertionError("a weighted character that _SCORED does not count")
    return scored, weights


@cache
def _plausible() -> frozenset[str]:
    """Characters of plausible text: ASCII (controls aside), Latin-1, the common CJK set, kana, Hangul syllables."""
    ranges = [(0x20, 0x7E), (0xA0, 0xFF), (0x3040, 0x30FF), (0xAC00, 0xD7A3)]
    chars = {chr(c) for start, stop in ranges for c in range(start, stop + 1)}
    return frozenset(chars | set("\t\n\r\f") | set(_common_weights()))


def _text_share(text: str) -> float:
    """Share of ``text`` that is plausible text (:func:`_plausible`)."""
    if not text:
        return 0.0
    return sum(map(_plausible().__contains__, text)) / len(text)


def _count_non_ascii(text: str) -> int:
    return len(text) - len(text.encode("ascii", "ignore"))


def _byte_share(data: bytes, replaced: tuple[Replacement, ...]) -> float:
    """Share of the file's bytes that decoded (1.0 when nothing was replaced)."""
    if not replaced:
        return 1.0
    return round(1 - sum(len(r.hex) // 2 for r in replaced) / len(data), 4)


# --------------------------------------------------------------------------- decoding


def _head_reading(head: bytes, codec: str, final: bool | None = None) -> str | None:
    """``head`` decoded strictly, a character cut at its end allowed unless ``final``; None where it is not valid.

    By default ``final`` is whether ``head`` is the whole file (shorter than :data:`SAMPLE_BYTES`).
    """
    try:
        return codecs.getincrementaldecoder(codec)("strict").decode(head, final=len(head) < SAMPLE_BYTES if final is None else final)
    except UnicodeDecodeError:
        return None


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _lenient(data: bytes, codec: str, start: int = 0) -> tuple[str, tuple[Replacement, ...]] | None:
    """``data[start:]`` decoded with each bad sequence as U+FFFD and recorded, or None past the budget.

    The budget: one bad sequence per :data:`BYTES_PER_REPLACEMENT` bytes, at least one, at most
    :data:`MAX_REPLACED`. The text is what ``data[start:].decode(codec, "replace")`` gives.
    Decoded a window at a time: a decoding error copies the bytes it was given, and a few
    errors in a 50 MB file should not copy it a few times over.
    """
    budget = min(MAX_REPLACED, max(1, len(data) // BYTES_PER_REPLACEMENT))
    view, pos, end, chars = memoryview(data), start, len(data), 0
    pieces: list[str] = []
    replaced: list[Replacement] = []
    while pos < end:
        stop = min(end, pos + _WINDOW)
        try:
            piece = str(view[pos:stop], codec)
        except UnicodeDecodeError as exc:
            good = str(view[pos : pos + exc.start], codec)
            pieces.append(good)
            chars += len(good)
            if stop < end and exc.end == stop - pos and exc.start > 0:
                pos += exc.start  # a character cut by the window: decode it with the next
                continue
            if len(replaced) == budget:
                return None
            replaced.append(Replacement(pos + exc.start, chars, bytes(view[pos + exc.start : pos + exc.end]).hex()))
            pieces.append("\ufffd")
            chars += 1
            pos += exc.end
            continue
        pieces.append(piece)
        chars += len(piece)
        pos = stop
    return "".join(pieces), tuple(replaced)


def _first_bad(data: bytes, codec: str, start: int = 0) -> str:
    """Where ``data[start:]`` stops being valid ``codec``, in words."""
    try:
        str(memoryview(data)[start:], codec)
    except UnicodeDecodeError as exc:
        at = start + exc.start
        return f"fails at byte {at} (0x{data[at:at + 4].hex()}: {exc.reason})"
    return "is valid"
