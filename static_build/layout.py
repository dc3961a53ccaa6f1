"""Where a build lives beside its output folder, and the atomic swap.

    DIR                      -> .DIR.trustwidgets/builds/<inputs digest>   (a symlink)
    .DIR.trustwidgets/builds/<inputs digest>/v1/<shop> -> ../../../shops/<shop>/<digest>
    .DIR.trustwidgets/shops/<shop>/<digest>/...          (each complete before it is named)

Swapping DIR is one rename(2) of a new symlink over the old one: a reader sees the old tree or
the new tree, never a mix, whenever the build is killed.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path


class LayoutError(Exception):
    """The output folder is something other than a trustwidgets build."""


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def follow(link: Path) -> Path:
    """Where a relative symlink points, as a normalised path (no realpath: no lstat per part)."""
    return Path(os.path.normpath(link.parent / os.readlink(link)))


@dataclass(frozen=True)
class Layout:
    out: Path

    @property
    def home(self) -> Path:
        return self.out.with_name(f".{self.out.name}.trustwidgets")

    @property
    def builds(self) -> Path:
        return self.home / "builds"

    @property
    def shops(self) -> Path:
        return self.home / "shops"

    def shop_dir(self, shop_id: str, digest: str) -> Path:
        return self.shops / shop_id / digest

    def prepare(self) -> None:
        if self.out.exists() and not self.out.is_symlink():
            if self.out.is_dir() and not any(self.out.iterdir()):
                self.out.rmdir()
            else:
                raise LayoutError(
                    f"{self.out} exists and is not a trustwidgets build: remove it or choose another --out"
                )
        self.builds.mkdir(parents=True, exist_ok=True)
        self.shops.mkdir(parents=True, exist_ok=True)

    def current(self) -> Path | None:
        """The build folder DIR points at now, if any."""
        if not self.out.is_symlink():
            return None
        target = follow(self.out)
        return target if target.is_dir() else None

    def links(self, build: Path) -> dict[str, Path]:
        """The shop folders a build links to, by shop id."""
        folder = build / "v1"
        if not folder.is_dir():
            return {}
        return {entry.name: follow(folder / entry.name) for entry in os.scandir(folder) if entry.is_symlink()}

    def swap(self, build: Path) -> None:
        link = self.out.with_name(f".{self.out.name}.swap-{os.getpid()}")
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(os.path.relpath(build, self.out.parent))
        os.replace(link, self.out)

    @property
    def trash(self) -> Path:
        return self.home / "trash"

    def collect_garbage(self, keep: set[Path], *, wait: bool = True) -> None:
        """Remove builds other than `keep`, shop folders none of them links to, and temporaries.

        With wait=False the doomed folders are only renamed into trash/ (cheap) and deleted by
        a detached process, so a build after a full rebuild does not pay for 50,000 unlinks.
        """
        doomed: list[Path] = []
        linked: set[Path] = set()
        for build in self.builds.iterdir():
            if build in keep:
                linked.update(self.links(build).values())
            else:
                doomed.append(build)
        for shop in self.shops.iterdir():
            for entry in shop.iterdir():
                folder = entry.with_name(entry.name.removesuffix(".files.json"))
                if ".tmp-" in entry.name or folder not in linked:
                    doomed.append(entry)
        if self.trash.is_dir():
            doomed.extend(self.trash.iterdir())  # left by an earlier build that was cut short
        if wait:
            for path in doomed:
                _remove(path)
            return
        if not doomed:
            return
        bin_ = self.trash / f"{os.getpid()}-{time.monotonic_ns()}"
        bin_.mkdir(parents=True)
        for n, path in enumerate(doomed):
            if path.parent != self.trash:
                path.rename(bin_ / str(n))
        # A detached process of its own session deletes the trash; nothing waits for it. It runs
        # at the lowest priority: after a full rebuild it has 50,000 files to unlink, and it
        # must not take the CPU from the next build (measured: next-day build 6.4 s -> 5.7 s).
        code = "import os, shutil, sys; os.nice(19); [shutil.rmtree(p, True) for p in sys.argv[1:]]"
        paths = [str(p) for p in self.trash.iterdir()]
        os.posix_spawn(sys.executable, [sys.executable, "-c", code, *paths], os.environ, setsid=True)
        for stale in self.out.parent.glob(f".{self.out.name}.swap-*"):
            stale.unlink(missing_ok=True)
