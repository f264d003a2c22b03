"""`ParsePool`: parsing and cleaning in worker processes, so a big ingest uses every core.

The bot's own process fetches (asyncio) and stores (one writer); Python's GIL lets only
one thread at a time parse XML or clean text, which made parsing the bottleneck of every
large poll. Worker processes take that part. They are forked from a fork server that has
imported the parsing code once; a worker that dies (killed, out of memory) only costs a
retry of its document in the bot's own process and a fresh pool for the next one, and
every worker exits when the bot's process does.

Small documents are parsed inline: shipping a few kilobytes to a worker and back costs a
good part of what parsing them does. Workers start only once enough big documents came
along to earn back their start-up, so a bot that polls small feeds, or a one-shot command
reading a few, never starts one.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import ParamSpec, TypeVar

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

#: Documents smaller than this are parsed in the bot's own process.
INLINE_BELOW_BYTES = 64 * 1024
#: Workers start once this much has been parsed here from big documents: starting them
#: costs about half a second, which a one-shot command reading a few feeds never earns back.
START_AFTER_BYTES = 1024 * 1024
#: Workers started by default: one per core, at most this many (each holds its own
#: interpreter and parsing libraries, about 35 MB).
MAX_DEFAULT_WORKERS = 4
#: What the fork server imports once, so that every worker starts with it loaded.
_PRELOAD = ["bot.sources.parsing"]


def default_workers() -> int:
    """One worker per core available to this process, at most MAX_DEFAULT_WORKERS; none on
    a single core, where a worker would only compete with the bot's own process."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    return 0 if cores < 2 else min(cores, MAX_DEFAULT_WORKERS)


class ParsePool:
    """Runs CPU-bound parsing functions in up to `workers` processes (0: all inline)."""

    def __init__(
        self,
        workers: int | None = None,
        *,
        inline_below: int = INLINE_BELOW_BYTES,
        start_after: int = START_AFTER_BYTES,
    ):
        self.workers = default_workers() if workers is None else max(0, workers)
        self.inline_below = inline_below
        self.start_after = start_after
        #: Bytes of big documents parsed here while no worker ran (see START_AFTER_BYTES).
        self._parsed_here = 0
        self._executor: ProcessPoolExecutor | None = None
        #: The write end of the workers' lifeline (see `_exit_with_the_bot`).
        self._lifeline: Connection | None = None

    @property
    def started(self) -> bool:
        """True while worker processes are running."""
        return self._executor is not None

    @property
    def worker_pids(self) -> list[int]:
        """The process ids of the running workers (for metrics and benchmarks)."""
        processes = getattr(self._executor, "_processes", None) or {}
        return sorted(processes)

    async def start(self) -> None:
        """Start every worker now rather than when enough big documents came, and wait until
        each has answered once (a benchmark does this before it starts the clock)."""
        if self.workers == 0:
            return
        executor = self._executor or self._start()
        loop = asyncio.get_running_loop()
        await asyncio.gather(
            *(loop.run_in_executor(executor, os.getpid) for _ in range(self.workers))
        )

    def offloads(self, size: int) -> bool:
        """Whether a document of `size` bytes goes to a worker: a big one does, once workers
        run or enough big documents were parsed here to be worth starting them."""
        if self.workers == 0 or size < self.inline_below:
            return False
        return self._executor is not None or self._parsed_here >= self.start_after

    async def run(
        self,
        size: int,
        func: Callable[P, T],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """`func(*args, **kwargs)` for a document of `size` bytes, in a worker when it is
        big enough, else in a thread of this process (keeping the event loop free).

        `func` and its arguments must be picklable (module-level functions, plain data).
        Exceptions `func` raises come back as they are.
        """
        call = functools.partial(func, *args, **kwargs)
        if not self.offloads(size):
            if size >= self.inline_below:
                self._parsed_here += size
            return await asyncio.to_thread(call)
        loop = asyncio.get_running_loop()
        for _ in range(2):
            executor = self._executor or self._start()
            try:
                future = loop.run_in_executor(executor, call)
            except BrokenProcessPool:
                # A worker died since the last document: start a fresh pool and try again.
                self._discard(executor)
                continue
            except (OSError, RuntimeError) as exc:
                # Workers cannot be started here at all (a process limit, no /dev/shm, a
                # main module that is not import-safe): parse in this process from now on.
                log.error("cannot start parse workers (%s); parsing in the bot's own process", exc)
                self.workers = 0
                self._discard(executor)
                break
            try:
                return await future
            except BrokenProcessPool:
                # The worker died on this document (killed, out of memory): parse it here
                # once rather than feed it to a fresh pool that it might kill again.
                log.warning("a parse worker died; parsing this document here, pool restarts")
                self._discard(executor)
                break
        return await asyncio.to_thread(call)

    async def aclose(self) -> None:
        """Stop the workers (waiting for them to exit); a later `run` starts new ones."""
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)
        self._cut_lifeline()

    def _start(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        lifeline, self._lifeline = context.Pipe(duplex=False)
        self._executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_exit_with_the_bot,
            initargs=(lifeline,),
        )
        log.info("started %d parse workers", self.workers)
        return self._executor

    def _discard(self, executor: ProcessPoolExecutor) -> None:
        if self._executor is executor:
            self._executor = None
            self._cut_lifeline()
        executor.shutdown(wait=False, cancel_futures=True)

    def _cut_lifeline(self) -> None:
        lifeline, self._lifeline = self._lifeline, None
        if lifeline is not None:
            lifeline.close()


def _exit_with_the_bot(lifeline: Connection) -> None:
    """Run in each worker as it starts: exit as soon as the bot's process is gone.

    Only the bot's process holds the other end of `lifeline`; when it dies, even by
    `kill -9`, the read here ends and the worker exits. Without this an idle worker would
    wait for work forever, and keep its fork server alive with it.
    """

    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            lifeline.recv()
        os._exit(0)

    threading.Thread(target=watch, name="parse-worker-lifeline", daemon=True).start()
