"""Big shops are read and rendered in a process of their own, so they never hold up the others.

A worker thread reading a shop of half a million reviews still takes the interpreter's lock
for its Python parts and allocates enough to set off the collector: the event loop, which
answers every other shop's cached documents, then waits tens of milliseconds at a time. A shop
with at least `big_shop` shown reviews is therefore read, rendered and held in a reader process
(run at the lowest CPU priority); the service only sends it (shop, version, date, path,
options) and gets the bytes back. Smaller shops stay in a worker thread: for them the trip to
another process costs more than it saves.

If the reader process dies, the request that noticed renders in a worker thread and the next
big read starts a new process.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from multiprocessing import get_context
from pathlib import Path

from ..core.catalogue import parse
from ..core.documents import render_document
from ..core.options import Resolved
from ..core.snapshot import Snapshot
from ..store.open import open_store
from ..store.protocol import ReviewStore
from ..store.worker import exit_with_parent

log = logging.getLogger("trustwidgets.readers")
BIG_SHOP = 20_000  # shown reviews from which a shop is read in the reader process
HELD = 4  # big shops the reader process keeps read in memory
READER_NICE = 19  # the whole process: CFS gives it about 1/70 of a nice-0 thread's CPU when both want it

# In the reader process only: its own store connection and the big shops it read last.
_data_dir = ""
_store: ReviewStore | None = None
_held: dict[str, Snapshot] = {}


def _start(data_dir: str) -> None:
    """The reader process's initializer: lower its priority once, note where the store is.

    It cannot fail: the store is opened at the first read, so a store that cannot be opened is
    that read's error (answered as the service answers its own), not a dead process.
    """
    global _data_dir
    exit_with_parent()  # a service killed with -9 takes its reader with it
    with contextlib.suppress(OSError):  # not allowed here: it still reads, at the service's priority
        os.nice(READER_NICE)
    _data_dir = data_dir


def render_apart(shop_id: str, version: str, as_of: date, path: str, options: Resolved) -> bytes | None:
    """In the reader process: the document at `path` of the shop as of `as_of`, or None."""
    global _store
    if _store is None:
        _store = open_store(Path(_data_dir))
    found = _held.pop(shop_id, None)
    if found is None or found.version != version or found.read_for != as_of:
        found = _store.snapshot(shop_id, as_of)
        if found is None:
            return None
    _held[shop_id] = found  # newest last
    while len(_held) > HELD:
        del _held[next(iter(_held))]
    ref = parse(path)
    assert ref is not None, "the service parsed this path before sending it"
    return render_document(found, ref, options)


class Readers:
    """The service's side: one reader process, started at the first big read."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=get_context("spawn"),  # never fork a process that runs threads
                    initializer=_start,
                    initargs=(str(self.data_dir),),
                )
            return self._pool

    def render(self, shop_id: str, version: str, as_of: date, path: str, options: Resolved) -> bytes | None:
        """The document rendered in the reader process (call it from a worker thread: it waits).

        Raises BrokenProcessPool when the process died; the next call starts a new one.
        """
        pool = self.pool()
        try:
            return pool.submit(render_apart, shop_id, version, as_of, path, options).result()
        except BrokenProcessPool:
            log.warning("the reader process stopped; starting a new one at the next big read")
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            raise
