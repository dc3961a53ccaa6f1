"""The nginx block we ship in front of the service, run for real: slow clients are cut."""

import socket
import time

import pytest

from tests.client import request
from tests.nginx import running_nginx
from tests.server import free_port, running_service
from tests.widgets import AS_OF, fixture_store
from widget_server.demo import demo_document
from widget_server.http.proxy_config import ProxySettings, nginx_server_block

HEADER_TIMEOUT = 2


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    folder = tmp_path_factory.mktemp("proxy")
    fixture_store(folder / "data", demo_document(AS_OF)).close()
    with running_service(folder / "data") as service:
        port = free_port()
        settings = ProxySettings(
            upstream=service.removeprefix("http://"), listen=f"127.0.0.1:{port}", header_timeout=HEADER_TIMEOUT
        )
        base = f"http://127.0.0.1:{port}"
        with running_nginx(folder / "nginx", nginx_server_block(settings), base + "/healthz"):
            yield base, service


def test_requests_pass_through(proxied):
    base, _ = proxied
    status, headers, body = request(base, "/v1/wtw-winkel/nl/badge.html")
    assert status == 200 and b"WTW Winkel" in body
    assert "frame-ancestors" in headers["content-security-policy"]


def test_the_default_preview_of_a_loopback_service_stays_on_this_machine(proxied):
    base, service = proxied  # `serve` on 127.0.0.1 without --preview: the preview is this machine's
    assert request(service, "/preview/")[0] == 200
    assert request(service, "/preview/wtw-winkel")[0] == 200
    # The proxy connects from loopback too, but for anyone on the internet.
    for path in ("/preview/", "/preview/wtw-winkel", "/preview/preview.css"):
        status, _, body = request(base, path)
        assert status == 404 and b"WTW Winkel" not in body, path
    assert request(service, "/preview/", headers={"Forwarded": "for=203.0.113.9"})[0] == 404
    # A site whose name was made to point at 127.0.0.1 (DNS rebinding) comes under its own name.
    port = service.rsplit(":", 1)[1]
    for name in ("attacker.example", f"attacker.example:{port}", f"127.0.0.1.nip.io:{port}"):
        assert request(service, "/preview/wtw-winkel", headers={"Host": name})[0] == 404, name
    for name in (f"localhost:{port}", f"127.0.0.1:{port}", "localhost"):
        assert request(service, "/preview/", headers={"Host": name})[0] == 200, name


def test_a_client_that_never_finishes_its_headers_is_cut(proxied):
    base, service = proxied
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as slow:
        slow.sendall(b"GET /v1/wtw-winkel/nl/badge.html HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        slow.settimeout(HEADER_TIMEOUT + 8)
        started = time.monotonic()
        answer = slow.recv(4096)
        waited = time.monotonic() - started
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408")
    assert HEADER_TIMEOUT - 0.5 <= waited <= HEADER_TIMEOUT + 5


def test_the_service_alone_keeps_such_a_client(proxied):
    """Why the proxy is there: uvicorn does not time out unfinished headers."""
    _, service = proxied
    host, port = service.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as slow:
        slow.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        slow.settimeout(HEADER_TIMEOUT + 2)
        with pytest.raises(TimeoutError):
            slow.recv(4096)


def test_headers_past_the_cap_get_431_through_the_proxy(proxied):
    base, _ = proxied
    status, _, body = request(base, "/v1/wtw-winkel/summary.json", headers={"X-Big": "a" * 17000})
    assert status == 431 and b"request header fields too large" in body
    assert request(base, "/v1/wtw-winkel/summary.json", headers={"X-Big": "a" * 15000})[0] == 200


def test_the_config_names_its_limits():
    text = nginx_server_block(ProxySettings(header_timeout=7))
    assert "client_header_timeout 7s;" in text and "large_client_header_buffers 4 32k;" in text
