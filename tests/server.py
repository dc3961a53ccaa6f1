"""Run the real service (the `trustwidgets serve` command under uvicorn) on a free loopback port."""

from __future__ import annotations

import contextlib
import io
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


def cli_in_process(data: Path, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    """The `trustwidgets` command run in this process (static_build.program.main) with `stdin` as
    its standard input: its exit code and what it wrote, as `subprocess.run(..., text=True)` gives
    them.

    For tests about what a command says and stores rather than about its process: a start of the
    command costs some 0.3 CPU-s. What it writes goes through streams encoded as a process's own
    are here (so text a real stdout cannot encode fails here too), an exception it lets escape (a
    traceback, in a process) fails the test, and the environment is put back afterwards."""
    from static_build.program import main

    def stream(like: object) -> io.TextIOWrapper:
        encoding, errors = getattr(like, "encoding", None), getattr(like, "errors", None)
        return io.TextIOWrapper(io.BytesIO(), encoding=encoding or "utf-8", errors=errors or "strict")

    out, err, environ = stream(sys.__stdout__), stream(sys.__stderr__), dict(os.environ)
    stdin_was = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(["--data", str(data), *args])
            except SystemExit as exit:  # argparse's usage errors
                code = exit.code if isinstance(exit.code, int) else 1
            out.flush()
            err.flush()
    finally:
        sys.stdin = stdin_was
        if os.environ != environ:
            os.environ.clear()
            os.environ.update(environ)
    written = [stream.buffer.getvalue().decode(stream.encoding) for stream in (out, err)]  # type: ignore[attr-defined]
    return subprocess.CompletedProcess(cli_args(data, *args), code, *written)


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
