"""Schemathesis against the OpenAPI description, in-process: no 5xx, every response as described."""

from datetime import date

import schemathesis
from hypothesis import settings

from tests.widgets import AS_OF
from widget_server.demo import demo_document
from widget_server.http.app import create_app
from widget_server.sources.importer import import_document
from widget_server.store.open import open_store


def make_app(tmp_path_factory=None):
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="tw-openapi-"))
    store = open_store(folder)
    import_document(store, demo_document(AS_OF), available_locales=("en", "nl"))
    store.close()
    return create_app(folder, as_of=date(2026, 11, 23))


schema = schemathesis.openapi.from_asgi("/v1/openapi.json", make_app())


@schema.parametrize()
@settings(max_examples=60, deadline=None)
def test_public_json(case):
    case.call_and_validate()
