"""An unexpected error in the service: a 500 page, and one line in the log (widget_server/http/error_log.py)."""

import logging
import sqlite3

from starlette.testclient import TestClient

from tests.widgets import AS_OF, fixture_store
from widget_server.demo import demo_document
from widget_server.http.app import create_app
from widget_server.http.service import Service

WRITTEN_BY_A_STRANGER = "klant@example.nl schreef <script>"


def test_an_unexpected_error_answers_500_and_logs_one_line_without_what_it_said(tmp_path, monkeypatch, caplog):
    fixture_store(tmp_path / "data", demo_document(AS_OF)).close()

    def broken(*args, **kwargs):
        raise ValueError(WRITTEN_BY_A_STRANGER)

    monkeypatch.setattr(Service, "render", broken)
    app = create_app(tmp_path / "data", as_of=AS_OF, cache_dir=tmp_path / "cache")
    caplog.set_level(logging.INFO)
    # raise_server_exceptions=True (the default): the error must not leave the app, where the
    # server would log its traceback
    with TestClient(app) as client:
        answer = client.get("/v1/wtw-winkel/nl/badge.html")
        assert answer.status_code == 500
        assert "internal error" in answer.text and WRITTEN_BY_A_STRANGER not in answer.text
        assert client.get("/healthz").status_code == 200  # the next request is served
    lines = [record.getMessage() for record in caplog.records if record.name == "trustwidgets.errors"]
    assert len(lines) == 1
    assert lines[0].startswith("GET /v1/wtw-winkel/nl/badge.html: ValueError at test_error_log.py:")
    assert all(WRITTEN_BY_A_STRANGER not in record.getMessage() for record in caplog.records)
    assert not any(record.exc_info for record in caplog.records)


def test_a_store_failing_before_any_route_answers_the_services_own_500(tmp_path, caplog):
    fixture_store(tmp_path / "data", demo_document(AS_OF)).close()
    app = create_app(tmp_path / "data", as_of=AS_OF, cache_dir=tmp_path / "cache")
    store = app.app.app.app.state.service.store  # ErrorLog -> StrictPaths -> ResponseMemo -> Starlette
    caplog.set_level(logging.INFO)
    with TestClient(app) as client:
        assert client.get("/v1/wtw-winkel/summary.json").status_code == 200

        def down():  # as a store fails when its database has gone away
            raise sqlite3.OperationalError(WRITTEN_BY_A_STRANGER)

        store.data_version = down  # the response memo asks it first, before any route
        answer = client.get("/v1/wtw-winkel/summary.json")
        assert (answer.status_code, answer.json()) == (500, {"error": "internal error", "status": 500})
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["x-content-type-options"] == "nosniff"
        page = client.get("/v1/wtw-winkel/nl/badge.html")
        assert page.status_code == 500 and page.text == "500 internal error\n"
    lines = [record.getMessage() for record in caplog.records if record.name == "trustwidgets.errors"]
    assert lines == [
        "GET /v1/wtw-winkel/summary.json: OperationalError at test_error_log.py:" + lines[0].rsplit(":", 1)[1],
        "GET /v1/wtw-winkel/nl/badge.html: OperationalError at test_error_log.py:" + lines[1].rsplit(":", 1)[1],
    ]
    assert all(WRITTEN_BY_A_STRANGER not in record.getMessage() for record in caplog.records)
