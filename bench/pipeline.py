"""The pipeline figures alone, for any checkout: build times, one huge shop, a new option.

    python -m bench.pipeline --out bench/results/pipeline-after.json
    python -m bench.pipeline --code /path/to/older/checkout --out bench/results/pipeline-before.json

Everything goes through the command line and HTTP, so `--code` measures an older checkout
(its widget_server runs in the child processes) on the same machine in the same session.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

from bench import harness
from bench.cases import pipeline
from bench.harness import ROOT


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--code", type=Path, help="a checkout whose code the commands run")
    parser.add_argument("--shops", type=int, default=1000)
    parser.add_argument("--big", type=int, nargs="*", default=[100_000])
    parser.add_argument("--service-reviews", type=int, default=400_000)
    parser.add_argument("--tmp", type=Path, default=ROOT / "bench", help="where the data and trees go")
    args = parser.parse_args()
    if args.code:
        harness.use_checkout(args.code.resolve())
    work = Path(tempfile.mkdtemp(prefix="tw-pipeline-", dir=args.tmp))
    try:
        results = pipeline(work, shops=args.shops, per_shop=200, big=args.big, service_reviews=args.service_reviews)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
