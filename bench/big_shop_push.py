"""Another shop's cached badge while a big shop takes pushes (issue 23, point 11).

    python -m bench.big_shop_push [--reviews 535000] [--seconds 20] [--no-push]

Imports one shop of N reviews beside the demo shops, serves them, then pushes one review a
time to the big shop while another thread reads the big shop's badge (each push makes it
re-read the shop) and a third reads the other shop's cached badge, timing every answer; the
two readers are processes of their own.
Prints the latencies (no figures are written: docs/benchmarks.md quotes them).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.harness import AS_OF, CLI, Server, run
from tests.server import free_port

SHOP = {
    "id": "big",
    "name": "Big Shop",
    "locales": ["nl", "en"],
    "source": "Trustpilot",
    "policy_url": "https://www.example.nl/reviews",
}


def reviews(count: int, start: int = 0) -> list[str]:
    given = datetime(2026, 11, 20, 12, tzinfo=UTC)
    lines = []
    for n in range(start, start + count):
        lines.append(
            json.dumps(
                {
                    "id": f"b-{n}",
                    "shop": "big",
                    "rating": 1 + n % 5,
                    "title": "Goed",
                    "text": "Snel geleverd en goed advies.",
                    "author": "Klant",
                    "email": f"k{n}@example.nl",
                    "language": ("nl", "en")[n % 2],
                    "created_at": (given - timedelta(minutes=n)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "verification": "verified",
                }
            )
        )
    return lines


def get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as answer:
        answer.read()
    return (time.perf_counter() - started) * 1000


def read_until(url: str, stop_at: float, every: float) -> list[float]:
    """Read url every `every` seconds (as visitors arrive, not as fast as the client can) until
    the wall clock passes stop_at: each answer's time in ms."""
    get(url)  # the process's first request loads http.client: not the service's time
    times = []
    while time.time() < stop_at:
        started = time.monotonic()
        times.append(get(url))
        time.sleep(max(0.0, every - (time.monotonic() - started)))
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reviews", type=int, default=535_000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--every", type=float, default=2, help="ms between the other shop's reads")
    parser.add_argument(
        "--no-push", action="store_true", help="a control: the same readers, no pushes (so no rebuilds)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tw-bigshop-") as temp:
        folder = Path(temp)
        data = folder / "data"
        run([*CLI, "--data", str(data), "demo"])
        (folder / "shop.json").write_text(json.dumps({"shops": [SHOP]}))
        (folder / "big.jsonl").write_text("\n".join(reviews(args.reviews)) + "\n")
        run([*CLI, "--data", str(data), "import", "--shop-file", str(folder / "shop.json"), str(folder / "big.jsonl")])
        token = run([*CLI, "--data", str(data), "token", "create", "big"]).stdout.split()[0]
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = Server(
            [*CLI, "--data", str(data), "serve", "--port", str(port), "--as-of", AS_OF.isoformat()], base + "/healthz"
        )
        try:
            other = f"{base}/v1/greenvent/en/badge.html"
            get(other)
            get(f"{base}/v1/big/nl/badge.html")
            stop = time.monotonic() + args.seconds
            stop_at = time.time() + args.seconds
            big_url = f"{base}/v1/big/nl/badge.html"
            pushes: list[float] = []

            def pusher() -> None:
                n = args.reviews
                if args.no_push:
                    time.sleep(max(0.0, stop - time.monotonic()))
                while time.monotonic() < stop:
                    body = json.dumps({"reviews": [json.loads(reviews(1, n)[0])]}).encode()
                    request = urllib.request.Request(
                        f"{base}/v1/big/reviews",
                        data=body,
                        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                    )
                    started = time.perf_counter()
                    try:
                        urllib.request.urlopen(request, timeout=60).read()
                    except urllib.error.HTTPError as error:  # the push limit: wait as it says
                        if error.code != 429:
                            raise
                        time.sleep(float(error.headers.get("Retry-After", "1")))
                        continue
                    pushes.append((time.perf_counter() - started) * 1000)
                    n += 1

            # The readers run in processes of their own, so that the time one waits for this
            # process's GIL (the pusher builds JSON) is not counted against the service.
            with multiprocessing.get_context("spawn").Pool(2) as pool:
                readers = [
                    pool.apply_async(read_until, (url, stop_at, every))
                    for url, every in ((big_url, 0.01), (other, args.every / 1000))
                ]
                pusher()
                big, small = (result.get() for result in readers)
        finally:
            server.stop()

    def line(name: str, values: list[float]) -> str:
        values = sorted(values)
        p99 = values[min(len(values) - 1, int(0.99 * len(values)))]
        median = statistics.median(values)
        return f"{name}: {len(values)} requests, median {median:.1f} ms, p99 {p99:.1f} ms, max {values[-1]:.1f} ms"

    print(f"{args.reviews:,} reviews in the big shop, {args.seconds:g} s")
    if pushes:
        print(line("push to the big shop", pushes))
    print(line("the big shop's badge (re-read after each push)", big))
    print(line("another shop's cached badge", small))


if __name__ == "__main__":
    main()
