"""What every benchmark uses: running commands and servers, wrk, nginx, timing (no figures)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

from tests.server import free_port

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 11, 23)
PY = sys.executable
CLI = [PY, "-m", "static_build.program"]
# The checkout whose code the measured commands run (bench.pipeline --code); `python -m` puts
# the working directory first on sys.path, so the children run in it.
CODE = ROOT


def use_checkout(code: Path) -> None:
    """Run every measured command in another checkout's code (an older one's command is widget_server.cli)."""
    global CODE
    CODE = code
    os.environ["PYTHONPATH"] = str(code)
    CLI[2] = "static_build.program" if (code / "static_build" / "program.py").exists() else "widget_server.cli"


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT, **kwargs)


def wait_for(url: str, process: subprocess.Popen) -> None:
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {process.args}") from None
            time.sleep(0.05)
    raise RuntimeError(f"no answer from {url}")


class Server:
    def __init__(self, command: list[str], url: str, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for(url, self.process)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def to_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, seconds: int, connections: int = 32) -> dict[str, float]:
    out = run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = to_ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "non2xx": int(errors.group(1)) if errors else 0}


def nginx(root: Path, folder: Path) -> tuple[Server, str]:
    port = free_port()
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(f"""daemon off; master_process off; worker_processes 1; pid {folder}/nginx.pid;
error_log {folder}/error.log warn; events {{ worker_connections 1024; }}
http {{ access_log off; client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;
fastcgi_temp_path {folder}/fastcgi; uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;
server {{ listen 127.0.0.1:{port}; root {root}; include {root}/nginx.conf; }} }}""")
    base = f"http://127.0.0.1:{port}"
    return Server(["nginx", "-p", str(folder), "-c", str(conf)], base + "/v1/embed.js"), base


def timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    out = run(command).stdout.strip()
    return time.perf_counter() - started, out


def measured(command: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB of the command or its largest waited-for child, stdout)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True, cwd=CODE)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode not in (0, 1):
            raise RuntimeError(f"{command} failed: {err.read()[-2000:]}")
        return wall, usage.ru_maxrss / 1024, out.read()
