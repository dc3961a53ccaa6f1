"""Where a build lives: a plain output folder, its workshop beside it, and the per-shop swap.

    DIR/                                 the tree: files and folders only, any tool can copy it
      manifest.json                      as_of, the loader, the site's files, the shop list
      v1/<shop>/.files-<digest>.json     the shop's own file list (never served)
      v1/<shop>/...                      the shop's documents
    .DIR.trustwidgets/                   lock, staging/ (shops being rendered), trash/

A changed shop is rendered whole into staging/ (unchanged parts as hard links to its live
files) and swapped in with one renameat2(RENAME_EXCHANGE) of its folder: a reader sees the
shop's old folder or its new one, never a mix, whenever the build is killed. The first build
of DIR is assembled whole in staging/ and renamed into place.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from widget_server.core.paths import TREE, shop_folder

SHOP_MANIFEST_PREFIX = ".files-"  # v1/<shop>/.files-<digest>.json: the digest is in the name, one stat tells it
OWN_FILES = ("manifest.json", "nginx.conf", "_headers")  # the build's files at the top of the tree
# What a build swaps out stays in the trash at least this long: a reader that opened a shop's folder
# just before a build swapped it (a publish, a checker reading through the folder's handle) still
# finds every file of it, however soon the next build comes.
TRASH_GRACE_SECONDS = 60


class LayoutError(Exception):
    """The output folder is something other than a trustwidgets build."""


def shop_manifest_name(digest: str) -> str:
    return f"{SHOP_MANIFEST_PREFIX}{digest}.json"


def trash_entry_name(name: str, pid: int, wall_ns: int) -> str:
    """The trash's name for what a build swapped out: what it was, the build's pid, and when."""
    return f"{name}-{pid}-{wall_ns}"


def due_for_removal(names: list[str], now_ns: int, grace_seconds: float = TRASH_GRACE_SECONDS) -> list[str]:
    """The trash entries whose grace is over. One whose name has no time (a build of an earlier
    version named it otherwise) or a time ahead of now (the clock was set back) is due too."""
    due = []
    for name in names:
        stamp = name.rpartition("-")[2]
        if not stamp.isdigit() or not 0 <= now_ns - int(stamp) < grace_seconds * 1_000_000_000:
            due.append(name)
    return due


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_libc = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def exchange(a: Path, b: Path) -> None:
    """Swap two paths in one step (Linux renameat2); elsewhere two renames with a short gap."""
    renameat2 = getattr(_libc, "renameat2", None)
    if renameat2 is not None:
        if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), str(a), None, str(b))
    parked = a.with_name(a.name + ".parked")
    os.rename(b, parked)
    os.rename(a, b)
    os.rename(parked, a)


@dataclass(frozen=True)
class Layout:
    out: Path

    @property
    def home(self) -> Path:
        return self.out.with_name(f".{self.out.name}.trustwidgets")

    @property
    def staging(self) -> Path:
        return self.home / "staging"

    @property
    def trash(self) -> Path:
        return self.home / "trash"

    def prepare(self) -> None:
        if not self.out.is_symlink() and self.out.is_dir() and os.path.ismount(self.out):
            raise LayoutError(
                f"{self.out} is a mount point: a build puts its finished tree in place of --out by renaming, "
                f"which a mount point refuses; give --out a folder inside it, such as {self.out / 'widgets'}"
            )
        if self.out.is_symlink():  # a tree of an earlier version (a symlink into builds/): rebuilt whole
            pass
        elif self.out.exists():
            if not self.out.is_dir():
                raise LayoutError(f"{self.out} is not a folder: remove it or choose another --out")
            if any(self.out.iterdir()) and not (self.out / "manifest.json").is_file():
                raise LayoutError(
                    f"{self.out} exists and is not a trustwidgets build: remove it or choose another --out"
                )
        self.staging.mkdir(parents=True, exist_ok=True)
        self.trash.mkdir(parents=True, exist_ok=True)

    def is_built(self) -> bool:
        """DIR holds a tree of this layout (a plain folder with its manifest)."""
        return not self.out.is_symlink() and (self.out / "manifest.json").is_file()

    def shop_folder(self, shop_id: str) -> Path:
        return self.out / shop_folder(shop_id)

    def live_digest(self, shop_id: str, digest: str) -> bool:
        """Whether the shop's live folder was built from these inputs (one stat)."""
        return (self.shop_folder(shop_id) / shop_manifest_name(digest)).is_file()

    def digest_of(self, shop_id: str) -> str | None:
        """The digest the shop's live folder was built from, read from its file list's name."""
        try:
            names = [n for n in os.listdir(self.shop_folder(shop_id)) if n.startswith(SHOP_MANIFEST_PREFIX)]
        except OSError:
            return None
        return names[0].removeprefix(SHOP_MANIFEST_PREFIX).removesuffix(".json") if len(names) == 1 else None

    def live_shops(self) -> set[str]:
        """The shops with a folder in the tree now."""
        folder = self.out / TREE
        if not self.is_built() or not folder.is_dir():
            return set()
        return {entry.name for entry in os.scandir(folder) if entry.is_dir(follow_symlinks=False)}

    def staging_folder(self, shop_id: str, digest: str) -> Path:
        return self.staging / f"{shop_id}-{digest}"

    def swap_in(self, shop_id: str, ready: Path) -> None:
        """Put a complete shop folder in place of the live one; the old one goes to the trash."""
        live = self.shop_folder(shop_id)
        if live.is_dir():
            exchange(ready, live)
            ready.rename(self._trash_name(shop_id))
        else:
            live.parent.mkdir(parents=True, exist_ok=True)
            ready.rename(live)

    def retire(self, shop_id: str) -> None:
        """Take a shop's folder out of the tree: the shop is no longer in the store, or no file list
        vouches for what the folder holds."""
        live = self.shop_folder(shop_id)
        if live.is_dir():
            live.rename(self._trash_name(shop_id))

    def replace_tree(self, ready: Path) -> None:
        """Put a whole tree in place of DIR (the first build, or a tree of an earlier layout)."""
        if self.out.is_symlink() or self.out.exists():
            exchange(ready, self.out)
            ready.rename(self._trash_name("tree"))
        else:
            ready.rename(self.out)

    def _trash_name(self, name: str) -> Path:
        return self.trash / trash_entry_name(name, os.getpid(), time.time_ns())

    def clean(self) -> None:
        """Remove what a build cut short left: staging/ (its renders are not trusted) and the
        temporary files of top files it was replacing (`.NAME.tmp-PID`, never served)."""
        for entry in self.staging.iterdir():
            _remove(entry)
        if self.is_built():
            for folder in (self.out, self.out / TREE):
                for leftover in folder.glob(".*.tmp-*"):
                    leftover.unlink(missing_ok=True)

    def collect_garbage(self, *, wait: bool = True) -> None:
        """Delete the trash whose grace is over (TRASH_GRACE_SECONDS): old shop folders, and
        the builds of an earlier layout.

        With wait=False a detached process does it, so a build after a full rebuild does not
        pay for 50,000 unlinks (and it runs at the lowest priority, not taking the CPU from
        the next build).
        """
        doomed = [self.trash / name for name in due_for_removal(os.listdir(self.trash), time.time_ns())]
        for earlier in ("builds", "shops"):  # the folders of the symlinked layout, once DIR no longer needs them
            if (self.home / earlier).is_dir() and not self.out.is_symlink():
                moved = self._trash_name(earlier)
                (self.home / earlier).rename(moved)
                doomed.append(moved)
        if not doomed:
            return
        if wait:
            for path in doomed:
                _remove(path)
            return
        code = "import os, shutil, sys; os.nice(19); [shutil.rmtree(p, True) for p in sys.argv[1:]]"
        os.posix_spawn(sys.executable, [sys.executable, "-c", code, *map(str, doomed)], os.environ, setsid=True)
