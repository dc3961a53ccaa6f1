"""POST /v1/{shop}/reviews: platforms and back-offices push reviews with a per-shop token.

The body is read to at most MAX_BODY bytes, then imported in one transaction exactly as the
command line would (same rules, same rejections). The answer is JSON. No token, email or
stack trace ever reaches a response or a log line.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from ..core.dates import today_utc
from ..core.headers import response_headers
from ..core.i18n import available_locales
from ..core.models import SHOP_ID
from ..core.platforms import FORMAT_NAMES, canonical_platform, platform_needs_format, token_formats, token_platforms
from ..core.records import shown
from ..sources.importer import READERS, Rejection, Report, Row, Unusable, check_input, import_batch, printable_id
from ..sources.platform_import import Input, import_platform
from ..store.protocol import StoreError
from .service import service_of

MAX_BODY = 10 * 1024 * 1024
BEARER = re.compile(r"Bearer ([\x21-\x7e]{1,200})", re.IGNORECASE)
# What each format may be sent as, and the native reader each media type picks.
NATIVE_TYPES = {
    "application/json": ".json",
    "application/x-ndjson": ".jsonl",
    "application/jsonl": ".jsonl",
    "text/csv": ".csv",
}
PLATFORM_TYPES = ("application/json", "application/x-ndjson", "application/jsonl")
MAX_REJECTIONS_LISTED = 1000


@dataclass(slots=True)
class Bucket:
    tokens: float
    stamp: float


class RateLimit:
    """A token bucket per push token: `burst` requests at once, `per_minute` sustained."""

    def __init__(self, per_minute: float, burst: int) -> None:
        self.per_second = per_minute / 60
        self.burst = burst
        self.buckets: dict[str, Bucket] = {}
        self.lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float:
        """0 when the request may go ahead, else the seconds until it may."""
        now = time.monotonic() if now is None else now
        with self.lock:
            bucket = self.buckets.setdefault(key, Bucket(self.burst, now))
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.per_second)
            bucket.stamp = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / self.per_second


LIMIT = RateLimit(float(os.environ.get("TRUSTWIDGETS_PUSH_PER_MINUTE", "30")), burst=5)


def _answer(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    fixed = {**response_headers("server-error" if status >= 500 else "push"), **(headers or {})}
    return JSONResponse(body, status_code=status, headers=fixed)


def _error(status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    return _answer(status, {"error": detail, "status": status}, headers)


async def push_reviews(request: Request) -> Response:
    service = service_of(request)
    shop_id = request.path_params["shop"]
    found = BEARER.fullmatch(request.headers.get("authorization", ""))
    challenge = {"WWW-Authenticate": 'Bearer realm="trustwidgets"'}
    if found is None:
        return _error(401, "a push needs Authorization: Bearer TOKEN", challenge)
    grant = await run_in_threadpool(service.store.token_grant, found.group(1))
    if grant is None:
        return _error(401, "the token is not valid (unknown, mistyped or revoked)", challenge)
    owner, stored_formats = grant
    if owner != shop_id:
        return _error(403, "this token belongs to another shop")
    wait = LIMIT.take(owner + "|" + found.group(1)[:16])
    if wait:
        return _error(429, "too many pushes with this token; try again later", {"Retry-After": str(int(wait) + 1)})
    format_name = request.query_params.get("format", "native")
    if format_name != "native" and format_name not in FORMAT_NAMES:
        return _error(400, f"unknown format; one of native, {', '.join(FORMAT_NAMES)}")
    formats = token_formats(stored_formats)
    if format_name not in formats:
        return _error(
            403,
            f"this token may not push format {format_name} (it may push {', '.join(formats) or 'nothing'}); "
            f"`trustwidgets token create {shop_id} --formats LIST` makes one that may",
        )
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    allowed = tuple(NATIVE_TYPES) if format_name == "native" else PLATFORM_TYPES
    if media not in allowed:
        return _error(415, f"send the body as {' or '.join(allowed)}")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return _error(413, f"the body is larger than {MAX_BODY // (1024 * 1024)} MB; split it over several pushes")
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return _error(
                    413, f"the body is larger than {MAX_BODY // (1024 * 1024)} MB; split it over several pushes"
                )
    except ClientDisconnect:
        return _error(400, "the body was cut off")
    if service.store.shop(shop_id) is None:
        return _error(404, f"no shop {shop_id!r}" if SHOP_ID.fullmatch(shop_id) else "no such shop")
    rejections: list[Rejection] = []
    try:
        if format_name == "native":
            report = await run_in_threadpool(
                _import_native,
                service.store,
                shop_id,
                bytes(body),
                NATIVE_TYPES[media],
                service.data_dir,
                rejections.append,
                token_platforms(formats),
            )
        else:
            report = await run_in_threadpool(
                import_platform,
                service.store,
                format_name,
                shop_id,
                [Input("body", BytesIO(bytes(body)))],
                read_on=today_utc(),
                available_locales=available_locales(),
                on_reject=rejections.append,
            )
    except Unusable as error:
        return _error(400, f"{error}; nothing was stored")
    except Exception as error:
        if not is_store_failure(error):
            raise
        # Busy with another import (past TRUSTWIDGETS_STORE_WAIT), full or unreachable: the
        # push rolled back whole, and the client may send it again.
        return _error(503, "the store is busy or unavailable; nothing was stored, try again", {"Retry-After": "10"})
    return _answer(200, _report(report, rejections))


def is_store_failure(error: Exception) -> bool:
    """An error of the store itself (SQLite, PostgreSQL, or one already explained), not a bug."""
    return isinstance(error, sqlite3.Error | StoreError) or type(error).__module__.startswith("psycopg")


def _report(report: Report, rejections: list[Rejection]) -> dict[str, Any]:
    return {
        "accepted": report.reviews_changed,
        "unchanged": report.reviews_unchanged,
        "rejected": [
            {"line": r.line, "item": r.item, "id": r.id, "reason": r.reason} for r in rejections[:MAX_REJECTIONS_LISTED]
        ],
        "rejected_count": report.rejected,
        "skipped": report.skipped,
        "unknown_fields": sorted({f for fields in report.unknown_fields.values() for f in fields}),
        "platform_score": report.platform_scores > 0,
    }


def _import_native(
    store: Any, shop_id: str, body: bytes, suffix: str, folder: Path, on_reject: Any, platforms: frozenset[str]
) -> Report:
    """A native body through the same readers as a file: spooled to a private temporary file."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # a PostgreSQL store may leave it unmade
    with tempfile.TemporaryDirectory(dir=folder, prefix=".push-") as temporary:
        path = Path(temporary) / f"body{suffix}"
        path.write_bytes(body)
        try:
            kind = check_input(path)
            rows = _for_shop(READERS[kind](path), shop_id, platforms)
            return import_batch(
                store,
                [("body", rows)],
                available_locales=available_locales(),
                on_reject=lambda rejection: on_reject(replace(rejection, file="body")),
            )
        except Unusable as error:
            raise Unusable(str(error).replace(str(path), "body")) from None


def _for_shop(rows: Iterable[Row], shop_id: str, platforms: frozenset[str]) -> Iterator[Row]:
    """Reviews for the path's shop only (a missing shop is that shop); shop records are refused,
    and so is a review naming a platform whose format the token may not push (`platforms`,
    casefolded): a native body must not write what the platform's own format would."""
    for row in rows:
        if row.kind == "shop":
            yield Row(row.line, None, "shop records cannot be pushed; ask the operator to import them", item=row.item)
        elif isinstance(row.obj, dict) and row.error is None:
            shop = row.obj.get("shop", shop_id)
            platform = row.obj.get("platform")
            rid = row.obj.get("id") if isinstance(row.obj.get("id"), str) else None
            if shop != shop_id:
                yield Row(
                    row.line, None, "the review names another shop than the URL", rid=printable_id(rid), item=row.item
                )
            elif (
                isinstance(platform, str)
                and platform_needs_format(platform)
                and canonical_platform(platform).casefold() not in platforms
            ):
                reason = (
                    f"this token may not push {shown(platform)} reviews (its formats do not include that platform's)"
                )
                yield Row(row.line, None, reason, rid=printable_id(rid), item=row.item)
            else:
                yield replace(row, obj={**row.obj, "shop": shop_id})
        else:
            yield row
