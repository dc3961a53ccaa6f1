"""The benchmark cases: each measures one thing and returns its figures or Markdown lines."""

from __future__ import annotations

import gzip
import json
import re
import resource
import statistics
import subprocess
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench import harness
from bench.harness import AS_OF, CLI, PY, Server, measured, nginx, run, timed, wrk
from bench.synth import write as write_synth
from tests.server import free_port
from widget_server.store.open import open_store

TRUSTBOX_KB, TRUSTBADGE_KB = 120, 143  # published weights of Trustpilot's TrustBox and Trusted Shops' Trustbadge


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

    store = open_store(work / "demo")
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


def bench_weight(work: Path) -> list[str]:
    out = work / "demo-out"
    loader = gzip.compress((out / "v1/embed.js").read_bytes(), 9)
    loader += gzip.compress(next((out / "v1").glob("widget.*.js")).read_bytes(), 9)  # the widgets' script
    lines = [
        "| embed | requests | gzipped bytes | vs TrustBox (120 KB) | vs Trustbadge (143 KB) |",
        "|---|---:|---:|---:|---:|",
    ]
    for widget in ("badge", "stars", "carousel", "footer"):
        document = gzip.compress((out / f"v1/wtw-winkel/nl/{widget}.html").read_bytes(), 9)
        total = len(loader) + len(document)
        lines.append(
            f"| {widget} (loader + script + widget) | 3 | {total:,} | {TRUSTBOX_KB * 1024 / total:.0f}× lighter | "
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


def build_seconds(line: str) -> float:
    """The build's own time from its summary line (start-up excluded)."""
    found = re.search(r"([\d.]+) s;", line)
    return float(found.group(1)) if found else float("nan")


def build(data: Path, out: Path, as_of: date, jobs: int) -> tuple[float, float, float]:
    wall, rss, line = measured(
        CLI + ["--data", str(data), "build", "--out", str(out), "--as-of", as_of.isoformat(), "--jobs", str(jobs)]
    )
    return wall, build_seconds(line), rss


def one_review(path: Path, shop: str, text: str) -> Path:
    review = {
        "id": "bench-new",
        "shop": shop,
        "rating": 1,
        "author": "Nieuw",
        "email": "n@example.nl",
        "language": "nl",
        "title": "Nieuw",
        "created_at": (AS_OF - timedelta(days=1)).isoformat() + "T10:00:00Z",
        "verification": "verified",
        "text": text,
    }
    path.write_text(json.dumps(review) + "\n")
    return path


def case_thousand_shops(work: Path, shops: int, per_shop: int) -> dict[str, Any]:
    synth = work / "synth"
    shop_file, reviews = write_synth(synth, shops, per_shop, AS_OF)
    data = work / "data"
    measured(CLI + ["--data", str(data), "import", "--shop-file", str(shop_file), str(reviews)])
    out = work / "out"
    result: dict[str, Any] = {"shops": shops, "per_shop": per_shop}
    result["full"] = build(data, out, AS_OF, 2)
    result["no_change"] = build(data, out, AS_OF, 2)
    measured(CLI + ["--data", str(data), "import", str(one_review(synth / "one.jsonl", "shop-00007", "one"))])
    result["one_shop"] = build(data, out, AS_OF, 2)
    result["next_day"] = build(data, out, AS_OF + timedelta(days=1), 2)
    return result


def case_big_shop(work: Path, reviews: int) -> dict[str, Any]:
    synth = work / f"big-{reviews}"
    shop_file, review_file = write_synth(synth, 1, reviews, AS_OF)
    data = work / f"big-data-{reviews}"
    measured(CLI + ["--data", str(data), "import", "--shop-file", str(shop_file), str(review_file)])
    wall, seconds, rss = build(data, work / f"big-out-{reviews}", AS_OF, 2)
    return {"reviews": reviews, "wall": wall, "build": seconds, "rss_mb": rss}


def case_new_option(work: Path, reviews: int, requests: int) -> dict[str, Any]:
    synth = work / f"svc-{reviews}"
    shop_file, review_file = write_synth(synth, 1, reviews, AS_OF)
    data = work / f"svc-data-{reviews}"
    measured(CLI + ["--data", str(data), "import", "--shop-file", str(shop_file), str(review_file)])
    port = free_port()
    server = subprocess.Popen(
        CLI + ["--data", str(data), "serve", "--port", str(port), "--as-of", AS_OF.isoformat()],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=harness.CODE,
    )
    base = f"http://127.0.0.1:{port}/v1/shop-00000/nl/badge.html"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base, timeout=30).read()
                break
            except OSError:
                time.sleep(0.1)
        urllib.request.urlopen(base, timeout=60).read()  # the first request of this data version
        timings = []
        for n in range(requests):
            url = f"{base}?accent=%23{n:06x}"
            started = time.perf_counter()
            urllib.request.urlopen(url, timeout=60).read()
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {"reviews": reviews, "median_ms": statistics.median(timings), "max_ms": max(timings), "n": requests}


def pipeline(work: Path, *, shops: int, per_shop: int, big: list[int], service_reviews: int) -> dict[str, Any]:
    """Every pipeline figure: builds of many shops, huge shops, and a new option on the service."""
    results: dict[str, Any] = {"date": date.today().isoformat()}
    if shops:
        results["thousand"] = case_thousand_shops(work, shops, per_shop)
    results["big"] = [case_big_shop(work, n) for n in big]
    if service_reviews:
        results["service"] = case_new_option(work, service_reviews, 20)
    return results
