"""Pipeline benchmarks: static build times, one huge shop, and a new option on the service.

    python -m bench.pipeline --label after --out bench/pipeline-after.json
    PYTHONPATH=/path/to/old/checkout python -m bench.pipeline --label before --out before.json

Everything goes through the command line and HTTP, so the same script measures an older
checkout (put it first on PYTHONPATH) and this one on the same machine in the same session.
`bench.report_pipeline` turns two result files into the table in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.synth import write as write_synth

AS_OF = date(2026, 11, 23)
CLI = [sys.executable, "-m", "widget_server.cli"]


def run(command: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB of the command or its largest waited-for child, stdout)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode not in (0, 1):
            raise RuntimeError(f"{command} failed: {err.read()[-2000:]}")
        return wall, usage.ru_maxrss / 1024, out.read()


def build_seconds(line: str) -> float:
    """The build's own time from its summary line (start-up excluded)."""
    found = re.search(r"([\d.]+) s;", line)
    return float(found.group(1)) if found else float("nan")


def build(data: Path, out: Path, as_of: date, jobs: int) -> tuple[float, float, float]:
    wall, rss, line = run(
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
    run(CLI + ["--data", str(data), "import", "--shop-file", str(shop_file), str(reviews)])
    out = work / "out"
    result: dict[str, Any] = {"shops": shops, "per_shop": per_shop}
    result["full"] = build(data, out, AS_OF, 2)
    result["no_change"] = build(data, out, AS_OF, 2)
    run(CLI + ["--data", str(data), "import", str(one_review(synth / "one.jsonl", "shop-00007", "one"))])
    result["one_shop"] = build(data, out, AS_OF, 2)
    result["next_day"] = build(data, out, AS_OF + timedelta(days=1), 2)
    return result


def case_big_shop(work: Path, reviews: int) -> dict[str, Any]:
    synth = work / f"big-{reviews}"
    shop_file, review_file = write_synth(synth, 1, reviews, AS_OF)
    data = work / f"big-data-{reviews}"
    run(CLI + ["--data", str(data), "import", "--shop-file", str(shop_file), str(review_file)])
    wall, seconds, rss = build(data, work / f"big-out-{reviews}", AS_OF, 2)
    return {"reviews": reviews, "wall": wall, "build": seconds, "rss_mb": rss}


def case_new_option(work: Path, reviews: int, requests: int) -> dict[str, Any]:
    synth = work / f"svc-{reviews}"
    shop_file, review_file = write_synth(synth, 1, reviews, AS_OF)
    data = work / f"svc-data-{reviews}"
    run(CLI + ["--data", str(data), "import", "--shop-file", str(shop_file), str(review_file)])
    port = 18765
    server = subprocess.Popen(
        CLI + ["--data", str(data), "serve", "--port", str(port), "--as-of", AS_OF.isoformat()],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--label", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--shops", type=int, default=1000)
    parser.add_argument("--per-shop", type=int, default=200)
    parser.add_argument("--big", type=int, nargs="*", default=[100_000])
    parser.add_argument("--service-reviews", type=int, default=400_000)
    parser.add_argument("--skip", nargs="*", default=[], choices=["shops", "big", "service"])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tw-pipeline-", dir=os.environ.get("BENCH_TMP")))
    results: dict[str, Any] = {"label": args.label, "date": date.today().isoformat(), "cpus": os.cpu_count()}
    try:
        if "shops" not in args.skip:
            results["thousand"] = case_thousand_shops(work, args.shops, args.per_shop)
            print(json.dumps(results["thousand"]), flush=True)
        if "big" not in args.skip:
            results["big"] = [case_big_shop(work, n) for n in args.big]
            print(json.dumps(results["big"]), flush=True)
        if "service" not in args.skip:
            results["service"] = case_new_option(work, args.service_reviews, 20)
            print(json.dumps(results["service"]), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
