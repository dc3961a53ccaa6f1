"""Earlier hashed loaders stay served after an upgrade (widget_server/http/kept_loaders.py)."""

import hashlib

from starlette.testclient import TestClient

from tests.widgets import AS_OF, fixture_store
from widget_server.core.headers import cache_control
from widget_server.core.loader import loader
from widget_server.demo import demo_document
from widget_server.http.app import create_app

EARLIER = b"/* last month's loader */\n"
EARLIER_DIGEST = hashlib.sha256(EARLIER).hexdigest()[:12]


def test_a_page_that_pinned_an_earlier_loader_still_gets_it(tmp_path):
    data = tmp_path / "data"
    fixture_store(data, demo_document(AS_OF)).close()
    (data / "loaders").mkdir()
    (data / "loaders" / f"embed.{EARLIER_DIGEST}.js").write_bytes(EARLIER)  # as the service before kept it
    (data / "loaders" / "embed.0123456789ab.js").write_bytes(b"/* not the bytes of its name */")
    with TestClient(create_app(data, as_of=AS_OF, cache_dir=tmp_path / "cache")) as client:
        current = loader()
        assert (data / "loaders" / f"embed.{current.digest}.js").read_bytes() == current.body  # kept for later
        answer = client.get(f"/v1/embed.{EARLIER_DIGEST}.js")
        assert (answer.status_code, answer.content) == (200, EARLIER)
        assert answer.headers["cache-control"] == cache_control("loader-hashed")
        assert answer.headers["content-type"].startswith("text/javascript")
        assert client.get(f"/v1/embed.{current.digest}.js").content == current.body
        assert client.get("/v1/embed.0123456789ab.js").status_code == 404  # never other bytes than its hash
        assert client.get("/v1/embed.ffffffffffff.js").status_code == 404


def test_a_read_only_data_folder_still_serves_the_current_loader(tmp_path):
    data = tmp_path / "data"
    fixture_store(data, demo_document(AS_OF)).close()
    (data / "loaders").write_text("a file where the folder would be")
    with TestClient(create_app(data, as_of=AS_OF, cache_dir=tmp_path / "cache")) as client:
        assert client.get(f"/v1/embed.{loader().digest}.js").content == loader().body
