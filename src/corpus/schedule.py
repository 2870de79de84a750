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
import threading
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
    """Large new arrays on ordinary pages inside the block where huge pages come on advice only; settings as they were after.

    NumPy advises huge pages for every array of 4 MB or more, pyarrow's default allocator
    (mimalloc) for its segments. A first touch of a huge page can wait long: for the kernel to
    compact memory (numpy/numpy#31590), or, on a virtual machine that hands free memory back to
    its host in 2 MB blocks (free page reporting), for the host to back the block again. On the
    project's virtual machine 320 MB of new NumPy array took 2.2-2.9 s with the advice and
    0.13-0.15 s without, a first 50 MB load + tokens in a process a fifth less time without
    (figures in ``benchmarks/README.md``, "Seventh pass"). Where huge pages are not slow to come,
    the block costs the extra faults of 4 KB pages (here 0.12 s against 0.06 s for 320 MB).

    Inside, NumPy gives no advice and pyarrow calls given no pool allocate with the system
    allocator. Memory NumPy advised before the block keeps its advice (an array of 4-32 MB can
    reuse it). Process-wide, like :func:`collector_paused`, for the project's own bulk work:
    the first of blocks that nest or overlap (in threads too) switches, the last to leave restores.
    """
    if not huge_pages_on_advice():
        yield
        return
    _PAGE_SETTINGS.enter()
    try:
        yield
    finally:
        _PAGE_SETTINGS.leave()


class _PageSettings:
    """NumPy's huge-page advice and pyarrow's default pool: switched by the first open block, restored by the last."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.open_blocks = 0
        self.saved: tuple[bool, Any] | None = None  # NumPy's advice and pyarrow's pool before the first block

    def enter(self) -> None:
        import pyarrow as pa

        with self.lock:
            if self.open_blocks == 0:
                advised = _numpy_huge_page_advice(False)
                try:
                    pool = pa.default_memory_pool()
                    pa.set_memory_pool(pa.system_memory_pool())
                except BaseException:
                    _numpy_huge_page_advice(advised)
                    raise
                self.saved = (advised, pool)
            self.open_blocks += 1

    def leave(self) -> None:
        import pyarrow as pa

        with self.lock:
            self.open_blocks -= 1
            if self.open_blocks == 0 and self.saved is not None:
                advised, pool = self.saved
                self.saved = None
                pa.set_memory_pool(pool)
                _numpy_huge_page_advice(advised)

    def after_fork(self) -> None:
        """In a forked child: a new lock (another thread may have held the parent's); the blocks open at the fork stay open."""
        self.lock = threading.Lock()


_PAGE_SETTINGS = _PageSettings()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_PAGE_SETTINGS.after_fork)


def _numpy_huge_page_advice(enabled: bool) -> bool:
    """Set whether NumPy advises huge pages for large arrays; what it was before (the runtime form of NUMPY_MADVISE_HUGEPAGE)."""
    try:
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:  # NumPy 1.x without the numpy._core forwarding module
        from numpy.core.multiarray import _set_madvise_hugepage
    return _set_madvise_hugepage(enabled)
