"""Middleware: 404 for any request path holding an escape or a NUL (public URLs are plain ASCII)."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from .service import error_response


class StrictPaths:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raw = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
            if b"%" in raw or b"\x00" in raw or "\x00" in scope["path"]:
                response = error_response(scope["path"], 404, "not found")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
