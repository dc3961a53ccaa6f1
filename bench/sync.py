"""The first sync of 100,000 reviews (issue 25), and the next one, from the tests' platform server.

    python -m bench.sync [--reviews 100000] [--platform trustpilot] [--out bench/results/sync.json]

The server (tests/platform_server.py) runs in a process of its own on 127.0.0.1 and answers as the
platform documents (Trustpilot: 100 reviews a page, 1,000 pages, then the business unit);
`trustwidgets sync` runs as a subprocess against it with the SQLite store in a temporary
folder: its wall time and peak RSS (os.wait4's ru_maxrss). Both share the machine's cores.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

from bench.harness import CLI, measured
from tests.factories import SHOP
from tests.platform_server import (
    ETrustedChannel,
    GoogleLocation,
    PlatformServer,
    TrustpilotUnit,
    etrusted_reviews,
    google_reviews,
    trustpilot_reviews,
)


def configure(server: PlatformServer, platform: str, count: int) -> tuple[str, str]:
    """Put `count` reviews of `platform` on the server; (source id, key file text)."""
    newest, step = datetime.now(UTC) - timedelta(hours=1), timedelta(minutes=5)
    if platform == "trustpilot":
        server.trustpilot["benchunit"] = TrustpilotUnit("bench-key", trustpilot_reviews("b-", count, newest, step))
        return "benchunit", "bench-key"
    if platform == "etrusted":
        server.etrusted["chl-bench"] = ETrustedChannel("cid", "csecret", etrusted_reviews("b-", count, newest, step))
        return "chl-bench", "cid:csecret"
    location = "accounts/1/locations/2"
    server.google[location] = GoogleLocation("gid", "gs", "grt", google_reviews("b-", count, newest, step))
    return location, json.dumps({"client_id": "gid", "client_secret": "gs", "refresh_token": "grt"})


def serve(conn: Connection, platform: str, count: int) -> None:
    """The platform server in a process of its own: the measured command is forked from a small
    parent (a child's ru_maxrss counts the parent's pages it was forked with, before its exec)."""
    server = PlatformServer()
    remote_id, secret = configure(server, platform, count)
    conn.send((server.base, remote_id, secret))
    while conn.recv() == "pages":
        conn.send(len(server.requests(remote_id)))
    server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--platform", choices=("trustpilot", "etrusted", "google"), default="trustpilot")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(target=serve, args=(theirs, args.platform, args.reviews))
    server.start()
    try:
        base, remote_id, secret = ours.recv()
        with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
            folder = Path(tmp)
            data = folder / "data"
            (folder / "shop.json").write_text(json.dumps({"shops": [SHOP]}))
            subprocess.run([*CLI, "--data", str(data), "import", str(folder / "shop.json")], check=True)
            (folder / "key").write_text(secret)
            add = ["source", "add", "wtw-winkel", "--platform", args.platform, "--id", remote_id]
            add += ["--key-file", str(folder / "key"), "--base-url", base]
            subprocess.run([*CLI, "--data", str(data), *add], check=True, capture_output=True)
            first_wall, first_rss, first_out = measured([*CLI, "--data", str(data), "sync"])
            ours.send("pages")
            pages = ours.recv()
            second_wall, second_rss, _ = measured([*CLI, "--data", str(data), "sync"])
            ours.send("pages")
            result = {
                "platform": args.platform,
                "reviews": args.reviews,
                "first": {"wall_s": round(first_wall, 2), "peak_rss_mb": round(first_rss, 1), "pages": pages},
                "second": {
                    "wall_s": round(second_wall, 2),
                    "peak_rss_mb": round(second_rss, 1),
                    "pages": ours.recv() - pages,
                },
                "store_mb": round(sum(p.stat().st_size for p in data.glob("store.sqlite3*")) / 2**20, 1),
                "output": first_out.strip(),
            }
    finally:
        ours.send("stop")
        server.join(timeout=10)
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
