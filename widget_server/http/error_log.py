"""The outermost middleware: an unexpected error is logged as one line, never a traceback.

Starlette answers such an error with the app's 500 page and then raises it again, so that the
server logs it: uvicorn would write the whole traceback, with whatever the exception's text
holds (a reviewer's words, a path, an email in a value). Here the error is caught after the
500 went out and logged as the request, the exception's type and the place it was raised
(file and line), which is enough to find it and carries nothing a stranger wrote.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .service import error_response

log = logging.getLogger("trustwidgets.errors")


def error_line(scope: Scope, error: BaseException) -> str:
    """`GET /v1/shop/nl/badge.html: ValueError at documents.py:123` (the innermost frame)."""
    frames = traceback.extract_tb(error.__traceback__)
    place = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return f"{scope.get('method', '')} {scope.get('path', '')}: {type(error).__name__}{place}"


class ErrorLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as error:  # noqa: BLE001 - answered with a 500 already; logged here, once
            if scope["type"] != "http":
                raise
            log.error("%s", error_line(scope, error))
            if not started:  # raised before Starlette's handlers (the response memo asking the store)
                await error_response(scope.get("path", ""), 500, "internal error")(scope, receive, send)
