"""Peak memory of loading one large document: prints MB of peak RSS and seconds per document size.

Usage: python benchmarks/bench_memory.py [--sizes 10 50] [--cpc ../shared/corpora/cpc]

The document is the CPC reports' paragraphs (the seeds' where that folder is absent) repeated in
a seeded order, each repetition numbered so no two paragraphs are equal, up to the size asked.
Each size is loaded by ``corpus.load_corpus(folder, cache=False, workers=1)`` in a fresh child
process, whose peak resident memory (``ru_maxrss``) is printed beside the same figure for a child
that only imports the package and reads the file. Figures are from one run.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import resource, sys, time
from pathlib import Path
import corpus
path = Path(sys.argv[1])
started = time.perf_counter()
if sys.argv[2] == "load":
    c = corpus.load_corpus(path, cache=False, workers=1)
    assert len(c) == 1 and c.docs["n_chars"].iloc[0] > 0
else:
    (path / "big.txt").read_text(encoding="utf-8")
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def build(folder: Path, mb: float, paras: list[str]) -> None:
    rng = random.Random(0)
    parts, size, i = [], 0, 0
    while size < mb * 1e6:
        line = f"（{i}）{rng.choice(paras)}"
        parts.append(line)
        size += len(line.encode("utf-8")) + 1
        i += 1
    (folder / "big.txt").write_text("\n".join(parts), encoding="utf-8")


def child(folder: Path, what: str) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(folder), what], check=True, capture_output=True, text=True)
    seconds, peak = out.stdout.split()
    return float(seconds), float(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[10, 50])
    parser.add_argument("--cpc", type=Path, default=ROOT.parent / "shared" / "corpora" / "cpc")
    args = parser.parse_args()
    source = args.cpc if args.cpc.is_dir() else ROOT / "seeds"
    paras = [p for f in sorted(source.glob("*.txt")) for p in f.read_text(encoding="utf-8").splitlines() if len(p) > 20]
    print(f"paragraphs from {source} ({len(paras)}); one document per size, loaded in a fresh process")
    print(f"{'size MB':>8} {'load s':>8} {'MB/s':>6} {'peak MB':>8} {'read-only peak MB':>18} {'peak / size':>12}")
    for mb in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            build(folder, mb, paras)
            seconds, peak = child(folder, "load")
            _, base = child(folder, "read")
        print(f"{mb:8.0f} {seconds:8.1f} {mb / seconds:6.2f} {peak:8.0f} {base:18.0f} {peak / mb:12.1f}")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"({time.perf_counter() - start:.0f} s in all)")
