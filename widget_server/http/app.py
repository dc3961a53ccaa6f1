"""The live widget service: create_app wires the routes, the memo, the strict-path guard and the error log."""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from ..core.headers import response_headers
from ..core.paths import PREFIX, PUSH_PATH
from .error_log import ErrorLog
from .preview import preview_asset, preview_index, preview_shop
from .public import public_document
from .push import push_reviews
from .readers import BIG_SHOP
from .render_cache import DEFAULT_SIZE
from .response_memo import ResponseMemo
from .service import Service, error_response, service_of
from .strict_paths import StrictPaths

SWITCH_INTERVAL = 0.0005  # seconds: how long a thread may keep the GIL while another waits for it


async def healthz(request: Request) -> Response:
    shops, _ = service_of(request).store.counts()
    return PlainTextResponse(f"ok {shops} shops\n", headers=response_headers("health"))


async def home(request: Request) -> Response:
    return RedirectResponse("/preview/", status_code=302, headers=response_headers("preview"))


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    detail = exc.detail if exc.status_code == 404 else ("method not allowed" if exc.status_code == 405 else exc.detail)
    return error_response(request.url.path, exc.status_code, detail, headers)


async def server_error(request: Request, exc: Exception) -> Response:
    return error_response(request.url.path, 500, "internal error")


def create_app(
    data_dir: Path | str,
    *,
    as_of: date | None = None,
    cache_dir: Path | str | None = None,
    cache_size: int = DEFAULT_SIZE,
    shards: int = 1,
    memory_items: int = 1024,
    preview: str = "on",
    public_url: str = "",
    static_url: str = "",
    big_shop: int | None = BIG_SHOP,
) -> ASGIApp:
    service = Service(
        Path(data_dir),
        as_of=as_of,
        cache_dir=None if cache_dir is None else Path(cache_dir),
        cache_size=cache_size,
        shards=shards,
        memory_items=memory_items,
        preview=preview,
        public_url=public_url,
        static_url=static_url,
        big_shop=big_shop,
    )
    read = ["GET", "HEAD"]
    routes = [
        Route("/", home, methods=read),
        Route("/healthz", healthz, methods=read),
        Route(PUSH_PATH, push_reviews, methods=["POST"]),
        Route(f"{PREFIX}{{path:path}}", public_document, methods=read),  # the catalogue parses the rest
        Route("/preview/", preview_index, methods=read),
        Route("/preview/{name}.{ext:str}", preview_asset, methods=read),
        Route("/preview/{shop}", preview_shop, methods=read),
    ]
    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        HTTPException: http_error,
        Exception: server_error,
    }
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.router.redirect_slashes = False
    app.state.service = service
    memo = ResponseMemo(app, version=lambda: (service.store.data_version(), service.as_of()))
    return ErrorLog(StrictPaths(memo))


def app_from_env() -> ASGIApp:
    """The app as `trustwidgets serve` (and uvicorn workers) build it, from the environment."""
    # A worker thread reading a big shop holds the GIL between bytecodes; the event loop waits up
    # to one switch interval (5 ms by default) each time it wants the GIL back, several times per
    # request. 0.5 ms keeps another shop's cached answer fast while a big shop is read.
    sys.setswitchinterval(SWITCH_INTERVAL)
    pinned = os.environ.get("TRUSTWIDGETS_AS_OF")
    cache = os.environ.get("TRUSTWIDGETS_CACHE")
    return create_app(
        os.environ.get("TRUSTWIDGETS_DATA", "var"),
        as_of=date.fromisoformat(pinned) if pinned else None,
        cache_dir=cache or None,
        cache_size=int(float(os.environ.get("TRUSTWIDGETS_CACHE_MB", DEFAULT_SIZE / 2**20)) * 2**20),
        shards=int(os.environ.get("TRUSTWIDGETS_WORKERS", "1")),
        memory_items=int(os.environ.get("TRUSTWIDGETS_MEMORY_ITEMS", "1024")),
        preview=os.environ.get("TRUSTWIDGETS_PREVIEW", "on"),
        public_url=os.environ.get("TRUSTWIDGETS_PUBLIC_URL", ""),
        static_url=os.environ.get("TRUSTWIDGETS_STATIC_URL", ""),
        big_shop=int(os.environ.get("TRUSTWIDGETS_BIG_SHOP", BIG_SHOP)),
    )
