"""Run the real service (the `trustwidgets serve` command under uvicorn) on a free loopback port."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path


def cli_args(data: Path, *args: str) -> list[str]:
    """The `trustwidgets` command line (as the module, so it is this checkout's code)."""
    return [sys.executable, "-m", "static_build.program", "--data", str(data), *args]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_service(
    data: Path, *extra: str, as_of: str = "2026-11-23", log: Path | None = None, env_extra: dict | None = None
) -> Iterator[str]:
    """A real `trustwidgets serve`; with `log`, its output goes to that file (else a pipe)."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env_extra or {})}
    log_file = None if log is None else log.open("wb")
    env.pop("TRUSTWIDGETS_AS_OF", None)
    process = subprocess.Popen(
        cli_args(
            data,
            "serve",
            "--port",
            str(port),
            "--as-of",
            as_of,
            *extra,
        ),
        env=env,
        stdout=subprocess.PIPE if log_file is None else log_file,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=1):
                    break
            except OSError:
                if process.poll() is not None:
                    output = process.stdout.read().decode() if process.stdout else log.read_text()  # type: ignore[union-attr]
                    raise RuntimeError(output) from None
                time.sleep(0.05)
        else:
            raise RuntimeError("the service did not start")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()
        if log_file is not None:
            log_file.close()
