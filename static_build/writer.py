"""Writes one folder of a build: each path once, with .gz and .br twins for text of 1 KB or more."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from widget_server.core.compression import compress

TWIN_MIN_SIZE = 1024
TWINS = (("gz", "gzip"), ("br", "br"))


class DuplicatePath(Exception):
    """Two documents of one build claim the same path."""


class Writer:
    def __init__(self, root: Path, *, replace: bool = False) -> None:
        """With replace=True each file goes into a live tree: unchanged bytes are not touched,
        others are written beside and renamed over the old file (a reader sees one or the other)."""
        self.root = root
        self.replace = replace
        self.files: dict[str, dict[str, object]] = {}
        self.folders: set[Path] = set()
        self.changed: set[str] = set()  # with replace=True: the paths whose bytes changed

    def write(self, relative: str, body: bytes, *, twins: bool = True) -> None:
        if relative in self.files:
            raise DuplicatePath(f"{relative} would be written twice")
        self._put(relative, body)
        if twins and len(body) >= TWIN_MIN_SIZE:
            for suffix, coding in TWINS:
                self._put(f"{relative}.{suffix}", compress(body, coding))

    def link(self, relative: str, source: Path, entries: dict[str, dict[str, object]]) -> bool:
        """Take an unchanged file and its twins from an earlier folder as hard links (no rewrite).

        False when that folder does not hold them all (then the caller renders the file).
        """
        names = [name for name in (relative, f"{relative}.gz", f"{relative}.br") if name in entries]
        if relative not in entries or relative in self.files:
            return False
        made: list[Path] = []
        for name in names:
            path = self.root / name
            if path.parent not in self.folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                self.folders.add(path.parent)
            try:
                os.link(source / name, path)
            except FileNotFoundError:  # all or nothing: the caller renders the file and its twins
                for undone in made:
                    undone.unlink()
                return False
            made.append(path)
        self.files.update({name: entries[name] for name in names})
        return True

    def _put(self, relative: str, body: bytes) -> None:
        path = self.root / relative
        if path.parent not in self.folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(path.parent)
        if not self.replace:
            path.write_bytes(body)
        elif not _holds(path, body):
            temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
            temporary.write_bytes(body)
            os.replace(temporary, path)
            self.changed.add(relative)
        self.files[relative] = {"size": len(body), "sha256": hashlib.sha256(body).hexdigest()}


def _holds(path: Path, body: bytes) -> bool:
    try:
        return path.stat().st_size == len(body) and path.read_bytes() == body
    except FileNotFoundError:
        return False
