"""Publishing from shards (issue 27) against one merged publish, to a local S3 server.

    python -m bench.publish_shards --tmp /dev/shm --out bench/results/publish_shards.json

300 shops x 50 reviews, built for two days as one tree and as 3 shards (`build --shard I/3`).
Each day: one merged publish (`publish --out TREE`) to s3://widgets/merged, and the 3 shard
publishes one after another (on a real night each runs in its own pod) plus the final
`publish --top` to s3://widgets/sharded; then each again with nothing changed. Every command is
timed from outside (wall, start-up included) and by its own summary line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.harness import AS_OF, CLI, measured
from bench.synth import write
from tests.s3 import running_s3

SHOPS, PER_SHOP, N = 300, 50, 3


def published(out: Path, to: str, *extra: str) -> dict[str, Any]:
    wall, _, line = measured(CLI + ["publish", "--out", str(out), "--to", to, *extra])
    found = re.search(r"published ([\d,]+) objects? to \S+: (\d+) sent \(([\d,]+) bytes?\), .* ([\d.]+) s\b", line)
    assert found, line
    number = [int(found.group(i).replace(",", "")) for i in (1, 2, 3)]
    return {"objects": number[0], "sent": number[1], "bytes": number[2], "seconds": float(found[4]), "wall": wall}


def built(data: Path, out: Path, day: str, *extra: str) -> float:
    wall, _, _ = measured(
        CLI + ["--data", str(data), "build", "--out", str(out), "--as-of", day, "--jobs", "1", *extra]
    )
    return round(wall, 2)


def night(data: Path, work: Path, day: str) -> dict[str, Any]:
    result: dict[str, Any] = {"build_merged": built(data, work / "tree", day)}
    result["build_shards"] = [built(data, work / f"shard-{i}", day, "--shard", f"{i}/{N}") for i in range(N)]
    for run in ("first", "again"):
        result[f"merged_{run}"] = published(work / "tree", "s3://widgets/merged")
        shards = [published(work / f"shard-{i}", "s3://widgets/sharded") for i in range(N)]
        top = published(work / "shard-0", "s3://widgets/sharded", "--top")
        result[f"sharded_{run}"] = {"shards": shards, "top": top}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--tmp", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tw-publish-shards-", dir=args.tmp))
    result: dict[str, Any] = {"shops": SHOPS, "reviews_per_shop": PER_SHOP, "shards": N}
    try:
        shops, reviews = write(work / "synth", SHOPS, PER_SHOP, AS_OF)
        data = work / "data"
        measured(CLI + ["--data", str(data), "import", "--shop-file", str(shops), str(reviews)])
        with running_s3(work / "s3") as s3:
            os.environ.update(s3.env)
            s3.client().create_bucket(Bucket="widgets")
            for day in (AS_OF, AS_OF + timedelta(days=1)):
                result[day.isoformat()] = night(data, work, day.isoformat())
    finally:
        shutil.rmtree(work, ignore_errors=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
