"""Helpers for static build tests: read a built tree and check it against its manifests."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

from static_build.layout import OWN_FILES, SHOP_MANIFEST_PREFIX


def tree(out: Path) -> dict[str, bytes]:
    """Every file below `out` by relative path (a symlink anywhere is an error: the tree is plain)."""
    found = {}
    for folder, folders, names in os.walk(out):
        for name in folders + names:
            assert not (Path(folder) / name).is_symlink(), Path(folder) / name
        for name in names:
            path = Path(folder) / name
            found[str(path.relative_to(out))] = path.read_bytes()
    return found


def documents(out: Path) -> dict[str, bytes]:
    """The files of the tree a reader may fetch: not the build's own lists and configuration."""
    return {
        path: body
        for path, body in tree(out).items()
        if path not in OWN_FILES and not Path(path).name.startswith(SHOP_MANIFEST_PREFIX)
    }


def _read(folder: int, relative: str) -> bytes:
    handle = os.open(relative, os.O_RDONLY, dir_fd=folder)
    try:
        with os.fdopen(handle, "rb", closefd=False) as file:
            return file.read()
    finally:
        os.close(handle)


def _check(folder: int, files: dict[str, dict[str, object]], where: str) -> None:
    for relative, entry in files.items():
        body = _read(folder, relative)
        assert len(body) == entry["size"], f"{where}/{relative}"
        assert hashlib.sha256(body).hexdigest() == entry["sha256"], f"{where}/{relative}"


def verify(out: Path) -> int:
    """Check the tree against its manifests; returns the documents checked.

    Each shop folder is opened once and read through that handle, so a shop swapped in while
    we read is checked whole as the old folder or whole as the new one. A shop folder holds
    exactly its manifest's files.
    """
    top = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    try:
        manifest = json.loads(_read(top, "manifest.json"))
        _check(top, manifest["files"], "")
        checked = len(manifest["files"])
        shops = os.open("v1", os.O_RDONLY | os.O_DIRECTORY, dir_fd=top)
        try:
            for name in os.listdir(shops):
                if not stat.S_ISDIR(os.stat(name, dir_fd=shops, follow_symlinks=False).st_mode):
                    continue  # a site document, checked above
                folder = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=shops)
                try:
                    listed = [n for n in os.listdir(folder) if n.startswith(SHOP_MANIFEST_PREFIX)]
                    assert len(listed) == 1, f"v1/{name} has {listed}"
                    record = json.loads(_read(folder, listed[0]))
                    _check(folder, record["files"], f"v1/{name}")
                    present: set[str] = set()
                    for base, _, names in os.walk(f"/proc/self/fd/{folder}"):
                        present.update(os.path.relpath(os.path.join(base, n), f"/proc/self/fd/{folder}") for n in names)
                    assert present == set(record["files"]) | {listed[0]}, f"v1/{name}: {present ^ set(record['files'])}"
                    checked += len(record["files"])
                finally:
                    os.close(folder)
        finally:
            os.close(shops)
    finally:
        os.close(top)
    return checked
