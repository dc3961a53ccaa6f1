"""All benchmarks in one run, each next to its baseline; writes docs/benchmarks.md.

    make bench            (or: python -m bench.run [--quick] [--before bench/results/pipeline-before.json])

Servers run on loopback only; every load is bounded in time. The harness (bench/harness.py)
runs things, the cases (bench/cases.py) measure, the report (bench/report.py) writes Markdown.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

from bench import cases
from bench.harness import ROOT
from bench.report import page, pipeline_lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, shorter loads (a smoke run)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument(
        "--before",
        type=Path,
        default=ROOT / "bench" / "results" / "pipeline-before.json",
        help="pipeline figures of the code before the core redesign (bench.pipeline --label before)",
    )
    args = parser.parse_args()
    seconds, render_runs = (2, 200) if args.quick else (8, 3000)
    shops, big, service_reviews = (50, [2_000], 20_000) if args.quick else (1000, [100_000], 400_000)
    import_size = (100, 1000) if args.quick else (1000, 1000)
    work = Path(tempfile.mkdtemp(prefix="tw-bench-", dir=ROOT / "bench"))
    try:
        service_lines, _ = cases.bench_service(work, seconds)
        pipeline = cases.pipeline(work, shops=shops, per_shop=200, big=big, service_reviews=service_reviews)
        before = json.loads(args.before.read_text()) if args.before.exists() else None
        sections = [
            (
                "Live service throughput and latency",
                f"`wrk -t1 -c32 -d{seconds}s --latency` on loopback, wrk and the server sharing the machine's "
                "2 cores. Every server answers the same bytes; no compression asked.",
                service_lines,
            ),
            (
                "Cold render",
                "The shared render function in-process (`render_widget`, snapshot already read), "
                "wtw-winkel demo data, nl.",
                cases.bench_render(work, render_runs),
            ),
            ("Static build and snapshots", "", pipeline_lines(before, pipeline)),
            (
                "Weight",
                "Gzipped bytes of the loader plus the widget document, against the hosted widgets' published figures.",
                cases.bench_weight(work),
            ),
            (
                "Import",
                "One `trustwidgets import` of a synthetic `.jsonl` (one transaction); peak memory is the "
                "largest resident set of any child process of the benchmark.",
                cases.bench_import(work, *import_size),
            ),
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    command = f"python -m bench.run{' --quick' if args.quick else ''}"
    args.out.write_text(page(sections, command, args.out))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
