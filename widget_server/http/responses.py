"""Responses for public documents: strong ETag, 304, content coding, fixed headers."""

from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import Response

from ..core.compression import MIN_SIZE, choose_encoding, compress
from ..core.headers import response_headers
from .render_cache import RenderCache


def etag_of(body: bytes) -> str:
    """A strong validator from the content (not a file time)."""
    return hashlib.blake2b(body, digest_size=12).hexdigest()


def _matches(if_none_match: str, tag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    for candidate in if_none_match.split(","):
        value = candidate.strip().removeprefix("W/").strip('"')
        if value.split("-")[0] == tag:
            return True
    return False


def document_response(
    request: Request,
    body: bytes,
    media_type: str,
    kind: str,
    *,
    cache: RenderCache,
    domains: tuple[str, ...] = (),
) -> Response:
    tag = etag_of(body)
    headers = response_headers(kind, domains)
    headers["Vary"] = "Accept-Encoding"
    # Every Accept-Encoding field, as the response memo reads them: several are one comma list.
    accept = ", ".join(request.headers.getlist("accept-encoding"))
    coding = choose_encoding(accept) if len(body) >= MIN_SIZE else None
    headers["ETag"] = f'"{tag}-{coding}"' if coding else f'"{tag}"'
    if _matches(request.headers.get("if-none-match", ""), tag):
        return Response(status_code=304, headers=headers)
    if coding:
        key = f"{tag}|{coding}"
        encoded = cache.recall(key)
        if encoded is None:
            encoded = compress(body, coding)
            cache.remember(key, encoded)
        body = encoded
        headers["Content-Encoding"] = coding
    return Response(body, headers=headers, media_type=media_type)
