"""Writes one folder of a build: each path once, with a .gz twin (and a .br twin when asked) for
text of 1 KB or more."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from widget_server.core.compression import Compressor, compress

TWIN_MIN_SIZE = 1024
TWIN_SUFFIXES = ("gz", "br")


def twin_codings(brotli: bool) -> tuple[tuple[str, str], ...]:
    """(suffix, content coding) of each twin a document of TWIN_MIN_SIZE or more gets."""
    return (("gz", "gzip"), ("br", "br")) if brotli else (("gz", "gzip"),)


# write_all works in batches of about this many bytes of documents: each step (render,
# compress, write) runs over a whole batch, which measured 19% faster for a shop of 1,415
# documents than one document at a time (brotli's tables and Jinja's code evict each other
# from the CPU's caches), while a shop of 100,000 reviews still never holds all its pages.
BATCH_BYTES = 8 << 20
# A new folder's files are created, never opened: a path that is already there (a hard link
# into the live tree, say) fails loudly instead of being written through.
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC


class DuplicatePath(Exception):
    """Two documents of one build claim the same path."""


class Writer:
    def __init__(self, root: Path, *, replace: bool = False, brotli: bool = False) -> None:
        """With replace=True each file goes into a live tree: unchanged bytes are not touched,
        others are written beside and renamed over the old file (a reader sees one or the other).
        With brotli=True each twinned file also gets a .br twin."""
        self.root = root
        self.replace = replace
        self.twins = twin_codings(brotli)
        self.files: dict[str, dict[str, object]] = {}
        self.folders: set[str] = set()
        self.changed: set[str] = set()  # with replace=True: the paths whose bytes changed
        self.pending: set[str] = set()  # given to write_all, not written yet
        # with replace=True: twins a file no longer has whose file kept its bytes, so they still
        # hold its bytes: removed once the manifest that lists them is replaced (drop_stale)
        self.stale: list[str] = []

    def write(self, relative: str, body: bytes, *, twins: bool = True) -> None:
        if relative in self.files:
            raise DuplicatePath(f"{relative} would be written twice")
        twinned = twins and len(body) >= TWIN_MIN_SIZE
        if self.replace:  # a twin these bytes will not have goes first where it holds earlier bytes
            unchanged = _holds(self._path(relative), body)
            for suffix in sorted(set(TWIN_SUFFIXES) - {suffix for suffix, _ in self.twins if twinned}):
                twin = f"{relative}.{suffix}"
                if unchanged and os.path.exists(self._path(twin)):
                    self.stale.append(twin)  # still true to the file: the manifest may list it
                    self.changed.add(twin)
                    continue
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self._path(twin))
                    self.changed.add(twin)
        self._put(relative, body)
        if twinned:
            for suffix, coding in self.twins:
                self._put(f"{relative}.{suffix}", compress(body, coding))

    def drop_stale(self, names: Iterable[str]) -> None:
        """Remove twins `write` left for later (its `stale`): call it once the manifest that
        listed them is replaced, so a reader of the old manifest finds every file it lists."""
        for relative in names:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._path(relative))

    def write_all(self, documents: Iterable[tuple[str, bytes]]) -> None:
        """Write every (path, body) with its twins into a new folder, as `write` does, a batch at a time."""
        if self.replace:
            raise ValueError("write_all fills a new folder; a live tree takes write()")
        batch: list[tuple[str, bytes]] = []
        size = 0
        for relative, body in documents:
            if relative in self.files or relative in self.pending:
                raise DuplicatePath(f"{relative} would be written twice")
            self.pending.add(relative)
            batch.append((relative, body))
            size += len(body)
            if size >= BATCH_BYTES:
                self._write_batch(batch)
                batch, size = [], 0
        self._write_batch(batch)

    def write_stream(self, relative: str, pieces: Iterable[bytes]) -> None:
        """Write one document given a piece at a time (the review feed), its twins compressed as
        the pieces come: a document of any size costs about one piece of memory. Into a new folder."""
        if self.replace:
            raise ValueError("write_stream fills a new folder")
        if relative in self.files or relative in self.pending:
            raise DuplicatePath(f"{relative} would be written twice")
        names = [relative, *(f"{relative}.{suffix}" for suffix, _ in self.twins)]
        handles = [os.open(self._path(name), _CREATE, 0o666) for name in names]
        compressors = [Compressor(coding) for _, coding in self.twins]
        digests = [hashlib.sha256() for _ in names]
        sizes = [0] * len(names)

        def put(index: int, body: bytes) -> None:
            _write_all(handles[index], body)
            digests[index].update(body)
            sizes[index] += len(body)

        try:
            for piece in pieces:
                put(0, piece)
                for index, compressor in enumerate(compressors, 1):
                    put(index, compressor.add(piece))
            for index, compressor in enumerate(compressors, 1):
                put(index, compressor.finish())
        finally:
            for handle in handles:
                os.close(handle)
        if sizes[0] < TWIN_MIN_SIZE:  # as `write`: a small document has no twins
            for name in names[1:]:
                os.unlink(self._path(name))
            names = names[:1]
        for index, name in enumerate(names):
            self.files[name] = {"size": sizes[index], "sha256": digests[index].hexdigest()}

    def _write_batch(self, batch: list[tuple[str, bytes]]) -> None:
        big = [(relative, body) for relative, body in batch if len(body) >= TWIN_MIN_SIZE]
        twins = [
            (f"{relative}.{suffix}", compress(body, coding))
            for suffix, coding in self.twins  # one coding over the whole batch, then the next
            for relative, body in big
        ]
        for relative, body in batch + twins:
            self._put(relative, body)
        self.pending.difference_update(relative for relative, _ in batch)

    def link(self, relative: str, source: Path, entries: dict[str, dict[str, object]]) -> bool:
        """Take an unchanged file and its twins from an earlier folder as hard links (no rewrite).

        False when that folder does not hold them all (then the caller renders the file).
        """
        names = [name for name in (relative, *(f"{relative}.{suffix}" for suffix in TWIN_SUFFIXES)) if name in entries]
        if relative not in entries or relative in self.files or relative in self.pending:
            return False
        made: list[str] = []
        for name in names:
            path = self._path(name)
            try:
                os.link(f"{source}/{name}", path)
            except FileNotFoundError:  # all or nothing: the caller renders the file and its twins
                for undone in made:
                    os.unlink(undone)
                return False
            made.append(path)
        self.files.update({name: entries[name] for name in names})
        return True

    def _path(self, relative: str) -> str:
        """The file's path, its folder made once."""
        path = f"{self.root}/{relative}"
        folder = path.rpartition("/")[0]
        if folder not in self.folders:
            os.makedirs(folder, exist_ok=True)
            self.folders.add(folder)
        return path

    def _put(self, relative: str, body: bytes) -> None:
        path = self._path(relative)
        if not self.replace:
            _write_file(path, body)
        elif not _holds(path, body):
            temporary = f"{path.rpartition('/')[0]}/.{relative.rpartition('/')[2]}.tmp-{os.getpid()}"
            with contextlib.suppress(FileNotFoundError):  # left by a killed build of the same pid
                os.unlink(temporary)
            _write_file(temporary, body)
            os.replace(temporary, path)
            self.changed.add(relative)
        self.files[relative] = {"size": len(body), "sha256": hashlib.sha256(body).hexdigest()}


def _write_file(path: str, body: bytes) -> None:
    descriptor = os.open(path, _CREATE, 0o666)
    try:
        _write_all(descriptor, body)
    finally:
        os.close(descriptor)


def _write_all(descriptor: int, body: bytes) -> None:
    view = memoryview(body)
    while view:
        view = view[os.write(descriptor, view) :]


def _holds(path: str, body: bytes) -> bool:
    try:
        return os.stat(path).st_size == len(body) and Path(path).read_bytes() == body
    except FileNotFoundError:
        return False
