"""The render cache: a small in-process LRU in front of diskcache, holding bytes only.

diskcache pickles values and keys by default, and unpickling a file that someone else wrote
runs their code (CVE-2025-69872). `BytesDisk` stores str keys and bytes values raw and
refuses to read anything pickled. Any cache failure (corrupt, missing, locked, read-only)
is a miss, never an error.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

from diskcache import Disk, FanoutCache
from diskcache.core import MODE_PICKLE, UNKNOWN

log = logging.getLogger("trustwidgets.cache")
RETRY_SECONDS = 5.0  # after a failure the disk is left alone this long: a broken cache costs nothing
DEFAULT_SIZE = 512 * 2**20  # bytes on disk at most, unless the volume has less room (see size_cap)
FREE_SHARE = 0.5  # the cache never takes more than this share of its volume's free space
RECHECK_SECONDS = 30.0  # how often the cap follows the volume's free space


def size_cap(wanted: int, free: int, used: int) -> int:
    """The cache's size limit: what was asked, but at most half of what is free for it.

    `used` is what the cache holds now: that room is the cache's own to reuse.
    """
    return max(0, min(wanted, int((free + used) * FREE_SHARE)))


class BytesDisk(Disk):  # type: ignore[misc]
    """A diskcache Disk for str keys and bytes values that never unpickles."""

    def put(self, key: Any) -> Any:
        if not isinstance(key, str):
            raise TypeError("cache keys are str")
        return super().put(key)

    def get(self, key: Any, raw: bool) -> Any:
        if not raw:
            raise ValueError("refusing a pickled cache key")
        return super().get(key, raw)

    def store(self, value: Any, read: bool, key: Any = UNKNOWN) -> Any:
        if not isinstance(value, bytes):
            raise TypeError("cache values are bytes")
        return super().store(value, read, key=key)

    def fetch(self, mode: int, filename: Any, value: Any, read: bool) -> Any:
        if mode == MODE_PICKLE:
            raise ValueError("refusing a pickled cache value")
        return super().fetch(mode, filename, value, read)


class RenderCache:
    """get/set of rendered bytes by key; an LRU of `memory_items` before the disk."""

    def __init__(
        self,
        directory: Path | str | None,
        *,
        shards: int = 1,
        memory_items: int = 1024,
        memory_bytes: int = 16 << 20,
        size: int = DEFAULT_SIZE,
    ) -> None:
        self.directory = None if directory is None else Path(directory)
        self.shards = shards
        self.size = size
        self._checked_at = 0.0
        self.memory: OrderedDict[str, bytes] = OrderedDict()
        # The event loop and the render threads share the memory: each step on it holds the lock
        # (a lookup's move_to_end after another thread evicted the key raised KeyError).
        self.lock = threading.Lock()
        self.memory_items = memory_items
        self.memory_bytes = memory_bytes  # bytes held in memory at most
        self.held = 0
        self._disk: FanoutCache | None = None
        self._retry_at = 0.0

    def _open(self) -> FanoutCache | None:
        if self.directory is None or time.monotonic() < self._retry_at:
            return None
        if self._disk is None:
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            os.chmod(self.directory, 0o700)
            self._disk = FanoutCache(
                str(self.directory),
                shards=self.shards,
                timeout=0.05,
                disk=BytesDisk,
                eviction_policy="least-recently-stored",
                size_limit=self._limit(0),
                # Keep SQLite's write-ahead log small, so the folder stays near the cap.
                sqlite_wal_autocheckpoint=64,
                sqlite_journal_size_limit=1 << 20,
            )
            self._checked_at = time.monotonic()
        return self._disk

    def _limit(self, used: int) -> int:
        assert self.directory is not None
        return size_cap(self.size, shutil.disk_usage(self.directory).free, used)

    def _follow_free_space(self, disk: FanoutCache) -> None:
        """Shrink (or grow back) the cap as the volume fills or frees; culling follows on set."""
        now = time.monotonic()
        if now - self._checked_at < RECHECK_SECONDS:
            return
        self._checked_at = now
        disk.reset("size_limit", self._limit(int(disk.volume())) // self.shards)  # per shard

    def _drop_disk(self, error: Exception) -> None:
        log.warning("render cache unavailable for %s s, treated as a miss: %s", RETRY_SECONDS, error)
        self._retry_at = time.monotonic() + RETRY_SECONDS
        disk, self._disk = self._disk, None
        if disk is not None:
            with contextlib.suppress(Exception):  # a broken cache must not break a request
                disk.close()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            hit = self.memory.get(key)
            if hit is not None:
                self.memory.move_to_end(key)
                return hit
        try:
            disk = self._open()
            value = None if disk is None else disk.get(key, default=None, retry=False)
        except Exception as error:  # noqa: BLE001
            self._drop_disk(error)
            return None
        if isinstance(value, bytes):
            self.remember(key, value)
            return value
        return None

    def set(self, key: str, value: bytes) -> None:
        self.remember(key, value)
        try:
            disk = self._open()
            if disk is not None:
                self._follow_free_space(disk)
                disk.set(key, value, retry=False)
        except Exception as error:  # noqa: BLE001
            self._drop_disk(error)

    def recall(self, key: str) -> bytes | None:
        """From memory only: for derived bytes (compressed bodies) not worth a disk write."""
        with self.lock:
            return self.memory.get(key)

    def remember(self, key: str, value: bytes) -> None:
        with self.lock:
            old = self.memory.pop(key, None)
            self.held += len(value) - (0 if old is None else len(old))
            self.memory[key] = value
            while len(self.memory) > self.memory_items or self.held > self.memory_bytes:
                _, dropped = self.memory.popitem(last=False)
                self.held -= len(dropped)

    def close(self) -> None:
        if self._disk is not None:
            self._disk.close()
            self._disk = None
