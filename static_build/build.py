"""The build pipeline: plan (digest each shop) → render what changed → assemble → swap."""

from __future__ import annotations

import fcntl
import hashlib
import json
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

from widget_server.core.catalogue import site_documents
from widget_server.core.documents import site_document
from widget_server.core.loader import loader
from widget_server.core.models import Shop
from widget_server.store import Store

from .cdn import headers_file, nginx_conf
from .layout import Layout
from .shop_files import read_shop_manifest, render_shop, shop_digest
from .writer import Writer


class BuildError(Exception):
    """The build cannot go on; the previous output stays as it was."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    shops_built: int
    shops_skipped: int
    files: int
    bytes: int
    seconds: float
    swapped: bool
    failed: dict[str, str] = field(default_factory=dict)  # shop id -> why it was not built


@contextmanager
def exclusive(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"another build of this folder is running (lock {path})") from None
        yield


_worker_store: Store | None = None


def _start_worker(data_dir: str) -> None:
    global _worker_store
    _worker_store = Store(Path(data_dir) / "store.sqlite3")


def _render_in_worker(shop_id: str, as_of: date, target: str, previous: str | None) -> tuple[str, dict[str, Any]]:
    assert _worker_store is not None
    return shop_id, render_shop(
        _worker_store, shop_id, as_of, Path(target), None if previous is None else Path(previous)
    )


def _failure(error: Exception) -> str:
    """Why a shop could not be built, in one line (no traceback, no data)."""
    return f"{type(error).__name__}: {str(error)[:200]}".rstrip(": ")


def _render_all(
    data_dir: Path,
    store: Store,
    todo: list[tuple[Shop, Path]],
    as_of: date,
    jobs: int,
    tick: Callable[[], None],
    previous: dict[str, Path],
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Render every shop of `todo`: (manifests by shop, failures by shop).

    One shop that cannot be built fails alone; a full disk or another OSError stops the build.
    """
    manifests: dict[str, dict[str, Any]] = {}
    failed: dict[str, str] = {}
    if jobs <= 1 or len(todo) <= 1:
        for shop, target in todo:
            try:
                manifests[shop.id] = render_shop(store, shop.id, as_of, target, previous.get(shop.id))
            except OSError:
                raise
            except Exception as error:  # noqa: BLE001 - reported by shop id, the others go on
                failed[shop.id] = _failure(error)
            tick()
        return manifests, failed
    # spawn, not fork: a forked worker would inherit the build lock and the parent's SQLite
    # handle, and outlive a killed build holding the lock.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(str(data_dir),)) as pool:
        futures = {
            pool.submit(
                _render_in_worker,
                shop.id,
                as_of,
                str(target),
                str(previous[shop.id]) if shop.id in previous else None,
            ): shop.id
            for shop, target in todo
        }
        for future, shop_id in futures.items():
            try:
                manifests[shop_id] = future.result()[1]
            except OSError:
                raise
            except Exception as error:  # noqa: BLE001 - reported by shop id, the others go on
                failed[shop_id] = _failure(error)
            tick()
    return manifests, failed


def _unchanged_manifests(
    current: Path | None,
    previous: dict[str, Path],
    links: dict[str, Path],
    rendered: dict[str, dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    """File lists of shops not rendered now: from the live manifest when it links the same folder."""
    by_shop: dict[str, dict[str, Any]] = {}
    if current is not None and (current / "manifest.json").is_file():
        for path, entry in json.loads((current / "manifest.json").read_text())["files"].items():
            top, shop_id, rest = (path.split("/", 2) + ["", ""])[:3]
            if top == "v1" and rest:
                by_shop.setdefault(shop_id, {})[rest] = entry
    found: dict[str, dict[str, Any]] = {}
    for shop_id, target in links.items():
        if shop_id in rendered:
            continue
        if previous.get(shop_id) == target and shop_id in by_shop:
            found[shop_id] = by_shop[shop_id]
        else:
            found[shop_id] = read_shop_manifest(target)
    return found


def _assemble(
    layout: Layout,
    inputs: str,
    links: dict[str, Path],
    manifests: dict[str, dict[str, Any]],
    shops: list[Shop],
    as_of: date,
    base_url: str,
) -> tuple[Path, dict[str, Any]]:
    final = layout.builds / inputs
    staging = layout.builds / f"{inputs}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    writer = Writer(staging)
    script = loader()
    for ref in site_documents(script.digest):
        body = site_document(ref)
        assert body is not None, ref.path
        writer.write(ref.path.lstrip("/"), body)
    writer.write("_headers", headers_file(shops, script.digest).encode(), twins=False)
    writer.write("nginx.conf", nginx_conf(shops, script.digest).encode(), twins=False)
    files = dict(writer.files)
    for shop_id, target in sorted(links.items()):
        (staging / "v1" / shop_id).symlink_to(os.path.relpath(target, staging / "v1"))
        for relative, entry in manifests[shop_id].items():
            files[f"v1/{shop_id}/{relative}"] = entry
    manifest = {
        "as_of": as_of.isoformat(),
        "base_url": base_url,
        "inputs": inputs,
        "loader": {"file": f"v1/{script.hashed_name}", "integrity": script.integrity},
        "files": dict(sorted(files.items())),
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, sort_keys=True, separators=(",", ":")) + "\n")
    staging.rename(final)
    return final, manifest


def build(
    data_dir: Path,
    out: Path,
    as_of: date,
    *,
    shop_ids: list[str] | None = None,
    jobs: int = 1,
    base_url: str = "",
    on_progress: Callable[[int, int], None] = lambda done, total: None,
) -> BuildResult:
    """Build the tree for `as_of` into `out`; the swap is the last, atomic step."""
    started = time.perf_counter()
    out = out.absolute()
    layout = Layout(out)
    layout.prepare()
    with exclusive(layout.home / "lock"):
        store = Store.open(data_dir)
        try:
            every = store.shops()
            known = {shop.id for shop, _ in every}
            unknown = sorted(set(shop_ids or ()) - known)
            if unknown:
                raise BuildError(f"no shop {unknown[0]!r} in the store")
            current = layout.current()
            previous = layout.links(current) if current else {}
            links: dict[str, Path] = {}
            todo: list[tuple[Shop, Path]] = []
            for shop, version in every:
                if shop_ids and shop.id not in shop_ids:
                    if shop.id in previous:
                        links[shop.id] = previous[shop.id]
                    continue
                target = layout.shop_dir(shop.id, shop_digest(version, as_of))
                links[shop.id] = target
                if not target.is_dir():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    todo.append((shop, target))
            done = 0

            def tick() -> None:
                nonlocal done
                done += 1
                on_progress(done, len(todo))

            on_progress(0, len(todo))
            manifests, failed = _render_all(Path(data_dir), store, todo, as_of, jobs, tick, previous)
            for shop_id in failed:  # the last good files of a shop that failed stay served
                if shop_id in previous:
                    links[shop_id] = previous[shop_id]
                else:
                    del links[shop_id]
            manifests.update(_unchanged_manifests(current, previous, links, manifests))
            digest = hashlib.blake2b(digest_size=12)
            for shop_id, target in sorted(links.items()):
                digest.update(f"{shop_id}={target.name};".encode())
            digest.update(f"{loader().hashed_name};{as_of};{base_url}".encode())
            inputs = digest.hexdigest()
            built_shops = [shop for shop, _ in every if shop.id in links]
            swapped = current is None or current.name != inputs
            if swapped:
                final = layout.builds / inputs
                if final.is_dir():
                    manifest = json.loads((final / "manifest.json").read_text())
                else:
                    final, manifest = _assemble(layout, inputs, links, manifests, built_shops, as_of, base_url)
                layout.swap(final)
                layout.collect_garbage({final, *([current] if current else [])}, wait=False)
            else:
                manifest = json.loads((current / "manifest.json").read_text())  # type: ignore[operator]
        except BaseException:
            # Leave the disk as the last good build had it: a full disk must not stay full.
            live = layout.current()
            layout.collect_garbage({live} if live else set())
            raise
        finally:
            store.close()
    files = manifest["files"]
    built = len(todo) - len(failed)
    return BuildResult(
        shops_built=built,
        shops_skipped=len(links) - built - sum(1 for shop_id in failed if shop_id in links),
        files=len(files) + 1,
        bytes=sum(entry["size"] for entry in files.values()),
        seconds=time.perf_counter() - started,
        swapped=swapped,
        failed=failed,
    )
