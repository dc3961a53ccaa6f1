"""The top of a tree: the site's own documents, `_headers`, `nginx.conf` and `manifest.json`.

Written by a build and by a merge of shard trees, from the same facts: each shop's line
(digest, files, bytes), which shops restrict framing, the date and the shard.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from widget_server.core.catalogue import site_documents
from widget_server.core.documents import site_document
from widget_server.core.loader import loader
from widget_server.core.paths import TREE

from .cdn import Framing, headers_file, nginx_conf
from .writer import Writer


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard `index` of `count`: the shops whose id hashes to it (stable across runs and machines)."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """ "I/N" with 0 <= I < N."""
        index, slash, count = text.partition("/")
        if not (slash and index.isascii() and index.isdigit() and count.isascii() and count.isdigit()):
            raise ValueError(f"a shard is I/N, such as 0/8, not {text!r}")
        shard = cls(int(index), int(count))
        if not 0 <= shard.index < shard.count:
            raise ValueError(f"shard {text}: I must be at least 0 and below N")
        return shard

    def holds(self, shop_id: str) -> bool:
        return shard_of(shop_id, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def shard_of(shop_id: str, count: int) -> int:
    """Which of `count` shards a shop belongs to: from a hash of its id, not from Python's hash()."""
    return int.from_bytes(hashlib.blake2b(shop_id.encode(), digest_size=8).digest(), "big") % count


def write_site(root: Path, *, replace: bool, brotli: bool) -> dict[str, Any]:
    """The site's own documents (the loader, the widgets' script, OpenAPI), written before any
    shop whose pages name them is swapped in. Hashed files of earlier builds are kept: a page
    cached elsewhere may still name them. Returns their manifest entries."""
    writer = Writer(root, replace=replace, brotli=brotli)
    script = loader()
    for ref in site_documents(script.digest):
        body = site_document(ref)
        assert body is not None, ref.path
        writer.write(ref.path.lstrip("/"), body)
    return {"files": dict(sorted(writer.files.items())), "changed": sorted(writer.changed), "stale": writer.stale}


def write_top(
    root: Path,
    site: dict[str, Any],
    entries: dict[str, dict[str, Any]],
    framing: Framing,
    as_of: date,
    base_url: str,
    shard: Shard | None,
    *,
    replace: bool,
    brotli: bool,
) -> dict[str, Any]:
    """Write `_headers`, `nginx.conf` and, last, the manifest that lists the site and the shops.

    Returns the manifest, with "changed": the top files whose bytes changed (replace=True).
    """
    writer = Writer(root, replace=replace)
    script = loader()
    writer.write("_headers", headers_file(framing).encode(), twins=False)
    writer.write("nginx.conf", nginx_conf(framing, brotli).encode(), twins=False)
    manifest: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "base_url": base_url,
        "loader": {"file": f"{TREE}/{script.hashed_name}", "integrity": script.integrity},
        "files": site["files"],
        "shops": dict(sorted(entries.items())),
        "framing": {shop_id: list(domains) for shop_id, domains in sorted(framing.items())},
        "brotli": brotli,  # whether documents have .br twins besides .gz
    }
    if shard is not None:
        manifest["shard"] = str(shard)
    text = json.dumps(manifest, sort_keys=True, separators=(",", ":")) + "\n"
    writer.write("manifest.json", text.encode(), twins=False)
    writer.drop_stale(site["stale"])  # twins the old manifest listed, no longer the new one's
    writer.changed.discard("manifest.json")
    return {**manifest, "changed": sorted(writer.changed | set(site["changed"]))}


def has_brotli(manifest: dict[str, Any]) -> bool:
    """Whether a tree's documents have .br twins (a manifest from before the option: they do)."""
    return bool(manifest.get("brotli", True))


def read_manifest(root: Path) -> dict[str, Any]:
    """A tree's top manifest; {} when there is none or it cannot be read."""
    try:
        data: dict[str, Any] = json.loads((root / "manifest.json").read_text())
    except (OSError, ValueError):
        return {}
    return data
