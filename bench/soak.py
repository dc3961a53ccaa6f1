"""Load while changing: wrk against the service while imports, builds and a hostile client run.

    make soak                       (10 minutes; SOAK_SECONDS=60 make soak for a short run)

The hostile client goes through the nginx block we ship (`trustwidgets proxy-config`), as a
deployment would: random option values, oversized headers, and connections that never finish
their headers. Pass when: no 5xx anywhere, every sampled summary.json equals the summary of
the store as it was just before or just after the request, the servers' memory stays flat,
and the render cache stays within its cap. Writes a "Soak" section into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.harness import CLI, ROOT, Server, run
from tests.nginx import running_nginx
from tests.server import free_port
from widget_server.http.proxy_config import ProxySettings, nginx_server_block
from widget_server.store.open import open_store

CACHE_MB = 16  # a small cap, so distinct accents would pass it quickly if it did not hold
HOSTILE_VALUES = ["", "²", "５", "-1", "0", "51", "4, 5", "nl," * 30, "#zzzzzz", "\u0000", "a" * 3000, "🙂", "%"]


def hostile_query(rng: random.Random) -> dict[str, str]:
    query = {}
    for name in rng.sample(["theme", "accent", "stars", "lang", "count", "utm", "page"], rng.randint(1, 4)):
        roll = rng.random()
        if roll < 0.4:
            query[name] = f"#{rng.randrange(1 << 24):06x}"  # a new accent: a new render each time
        elif roll < 0.8:
            query[name] = rng.choice(HOSTILE_VALUES)
        else:
            query[name] = "".join(chr(rng.randrange(32, 0x3000)) for _ in range(rng.randint(1, 12)))
    return query


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20 if path.exists() else 0.0


AS_OF = date(2026, 11, 23)


def rss_mb(pid: int) -> float:
    total = 0.0
    pids = [pid] + [
        int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    ]
    for each in pids:
        try:
            status = Path(f"/proc/{each}/status").read_text()
        except FileNotFoundError:
            continue
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
    return total


def expected_summary(data: Path, shop: str) -> bytes:
    from widget_server.core.render import render_json

    store = open_store(data)
    try:
        snapshot = store.snapshot(shop, AS_OF)
        assert snapshot is not None
        return render_json(dict(snapshot.summary))
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("SOAK_SECONDS", "600")))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tw-soak-", dir=ROOT / "bench"))
    data, out = work / "data", work / "out"
    run(CLI + ["--data", str(data), "demo", "--as-of", AS_OF.isoformat()])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = Server(
        CLI
        + ["--data", str(data), "serve", "--port", str(port), "--workers", "2", "--as-of", AS_OF.isoformat()]
        + ["--cache-size-mb", str(CACHE_MB)],
        base + "/healthz",
    )
    proxy_port = free_port()
    proxy = f"http://127.0.0.1:{proxy_port}"
    block = nginx_server_block(ProxySettings(upstream=f"127.0.0.1:{port}", listen=f"127.0.0.1:{proxy_port}"))
    nginx = running_nginx(work / "nginx", block, proxy + "/healthz")
    nginx.__enter__()
    stop = threading.Event()
    samples: dict[str, Any] = {"checked": 0, "wrong": [], "imports": 0, "builds": 0, "build_failures": 0, "rss": []}
    samples.update({"hostile": 0, "hostile_5xx": 0, "hostile_statuses": {}, "slow_open": 0, "cache_mb": []})

    def hostile() -> None:
        rng = random.Random(7)
        paths = ["/v1/wtw-winkel/nl/carousel.html", "/v1/greenvent/en/reviews.json", "/v1/wtw-winkel/nl/badge.html"]
        while not stop.is_set():
            path = rng.choice(paths)
            headers = {"X-Padding": "x" * rng.choice([10, 8_000, 20_000])} if rng.random() < 0.2 else {}
            url = f"{proxy}{path}?{urllib.parse.urlencode(hostile_query(rng))}"
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = 0
            samples["hostile"] += 1
            samples["hostile_5xx"] += status >= 500
            samples["hostile_statuses"][status] = samples["hostile_statuses"].get(status, 0) + 1

    def slow_clients() -> None:
        host, port_text = proxy.removeprefix("http://").split(":")
        while not stop.wait(1):
            open_now = []
            for _ in range(20):  # 20 connections a second that never finish their headers
                try:
                    sock = socket.create_connection((host, int(port_text)), timeout=2)
                    sock.sendall(b"GET /v1/wtw-winkel/nl/badge.html HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                    open_now.append(sock)
                except OSError:
                    pass
            samples["slow_open"] += len(open_now)
            threading.Timer(15, lambda socks=open_now: [s.close() for s in socks]).start()

    def cache_size() -> None:
        while not stop.wait(15):
            samples["cache_mb"].append(folder_mb(data / "cache"))

    def importer() -> None:
        rng = random.Random(1)
        n = 0
        while not stop.wait(5):
            path = work / f"more-{n}.jsonl"
            lines = []
            for _ in range(20):
                n += 1
                lines.append(
                    json.dumps(
                        {
                            "id": f"soak-{n}",
                            "shop": rng.choice(["wtw-winkel", "greenvent"]),
                            "rating": rng.randint(1, 5),
                            "author": f"Soak {n}",
                            "email": f"s{n}@example.nl",
                            "language": "nl",
                            "title": "Soak",
                            "text": "Onder belasting.",
                            "created_at": (AS_OF - timedelta(days=rng.randrange(300))).isoformat() + "T12:00:00Z",
                            "verification": "verified",
                        }
                    )
                )
            path.write_text("\n".join(lines) + "\n")
            subprocess.run(CLI + ["--data", str(data), "import", str(path)], cwd=ROOT, capture_output=True, check=True)
            samples["imports"] += 1

    def builder() -> None:
        while not stop.wait(20):
            result = subprocess.run(
                CLI + ["--data", str(data), "build", "--out", str(out), "--as-of", AS_OF.isoformat(), "--jobs", "1"],
                cwd=ROOT,
                capture_output=True,
            )
            samples["builds"] += 1
            samples["build_failures"] += result.returncode != 0

    def sampler() -> None:
        while not stop.wait(0.5):
            shop = random.choice(["wtw-winkel", "greenvent"])
            before = expected_summary(data, shop)
            with urllib.request.urlopen(f"{base}/v1/{shop}/summary.json", timeout=10) as response:
                body = response.read()
            after = expected_summary(data, shop)
            samples["checked"] += 1
            if body not in (before, after):
                samples["wrong"].append(shop)

    def memory() -> None:
        while not stop.wait(10):
            samples["rss"].append(rss_mb(server.process.pid))

    threads = [
        threading.Thread(target=t) for t in (importer, builder, sampler, memory, hostile, slow_clients, cache_size)
    ]
    for thread in threads:
        thread.start()
    try:
        wrk = subprocess.run(
            ["wrk", "-t1", "-c16", f"-d{args.seconds}s", "--latency", f"{base}/v1/wtw-winkel/nl/badge.html"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        nginx.__exit__(None, None, None)
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    requests = int(re.search(r"(\d+) requests in", wrk).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", wrk)
    errors = re.search(r"Socket errors: (.*)", wrk)
    rss = samples["rss"]
    warm, last = (rss[5] if len(rss) > 5 else rss[0]), rss[-1]  # after the first minute: caches filled
    flat = last <= warm * 1.15 + 16
    cache_peak = max(samples["cache_mb"], default=0.0)
    cache_ok = cache_peak <= CACHE_MB * 1.25  # diskcache culls after a set; its index adds a little
    ok = (
        not non2xx
        and not errors
        and not samples["wrong"]
        and not samples["build_failures"]
        and flat
        and not samples["hostile_5xx"]
        and cache_ok
    )
    statuses = ", ".join(f"{code}: {n:,}" for code, n in sorted(samples["hostile_statuses"].items()))
    section = [
        "## Soak",
        "",
        f"`make soak`: {args.seconds} s of `wrk -t1 -c16` on a cached badge against `trustwidgets serve --workers 2`, "
        f"while {samples['imports']} imports (20 reviews each), {samples['builds']} static builds and a hostile "
        f"client through the shipped nginx block ran beside it ({date.today()}).",
        "",
        "| what | figure |",
        "|---|---:|",
        f"| requests | {requests:,} ({rps:,.0f}/s) |",
        f"| non-2xx/3xx responses | {int(non2xx.group(1)) if non2xx else 0} |",
        f"| socket errors | {errors.group(1) if errors else 'none'} |",
        f"| summary.json samples checked against the store | {samples['checked']} ({len(samples['wrong'])} wrong) |",
        f"| builds that failed | {samples['build_failures']} |",
        f"| server memory (RSS, both workers) after the first minute → at the end | {warm:.0f} MB → {last:.0f} MB |",
        f"| hostile requests through nginx (random options, 20 KB headers) | {samples['hostile']:,} ({statuses}) |",
        f"| hostile 5xx | {samples['hostile_5xx']} |",
        f"| connections that never finished their headers (cut by nginx after 10 s) | {samples['slow_open']:,} |",
        f"| render cache on disk, cap {CACHE_MB} MB: largest seen | {cache_peak:.1f} MB |",
        f"| verdict | {'pass' if ok else 'FAIL'} |",
        "",
    ]
    text = args.out.read_text() if args.out.exists() else "# Benchmarks\n"
    text = re.sub(r"## Soak\n.*?(?=\n## |\Z)", "", text, flags=re.S).rstrip() + "\n\n" + "\n".join(section)
    args.out.write_text(text)
    print("\n".join(section))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
