"""Big shops read and rendered in the reader process (widget_server/http/readers.py)."""

import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
from starlette.testclient import TestClient

from tests.factories import review
from tests.server import running_service
from tests.widgets import AS_OF, fixture_store
from widget_server.core.i18n import available_locales
from widget_server.demo import demo_document
from widget_server.http.app import create_app
from widget_server.http.readers import READER_NICE
from widget_server.sources.importer import import_document
from widget_server.store.open import open_store

PATHS = [
    "/v1/wtw-winkel/nl/badge.html",
    "/v1/wtw-winkel/en/carousel.html?theme=dark&count=3",
    "/v1/wtw-winkel/nl/reviews.json",
    "/v1/wtw-winkel/nl/reviews-2.json",
    "/v1/wtw-winkel/en/reviews.json?stars=1,2",
    "/v1/wtw-winkel/summary.json",
    "/v1/wtw-winkel/products/ZEH-Q350/summary.json",
    "/v1/wtw-winkel/nl/products/ZEH-Q350/stars.html",
    "/v1/wtw-winkel/nl/products/ZEH-Q350/reviews.json",
    "/v1/greenvent/en/badge.html",
]


def service_of(client):
    return client.app.app.app.app.state.service  # ErrorLog -> StrictPaths -> ResponseMemo -> Starlette


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    fixture_store(folder, demo_document(AS_OF)).close()
    return folder


def client_for(data, cache, big_shop):
    return TestClient(create_app(data, as_of=AS_OF, cache_dir=cache, big_shop=big_shop))


def reader_pids(client):
    pool = service_of(client).readers._pool
    return set() if pool is None else set(pool._processes)


def bodies(client):
    answers = [client.get(path) for path in PATHS]
    assert [answer.status_code for answer in answers] == [200] * len(PATHS)
    return [answer.content for answer in answers]


def test_every_shop_read_apart_gives_the_same_bytes_and_none_is_read_in_the_service(data, tmp_path):
    with client_for(data, tmp_path / "here", None) as here, client_for(data, tmp_path / "apart", 1) as apart:
        assert bodies(apart) == bodies(here)
        assert service_of(apart)._snapshots == {}  # nothing was read in the service's own process
        (pid,) = reader_pids(apart)
        assert pid != os.getpid()
        assert os.getpriority(os.PRIO_PROCESS, pid) == READER_NICE  # below the event loop, as low as it goes
        assert set(service_of(here)._snapshots) == {"wtw-winkel", "greenvent"}
        assert reader_pids(here) == set()


def test_only_shops_of_big_shop_shown_reviews_or_more_go_apart(data, tmp_path):
    store = open_store(data)
    size = store.shown_count("wtw-winkel")
    store.close()
    with client_for(data, tmp_path / "cache", size) as client:
        client.get("/v1/wtw-winkel/nl/badge.html")
        client.get("/v1/greenvent/en/badge.html")
        assert set(service_of(client)._snapshots) == {"greenvent"}  # fewer shown reviews: read here
        assert len(reader_pids(client)) == 1


def test_the_reader_process_sees_an_import_at_the_next_request(data, tmp_path):
    with client_for(data, tmp_path / "cache", 1) as client:
        before = client.get("/v1/wtw-winkel/summary.json").json()
        store = open_store(data)
        fresh = review(id="fresh", shop="wtw-winkel", rating=1, created_at="2026-11-22T10:00:00Z", experienced_at=None)
        import_document(store, {"reviews": [fresh]}, available_locales=available_locales())
        store.close()
        after = client.get("/v1/wtw-winkel/summary.json").json()
        assert after["review_count"] == before["review_count"] + 1
        newest = client.get("/v1/wtw-winkel/nl/reviews.json").json()["reviews"][0]
        assert newest["id"] == "fresh"


def test_a_killed_reader_process_costs_one_render_here_and_the_next_read_starts_another(data, tmp_path):
    with client_for(data, tmp_path / "here", None) as here, client_for(data, tmp_path / "apart", 1) as apart:
        expected = bodies(here)
        assert apart.get(PATHS[0]).status_code == 200
        (first,) = reader_pids(apart)
        os.kill(first, signal.SIGKILL)
        assert bodies(apart) == expected
        assert reader_pids(apart) and first not in reader_pids(apart)


def test_a_served_reader_process_opens_the_same_store_as_the_service(backend, tmp_path):
    """`trustwidgets serve` with TRUSTWIDGETS_BIG_SHOP=1, on SQLite and on PostgreSQL: the reader
    process finds the store the service uses (each service with a render cache of its own, so
    that every document is rendered by both)."""
    data = tmp_path / "data"
    fixture_store(data, demo_document(AS_OF)).close()
    log = tmp_path / "serve.log"
    with (
        running_service(data) as here,
        running_service(
            data, "--cache-dir", str(tmp_path / "apart"), log=log, env_extra={"TRUSTWIDGETS_BIG_SHOP": "1"}
        ) as apart,
    ):
        for path in PATHS:
            with urllib.request.urlopen(here + path) as one, urllib.request.urlopen(apart + path) as other:
                assert other.read() == one.read(), path
    assert "reader process" not in log.read_text()  # it never stopped


# A stand-in for the service: starts the reader with one big read, says its pid, then waits.
SERVICE = """
import sys, time
from datetime import date
from pathlib import Path
from widget_server.http.readers import Readers
readers = Readers(Path(sys.argv[1]))
readers.render("wtw-winkel", "v", date.fromisoformat(sys.argv[2]), "/v1/wtw-winkel/summary.json", None)
print(*readers.pool()._processes, flush=True)
time.sleep(600)
"""


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_reader_process_ends_when_its_service_is_killed(data):
    """A service killed with -9 (or by the out-of-memory killer) must not leave its reader
    waiting forever with a store connection open."""
    command = [sys.executable, "-c", SERVICE, str(data), AS_OF.isoformat()]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as service:
        try:
            (reader,) = map(int, service.stdout.readline().split())
            assert alive(reader)
        finally:
            service.kill()
    deadline = time.monotonic() + 10
    while alive(reader) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(reader), "the reader outlived its service"
