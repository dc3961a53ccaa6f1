"""The build pipeline: plan (digest each shop) → render what changed → swap each shop in → the top files."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from widget_server.core.freshness import last_change
from widget_server.core.paths import shop_folder
from widget_server.store.open import open_store
from widget_server.store.protocol import ReviewStore
from widget_server.store.worker import exit_with_parent

from .cdn import framing_of, header_warnings
from .layout import OWN_FILES, Layout
from .shop_files import render_shop, shop_digest, shop_manifest
from .top import Shard, has_brotli, read_manifest, write_site, write_top


class BuildError(Exception):
    """The build cannot go on; the previous output stays as it was."""


class PartlySwapped(OSError):
    """An I/O error once the build had begun to put its work in place in the live tree: the
    shops swapped in by then have their new files, the others and manifest.json their old."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    shops_built: int
    shops_skipped: int
    files: int
    bytes: int
    seconds: float
    changed: bool  # the tree is not what it was
    failed: dict[str, str] = field(default_factory=dict)  # shop id -> why it was not built
    warnings: list[str] = field(default_factory=list)  # what a host of the tree would drop


@contextmanager
def exclusive(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"another build of this folder is running (lock {path})") from None
        yield


_worker_store: ReviewStore | None = None


def _start_worker(data_dir: str) -> None:
    global _worker_store
    exit_with_parent()  # a build killed with -9 takes its workers with it
    _worker_store = open_store(data_dir)  # the same store as the parent's (TRUSTWIDGETS_STORE is inherited)


def _render_in_worker(job: Job) -> dict[str, Any]:
    assert _worker_store is not None
    return render_shop(_worker_store, job.shop_id, job.as_of, job.digest, job.target, job.live, brotli=job.brotli)


# A tree's rebuild of up to this many shops renders them in this process whatever --jobs says:
# a spawned worker imports the code first (a next day's build of 300 shops that renders 22 of
# them took 1.42 s with two workers, 0.63 s here).
FEW_SHOPS = 32


@dataclass(frozen=True, slots=True)
class Job:
    """One shop to render: into `target` (a staging folder), linking unchanged parts from `live`."""

    shop_id: str
    as_of: date
    digest: str
    target: Path
    live: Path | None
    brotli: bool = False


def _failure(error: Exception) -> str:
    """Why a shop could not be built, in one line (no traceback, no data)."""
    return f"{type(error).__name__}: {str(error)[:200]}".rstrip(": ")


def _render_all(
    data_dir: Path, store: ReviewStore, todo: list[Job], jobs: int, tick: Callable[[], None]
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Render every shop of `todo`: (file lists by shop, failures by shop).

    One shop that cannot be built fails alone; a full disk or another OSError stops the build.
    """
    manifests: dict[str, dict[str, Any]] = {}
    failed: dict[str, str] = {}
    if jobs <= 1 or len(todo) <= 1:
        for job in todo:
            try:
                manifests[job.shop_id] = render_shop(
                    store, job.shop_id, job.as_of, job.digest, job.target, job.live, brotli=job.brotli
                )
            except OSError:
                raise
            except Exception as error:  # noqa: BLE001 - reported by shop id, the others go on
                failed[job.shop_id] = _failure(error)
            tick()
        return manifests, failed
    # spawn, not fork: a forked worker would inherit the build lock and the parent's SQLite
    # handle, and outlive a killed build holding the lock.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(str(data_dir),)) as pool:
        futures = {pool.submit(_render_in_worker, job): job.shop_id for job in todo}
        for future, shop_id in futures.items():
            try:
                manifests[shop_id] = future.result()
            except OSError:
                raise
            except Exception as error:  # noqa: BLE001 - reported by shop id, the others go on
                failed[shop_id] = _failure(error)
            tick()
    return manifests, failed


def _entry(digest: str, files: dict[str, Any], days: dict[str, Any]) -> dict[str, Any]:
    """A shop's line in the top manifest: with the day its documents are made for (`as_of`) and
    the first day they differ (`next_change`), which the next build reads."""
    size = sum(entry["size"] for entry in files.values())
    return {"digest": digest, "files": len(files), "bytes": size, **_days(days)}


def _days(record: dict[str, Any]) -> dict[str, Any]:
    return {key: record[key] for key in ("as_of", "next_change") if key in record}


def _still_current(layout: Layout, shop_id: str, version: str, as_of: date, brotli: bool, entry: Any) -> str | None:
    """The shop's live digest when its live folder holds its documents of `as_of` as they are:
    the same data, templates and twins, made for a day at most `as_of` whose next change has
    not come (no store read). None: the store says."""
    if not isinstance(entry, dict) or "as_of" not in entry or "next_change" not in entry:
        return None
    made_for, change = date.fromisoformat(entry["as_of"]), entry["next_change"]
    if made_for > as_of or (change is not None and date.fromisoformat(change) <= as_of):
        return None
    digest = shop_digest(version, made_for, brotli)
    return digest if layout.live_digest(shop_id, digest) else None


def _made_for(store: ReviewStore, shop_id: str, as_of: date) -> date:
    """The day the shop's documents of `as_of` are made for (freshness.last_change)."""
    facts = store.day_facts(shop_id, as_of)
    return last_change(as_of, facts.newest_given, facts.newest_before_window)


def _kept_entry(layout: Layout, shop_id: str, earlier: dict[str, Any]) -> dict[str, Any] | None:
    """The top-manifest line of a shop left as it is: from its live folder's own file list
    (the top manifest's line may be stale after a build killed between its swaps)."""
    digest = layout.digest_of(shop_id)
    if digest is None:
        return None
    return _live_entry(layout, shop_id, digest, earlier)


def _live_entry(layout: Layout, shop_id: str, digest: str, earlier: dict[str, Any]) -> dict[str, Any]:
    """The top-manifest line of a shop whose live folder is already built from these inputs."""
    if earlier.get(shop_id, {}).get("digest") == digest:
        return dict(earlier[shop_id])
    data = shop_manifest(layout.shop_folder(shop_id))  # after a build cut short: read it once
    assert data is not None and data["digest"] == digest, shop_id
    return _entry(digest, data["files"], data)


def build(
    data_dir: Path,
    out: Path,
    as_of: date,
    *,
    shop_ids: list[str] | None = None,
    shard: Shard | None = None,
    jobs: int = 1,
    base_url: str = "",
    brotli: bool = False,
    on_progress: Callable[[int, int], None] = lambda done, total: None,
) -> BuildResult:
    """Build the tree for `as_of` into `out`: render what changed, then swap each shop in.

    Each document of 1 KB or more gets a .gz twin, and with `brotli` a .br twin as well.
    """
    started = time.perf_counter()
    out = out.absolute()
    layout = Layout(out)
    layout.prepare()
    with exclusive(layout.home / "lock"):
        layout.collect_garbage(wait=False)  # what earlier builds replaced, once a slow reader has had its minute
        layout.clean()
        store = open_store(data_dir)
        try:
            stored = store.shops()
            unknown = sorted(set(shop_ids or ()) - {shop.id for shop, _ in stored})
            if unknown:
                raise BuildError(f"no shop {unknown[0]!r} in the store")
            every = [(shop, version) for shop, version in stored if shard is None or shard.holds(shop.id)]
            known = {shop.id for shop, _ in every}
            elsewhere = sorted(set(shop_ids or ()) - known)
            if elsewhere:
                raise BuildError(f"shop {elsewhere[0]!r} is not in shard {shard}")
            whole = not layout.is_built()  # the first build, or a tree of an earlier layout
            top_before = {} if whole else read_manifest(layout.out)
            if whole or has_brotli(top_before) != brotli:
                shop_ids = None  # a new tree, or new twins, take every shop, whatever --shop asked
            root = layout.staging / "tree" if whole else out
            earlier = top_before.get("shops", {})
            live = set() if whole else layout.live_shops()
            entries: dict[str, dict[str, Any]] = {}
            todo: list[Job] = []
            for shop, version in every:
                if shop_ids and shop.id not in shop_ids:
                    kept = _kept_entry(layout, shop.id, earlier) if shop.id in live else None
                    if kept is not None:
                        entries[shop.id] = kept
                    continue
                # Its files stay while its data and the templates do and its next change has
                # not come; else the store says which day they are made for now.
                current = _still_current(layout, shop.id, version, as_of, brotli, earlier.get(shop.id))
                if shop.id in live and current is not None:
                    entries[shop.id] = _live_entry(layout, shop.id, current, earlier)
                    continue
                digest = shop_digest(version, _made_for(store, shop.id, as_of), brotli)
                if shop.id in live and layout.live_digest(shop.id, digest):
                    entries[shop.id] = _live_entry(layout, shop.id, digest, earlier)
                    continue
                target = root / shop_folder(shop.id) if whole else layout.staging_folder(shop.id, digest)
                folder = layout.shop_folder(shop.id) if shop.id in live else None
                todo.append(Job(shop.id, as_of, digest, target, folder, brotli))
            done = 0

            def tick() -> None:
                nonlocal done
                done += 1
                on_progress(done, len(todo))

            on_progress(0, len(todo))
            workers = 1 if not whole and len(todo) <= FEW_SHOPS else jobs
            manifests, failed = _render_all(Path(data_dir), store, todo, workers, tick)
            unlisted = set()
            for job in todo:  # a shop that failed keeps its last good files, and its line
                if job.shop_id in manifests:
                    entries[job.shop_id] = _entry(job.digest, manifests[job.shop_id]["files"], manifests[job.shop_id])
                elif job.shop_id in live and (kept := _kept_entry(layout, job.shop_id, earlier)) is not None:
                    entries[job.shop_id] = kept
                elif whole:  # what it wrote before it failed went straight into the new tree
                    shutil.rmtree(job.target, ignore_errors=True)
                elif job.shop_id in live:  # live files that no list of theirs vouches for
                    unlisted.add(job.shop_id)
            gone = (set() if shop_ids else live - known) | unlisted
            framing = framing_of([shop for shop, _ in every if shop.id in entries])
            top_args = (entries, framing, as_of, base_url, shard)
            if whole:
                top = write_top(
                    root, write_site(root, replace=False, brotli=brotli), *top_args, replace=False, brotli=brotli
                )
                os.sync()  # on disk before it is put in place: a power cut must not leave empty files
                layout.replace_tree(root)
                changed = True
            else:
                os.sync()  # the new folders on disk before they are put in place: a power cut must not empty them
                try:
                    site = write_site(out, replace=True, brotli=brotli)  # the scripts the new pages name, first
                    for job in todo:
                        if job.shop_id in manifests:
                            layout.swap_in(job.shop_id, job.target)
                    for shop_id in sorted(gone):
                        layout.retire(shop_id)
                    top = write_top(out, site, *top_args, replace=True, brotli=brotli)
                except OSError as error:
                    raise PartlySwapped(error.errno, error.strerror, error.filename) from error
                changed = bool(manifests or gone or top["changed"])
        except BaseException:
            layout.clean()  # renders of a build that did not finish are not kept
            raise
        finally:
            store.close()
    built = len(manifests)
    return BuildResult(
        shops_built=built,
        shops_skipped=len(entries) - built - sum(1 for shop_id in failed if shop_id in entries),
        files=sum(entry["files"] + 1 for entry in entries.values()) + len(top["files"]) + len(OWN_FILES),
        bytes=sum(entry["bytes"] for entry in entries.values()) + sum(entry["size"] for entry in top["files"].values()),
        seconds=time.perf_counter() - started,
        changed=changed,
        failed=failed,
        warnings=header_warnings(framing),
    )
