"""The service's state across threads (widget_server/http/service.py)."""

import json
from concurrent.futures import ThreadPoolExecutor

from tests.factories import SHOP, review
from tests.widgets import AS_OF, fixture_store
from widget_server.core.catalogue import parse
from widget_server.core.documents import resolve
from widget_server.core.i18n import available_locales
from widget_server.core.options import Options
from widget_server.http.service import Service
from widget_server.sources.importer import import_document


def test_a_commit_is_seen_whichever_thread_asked_last(tmp_path):
    """SQLite's data_version counts per connection (one per thread): the preview's thread must
    not hide from the event loop's a commit it has not seen yet."""
    store = fixture_store(tmp_path, {"shops": [SHOP], "reviews": [review(id="a")]})
    service = Service(tmp_path, as_of=AS_OF, cache_dir=tmp_path / "cache")
    worker = ThreadPoolExecutor(1)  # Starlette's threadpool, where the preview's handlers run
    ref = parse("/v1/wtw-winkel/summary.json")

    def summary_total():  # as public_document does on the event loop's thread
        shop, version = service.shop("wtw-winkel")
        return json.loads(service.render(shop.id, version, AS_OF, ref, resolve(shop, ref, Options())))["window_total"]

    def preview():
        shop, version = service.shop("wtw-winkel")
        service.snapshot(shop.id, version, AS_OF)

    def add(n):
        import_document(store, {"reviews": [review(id=f"x{n}", rating=1)]}, available_locales=available_locales())

    try:
        assert summary_total() == 1
        worker.submit(preview).result()
        add(1)
        worker.submit(preview).result()
        add(2)
        assert summary_total() == 3
        add(3)
        assert summary_total() == 4
    finally:
        worker.shutdown()
        service.store.close()
        store.close()


def test_after_a_commit_only_the_shops_whose_version_changed_are_read_again(tmp_path, monkeypatch):
    shops = [SHOP, {**SHOP, "id": "b-shop", "name": "B"}, {**SHOP, "id": "c-shop", "name": "C"}]
    store = fixture_store(tmp_path, {"shops": shops, "reviews": [review(id="a")]})
    service = Service(tmp_path, as_of=AS_OF, cache_dir=tmp_path / "cache")
    try:
        first = service.shops()
        assert list(first) == ["b-shop", "c-shop", "wtw-winkel"]
        renamed = {**SHOP, "id": "b-shop", "name": "B renamed"}
        new = {**SHOP, "id": "a-shop", "name": "A"}
        import_document(store, {"shops": [renamed, new]}, available_locales=available_locales())
        second = service.shops()
        assert list(second) == ["a-shop", "b-shop", "c-shop", "wtw-winkel"]  # still by id
        assert (second["a-shop"][0].name, second["b-shop"][0].name) == ("A", "B renamed")
        assert second["b-shop"][1] != first["b-shop"][1]
        assert second["c-shop"] is first["c-shop"] and second["wtw-winkel"] is first["wtw-winkel"]  # not read again
        monkeypatch.setattr("widget_server.http.service.RECORDS_ONE_BY_ONE", 0)  # many changed: all read anew
        import_document(store, {"reviews": [review(id="b", shop="c-shop")]}, available_locales=available_locales())
        third = service.shops()
        assert list(third) == list(second) and third["c-shop"][1] != second["c-shop"][1]
        assert third["wtw-winkel"] is not second["wtw-winkel"] and third["wtw-winkel"][1] == second["wtw-winkel"][1]
        monkeypatch.undo()
        store.remove_shops(["b-shop"], "2026-11-23T00:00:00.000000Z")
        assert list(service.shops()) == ["a-shop", "c-shop", "wtw-winkel"]
    finally:
        service.store.close()
        store.close()
