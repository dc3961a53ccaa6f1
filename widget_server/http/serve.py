"""`trustwidgets serve`: the app under uvicorn (uvloop and httptools when installed)."""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys

import uvicorn

from .preview import LOCAL, static_base
from .service import LOOPBACK_HOSTS


def preview_mode(asked: str | None, host: str) -> str:
    """The staff preview is on by default only where nobody else can reach it: "local" on a
    loopback address (on, but not for requests a proxy passes on), else "off"."""
    if asked:
        return asked
    return LOCAL if host in LOOPBACK_HOSTS else "off"


def bind_problem(host: str, port: int, code: int | None, reason: str = "") -> str:
    """One line on why `trustwidgets serve` cannot listen on host:port (`code`: the errno, None: none)."""
    if code == errno.EADDRINUSE:
        return f"port {port} on {host} is in use: choose another with --port"
    if code == errno.EACCES:
        return f"port {port} on {host} needs rights this user does not have: choose one from 1024 up with --port"
    if code == errno.EADDRNOTAVAIL:
        return f"{host} is not an address of this machine: choose another with --host"
    return f"cannot listen on port {port} on {host} ({reason or 'unknown error'})"


def check_listen(host: str, port: int) -> str | None:
    """Bind host:port as uvicorn will, and let go: what is wrong, or None when it is free."""
    if not 0 < port < 65536:
        return f"--port must be from 1 to 65535 (got {port})"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn: a TIME_WAIT port is free
        try:
            probe.bind((host, port))
        except socket.gaierror as error:
            return f"{host} is not an address this machine can listen on ({error.strerror}): choose another with --host"
        except OSError as error:
            return bind_problem(host, port, error.errno, error.strerror or "")
    return None


def url_problem(option: str, value: str) -> str | None:
    """Why an address the preview's snippets would carry as they are is not one (a scheme, a
    host, a path; no query, fragment, quote or space), in one line; None when it is."""
    if not value or static_base(value) is not None:
        return None
    return f"{option} must be an http(s) address such as https://widgets.example.com: no query, user or password"


def serve(args: argparse.Namespace) -> int:
    for option, value in (("--public-url", args.public_url), ("--static-url", args.static_url)):
        if problem := url_problem(option, value):
            print(f"trustwidgets serve: {problem}", file=sys.stderr)
            return 2
    os.environ["TRUSTWIDGETS_DATA"] = str(args.data)
    os.environ["TRUSTWIDGETS_WORKERS"] = str(args.workers)
    os.environ["TRUSTWIDGETS_PREVIEW"] = preview_mode(args.preview or os.environ.get("TRUSTWIDGETS_PREVIEW"), args.host)
    if args.public_url:
        os.environ["TRUSTWIDGETS_PUBLIC_URL"] = args.public_url
    if args.static_url:
        os.environ["TRUSTWIDGETS_STATIC_URL"] = args.static_url
    if args.cache_dir:
        os.environ["TRUSTWIDGETS_CACHE"] = str(args.cache_dir)
    if args.cache_size_mb is not None:
        os.environ["TRUSTWIDGETS_CACHE_MB"] = str(args.cache_size_mb)
    if args.as_of is not None:  # else the app follows today's date (or TRUSTWIDGETS_AS_OF)
        os.environ["TRUSTWIDGETS_AS_OF"] = args.as_of.isoformat()
    shown = f"[{args.host}]" if ":" in args.host else args.host
    address = f"http://{shown}:{args.port}"
    preview = os.environ["TRUSTWIDGETS_PREVIEW"]
    preview_text = {
        "on": f"{address}/preview/",
        LOCAL: f"{address}/preview/, from this machine only",
        "off": "off",
    }.get(preview, f"{address}/preview/?token=…")
    print(f"trustwidgets: serving {address}  (staff preview: {preview_text}; stop with Ctrl-C)", flush=True)
    uvicorn.run(
        "widget_server.http.app:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        loop="auto",
        http="auto",
        log_level="info" if args.access_log else "warning",
        access_log=args.access_log,
        server_header=False,
    )
    return 0
