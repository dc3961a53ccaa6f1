"""The Python ceiling: a minimal Starlette app answering fixed bytes from memory.

Served by the same uvicorn as the service; BENCH_FILES names a folder whose files become routes.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def app() -> Starlette:
    root = Path(os.environ["BENCH_FILES"])
    bodies = {"/" + str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    async def serve(request: Request) -> Response:
        return Response(bodies[request.url.path], media_type="text/html")

    return Starlette(routes=[Route(path, serve) for path in bodies])
