"""`trustwidgets serve`: the app under uvicorn (uvloop and httptools when installed)."""

from __future__ import annotations

import argparse
import os

import uvicorn


def serve(args: argparse.Namespace) -> int:
    os.environ["TRUSTWIDGETS_DATA"] = str(args.data)
    os.environ["TRUSTWIDGETS_WORKERS"] = str(args.workers)
    if args.as_of is not None:  # else the app follows today's date (or TRUSTWIDGETS_AS_OF)
        os.environ["TRUSTWIDGETS_AS_OF"] = args.as_of.isoformat()
    uvicorn.run(
        "widget_server.app:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        loop="auto",
        http="auto",
        log_level="warning",
        access_log=False,
        server_header=False,
    )
    return 0
