"""`trustwidgets sync`: pull every configured source's reviews and score into the store.

For each source (store.sources()): claim it (one sync at a time, under the writers' lock),
read its pages newest first (platform_api.py) into a temporary JSON Lines file, one review a
line, then import that file in the platform's format (platform_import.py: the same parsing and
validation as `import --format`) in one transaction that also records the sync. A source that
fails (a refused key, a 5xx after the retries, a page that is not JSON, the network) stores
nothing, keeps its shop as it was, records the error without its secret, and the next source
goes on.

Incremental: a source read in full less than `full_every` ago is read only down to the first
page that reaches `overlap` before the newest review time its last sync saw (the platform's
order: Trustpilot's and eTrusted's creation time, Google's update time). Reviews edited or
published late within the overlap are read again; everything is read again every `full_every`,
or with `full` (docs/sync.md).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import secrets
import socket
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..core.dates import format_timestamp, parse_timestamp
from ..core.platforms import FORMATS
from ..core.records import HugeNumber
from ..store.open import explain_failure
from ..store.protocol import ReviewStore, Source, StoreError
from .http_fetch import Fetcher
from .importer import Rejection, Report
from .platform_api import PLATFORMS, PlatformApi
from .platform_import import Input, import_platform

OVERLAP = timedelta(days=3)
FULL_EVERY = timedelta(days=7)
STALE_CLAIM = timedelta(hours=2)  # a claim older than this belongs to a sync that died
SKEW = timedelta(days=1)  # a review dated further ahead than this never becomes the mark
SECRET_PIECE = 4  # parts of a secret this long or longer are masked wherever a message might hold them
# A source's read stops with an error past this many pages (2,000,000 reviews at 100 a page): a
# platform whose paging never ends must not hold the sync, fill the disk and keep its claim.
MAX_PAGES = 20_000


class PagingError(Exception):
    """A platform's paging that does not advance or does not end: the source stores nothing."""


class ClaimLost(Exception):
    """The source was added again, removed or taken over while it was read: its read is not stored."""


@dataclass
class Outcome:
    """What the sync of one source did."""

    shop: str
    platform: str
    remote_id: str = ""  # named only where the shop has several sources on the platform
    gives_score: bool = True  # False: one of several, whose platform score is another source's
    pages: int = 0
    reviews: int = 0
    full: bool = False
    report: Report | None = None
    error: str = ""  # why nothing was stored ('' when the reviews were stored)


def scrub(text: str, hidden: Iterable[str]) -> str:
    """`text` with every piece of a secret masked: the last guard before a message is stored or printed."""
    for piece in sorted((p for p in hidden if len(p) >= SECRET_PIECE), key=len, reverse=True):
        text = text.replace(piece, "…")
    return text


def owner() -> str:
    """This sync's name on the sources it claims."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def score_givers(sources: Iterable[Source]) -> set[tuple[str, str, str]]:
    """(shop, platform, remote id) of the source that gives each shop its score on each platform:
    the one added first (then the lowest id). A shop shows one score per platform, as the
    platform publishes it for one business unit, channel or location: two Google locations'
    scores written in turn would make the shop's Google score the last-synced one's, changing
    from sync to sync. The others' reviews are stored; their scores are not."""
    first: dict[tuple[str, str], tuple[str, str]] = {}
    for source in sources:
        key, rank = (source.shop, source.platform), (source.added_at, source.remote_id)
        first[key] = min(first.get(key, rank), rank)
    return {(shop, platform, remote_id) for (shop, platform), (_, remote_id) in first.items()}


def rejected_text(report: Report) -> str:
    return "" if not report.rejected else f"{report.rejected} review(s) rejected (named in the sync's output)"


@dataclass
class Sync:
    """One `trustwidgets sync` run."""

    store: ReviewStore
    fetcher: Fetcher
    now: datetime
    available_locales: tuple[str, ...]
    full: bool = False
    overlap: timedelta = OVERLAP
    full_every: timedelta = FULL_EVERY
    on_reject: Callable[[Rejection], None] = lambda r: None
    progress: Callable[[str], None] | None = None

    def __post_init__(self) -> None:
        self.owner = owner()
        self._started = time.monotonic()

    def clock(self) -> datetime:
        """`now` moved on by the time this run has taken: a source is claimed and recorded at the
        time it is, not when the run began (a run of many sources may take hours, and a claim
        stamped with the run's start would look stale to the next run while it is held)."""
        return self.now + timedelta(seconds=time.monotonic() - self._started)

    def run(self, shops: Iterable[str] = ()) -> list[Outcome]:
        wanted = set(shops)
        listed = [s for s in self.store.sources() if not wanted or s.shop in wanted]
        several = Counter((s.shop, s.platform) for s in listed)
        givers = score_givers(listed)  # every source of each shop listed: the filter is by shop
        return [
            self.source(
                s, named=several[s.shop, s.platform] > 1, gives_score=(s.shop, s.platform, s.remote_id) in givers
            )
            for s in listed
        ]

    def source(self, listed: Source, *, named: bool = False, gives_score: bool = True) -> Outcome:
        outcome = Outcome(listed.shop, listed.platform, listed.remote_id if named else "", gives_score)
        now = self.clock()
        stamp = format_timestamp(now)
        try:
            source = self.store.claim_source(
                listed.shop, listed.platform, listed.remote_id, self.owner, stamp, format_timestamp(now - STALE_CLAIM)
            )
        except Exception as error:
            outcome.error = f"could not be claimed: {self._store_failure(error)}"  # the next source goes on
            return outcome
        if source is None:
            outcome.error = "another sync of this source is running; it was left to that one"
            return outcome
        hidden = [source.secret]
        try:
            api = PLATFORMS[source.platform]
            secret = api.load_secret(source.secret)
            hidden += list(secret.values())
            self._read_and_import(api, source, secret, outcome, stamp)
        except Exception as error:  # noqa: BLE001 - any failure is this source's; the others go on
            explained = explain_failure(error, self.store)
            outcome.error = scrub(str(explained or error) or type(error).__name__, hidden)
            try:
                with self.store.transaction(counts=False):
                    self.store.record_sync(
                        source.shop, source.platform, source.remote_id, self.owner, error=outcome.error
                    )
            except Exception as unrecorded:  # the store still busy: say so, and go on
                why = self._store_failure(unrecorded)
                hours = STALE_CLAIM.total_seconds() / 3600
                outcome.error += f"; this failure could not be recorded either ({why}), "
                outcome.error += f"so the source stays claimed for {hours:g} hours"
        return outcome

    def _store_failure(self, error: Exception) -> StoreError:
        """The store's own failure (busy, full, unreachable) in one sentence; anything else is a bug."""
        explained = explain_failure(error, self.store)
        if explained is None:
            raise error
        return explained

    def _is_full(self, source: Source) -> bool:
        if self.full or source.newest is None or source.full_at is None:
            return True
        return parse_timestamp(source.full_at) <= self.now - self.full_every

    def _read_and_import(
        self, api: PlatformApi, source: Source, secret: dict[str, str], outcome: Outcome, stamp: str
    ) -> None:
        outcome.full = self._is_full(source)
        # A full read finds the mark afresh; an incremental one can only move it forward.
        newest = None if outcome.full or source.newest is None else parse_timestamp(source.newest)
        cutoff = None if newest is None else newest - self.overlap
        latest = self.now + SKEW  # a review time past this is a platform's error, never the mark
        container, id_field = FORMATS[api.name].containers[0], FORMATS[api.name].id_field
        base = source.base_url or api.default_base
        seen: set[str | int] = set()  # the ids read so far: a review is stored once per sync
        with tempfile.TemporaryFile() as spool:
            for page in api.pages(self.fetcher, base, source.remote_id, secret):
                outcome.pages += 1
                if outcome.pages > MAX_PAGES:
                    raise PagingError(f"{api.label} sent more than {MAX_PAGES:,} pages; the read was stopped")
                items = page.get(container) or []
                if outcome.pages == 1:  # the page without its reviews: Google's score comes with it
                    spool.write(_line({**page, container: []}))
                marks, fresh = [], 0
                for item in items:
                    key = item.get(id_field) if isinstance(item, dict) else None
                    if isinstance(key, str | int) and not isinstance(key, bool):
                        if key in seen:  # written between two page requests, a review moves onto the next page
                            continue
                        seen.add(key)
                    fresh += 1
                    spool.write(_line(item))
                    with contextlib.suppress(ValueError):  # no time: never taken as older than the mark
                        marks.append(parse_timestamp(api.mark(item)))
                if items and not fresh:
                    raise PagingError(
                        f"{api.label} page {outcome.pages} holds only reviews of earlier pages: "
                        "its paging did not advance; the read was stopped"
                    )
                outcome.reviews += fresh
                newest = max([*([newest] if newest else []), *(m for m in marks if m <= latest)], default=None)
                if self.progress is not None:
                    self.progress(f"{source.shop} {api.label}: page {outcome.pages}, {outcome.reviews:,} reviews")
                if cutoff is not None and any(mark <= cutoff for mark in marks):
                    break  # this page reaches back to what the last sync stored
            unit = api.business_unit(self.fetcher, base, source.remote_id, secret) if outcome.gives_score else None
            spool.seek(0)

            def record(report: Report) -> None:
                held = self.store.record_sync(
                    source.shop,
                    source.platform,
                    source.remote_id,
                    self.owner,
                    error=rejected_text(report),
                    synced_at=stamp,
                    full_at=stamp if outcome.full else None,
                    newest=None if newest is None else format_timestamp(newest),
                    reviews_read=outcome.reviews,
                )
                if not held:  # raised inside the import's transaction: nothing of this read is stored
                    raise ClaimLost(
                        "the source was added again, removed or taken over by another sync while it was read; "
                        "nothing of this read was stored"
                    )

            outcome.report = import_platform(
                self.store,
                api.name,
                source.shop,
                [
                    Input(
                        f"{source.shop}/{source.platform}" + (f" ({outcome.remote_id})" if outcome.remote_id else ""),
                        spool,
                    )
                ],
                read_on=self.now.date(),
                available_locales=self.available_locales,
                on_reject=self.on_reject,
                business_unit=None
                if unit is None
                else Input(f"{source.shop}/{source.platform} business unit", io.BytesIO(json.dumps(unit).encode())),
                then=record,
                scores=outcome.gives_score,
                language=source.language,
            )


def _line(value: Any) -> bytes:
    """One item as a line of the spool, read back by the platform import like any JSON Lines.

    ASCII escapes keep a lone surrogate (broken text some platforms send) as the JSON escape it
    came as, so the import rejects that one review ("not valid Unicode") where encoding it as
    UTF-8 raised and failed the whole source. A number too long to read stays one that rejects
    its own review.
    """
    return json.dumps(value, default=_spooled).encode() + b"\n"


def _spooled(value: object) -> str:
    if isinstance(value, HugeNumber):
        return f"number of {value.digits} digits"  # a value the rejection may repeat
    raise TypeError(type(value).__name__)
