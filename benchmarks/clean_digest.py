"""Digests of what cleaning and loading produce, to show that a change for speed changed nothing else.

Usage: python benchmarks/clean_digest.py --save before.json      (with the code before the change)
       python benchmarks/clean_digest.py --compare before.json   (after it: lists what differs)

Digested, one SHA-256 each: ``clean_text`` of every CPC report (``../shared/corpora/cpc``, read
in place) and seed, as it is, in Traditional script, flattened to one line and with CRLF
line breaks (text, fields and every audit edit); the loader's summary of the same (bulk steps
summarised, spans, raw offsets) and its duplicate signature; every cleaning case of
``tests/fixtures/clean_cases.json`` alone and inside running text; and the tables of
``load_corpus(cache=False)`` (values and dtypes) of the CPC reports, the seeds and the corpus
``bench_load_clean.py`` builds (``--mb``, default 3). To compare with the code of a commit, run
``--save`` from a checkout of it (``git worktree add``) with ``PYTHONPATH`` pointing at its
``src``. Not a test: it prints what differs and exits with status 1 if anything does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
import tempfile
from pathlib import Path

import corpus
from corpus import io
from corpus.clean import CleanConfig, clean_text, to_traditional
from corpus.pipeline import clean_collapsed, text_signature

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_load_clean  # noqa: E402


def digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, default=repr, sort_keys=True).encode()).hexdigest()


def _values(edit) -> tuple:
    """An edit's fields in order, whether it is a named tuple or (code before it) a dataclass."""
    return tuple(edit) if isinstance(edit, tuple) else tuple(vars(edit).values())


def texts(cpc: Path) -> dict[str, str]:
    found = {f"{folder.name}/{p.name}": io.decode_bytes(p.read_bytes()).text
             for folder in (cpc, ROOT / "seeds") if folder.is_dir() for p in sorted(folder.glob("*.txt"))}  # fmt: skip
    for name, text in list(found.items()):
        found[f"{name} (traditional)"] = to_traditional(text)
        found[f"{name} (one line)"] = text.replace("\n", "")
        found[f"{name} (crlf)"] = text.replace("\n", "\r\n")
    for k, case in enumerate(json.loads((ROOT / "tests" / "fixtures" / "clean_cases.json").read_text(encoding="utf-8"))):
        found[f"case {k}"] = case["input"]
        found[f"case {k} in text"] = f"坚持以人民为中心的发展思想。\n\n{case['input']}\n全面建设社会主义现代化国家。\n"
    return found


def digests(cpc: Path, mb: float) -> dict[str, str]:
    out = {}
    for name, raw in texts(cpc).items():
        cleaned = clean_text(raw)
        out[f"clean {name}"] = digest([cleaned.text, cleaned.fields, [(s, *_values(e)) for s, e in cleaned.edits]])
        summary = clean_collapsed(raw, CleanConfig())
        out[f"summary {name}"] = digest([summary.text, summary.fields, summary.offsets,
                                         [(s, *_values(e), n, span) for s, e, n, span in summary.edits]])  # fmt: skip
        key, values = text_signature(cleaned.text)
        out[f"signature {name}"] = digest([key, None if values is None else values.tolist()])
    with tempfile.TemporaryDirectory() as tmp:
        built = Path(tmp) / "built"  # the same path in every run: the tables name their files
        built.mkdir()
        bench_load_clean.build(mb, bench_load_clean.source_paragraphs(cpc), built)
        for label, folder in (("cpc", cpc), ("seeds", ROOT / "seeds"), ("built", built)):
            if not folder.is_dir():
                continue
            loaded = corpus.load_corpus(folder, pattern="*.txt", cache=False, workers=1, progress=False)
            for table in ("docs", "paragraphs", "audit", "problems"):
                frame = getattr(loaded, table)
                if "path" in frame.columns:
                    frame = frame.assign(path=[Path(p).name for p in frame["path"]])
                out[f"load {label} {table}"] = digest(frame.astype(str).to_dict("split"))
                out[f"load {label} {table} dtypes"] = digest(frame.dtypes.astype(str).to_dict())
            out[f"load {label} token_config"] = digest(repr(loaded.token_config))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--save", type=Path, help="write the digests to this file")
    action.add_argument("--compare", type=Path, help="compare with the digests in this file")
    parser.add_argument("--mb", type=float, default=3.0, help="size of the built corpus")
    parser.add_argument("--cpc", type=Path, default=ROOT.parent / "shared" / "corpora" / "cpc")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    now = digests(args.cpc, args.mb)
    if args.save:
        args.save.write_text(json.dumps(now, ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8")
        print(f"{len(now)} digests written to {args.save}")
        return
    before = json.loads(args.compare.read_text(encoding="utf-8"))
    differ = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
    print(f"{len(now)} digests, {len(differ)} differ" + "".join(f"\n  {k}" for k in differ))
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
