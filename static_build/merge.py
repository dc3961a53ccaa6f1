"""Combine the trees of a sharded build (`build --shard I/N`) into one tree.

Each shop folder of a shard is taken as hard links where the shard is on the same file
system (copies where not), staged and swapped in as a build swaps a shop; the top files are
written last from the shards' manifests. A merge is incremental as a build is: a shop whose
folder in DIR already has the shard's digest is not touched.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from widget_server.core.loader import loader
from widget_server.core.paths import shop_folder

from .build import BuildError, exclusive
from .cdn import header_warnings
from .layout import OWN_FILES, Layout, shop_manifest_name
from .shop_files import shop_manifest
from .top import Shard, has_brotli, read_manifest, write_site, write_top


@dataclass(frozen=True, slots=True)
class MergeResult:
    shops_copied: int
    shops_kept: int
    files: int
    bytes: int
    seconds: float
    changed: bool
    warnings: list[str] = field(default_factory=list)


def _shard_manifests(shards: list[Path]) -> list[tuple[Path, dict[str, Any]]]:
    """Each shard's manifest, checked: one version of the code, one date, every shard once."""
    found = []
    for path in shards:
        manifest = read_manifest(path)
        if "shops" not in manifest:
            raise BuildError(f"{path} is not a trustwidgets build (no manifest.json)")
        found.append((path, manifest))
    integrity = loader().integrity
    for path, manifest in found:
        if manifest["loader"]["integrity"] != integrity:
            raise BuildError(f"{path} was built by another version of trustwidgets: build it again")
    if len({has_brotli(manifest) for _, manifest in found}) > 1:
        raise BuildError("some shards have .br twins and some not: build every shard with --brotli, or none")
    dates = sorted({manifest["as_of"] for _, manifest in found})
    if len(dates) > 1:
        raise BuildError(f"the shards were built for different dates ({', '.join(dates)}): build them for one")
    marks = [Shard.parse(manifest["shard"]) for _, manifest in found if "shard" in manifest]
    if marks:
        counts = {mark.count for mark in marks}
        if len(counts) > 1 or len(marks) != len(found):
            raise BuildError("the trees split the shops differently: build every shard with the same N")
        count = counts.pop()
        missing = sorted(set(range(count)) - {mark.index for mark in marks})
        if missing:
            raise BuildError(
                f"a merge needs every shard of {count}; missing: {', '.join(f'{i}/{count}' for i in missing)}"
            )
        if len(marks) != count:
            raise BuildError(f"a shard of {count} was given twice")
    owners: dict[str, Path] = {}
    for path, manifest in found:
        for shop_id in manifest["shops"]:
            if shop_id in owners:
                raise BuildError(f"shop {shop_id!r} is in both {owners[shop_id]} and {path}")
            owners[shop_id] = path
    return found


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError as error:
        if error.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
            raise
        shutil.copyfile(source, target)


def _stage_shop(source: Path, digest: str, target: Path) -> None:
    """Copy the shop folder `source` (exactly the files its list names) into `target`."""
    data = shop_manifest(source)
    if data is None or data["digest"] != digest:
        raise BuildError(f"{source} is not the folder its shard's manifest names (a build cut short?): build again")
    shutil.rmtree(target, ignore_errors=True)
    folders: set[Path] = set()
    for relative in [*data["files"], shop_manifest_name(digest)]:
        path = target / relative
        if path.parent not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.add(path.parent)
        _link_or_copy(source / relative, path)


def merge(out: Path, shards: list[Path], *, base_url: str | None = None) -> MergeResult:
    started = time.perf_counter()
    layout = Layout(out.absolute())
    layout.prepare()
    found = _shard_manifests([shard.absolute() for shard in shards])
    with exclusive(layout.home / "lock"), contextlib.ExitStack() as shards_held:
        for path, _ in found:  # no build of a shard swaps a shop while it is copied
            shards_held.enter_context(exclusive(Layout(path).home / "lock"))
        layout.collect_garbage(wait=False)
        layout.clean()
        try:
            whole = not layout.is_built()
            root = layout.staging / "tree" if whole else layout.out
            live = set() if whole else layout.live_shops()
            entries: dict[str, dict[str, Any]] = {}
            framing: dict[str, tuple[str, ...]] = {}
            staged: list[tuple[str, Path]] = []
            for path, manifest in found:
                framing.update({shop_id: tuple(domains) for shop_id, domains in manifest.get("framing", {}).items()})
                for shop_id, entry in manifest["shops"].items():
                    entries[shop_id] = entry
                    if shop_id in live and layout.live_digest(shop_id, entry["digest"]):
                        continue
                    target = root / shop_folder(shop_id) if whole else layout.staging_folder(shop_id, entry["digest"])
                    _stage_shop(path / shop_folder(shop_id), entry["digest"], target)
                    staged.append((shop_id, target))
            first = found[0][1]
            brotli = has_brotli(first)
            top_args = (
                entries,
                framing,
                date.fromisoformat(first["as_of"]),
                first["base_url"] if base_url is None else base_url,
            )
            if whole:
                site = write_site(root, replace=False, brotli=brotli)
                top = write_top(root, site, *top_args, None, replace=False, brotli=brotli)
                layout.replace_tree(root)
                changed = True
            else:
                site = write_site(layout.out, replace=True, brotli=brotli)  # the scripts the new pages name, first
                for shop_id, target in staged:
                    layout.swap_in(shop_id, target)
                gone = live - set(entries)
                for shop_id in sorted(gone):
                    layout.retire(shop_id)
                top = write_top(layout.out, site, *top_args, None, replace=True, brotli=brotli)
                changed = bool(staged or gone or top["changed"])
        except BaseException:
            layout.clean()
            raise
    return MergeResult(
        shops_copied=len(staged),
        shops_kept=len(entries) - len(staged),
        files=sum(entry["files"] + 1 for entry in entries.values()) + len(top["files"]) + len(OWN_FILES),
        bytes=sum(entry["bytes"] for entry in entries.values()) + sum(e["size"] for e in top["files"].values()),
        seconds=time.perf_counter() - started,
        changed=changed,
        warnings=header_warnings(framing),
    )
