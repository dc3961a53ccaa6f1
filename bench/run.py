"""All benchmarks in one run, each next to its baseline; writes docs/benchmarks.md.

    make bench            (or: python -m bench.run [--quick])

Servers run on loopback only; every load is bounded in time.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from bench.synth import write as write_synth
from tests.server import free_port

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 11, 23)
PY = sys.executable
CLI = [PY, "-m", "widget_server.cli"]
TRUSTBOX_KB, TRUSTBADGE_KB = 120, 143  # published weights of Trustpilot's TrustBox and Trusted Shops' Trustbadge


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


def bench_service(work: Path, seconds: int) -> tuple[list[str], dict]:
    data, out = work / "demo", work / "demo-out"
    run(CLI + ["--data", str(data), "demo", "--as-of", AS_OF.isoformat()])
    run(CLI + ["--data", str(data), "build", "--out", str(out), "--as-of", AS_OF.isoformat(), "--jobs", "2"])
    paths = {
        "cached badge": "/v1/wtw-winkel/nl/badge.html",
        "cached carousel": "/v1/wtw-winkel/nl/carousel.html",
        "summary.json": "/v1/wtw-winkel/summary.json",
    }
    files = work / "baseline-files"
    for path in paths.values():
        target = files / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((out / path.lstrip("/")).read_bytes())
    results: dict[str, dict[str, dict[str, float]]] = {}

    def measure(name: str, server: Server, base: str) -> None:
        try:
            for label, path in paths.items():
                urllib.request.urlopen(base + path).read()  # warm the caches
                results.setdefault(label, {})[name] = wrk(base + path, seconds)
        finally:
            server.stop()

    for workers in (1, 2):
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = Server(
            CLI
            + [
                "--data",
                str(data),
                "serve",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--as-of",
                AS_OF.isoformat(),
            ],
            base + "/healthz",
        )
        measure(f"trustwidgets, {workers} worker{'s' if workers > 1 else ''}", server, base)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = Server(
        CLI + ["--data", str(data), "serve", "--port", str(port), "--as-of", AS_OF.isoformat()],
        base + "/healthz",
        env={"TRUSTWIDGETS_MEMORY_ITEMS": "0"},
    )
    measure("trustwidgets, 1 worker, diskcache only (no LRU)", server, base)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = Server(
        [
            PY,
            "-m",
            "uvicorn",
            "--factory",
            "bench.baseline_app:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
            "--no-server-header",
        ],
        base + paths["summary.json"],
        env={"BENCH_FILES": str(files)},
    )
    measure("Starlette ceiling (same bytes from memory, 1 worker)", server, base)
    server, base = nginx(out, work / "nginx")
    measure("nginx, static build (1 worker)", server, base)
    lines = []
    for label, by_server in results.items():
        ceiling = by_server["Starlette ceiling (same bytes from memory, 1 worker)"]["rps"]
        machine = by_server["nginx, static build (1 worker)"]["rps"]
        lines += [
            f"**{label}**",
            "",
            "| server | requests/s | p50 ms | p99 ms | vs Starlette ceiling | vs nginx | non-2xx |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, figures in by_server.items():
            lines.append(
                f"| {name} | {figures['rps']:,.0f} | {figures['p50']:.2f} | {figures['p99']:.2f} | "
                f"{figures['rps'] / ceiling:.2f}× | {figures['rps'] / machine:.2f}× | {figures['non2xx']} |"
            )
        lines.append("")
    return lines, results


def bench_render(work: Path, runs: int) -> list[str]:
    from jinja2 import Template

    from widget_server.core.options import Options
    from widget_server.core.render import render_widget
    from widget_server.core.widgets import WIDGETS
    from widget_server.store import Store

    store = Store.open(work / "demo")
    snapshot = store.snapshot("wtw-winkel", AS_OF)
    assert snapshot is not None
    options = Options().resolve(snapshot.shop)
    lines = [
        "| widget | median ms | p99 ms | floor: Jinja2 constant template, median ms | ratio | runs |",
        "|---|---:|---:|---:|---:|---:|",
    ]

    def timings(call) -> list[float]:
        call()
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        return sorted(times)

    for widget in WIDGETS:
        ours = timings(lambda widget=widget: render_widget(snapshot, widget, "nl", options))
        html = render_widget(snapshot, widget, "nl", options).decode()
        constant = Template("{% raw %}" + html + "{% endraw %}")
        floor = timings(lambda constant=constant: constant.render().encode())
        lines.append(
            f"| {widget} | {statistics.median(ours):.3f} | {ours[int(len(ours) * 0.99) - 1]:.3f} | "
            f"{statistics.median(floor):.3f} | {statistics.median(ours) / statistics.median(floor):.0f}× | {runs} |"
        )
    store.close()
    return lines


def timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    out = run(command).stdout.strip()
    return time.perf_counter() - started, out


def bench_build(work: Path, shops: int, per_shop: int) -> list[str]:
    synth = work / "synth"
    shop_file, reviews = write_synth(synth, shops, per_shop, AS_OF)
    data = work / "synth-data"
    import_seconds, _ = timed(CLI + ["--data", str(data), "import", "--shop-file", str(shop_file), str(reviews)])
    rows = []
    for label, root in (("repository disk (ext4)", work), ("tmpfs (/dev/shm)", Path("/dev/shm"))):
        out = root / f"tw-bench-out-{os.getpid()}"
        try:
            for jobs in (2, 1) if root != work else (2,):
                shutil.rmtree(out, ignore_errors=True)
                shutil.rmtree(out.with_name(f".{out.name}.trustwidgets"), ignore_errors=True)
                seconds, line = timed(
                    CLI
                    + [
                        "--data",
                        str(data),
                        "build",
                        "--out",
                        str(out),
                        "--as-of",
                        AS_OF.isoformat(),
                        "--jobs",
                        str(jobs),
                    ]
                )
                files = int(re.search(r"([\d,]+) files", line).group(1).replace(",", ""))
                rows.append(
                    f"| full build, --jobs {jobs}, {label} | {seconds:.1f} s | {files / seconds:,.0f} files/s |"
                )
            seconds, _ = timed(
                CLI + ["--data", str(data), "build", "--out", str(out), "--as-of", AS_OF.isoformat(), "--jobs", "2"]
            )
            rows.append(f"| rebuild, no change, {label} | {seconds:.2f} s | |")
            one = synth / "one.jsonl"
            one.write_text(
                json.dumps(
                    {
                        "id": "bench-new",
                        "shop": "shop-00007",
                        "rating": 1,
                        "author": "Nieuw",
                        "email": "n@example.nl",
                        "language": "nl",
                        "title": "Nieuw",
                        "created_at": (AS_OF - timedelta(days=1)).isoformat() + "T10:00:00Z",
                        "verification": "verified",
                        "text": f"run {root}",
                    }
                )
                + "\n"
            )
            run(CLI + ["--data", str(data), "import", str(one)])
            seconds, line = timed(
                CLI + ["--data", str(data), "build", "--out", str(out), "--as-of", AS_OF.isoformat(), "--jobs", "2"]
            )
            rows.append(f"| rebuild after one shop changed, {label} | {seconds:.2f} s | {line.split(',')[0]} |")
        finally:
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(out.with_name(f".{out.name}.trustwidgets"), ignore_errors=True)
    lines = [
        f"{shops:,} synthetic shops × {per_shop} reviews (seeded, `bench/synth.py`); wall-clock seconds of the "
        "whole `trustwidgets build` command, start-up included.",
        "",
        "| what | time | rate |",
        "|---|---:|---:|",
    ] + rows
    lines += [
        "",
        f"Importing those {shops * per_shop:,} reviews as one `.jsonl`: {import_seconds:.1f} s "
        f"({shops * per_shop / import_seconds:,.0f} reviews/s).",
    ]
    return lines


def bench_weight(work: Path) -> list[str]:
    out = work / "demo-out"
    loader = gzip.compress((out / "v1/embed.js").read_bytes(), 9)
    lines = [
        "| embed | requests | gzipped bytes | vs TrustBox (120 KB) | vs Trustbadge (143 KB) |",
        "|---|---:|---:|---:|---:|",
    ]
    for widget in ("badge", "stars", "carousel", "footer"):
        document = gzip.compress((out / f"v1/wtw-winkel/nl/{widget}.html").read_bytes(), 9)
        total = len(loader) + len(document)
        lines.append(
            f"| {widget} (loader + widget) | 2 | {total:,} | {TRUSTBOX_KB * 1024 / total:.0f}× lighter | "
            f"{TRUSTBADGE_KB * 1024 / total:.0f}× lighter |"
        )
    return lines


def bench_import(work: Path, shops: int, per_shop: int) -> list[str]:
    synth = work / "million"
    shop_file, reviews = write_synth(synth, shops, per_shop, AS_OF, seed=1)
    size = reviews.stat().st_size
    data = work / "million-data"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    seconds, _ = timed(CLI + ["--data", str(data), "import", "--shop-file", str(shop_file), str(reviews)])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    median, p99 = map(float, run([PY, "-m", "bench.summary_latency", str(data)]).stdout.split())
    started = time.perf_counter()
    with reviews.open("rb") as handle:
        for line in handle:
            json.loads(line)
    parse_floor = time.perf_counter() - started
    rows = shops * per_shop
    return [
        "| reviews | file | time | reviews/s | peak memory (max RSS) |",
        "|---:|---:|---:|---:|---:|",
        f"| {rows:,} | {size / 1e6:,.0f} MB `.jsonl` | {seconds:.1f} s | {rows / seconds:,.0f} | "
        f"{max(peak, before) / 1024:,.0f} MB |",
        "",
        f"Floor in the same run: `json.loads` of every line alone takes {parse_floor:.1f} s "
        f"({rows / parse_floor:,.0f} lines/s); the import does {seconds / parse_floor:.1f}× that work "
        "(validation, the 6-month rule, hashing, SQLite writes).",
        "",
        f"Summary of one shop in that store ({shops:,} shops, {rows:,} reviews): median {median:.2f} ms, "
        f"p99 {p99:.2f} ms over every shop.",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, shorter loads (a smoke run)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    seconds, render_runs = (2, 200) if args.quick else (8, 3000)
    build_size = (50, 200) if args.quick else (1000, 200)
    import_size = (100, 1000) if args.quick else (1000, 1000)
    work = Path(tempfile.mkdtemp(prefix="tw-bench-", dir=ROOT / "bench"))
    try:
        service_lines, _ = bench_service(work, seconds)
        sections = [
            (
                "Live service throughput and latency",
                f"`wrk -t1 -c32 -d{seconds}s --latency` on loopback, wrk and the server sharing the machine's "
                "2 cores. Every server answers the same bytes; no compression asked.",
                service_lines,
            ),
            (
                "Cold render",
                "The shared render function in-process (`render_widget`, data already loaded), "
                "wtw-winkel demo data, nl.",
                bench_render(work, render_runs),
            ),
            ("Static build", "", bench_build(work, *build_size)),
            (
                "Weight",
                "Gzipped bytes of the loader plus the widget document, against the hosted widgets' published figures.",
                bench_weight(work),
            ),
            (
                "Import",
                "One `trustwidgets import` of a synthetic `.jsonl` (one transaction); peak memory is the "
                "largest resident set of any child process of the benchmark.",
                bench_import(work, *import_size),
            ),
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    text = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` (`python -m bench.run{' --quick' if args.quick else ''}`) on {date.today()}: "
        f"{os.cpu_count()} cores ({cpu}), {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}. "
        "Every ratio compares figures taken in the same run.",
        "",
    ]
    for title, intro, lines in sections:
        text += [f"## {title}", ""] + ([intro, ""] if intro else []) + lines + [""]
    soak = re.search(r"\n## Soak\n.*", args.out.read_text(), flags=re.S) if args.out.exists() else None
    args.out.write_text("\n".join(text).rstrip() + "\n" + (soak.group(0) if soak else ""))  # keep make soak's figures
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
