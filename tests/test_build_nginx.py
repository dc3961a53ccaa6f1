"""The built tree served by a real nginx (gzip_static on) and embedded in real Chromium."""

import gzip

import pytest

from static_build.build import build
from tests.browser import CLS_OBSERVER, Pages, shop_record
from tests.client import request
from tests.nginx import running_nginx
from tests.server import free_port
from tests.widgets import AS_OF, WIDGET_NAMES, fixture_store
from widget_server.core.headers import cache_control
from widget_server.demo import demo_document
from widget_server.http.preview import embed_snippet

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nginx")
    data, out = folder / "data", folder / "out"
    fixture_store(data, demo_document(AS_OF)).close()
    build(data, out, AS_OF)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    block = f"server {{ listen 127.0.0.1:{port}; root {out}; include {out}/nginx.conf; }}"
    with running_nginx(folder / "nginx", block, base + "/v1/embed.js"):
        yield base, data, out


def test_nginx_serves_precompressed_files_with_the_services_headers(nginx):
    base, _, out = nginx
    status, headers, body = request(base, "/v1/wtw-winkel/nl/carousel.html", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert body == (out / "v1/wtw-winkel/nl/carousel.html.gz").read_bytes()
    assert gzip.decompress(body) == (out / "v1/wtw-winkel/nl/carousel.html").read_bytes()
    assert headers["cache-control"] == cache_control("widget")
    assert "frame-ancestors *" in headers["content-security-policy"]
    _, json_headers, _ = request(base, "/v1/wtw-winkel/summary.json")
    assert json_headers["access-control-allow-origin"] == "*" and json_headers["content-type"] == "application/json"


@pytest.mark.parametrize("widget", WIDGET_NAMES)
def test_every_widget_loads_through_nginx_via_the_snippet(browser, nginx, widget):
    base, data, _ = nginx
    pages = Pages()
    try:
        url = pages.add(f"/{widget}.html", embed_snippet(base, shop_record(data, "wtw-winkel"), widget, "nl", {}))
        context = browser.new_context()
        page = context.new_page()
        errors = []
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.add_init_script(CLS_OBSERVER)
        page.goto(url)
        page.frame_locator("iframe").get_by_text("Trustpilot").first.wait_for()
        page.wait_for_timeout(200)
        assert page.evaluate("window.__cls") == 0 and errors == []
        context.close()
    finally:
        pages.server.shutdown()
        pages.server.server_close()
