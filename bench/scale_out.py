"""Past one machine (issue 14): PostgreSQL beside SQLite, and a publish to a local S3 server.

    python -m bench.scale_out --tmp /dev/shm --out bench/results/scale_out.json

1,000 shops x 200 reviews (200,000 reviews). Measures, on one machine in one run:
- the import of all of them into SQLite and into PostgreSQL (a throw-away cluster on the same
  disk, fsync on, as SQLite's is);
- the service's cached badge over each store (wrk, the two servers taking turns twice);
- the build of the 1,000-shop tree, its first publish to SeaweedFS (`weed server -s3`) and a
  publish after one shop's new review (objects sent, seconds).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from bench.cases import build, one_review
from bench.harness import AS_OF, CLI, Server, measured, wrk
from bench.synth import write
from tests.postgres import fresh_database, running_postgres
from tests.s3 import running_s3
from tests.server import free_port

BADGE = "/v1/shop-00002/nl/badge.html"


def imported(data: Path, store: list[str], shops: Path, reviews: Path) -> dict[str, float]:
    wall, rss, line = measured(CLI + ["--data", str(data), *store, "import", "--shop-file", str(shops), str(reviews)])
    return {"seconds": round(wall, 2), "rss_mb": round(rss, 1), "line": line.strip().splitlines()[-1]}


def served(data: Path, store: list[str], seconds: int) -> dict[str, float]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = CLI + ["--data", str(data), *store, "serve", "--port", str(port), "--as-of", AS_OF.isoformat()]
    server = Server(command, base + "/healthz")
    try:
        wrk(base + BADGE, 2)  # warm: the snapshot and the render cache
        return wrk(base + BADGE, seconds)
    finally:
        server.stop()


def published(out: Path, to: str, env: dict[str, str]) -> dict[str, float]:
    os.environ.update(env)  # the standard AWS variables, read by the publish command
    wall, _, line = measured(CLI + ["publish", "--out", str(out), "--to", to])
    found = re.search(r"published ([\d,]+) objects? to \S+: (\d+) sent \(([\d,]+) bytes?\), .* ([\d.]+) s", line)
    assert found, line
    number = [int(found.group(i).replace(",", "")) for i in (1, 2, 3)]
    return {"objects": number[0], "sent": number[1], "bytes": number[2], "seconds": float(found.group(4)), "wall": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--tmp", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tw-scale-out-", dir=args.tmp))
    result: dict = {"shops": 1000, "reviews_per_shop": 200}
    try:
        shops, reviews = write(work / "synth", 1000, 200, AS_OF)
        sqlite_data, pg_data = work / "sqlite", work / "pg"
        with running_postgres(durable=True) as cluster:
            pg = ["--store", fresh_database(cluster, "bench")]
            result["import_sqlite"] = imported(sqlite_data, [], shops, reviews)
            result["import_postgresql"] = imported(pg_data, pg, shops, reviews)
            rounds = []
            for _ in range(2):
                rounds.append(
                    {
                        "sqlite": served(sqlite_data, [], args.seconds),
                        "postgresql": served(pg_data, pg, args.seconds),
                    }
                )
            result["badge"] = rounds
        out = work / "out"
        result["build"] = build(sqlite_data, out, AS_OF, 2)
        with running_s3(work / "s3") as s3:
            s3.client().create_bucket(Bucket="widgets")
            result["publish_first"] = published(out, "s3://widgets/cdn", s3.env)
            result["publish_again"] = published(out, "s3://widgets/cdn", s3.env)
            new_review = one_review(work / "one.jsonl", "shop-00007", "Nieuw")
            measured(CLI + ["--data", str(sqlite_data), "import", str(new_review)])
            before = json.loads((out / "manifest.json").read_text())["shops"]["shop-00007"]
            result["build_one_shop"] = build(sqlite_data, out, AS_OF, 2)
            after = json.loads((out / "manifest.json").read_text())["shops"]["shop-00007"]
            result["shop_00007_documents"] = {"before": before, "after": after}
            result["publish_one_shop"] = published(out, "s3://widgets/cdn", s3.env)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1) + "\n")  # what was measured, even if a later step failed
    print(json.dumps(result))


if __name__ == "__main__":
    main()
