"""The next day's build with no new review: how many shop documents change, and how long it takes.

    python -m bench.next_day --out bench/results/next-day-after.json
    python -m bench.next_day --code /path/to/older/checkout --out bench/results/next-day-before.json

300 shops of 60 reviews each (bench.synth, reviews spread over the 18 months before the first
day), imported once; built on 2026-11-23 into a fresh tree, then on 2026-11-24 with nothing
imported. A shop document is a file under v1/<shop>/ that the service also answers (not the
.gz/.br twins, not the build's own .files-*.json lists); it changed when its bytes did.
Everything goes through the command line, so `--code` measures an older checkout on the same
machine in the same session.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench import harness
from bench.cases import build
from bench.harness import AS_OF, CLI, ROOT, measured
from bench.synth import write as write_synth

TWINS = (".gz", ".br")


def shop_documents(out: Path) -> dict[str, str]:
    """Each shop document of a built tree by path, with a digest of its bytes."""
    found = {}
    for path in sorted((out / "v1").glob("*/**/*")):
        relative = path.relative_to(out).as_posix()
        if not path.is_file() or path.parent == out / "v1" or path.name.startswith(".") or path.suffix in TWINS:
            continue
        found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def next_day(work: Path, shops: int, per_shop: int, first: date, jobs: int) -> dict[str, Any]:
    shop_file, reviews = write_synth(work / "synth", shops, per_shop, first)
    data, out = work / "data", work / "out"
    measured(CLI + ["--data", str(data), "import", "--shop-file", str(shop_file), str(reviews)])
    result: dict[str, Any] = {"shops": shops, "per_shop": per_shop, "jobs": jobs, "first_day": first.isoformat()}
    wall, seconds, _ = build(data, out, first, jobs)
    result["first"] = {"wall": round(wall, 2), "build": seconds}
    before = shop_documents(out)
    wall, seconds, _ = build(data, out, first + timedelta(days=1), jobs)
    after = shop_documents(out)
    changed_paths = [path for path, digest in after.items() if before.get(path) != digest]
    changed = len(changed_paths)
    kinds: dict[str, int] = {}
    for path in changed_paths:
        kind = re.sub(r"-\d+(?=\.json$)", "", path.rsplit("/", 1)[1])  # reviews-2.json is reviews.json
        kinds[kind] = kinds.get(kind, 0) + 1
    result["changed_by_name"] = dict(sorted(kinds.items()))
    result["shops_changed"] = len({path.split("/")[1] for path in changed_paths})
    result["next"] = {"wall": round(wall, 2), "build": seconds}
    result["documents"] = len(after)
    result["changed"] = changed
    result["changed_pct"] = round(100 * changed / len(after), 1)
    result["speedup"] = round(result["first"]["build"] / seconds, 1) if seconds else None
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--code", type=Path, help="a checkout whose code the commands run")
    parser.add_argument("--shops", type=int, default=300)
    parser.add_argument("--reviews", type=int, default=60, help="reviews per shop")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--tmp", type=Path, default=ROOT / "bench", help="where the data and trees go")
    args = parser.parse_args()
    if args.code:
        harness.use_checkout(args.code.resolve())
    work = Path(tempfile.mkdtemp(prefix="tw-next-day-", dir=args.tmp))
    try:
        results = next_day(work, args.shops, args.reviews, AS_OF, args.jobs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
