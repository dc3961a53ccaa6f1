import os
import pickle
import stat
import sys
import threading

import pytest
from diskcache import Cache

from widget_server.http.render_cache import RenderCache, size_cap

PWNED = []


def pwn():
    PWNED.append(True)
    return "pwned"


class Canary:
    """Unpickling this calls pwn(): proof that a pickle was loaded."""

    def __reduce__(self):
        return (pwn, ())


def test_bytes_round_trip_and_directory_is_private(tmp_path):
    cache = RenderCache(tmp_path / "cache")
    cache.set("k", b"<p>hi</p>")
    assert RenderCache(tmp_path / "cache").get("k") == b"<p>hi</p>"  # from disk, not memory
    assert stat.S_IMODE(os.stat(tmp_path / "cache").st_mode) == 0o700


def test_only_bytes_are_stored(tmp_path):
    cache = RenderCache(tmp_path / "cache")
    cache.set("k", {"not": "bytes"})  # refused by the disk: a miss afterwards, not an error
    cache.memory.clear()
    assert cache.get("k") is None


def test_a_pickled_entry_written_by_someone_else_is_never_loaded(tmp_path):
    RenderCache(tmp_path / "cache").set("warm", b"x")  # create the shard layout
    for shard in sorted((tmp_path / "cache").iterdir()):
        if shard.is_dir():
            with Cache(str(shard)) as plain:  # the default Disk pickles
                plain.set("evil", Canary())
    assert RenderCache(tmp_path / "cache").get("evil") is None
    assert PWNED == []
    pickle.loads(pickle.dumps(Canary()))  # the payload is live: loading it does run pwn()
    assert PWNED == [True]


@pytest.mark.parametrize("damage", ["delete", "garbage", "read-only"])
def test_a_damaged_cache_is_a_miss_never_an_error(tmp_path, damage):
    directory = tmp_path / "cache"
    cache = RenderCache(directory, memory_items=0)
    cache.set("k", b"value")
    if damage == "delete":
        import shutil

        shutil.rmtree(directory)
    elif damage == "garbage":
        for path in directory.rglob("*.db"):
            path.write_bytes(b"\x00garbage" * 512)
    else:
        for path in [directory, *directory.rglob("*")]:
            path.chmod(0o500 if path.is_dir() else 0o400)
    fresh = RenderCache(directory, memory_items=0)
    value = fresh.get("k")
    assert value in (None, b"value")
    fresh.set("k2", b"other")  # no exception either way
    if damage != "read-only":
        assert value is None


@pytest.mark.parametrize(
    ("wanted", "free", "used", "cap"),
    [
        (512, 10_000, 0, 512),  # room enough: what was asked
        (512, 600, 0, 300),  # half of what is free
        (512, 600, 400, 500),  # what the cache holds is its own to reuse
        (512, 0, 0, 0),  # a full volume: nothing more
        (0, 10_000, 0, 0),
    ],
)
def test_size_cap(wanted, free, used, cap):
    assert size_cap(wanted, free, used) == cap


def test_the_disk_cache_stays_within_its_cap(tmp_path):
    cache = RenderCache(tmp_path / "cache", memory_items=1, size=200_000)
    for n in range(300):
        cache.set(f"key-{n}", os.urandom(10_000))
    assert cache._disk is not None
    assert cache._disk.volume() < 200_000 + 20 * 10_000  # diskcache culls ten entries per set at most
    assert cache.get("key-299") is not None  # the newest stays


def test_memory_holds_at_most_its_bytes(tmp_path):
    cache = RenderCache(None, memory_items=1000, memory_bytes=50_000)
    for n in range(20):
        cache.set(f"k{n}", bytes(10_000))
    assert cache.held == sum(len(v) for v in cache.memory.values()) <= 50_000
    assert list(cache.memory) == [f"k{n}" for n in range(15, 20)]  # the newest five


def test_threads_sharing_the_memory_never_fail_and_keep_its_count(tmp_path):
    # The service's event loop and its render threads use one cache; with a tiny switch interval
    # a lookup raced an eviction (KeyError in move_to_end) within a second, before the lock.
    cache = RenderCache(None, memory_items=8)
    failures = []
    before = sys.getswitchinterval()

    def work(seed):
        try:
            for n in range(20_000):
                key = f"k{(n * seed) % 24}"
                if cache.get(key) is None:
                    cache.remember(key, b"x" * (n % 7 + 1))
        except Exception as error:  # noqa: BLE001 - the test reports every kind
            failures.append(type(error).__name__)

    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work, args=(seed,)) for seed in (1, 3, 5, 7)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(before)
    assert failures == []
    assert cache.held == sum(map(len, cache.memory.values())) and len(cache.memory) <= 8
