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
from dataclasses import dataclass
from pathlib import Path


class LayoutError(Exception):
    """The output folder is something other than a trustwidgets build."""


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
        target = (self.out.parent / os.readlink(self.out)).resolve()
        return target if target.is_dir() else None

    def swap(self, build: Path) -> None:
        link = self.out.with_name(f".{self.out.name}.swap-{os.getpid()}")
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(os.path.relpath(build, self.out.parent))
        os.replace(link, self.out)

    def collect_garbage(self, keep: set[Path]) -> None:
        """Remove builds other than `keep` and shop folders none of them links to; stale temp files."""
        linked: set[Path] = set()
        for build in self.builds.iterdir():
            if build.resolve() not in keep:
                shutil.rmtree(build, ignore_errors=True)
                continue
            shops = build / "v1"
            for entry in shops.iterdir() if shops.is_dir() else ():
                if entry.is_symlink():
                    linked.add(entry.resolve())
        for shop in self.shops.iterdir():
            for entry in shop.iterdir():
                folder = (
                    entry.with_name(entry.name.removesuffix(".files.json"))
                    if entry.name.endswith(".files.json")
                    else entry
                )
                if ".tmp-" in entry.name or folder.resolve() not in linked:
                    if entry.is_dir():
                        shutil.rmtree(entry, ignore_errors=True)
                    else:
                        entry.unlink(missing_ok=True)
        for stale in self.out.parent.glob(f".{self.out.name}.swap-*"):
            stale.unlink(missing_ok=True)
