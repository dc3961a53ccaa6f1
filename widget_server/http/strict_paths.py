"""Middleware in front of everything: plain paths only, and a cap on the size of request headers.

404 for any path holding an escape or a NUL (public URLs are plain ASCII); 431 when the
request's headers add up to more than MAX_HEADER_BYTES, before anything reads them.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from .service import error_response

MAX_HEADER_BYTES = 16 * 1024  # names and values together; browsers send 1-4 KB


class StrictPaths:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if sum(len(name) + len(value) for name, value in scope["headers"]) > MAX_HEADER_BYTES:
                response = error_response(scope["path"], 431, "request header fields too large")
                await response(scope, receive, send)
                return
            raw = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
            if b"%" in raw or b"\x00" in raw or "\x00" in scope["path"]:
                response = error_response(scope["path"], 404, "not found")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
