"""static_build/layout.py: what a build swaps out stays in the trash for a grace period."""

import os
import time
from datetime import timedelta

import pytest

from static_build.build import build
from static_build.layout import Layout, due_for_removal, trash_entry_name
from tests.widgets import AS_OF, fixture_store
from widget_server.demo import demo_document

NOW = 1_800_000_000 * 10**9  # ns
SECOND = 10**9


@pytest.mark.parametrize(
    ("name", "due"),
    [
        (trash_entry_name("wtw-winkel", 41, NOW), False),  # swapped out just now
        (trash_entry_name("wtw-winkel", 41, NOW - 59 * SECOND), False),
        (trash_entry_name("wtw-winkel", 41, NOW - 60 * SECOND), True),  # a minute: its grace is over
        (trash_entry_name("tree", 41, NOW - 3600 * SECOND), True),
        ("wtw-winkel-41-18000000000000", True),  # a monotonic clock's ns since boot: long ago as a time
        ("wtw-winkel", True),  # no time in its name: a build of an earlier version put it there
        ("shops-41-", True),
        (trash_entry_name("greenvent", 41, NOW + 5 * SECOND), True),  # ahead of now: the clock was set back
    ],
)
def test_a_trash_entry_is_due_once_its_minute_is_over(name, due):
    assert due_for_removal([name], NOW, grace_seconds=60) == ([name] if due else [])


def test_trash_entry_names_carry_what_it_was_the_pid_and_the_time():
    assert trash_entry_name("wtw-winkel", 41, NOW) == f"wtw-winkel-41-{NOW}"


def test_the_next_build_keeps_a_fresh_swap_for_its_readers_and_removes_an_old_one(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    fixture_store(data, demo_document(AS_OF)).close()
    build(data, out, AS_OF)
    folder = os.open(out / "v1" / "greenvent", os.O_RDONLY | os.O_DIRECTORY)  # a reader, before the swap
    try:
        build(data, out, AS_OF + timedelta(days=1))  # a day later greenvent's documents change: swapped
        trash = Layout(out).trash
        swapped = os.listdir(trash)
        assert [name.rsplit("-", 2)[0] for name in swapped] == ["greenvent"]
        build(data, out, AS_OF + timedelta(days=2))  # a minute has not passed: the reader still reads
        assert swapped[0] in os.listdir(trash)
        assert os.stat("summary.json", dir_fd=folder).st_size > 0
        old = trash_entry_name("greenvent", 41, time.time_ns() - 61 * 10**9)
        os.rename(trash / swapped[0], trash / old)  # as if swapped out a minute ago
        fresh = set(os.listdir(trash)) - {old}
        build(data, out, AS_OF + timedelta(days=3))
        deadline = time.monotonic() + 30  # a detached process removes it, at the lowest priority
        while (trash / old).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not (trash / old).exists()
        assert fresh <= set(os.listdir(trash))
    finally:
        os.close(folder)
