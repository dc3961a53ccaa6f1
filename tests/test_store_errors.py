"""When the store itself cannot take an import: one clear line, exit 2, nothing half-applied."""

import json
import os
import shutil
import sqlite3
import subprocess

import pytest

from tests.factories import SHOP, review, write_json
from tests.server import cli_args


@pytest.fixture(scope="module")
def start(tmp_path_factory):
    """The store every test starts from: one shop and one review, imported by the command once."""
    folder = tmp_path_factory.mktemp("start")
    start = write_json(folder / "start.json", {"shops": [SHOP], "reviews": [review(id="kept")]})
    subprocess.run(cli_args(folder / "data", "import", str(start)), check=True, capture_output=True)
    return folder / "data"


@pytest.fixture
def data(start, tmp_path):
    """A copy of the start store of the test's own (the same files as importing it again)."""
    return shutil.copytree(start, tmp_path / "data")


def run_import(data, path, **env):
    return subprocess.run(
        cli_args(data, "import", str(path)),
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


def stored_ids(data):
    conn = sqlite3.connect(data / "store.sqlite3")
    try:
        return {row[0] for row in conn.execute("SELECT id FROM reviews")}
    finally:
        conn.close()


def assert_one_clear_line(result, phrase):
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and phrase in lines[0], result.stderr
    assert "Traceback" not in result.stderr and "@example" not in result.stderr + result.stdout


def test_a_busy_store_is_one_line_after_the_wait(data, tmp_path):
    path = write_json(tmp_path / "new.json", {"reviews": [review(id="new")]})
    holder = sqlite3.connect(data / "store.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = run_import(data, path, TRUSTWIDGETS_STORE_WAIT="1")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_one_clear_line(result, "is busy: another import held it for 1 s")
    assert "nothing of this import was stored" in result.stderr
    assert stored_ids(data) == {"kept"}


def test_a_damaged_store_is_one_line(data, tmp_path):
    store = data / "store.sqlite3"
    for extra in ("-wal", "-shm"):
        (data / f"store.sqlite3{extra}").unlink(missing_ok=True)
    body = bytearray(store.read_bytes())
    body[100:4096] = os.urandom(3996)  # the schema page
    store.write_bytes(bytes(body))
    result = run_import(data, write_json(tmp_path / "new.json", {"reviews": [review(id="new")]}))
    assert_one_clear_line(result, "is damaged")
    assert "restore it from a backup" in result.stderr


def mount(*args):
    subprocess.run(["mount", *args], check=True)


def test_a_read_only_store_is_one_line(data, tmp_path):
    if os.geteuid() != 0:
        pytest.fail("this test bind-mounts the store read-only and needs root (CI runs as root)")
    path = write_json(tmp_path / "new.json", {"reviews": [review(id="new")]})
    mount("--bind", str(data), str(data))
    try:
        mount("-o", "remount,ro,bind", str(data))
        result = run_import(data, path)
    finally:
        subprocess.run(["umount", str(data)], check=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "read-only" in result.stderr
    assert stored_ids(data) == {"kept"}


def test_a_full_disk_is_one_line_and_the_store_stays_as_it_was(tmp_path):
    if os.geteuid() != 0:
        pytest.fail("this test mounts a small tmpfs and needs root (CI runs as root)")
    disk = tmp_path / "disk"
    disk.mkdir()
    mount("-t", "tmpfs", "-o", "size=600k", "tmpfs", str(disk))
    try:
        data = disk / "data"
        start = write_json(tmp_path / "start.json", {"shops": [SHOP], "reviews": [review(id="kept")]})
        subprocess.run(cli_args(data, "import", str(start)), check=True, capture_output=True)
        big = tmp_path / "big.jsonl"
        big.write_text(
            "\n".join(json.dumps(review(id=f"b{n}", text="x" * 4000, title=f"t{n}")) for n in range(400)) + "\n"
        )
        result = run_import(data, big)
        assert_one_clear_line(result, "is full")
        assert stored_ids(data) == {"kept"}
    finally:
        subprocess.run(["umount", str(disk)], check=True)
