"""Load while changing: wrk against the service while imports and builds run beside it.

    make soak                       (10 minutes; SOAK_SECONDS=60 make soak for a short run)

Pass when: no 5xx, every sampled summary.json equals the summary of the store as it was just
before or just after the request, and the servers' memory stays flat. Writes a "Soak" section
into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from bench.run import CLI, ROOT, Server, run
from tests.server import free_port

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
    from widget_server.store import Store

    store = Store.open(data)
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
        CLI + ["--data", str(data), "serve", "--port", str(port), "--workers", "2", "--as-of", AS_OF.isoformat()],
        base + "/healthz",
    )
    stop = threading.Event()
    samples = {"checked": 0, "wrong": [], "imports": 0, "builds": 0, "build_failures": 0, "rss": []}

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

    threads = [threading.Thread(target=t) for t in (importer, builder, sampler, memory)]
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
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    requests = int(re.search(r"(\d+) requests in", wrk).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", wrk)
    errors = re.search(r"Socket errors: (.*)", wrk)
    rss = samples["rss"]
    warm, last = (rss[1] if len(rss) > 1 else rss[0]), rss[-1]
    flat = last <= warm * 1.15 + 16
    ok = not non2xx and not errors and not samples["wrong"] and not samples["build_failures"] and flat
    section = [
        "## Soak",
        "",
        f"`make soak`: {args.seconds} s of `wrk -t1 -c16` on a cached badge against `trustwidgets serve --workers 2`, "
        f"while {samples['imports']} imports (20 reviews each) and {samples['builds']} static builds ran beside it "
        f"({date.today()}).",
        "",
        "| what | figure |",
        "|---|---:|",
        f"| requests | {requests:,} ({rps:,.0f}/s) |",
        f"| non-2xx/3xx responses | {int(non2xx.group(1)) if non2xx else 0} |",
        f"| socket errors | {errors.group(1) if errors else 'none'} |",
        f"| summary.json samples checked against the store | {samples['checked']} ({len(samples['wrong'])} wrong) |",
        f"| builds that failed | {samples['build_failures']} |",
        f"| server memory (RSS, both workers) after warm-up → at the end | {warm:.0f} MB → {last:.0f} MB |",
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
