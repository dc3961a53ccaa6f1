"""Faults: kill -9 during import, a damaged cache while serving, a full disk under the build."""

import os
import shutil
import signal
import sqlite3
import subprocess
import time

import pytest

from static_build.build import build
from tests.builds import verify
from tests.client import request
from tests.factories import SHOP, review, write_json
from tests.server import cli_args, running_service
from tests.widgets import AS_OF, fixture_store
from widget_server.core.options import Options
from widget_server.core.render import render_widget
from widget_server.demo import demo_document
from widget_server.store.open import open_store

ROWS = 30000


def count_reviews(data):
    conn = sqlite3.connect(data / "store.sqlite3")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    count = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    conn.close()
    return count


@pytest.mark.slow
def test_kill_nine_during_import_keeps_the_store_consistent(tmp_path):
    data = tmp_path / "data"
    shops = write_json(tmp_path / "shops.json", {"shops": [SHOP]})
    subprocess.run(
        cli_args(
            data,
            "import",
            str(write_json(tmp_path / "start.json", {"shops": [SHOP], "reviews": [review(id="start")]})),
        ),
        check=True,
        capture_output=True,
    )
    path = tmp_path / "big.jsonl"
    with path.open("w") as handle:
        for n in range(ROWS):
            handle.write(
                f'{{"id": "b{n}", "shop": "wtw-winkel", "rating": {1 + n % 5}, "author": "K {n}", '
                f'"email": "k{n}@example.nl", "language": "nl", "created_at": "2026-10-01T10:00:00Z", '
                f'"verification": "verified", "text": "tekst {n}"}}\n'
            )
    command = cli_args(
        data,
        "import",
        "--shop-file",
        str(shops),
        str(path),
    )
    for kill in range(8):  # killed 0.05 s to 2.5 s in, evenly: while it starts, reads, writes, commits
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.05 + 2.45 * kill / 7)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert count_reviews(data) in (1, 1 + ROWS)  # all of the batch or none of it
    finished = subprocess.run(command, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    assert count_reviews(data) == 1 + ROWS


@pytest.mark.parametrize("damage", ["delete", "read-only", "garbage"])
def test_a_damaged_cache_while_serving_still_answers_the_right_bytes(tmp_path, damage):
    data = tmp_path / "data"
    fixture_store(data, demo_document(AS_OF)).close()
    reference = fixture_store(tmp_path / "reference", demo_document(AS_OF))
    snapshot = reference.snapshot("wtw-winkel", AS_OF)
    shop = snapshot.shop
    cache = data / "cache"
    mounted = False
    os.environ["TRUSTWIDGETS_MEMORY_ITEMS"] = "0"
    try:
        with running_service(data) as base:
            for count in range(1, 4):
                assert request(base, f"/v1/wtw-winkel/nl/carousel.html?count={count}")[0] == 200
            assert any(cache.rglob("*.db"))
            if damage == "delete":
                shutil.rmtree(cache)
            elif damage == "read-only":
                subprocess.run(["mount", "--bind", str(cache), str(cache)], check=True)
                mounted = True
                subprocess.run(["mount", "-o", "remount,ro,bind", str(cache)], check=True)
            else:
                for path in cache.rglob("*"):
                    if path.is_file():
                        path.write_bytes(os.urandom(4096))
            for count in range(1, 13):
                status, _, body = request(base, f"/v1/wtw-winkel/nl/carousel.html?count={count}&theme=dark")
                expected = render_widget(snapshot, "carousel", "nl", Options(count=count, theme="dark").resolve(shop))
                assert (status, body) == (200, expected), count
            assert request(base, "/healthz")[0] == 200
    finally:
        del os.environ["TRUSTWIDGETS_MEMORY_ITEMS"]
        if mounted:
            subprocess.run(["umount", str(cache)], check=True)
        reference.close()


def test_a_full_disk_fails_the_build_clearly_and_keeps_the_old_tree(tmp_path):
    if os.geteuid() != 0:
        pytest.fail("this test mounts a small tmpfs and needs root (CI runs as root)")
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=900k", "tmpfs", str(disk)], check=True)
    try:
        data, out = tmp_path / "data", disk / "out"
        fixture_store(data).close()
        build(data, out, AS_OF)
        files = verify(out)
        free = shutil.disk_usage(disk).free
        store = open_store(data)
        from widget_server.sources.importer import import_document

        import_document(store, demo_document(AS_OF), available_locales=("en", "nl"))
        store.close()
        result = subprocess.run(
            cli_args(
                data,
                "build",
                "--out",
                str(out),
                "--as-of",
                AS_OF.isoformat(),
                "--jobs",
                "1",
            ),
            capture_output=True,
            text=True,
        )
        assert result.returncode == 1
        assert "No space left on device" in result.stderr and "previous output is unchanged" in result.stderr
        assert "Traceback" not in result.stderr
        assert verify(out) == files
        assert shutil.disk_usage(disk).free >= free - 64 * 1024  # the failed build cleaned up after itself
    finally:
        subprocess.run(["umount", str(disk)], check=True)
