"""Where work runs: one function mapped over shards serially, in threads, in processes or on Dask.

Every scheduler returns the results in the order of the inputs, so a pipeline gives the
same output whichever runs it. Tasks are module-level functions that read and write
their own shards and return small summaries: nothing large crosses a process or network
boundary, which is what makes processes and Dask workers pay off (see ``benchmarks/``).
"""

from __future__ import annotations

import contextvars
import gc
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, TypeVar

log = logging.getLogger(__name__)

Scheduler = Literal["serial", "threads", "processes", "dask"]
SCHEDULERS: tuple[str, ...] = ("serial", "threads", "processes", "dask")
T = TypeVar("T")
#: Below this many characters, work that could go to worker processes (cleaning; segmenting with
#: the pure-Python jieba) runs in this process: starting workers and sending them the text costs more.
PROCESS_POOL_MIN_CHARS = 2_000_000


def check_scheduler(scheduler: str, address: str | None = None) -> None:
    """Raise a clear error for an unknown scheduler, or an address without Dask."""
    if scheduler not in SCHEDULERS:
        raise ValueError(f"`scheduler` must be one of {', '.join(SCHEDULERS)}; got {scheduler!r}")
    if address is not None and scheduler != "dask":
        raise ValueError(f"a scheduler address ({address}) needs scheduler='dask', not {scheduler!r}")


def default_workers() -> int:
    """All the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Runner:
    """Maps task functions over inputs on one scheduler; reuse it for the stages of a pipeline.

    ``workers`` defaults to all cores (``"serial"`` is one). For ``"dask"``, ``address`` names a running scheduler
    (``tcp://host:8786``); without one a ``LocalCluster`` with ``workers`` single-threaded
    worker processes is started and closed with the runner.
    """

    def __init__(self, scheduler: Scheduler = "processes", workers: int | None = None, address: str | None = None):
        check_scheduler(scheduler, address)
        self.scheduler, self.address = scheduler, address
        self.workers = 1 if scheduler == "serial" else max(1, workers if workers is not None else default_workers())
        self._pool: Any = None
        self._client: Any = None
        self._started = False

    def __enter__(self) -> Runner:
        self._started = True  # pools and clusters start at the first map: a cached pipeline starts none
        return self

    def _start(self) -> None:
        if self._pool is not None or self._client is not None:
            return
        if self.scheduler == "threads":
            self._pool = ThreadPoolExecutor(self.workers)
        elif self.scheduler == "processes" and self.workers > 1:
            self._pool = ProcessPoolExecutor(self.workers)
        elif self.scheduler == "dask":
            self._client = _dask_client(self.address, self.workers)

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown()
        if self._client is not None:
            cluster = self._client.cluster if self.address is None else None
            self._client.close()
            if cluster is not None:
                cluster.close()
        self._pool = self._client = None
        self._started = False

    def map(self, fn: Callable[..., T], items: Sequence[Any], *args: Any, progress: str | None = None) -> list[T]:
        """``[fn(item, *args) for item in items]``, run on the scheduler, in input order."""
        if not self._started:
            raise RuntimeError("start the runner first: `with Runner(...) as runner: runner.map(...)`")
        self._start()
        with _progress(len(items), progress) as advance:
            if self._client is not None:
                futures = self._client.map(fn, list(items), *[[a] * len(items) for a in args], pure=False)
                results = []
                for future in futures:  # gathered in order; the bar moves as each finishes in turn
                    results.append(future.result())
                    advance()
                return results
            if self._pool is not None:
                results = []
                for result in self._pool.map(fn, items, *[[a] * len(items) for a in args]):
                    results.append(result)
                    advance()
                return results
            results = []
            for item in items:
                results.append(fn(item, *args))
                advance()
            return results


#: Dask settings for the local cluster the runner starts (a cluster at an address keeps its own).
#: Nannies start workers with MALLOC_TRIM_THRESHOLD_=65536, which turns off glibc's adaptive
#: mmap threshold: every large temporary array is mapped and unmapped anew, and cleaning ran a
#: third to a half slower than in a process pool (MinHash updates 7x). The statistical profiler samples
#: the task thread every 10 ms for a dashboard this cluster does not serve (~7% on cleaning).
#: Measured on 100 MB; see benchmarks/README.md.
LOCAL_CLUSTER_CONFIG = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.profile.enabled": False,
}


def _dask_client(address: str | None, workers: int):
    """A client of the scheduler at ``address``, or of a new local cluster of ``workers`` processes."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - dask[distributed] is a dependency
        raise ImportError("scheduler='dask' needs dask.distributed: pip install 'dask[distributed]'") from exc
    if address is not None:
        try:
            return Client(address, timeout="30s")
        except OSError as exc:
            raise ConnectionError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    import dask

    with dask.config.set(LOCAL_CLUSTER_CONFIG):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    return Client(cluster)


_PROGRESS = contextvars.ContextVar("corpus_progress", default=True)


def show_progress() -> bool:
    """Whether long work shows progress bars here (on unless switched off by :func:`progress_bars`)."""
    return _PROGRESS.get()


@contextmanager
def progress_bars(enabled: bool) -> Iterator[None]:
    """Switch progress bars on or off for the work done inside the block (``load_corpus(progress=...)`` uses it).

    >>> with progress_bars(False):
    ...     show_progress()
    False
    >>> show_progress()
    True
    """
    token = _PROGRESS.set(bool(enabled))
    try:
        yield
    finally:
        _PROGRESS.reset(token)


def with_progress(results: Iterable[T], total: int, label: str) -> Iterator[T]:
    """Yield ``results`` while a progress bar (see :func:`_progress`) counts them."""
    with _progress(total, label, unit="item") as advance:
        for result in results:
            yield result
            advance()


@contextmanager
def _progress(total: int, label: str | None, unit: str = "shard") -> Iterator[Callable[[], None]]:
    """A tqdm bar (notebook widget or terminal) when labelled, more than one step, and progress is on."""
    if label is None or total < 2 or not show_progress():
        yield lambda: None
        return
    from tqdm.auto import tqdm

    with tqdm(total=total, desc=label, unit=unit, leave=False) as bar:
        yield lambda: bar.update(1)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off inside the block, then as it was: for bulk work that makes few cycles.

    Cleaning a batch makes millions of objects that live until its tables are built (edits,
    rows, lists); each time they grow by a quarter, the collector scans all of them and every
    other object of the session, for cycles they hardly form (5 MB of news: a full scan of
    0.09 s in a 1.5 s load; 5,000 cyclic objects left, a few hundred KB, freed by the next
    collection after the block). Worker processes forked inside start with it off too, so they
    do not scan the objects they inherited either. For the project's own bulk work only, not
    around extraction (four PDFs read with it off leave 92,000 cyclic objects). Blocks in
    several threads at once leave it on when the first found it on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


#: Where Linux says how it gives transparent huge pages (``enabled``: the chosen value in brackets).
HUGE_PAGE_SETTINGS = Path("/sys/kernel/mm/transparent_hugepage")


def huge_pages_on_advice(settings: Path | None = None) -> bool:
    """Whether the kernel gives huge pages to the memory advised for them and to no other (Linux's THP ``enabled``: ``madvise``).

    Then withholding the advice gives ordinary pages. False for ``always`` (advice or not, huge
    pages), ``never`` (none) and where the setting is absent (not Linux).
    """
    try:
        return _chosen(((settings or HUGE_PAGE_SETTINGS) / "enabled").read_text()) == "madvise"
    except (OSError, ValueError):
        return False


def _chosen(setting: str) -> str:
    """The bracketed value of a kernel setting such as ``always [madvise] never``."""
    start = setting.index("[") + 1
    return setting[start : setting.index("]", start)]


@contextmanager
def small_pages() -> Iterator[None]:
    """Large arrays on ordinary pages inside the block where huge pages come on advice only; settings as they were after.

    NumPy advises huge pages for every array of 4 MB or more, Arrow's default allocator
    (mimalloc) for its segments. A first touch of a huge page can wait long: for the kernel to
    compact memory (numpy/numpy#31590), or, on a virtual machine that hands free memory back to
    its host in 2 MB blocks (free page reporting), for the host to back the block again. On the
    project's virtual machine (no compaction counted in /proc/vmstat): 320 MB of new NumPy array
    in 2.2-2.9 s with the advice, 0.13-0.15 s without; a first 50 MB load + tokens in a process
    10.9-12.5 s against 8.9-9.2 s; a single 50 MB document loaded in 7.5 s against 4.9 s
    (``benchmarks/README.md``). Where huge pages come at once, ordinary ones cost at most the
    faults of 4 KB pages (here 0.12 s against 0.06 s per 320 MB). Inside the block NumPy gives
    no advice and Arrow allocates with the system allocator; arrays made inside live on
    unchanged after it. Process-wide, like :func:`collector_paused`: for the project's own bulk
    work (blocks entered in several threads at once can leave the advice off: only speed differs).
    """
    if not huge_pages_on_advice():
        yield
        return
    import pyarrow as pa

    advised = _numpy_huge_page_advice(False)
    pool = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(pool)
        _numpy_huge_page_advice(advised)


def _numpy_huge_page_advice(enabled: bool) -> bool:
    """Set whether NumPy advises huge pages for large arrays; what it was before (the runtime form of NUMPY_MADVISE_HUGEPAGE)."""
    try:
        from numpy._core import multiarray
    except ImportError:  # NumPy 1.x
        from numpy.core import multiarray
    return multiarray._set_madvise_hugepage(enabled)
