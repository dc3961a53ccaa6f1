"""The service's state and its errors: the store, shops by id, snapshots, the render cache, the date."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from ..core.catalogue import DocumentRef
from ..core.dates import today_utc
from ..core.documents import render_document
from ..core.freshness import last_change, next_change
from ..core.headers import response_headers
from ..core.models import SHOP_ID, Shop
from ..core.options import Resolved
from ..core.rules import score_window
from ..core.snapshot import Snapshot
from ..core.summary import build_summary
from ..store.open import open_store
from .kept_loaders import KeptLoaders
from .readers import BIG_SHOP, Readers
from .render_cache import DEFAULT_SIZE, RenderCache

# Host names that only this machine can reach: the preview is open by default only there, and
# a request to one of them may supply the snippets' base URL.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
SNAPSHOTS = 64  # shops held read in memory; each is its counts plus a few hundred reviews
SIZES = 100_000  # shops whose size is remembered (an int each)
RECORDS_ONE_BY_ONE = 32  # shops whose records a commit changed that are read again one query each; more: all


class NotFound(HTTPException):
    def __init__(self, detail: str = "not found") -> None:
        super().__init__(404, detail)


def error_response(path: str, status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    """A short plain error (JSON for .json paths and the push endpoint), never a stack trace."""
    fixed = {**response_headers("server-error" if status >= 500 else "error"), **(headers or {})}
    if path.endswith((".json", "/reviews")):
        return JSONResponse({"error": detail, "status": status}, status_code=status, headers=fixed)
    return PlainTextResponse(f"{status} {detail}\n", status_code=status, headers=fixed)


class Service:
    def __init__(
        self,
        data_dir: Path,
        *,
        as_of: date | None = None,
        cache_dir: Path | None = None,
        cache_size: int = DEFAULT_SIZE,
        shards: int = 1,
        memory_items: int = 1024,
        preview: str = "on",
        public_url: str = "",
        static_url: str = "",
        big_shop: int | None = BIG_SHOP,
    ) -> None:
        self.data_dir = Path(data_dir)  # the cache and the push endpoint's spool live here, whatever the store
        self.store = open_store(data_dir)
        self.cache = RenderCache(
            cache_dir if cache_dir is not None else data_dir / "cache",
            shards=shards,
            memory_items=memory_items,
            size=cache_size,
        )
        self.pinned = as_of
        self.loaders = KeptLoaders(self.data_dir / "loaders")  # earlier hashed loaders, for pages that pin one
        self.preview = preview  # "on", "off", or a token the staff must give
        self.public_url = public_url.rstrip("/")
        self.static_url = static_url.rstrip("/")  # where the static build is served, for the preview
        self._lock = threading.Lock()  # the preview runs in a worker thread beside the event loop
        # The data version each thread last saw: SQLite's PRAGMA data_version is a counter of
        # each connection (a connection per thread), so two threads' values mean nothing to each
        # other (a preview thread's would hide a commit from the event loop's).
        self._seen_versions: dict[int, Hashable] = {}
        self._shops: dict[str, tuple[Shop, str]] = {}
        # One snapshot per shop, of its current data version and date: a new version replaces it.
        self._snapshots: OrderedDict[str, Snapshot] = OrderedDict()
        # Each shop's last and next change (freshness) for its data version and date.
        self._changes: dict[str, tuple[str, date, tuple[date, date | None]]] = {}
        self._reading: dict[str, threading.Lock] = {}  # one lock per shop being read from the store
        # Shops of at least `big_shop` shown reviews are read in a process of their own (None: never).
        self.big_shop = big_shop
        self.readers = Readers(self.data_dir)
        self._sizes: dict[str, int] = {}  # shown reviews per shop, as last read or counted
        self._standings: dict[str, tuple[str, date, dict[str, Any]]] = {}  # preview index rows, by shop

    def as_of(self) -> date:
        return self.pinned or today_utc()

    def shops(self) -> dict[str, tuple[Shop, str]]:
        """Shops with their data versions, by id, read again only when another connection
        committed, and then only the records whose version changed (a sync's or a push's commit
        to one shop of 1,000 re-reads one record, not 1,000)."""
        with self._lock:
            version, thread = self.store.data_version(), threading.get_ident()
            if self._seen_versions.get(thread, self) != version:
                versions = self.store.shop_versions()
                held = self._shops
                stale = [shop_id for shop_id, data in versions.items() if held.get(shop_id, (None, None))[1] != data]
                if len(stale) > RECORDS_ONE_BY_ONE:
                    self._shops = {shop.id: (shop, data) for shop, data in self.store.shops()}
                else:
                    fresh = {shop_id: self.store.shop(shop_id) for shop_id in stale}
                    shops: dict[str, tuple[Shop, str]] = {}
                    for shop_id in sorted(versions):
                        if shop_id not in fresh:
                            shops[shop_id] = held[shop_id]
                        elif (shop := fresh[shop_id]) is not None:  # None: removed since the versions were read
                            shops[shop_id] = (shop, versions[shop_id])
                    self._shops = shops
                self._seen_versions[thread] = version
            return self._shops

    def shop(self, shop_id: str) -> tuple[Shop, str]:
        found = self.shops().get(shop_id)
        if found is None:
            raise NotFound(f"no shop {shop_id!r}" if SHOP_ID.fullmatch(shop_id) else "no such shop")
        return found

    def snapshot(self, shop_id: str, version: str, as_of: date) -> Snapshot:
        """The shop read once per (data version, date): a new option combination renders from memory.

        A shop is read under its own lock, so reading a big shop holds up no other shop.
        """
        with self._lock:
            found = self._snapshots.get(shop_id)
            if found is not None and found.version == version and found.read_for == as_of:
                self._snapshots.move_to_end(shop_id)
                return found
            reading = self._reading.setdefault(shop_id, threading.Lock())
        with reading:
            with self._lock:  # another request may have read it meanwhile
                found = self._snapshots.get(shop_id)
            if found is None or found.version != version or found.read_for != as_of:
                found = self.store.snapshot(shop_id, as_of)
                if found is None:
                    raise NotFound(f"no shop {shop_id!r}")
                products = sum(sum(product.shown.values()) for product in found.products.values())
                self._remember_size(shop_id, sum(found.shown.values()) + products)
            with self._lock:
                self._snapshots[shop_id] = found
                self._snapshots.move_to_end(shop_id)
                while len(self._snapshots) > SNAPSHOTS:
                    self._snapshots.popitem(last=False)
                if len(self._reading) > 4 * SNAPSHOTS:  # bounded: a lock per shop read lately
                    self._reading = {shop_id: reading}
            return found

    def standing(self, shop: Shop, version: str, as_of: date) -> dict[str, Any]:
        """The shop's score and counted reviews, as its summary says them, for the preview's index:
        from its window's counts alone (one range scan of an index), kept per data version and
        day. Never a whole snapshot: an index of 100 product shops took 5-7 s a load reading
        them, and pushed the shops the widgets were serving out of memory."""
        with self._lock:
            found = self._standings.get(shop.id)
        if found is not None and found[:2] == (version, as_of):
            return found[2]
        summary = build_summary(shop, self.store.window_counts(shop.id, score_window(as_of)), as_of)
        standing = {"score": summary["score"], "review_count": summary["review_count"]}
        with self._lock:
            self._standings[shop.id] = (version, as_of, standing)
        return standing

    def known_days(self, shop_id: str, version: str, as_of: date) -> tuple[date, date | None] | None:
        """The shop's (last change, next change) for this version and date, when known."""
        found = self._changes.get(shop_id)
        return found[2] if found is not None and found[:2] == (version, as_of) else None

    def days(self, shop_id: str, version: str, as_of: date) -> tuple[date, date | None]:
        """The day the shop's documents are made for and the day they next change
        (freshness.last_change, next_change): one small query per shop, version and date.
        Blocking: call it from a worker thread."""
        facts = self.store.day_facts(shop_id, as_of)
        found = (
            last_change(as_of, facts.newest_given, facts.newest_before_window),
            next_change(as_of, facts.oldest_in_window, facts.next_given),
        )
        with self._lock:
            if len(self._changes) >= SIZES:  # bounded: forgotten days are asked again
                self._changes.clear()
            self._changes[shop_id] = (version, as_of, found)
        return found

    def _remember_size(self, shop_id: str, size: int) -> None:
        with self._lock:
            if len(self._sizes) >= SIZES:  # bounded: a forgotten size is counted again
                self._sizes.clear()
            self._sizes[shop_id] = size

    def is_big(self, shop_id: str) -> bool:
        """Whether the shop is read in the reader process (counted once, then known)."""
        if self.big_shop is None:
            return False
        size = self._sizes.get(shop_id)
        if size is None:
            size = self.store.shown_count(shop_id)
            self._remember_size(shop_id, size)
        return size >= self.big_shop

    def render(self, shop_id: str, version: str, as_of: date, ref: DocumentRef, options: Resolved) -> bytes | None:
        """A shop document's bytes, read and rendered here or, for a big shop, in the reader
        process. Blocking: call it from a worker thread."""
        if self.is_big(shop_id):
            try:
                return self.readers.render(shop_id, version, as_of, ref.path, options)
            except BrokenProcessPool:  # it died (logged): this once, render here
                pass
        return render_document(self.snapshot(shop_id, version, as_of), ref, options)

    def cached(self, key: str, make: Callable[[], bytes | None]) -> bytes | None:
        body = self.cache.get(key)
        if body is None:
            body = make()
            if body is not None:
                self.cache.set(key, body)
        return body


def service_of(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def require_locale(shop: Shop, locale: str) -> str:
    if locale not in shop.locales:
        known = re.fullmatch(r"[a-z]{2,3}", locale)
        raise NotFound(f"shop {shop.id!r} has no locale {locale!r}" if known else "no such locale")
    return locale
