"""kill -9 the build at moments spread over its run while a reader keeps checking the output folder."""

import os
import signal
import subprocess
import threading
import time
from datetime import timedelta

import pytest

from static_build.build import FEW_SHOPS
from tests.builds import verify
from tests.server import cli_args
from tests.widgets import AS_OF, fixture_store
from widget_server.demo import demo_document

KILLS = 12  # at moments spread evenly over the first 1.2 s: starting, rendering, moving the tree in


def build_command(data, out, day):
    return cli_args(
        data,
        "build",
        "--out",
        str(out),
        "--as-of",
        day.isoformat(),
        "--jobs",
        "2",
    )


def children(pid):
    """The processes whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    stat = handle.read()
            except OSError:  # gone meanwhile
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry))
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
def test_kill_nine_never_shows_a_half_written_tree(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    document = demo_document(AS_OF)
    # more shops than a rebuild renders in its own process (FEW_SHOPS); each build below asks for
    # the .br twins or not, the other way from the last, so every shop is rebuilt by workers
    document["shops"] += [
        {**document["shops"][1], "id": f"extra-{n}", "name": f"Extra {n}"} for n in range(FEW_SHOPS + 1)
    ]
    fixture_store(data, document).close()
    subprocess.run(build_command(data, out, AS_OF), check=True, capture_output=True)
    problems, checks, stop = [], [0], threading.Event()

    def reader():
        while not stop.is_set():
            try:
                verify(out)
                checks[0] += 1
            except Exception as error:  # noqa: BLE001 - any failure to read a complete tree counts
                problems.append(repr(error))

    thread = threading.Thread(target=reader)
    thread.start()
    orphans = []  # the killed builds' workers
    try:
        for n in range(1, KILLS + 1):
            process = subprocess.Popen(
                build_command(data, out, AS_OF + timedelta(days=n)) + ["--brotli"] * (n % 2),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(1.2 * (n - 1) / (KILLS - 1))
            workers = children(process.pid)
            process.send_signal(signal.SIGKILL)
            process.wait()
            verify(out)
            orphans.extend(workers)
    finally:
        stop.set()
        thread.join()
    assert problems == []
    assert checks[0] > KILLS
    assert orphans, "no kill came after the build had started its workers"
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in orphans) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in orphans if alive(pid)] == [], "workers outlived their killed build"
    finished = subprocess.run(build_command(data, out, AS_OF + timedelta(days=99)), capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    verify(out)
    home = out.with_name(".out.trustwidgets")
    assert not [p for p in home.rglob("*") if ".tmp-" in p.name]
