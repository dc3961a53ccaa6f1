"""Who may frame a widget, in Chromium: a shop's `allowed_domains` hold on every way it is served.

A shop that lists the domains allowed to frame its widgets gets `frame-ancestors <domains>`;
every other shop `frame-ancestors *`. The host pages are served as www.greenvent.example and
www.elsewhere.example (Chromium maps both names to a local port), framing the widget from:
- the live service;
- the static tree behind real nginx with the build's nginx.conf (one policy per document);
- the static tree with the headers `_headers` gives it: a host such as Netlify sends every
  matching rule's headers, so the framed shop's widget carries two policies (`frame-ancestors *`
  from the catch-all rule and its own), and the browser must enforce the stricter.
"""

from __future__ import annotations

import http.client
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from static_build.build import build
from static_build.cdn import header_rules
from tests.browser import Pages
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.nginx import running_nginx
from tests.server import free_port, running_service
from tests.widgets import AS_OF, fixture_store
from widget_server.core.models import Shop
from widget_server.core.widgets import HEIGHTS
from widget_server.demo import demo_document
from widget_server.http.preview import embed_snippet

pytestmark = pytest.mark.browser

ALLOWED, ELSEWHERE = "www.greenvent.example", "www.elsewhere.example"
FRAMED = "/v1/greenvent/nl/badge.html"  # greenvent lets only ALLOWED frame its widgets
OPEN = "/v1/wtw-winkel/nl/badge.html"  # wtw-winkel lets anyone
LOCAL = "lokaal"  # lets localhost:PORT and 127.0.0.1:PORT, the host pages' own port


def headers_host(root: Path) -> ThreadingHTTPServer:
    """The tree as a host that applies `_headers` serves it: every rule whose path matches adds
    its headers (a header named by two rules is sent twice)."""
    rules = [
        (re.compile("^" + re.escape(pattern).replace(r"\*", ".*") + "$"), headers)
        for pattern, headers in header_rules({"greenvent": (ALLOWED,)})
    ]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            file = root / path.lstrip("/")
            if ".." in path or not file.is_file():
                self.send_error(404)
                return
            body = file.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            for pattern, headers in rules:
                if pattern.match(path):
                    for name, value in headers.items():
                        self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def host_pages() -> Iterator[Pages]:
    host = Pages()
    yield host
    host.server.shutdown()
    host.server.server_close()


@pytest.fixture(scope="module")
def origins(tmp_path_factory, host_pages: Pages) -> Iterator[dict[str, str]]:
    folder = tmp_path_factory.mktemp("framing")
    data, out = folder / "data", folder / "out"
    document = demo_document(AS_OF)
    greenvent = next(shop for shop in document["shops"] if shop["id"] == "greenvent")
    greenvent["allowed_domains"] = [ALLOWED]
    # a shop whose pages are on a development machine: a port, localhost and an IPv4 literal
    port = host_pages.server.server_port
    local = {**greenvent, "id": LOCAL, "allowed_domains": [f"localhost:{port}", f"127.0.0.1:{port}"]}
    document["shops"].append(local)
    fixture_store(data, document).close()
    build(data, out, AS_OF)
    port = free_port()
    nginx = f"http://127.0.0.1:{port}"
    block = f"server {{ listen 127.0.0.1:{port}; root {out}; include {out}/nginx.conf; }}"
    headers = headers_host(out)
    try:
        with running_service(data) as service, running_nginx(folder / "nginx", block, nginx + "/v1/embed.js"):
            yield {
                "service": service,
                "nginx": nginx,
                "_headers": f"http://127.0.0.1:{headers.server_port}",
            }
    finally:
        headers.shutdown()
        headers.server_close()


@pytest.fixture(scope="module")
def pages(browser, host_pages: Pages) -> Iterator[tuple[Pages, object]]:
    """Host pages, and a Chromium that reaches them as ALLOWED and ELSEWHERE (port 80): a second
    launch through the session's Playwright (one Playwright per process)."""
    host = host_pages
    port = host.server.server_port
    rules = f"MAP {ALLOWED}:80 127.0.0.1:{port}, MAP {ELSEWHERE}:80 127.0.0.1:{port}"
    mapped = browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, f"--host-resolver-rules={rules}"]
    )
    yield host, mapped
    mapped.close()


def csp_headers(base: str, path: str) -> list[str]:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    return [value for name, value in response.getheaders() if name.lower() == "content-security-policy"]


@pytest.fixture(scope="module")
def mapped_tab(pages):
    """One tab of the mapping Chromium for the framing checks: each is a new document in it."""
    page = pages[1].new_page()
    yield page
    page.close()


def framed(pages, page, domain: str, url: str) -> tuple[bool, list[str]]:
    """Whether a page on `domain` shows the widget at `url` in its iframe, and what the console said."""
    host, _ = pages
    name = f"/page-{len(host.pages)}.html"
    host.add(name, f'<iframe id="w" src="{url}" width="320" height="120"></iframe>')
    said: list[str] = []

    def heard(message):
        said.append(message.text)

    page.on("console", heard)
    try:
        page.goto(f"http://{domain}{name}")
        page.wait_for_load_state("load")
        # the badge's document has a .badge; a frame the browser refused shows its error page
        return page.frame_locator("#w").locator(".badge").count() == 1, said
    finally:
        page.remove_listener("console", heard)


def test_the_headers_host_sends_the_framed_shop_two_policies_and_the_others_one(origins):
    framed = csp_headers(origins["_headers"], FRAMED)
    assert [policy.rpartition("frame-ancestors ")[2] for policy in framed] == ["*", ALLOWED]
    assert [policy.rpartition("frame-ancestors ")[2] for policy in csp_headers(origins["_headers"], OPEN)] == ["*"]
    for kind in ("service", "nginx"):
        assert [policy.rpartition("frame-ancestors ")[2] for policy in csp_headers(origins[kind], FRAMED)] == [ALLOWED]


@pytest.mark.parametrize("kind", ["service", "nginx", "_headers"])
@pytest.mark.parametrize(
    ("domain", "path", "shown"),
    [
        (ALLOWED, FRAMED, True),
        (ELSEWHERE, FRAMED, False),
        (ELSEWHERE, OPEN, True),
    ],
)
def test_only_the_allowed_domains_may_frame_a_shops_widget(origins, pages, mapped_tab, kind, domain, path, shown):
    seen, said = framed(pages, mapped_tab, domain, origins[kind] + path)
    assert seen is shown
    refusals = [text for text in said if "violates the following Content Security Policy directive" in text]
    if shown:
        assert refusals == []
    else:  # refused by the shop's own policy, whatever other policy came beside it
        assert len(refusals) == 1 and f'"frame-ancestors {ALLOWED}"' in refusals[0], said


@pytest.mark.parametrize("kind", ["service", "nginx"])
@pytest.mark.parametrize("name", ["localhost", "127.0.0.1"])
def test_a_shop_may_allow_a_development_host_with_its_port(origins, pages, mapped_tab, kind, name):
    host, _ = pages
    seen, said = framed(
        pages, mapped_tab, f"{name}:{host.server.server_port}", origins[kind] + f"/v1/{LOCAL}/nl/badge.html"
    )
    assert seen, said


# The loader (widget_templates/embed.js, place) sets `frame.onload = () => setTimeout(check, 2000)`
# on each frame it makes, right after inserting it, and `check` gives the slot its link back unless
# the frame has said hello by then. This adds a load listener to each frame the loader makes, after
# its onload handler (a MutationObserver callback runs once the loader's task is over, long before
# the frame's document can load), which sets a timer of the same 2000 ms: timers of a window run in
# the order they were set among those of equal or shorter delay (HTML, timer initialisation steps),
# so when window.__pastTheDeadline counts one, the loader's check for that load has already run.
# (Its other check, 10 s after insertion, does the same with the same `alive` flag, which is never
# unset: a frame kept by the first check is kept by it too.)
PAST_THE_DEADLINE = """
if (window === window.top) {
  window.__pastTheDeadline = 0;
  new MutationObserver((changes) => {
    for (const change of changes) for (const node of change.addedNodes) {
      if (node.nodeName !== 'IFRAME') continue;
      node.addEventListener('load', () => setTimeout(() => { window.__pastTheDeadline += 1; }, 2000));
    }
  }).observe(document, {childList: true, subtree: true});
}
"""


@pytest.mark.parametrize("kind", ["service", "nginx"])
@pytest.mark.parametrize(("domain", "shown"), [(ELSEWHERE, False), (ALLOWED, True)])
def test_a_refused_frame_gives_the_slot_its_link_back(origins, pages, kind, domain, shown):
    host, browser = pages
    shop = Shop("greenvent", "Greenvent", ("nl",), "nl", "Trusted Shops", "https://example.nl/r")
    name = f"/slot-{len(host.pages)}.html"
    snippet = embed_snippet(origins[kind], shop, "badge", "nl", {})
    host.add(name, snippet.replace(f"min-height:{HEIGHTS['badge']}px", "min-height:40px"))  # the shop's own
    page = browser.new_page()
    page.add_init_script(PAST_THE_DEADLINE)
    try:
        page.goto(f"http://{domain}{name}")
        page.wait_for_function("() => document.querySelector('.trustwidget iframe')")
        # Until the loader has given the slot its link back, or its check 2 s after the frame's load
        # has run and kept the frame. 8 s is under the loader's other check, 10 s after the frame was
        # made: a fallback that only that one would give (no check after the load) fails here.
        page.wait_for_function(
            "() => !document.querySelector('.trustwidget iframe') || window.__pastTheDeadline > 0", timeout=8000
        )
        link = page.get_by_role("link", name=re.compile("Greenvent"))
        if shown:
            assert page.frame_locator(".trustwidget iframe").locator(".badge").count() == 1
            assert link.count() == 0
        else:
            assert page.locator(".trustwidget iframe").count() == 0
            assert link.is_visible()
            assert page.evaluate("document.querySelector('.trustwidget').style.minHeight") == "40px"
    finally:
        page.close()


FRAME_LOADS = """
if (window === window.top) {
  window.__frameLoads = 0;
  new MutationObserver((changes) => {
    for (const change of changes) for (const node of change.addedNodes) {
      if (node.nodeName === 'IFRAME') node.addEventListener('load', () => { window.__frameLoads += 1; });
    }
  }).observe(document, {childList: true, subtree: true});
}
"""


@pytest.mark.parametrize("replaced", [False, True])
def test_a_refused_frame_leaves_no_reserved_height_and_no_error_on_the_page(origins, pages, replaced):
    """The snippet reserves the widget's height until the frame is there; a refused frame's slot
    holds just its link. A page that replaced the slot's content meanwhile (a re-render) gets
    no exception from the loader's check."""
    host, browser = pages
    shop = Shop("greenvent", "Greenvent", ("nl",), "nl", "Trusted Shops", "https://example.nl/r")
    name = f"/slot-{len(host.pages)}.html"
    host.add(name, embed_snippet(origins["service"], shop, "badge", "nl", {}))  # min-height: the badge's
    page = browser.new_page()
    page.add_init_script(PAST_THE_DEADLINE)
    page.add_init_script(FRAME_LOADS)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"http://{ELSEWHERE}{name}")
        page.wait_for_function("() => window.__frameLoads > 0")  # the loader's check is 2 s away
        if replaced:
            page.evaluate("document.querySelector('.trustwidget').innerHTML = '<span>opnieuw getekend</span>'")
        page.wait_for_function("() => window.__pastTheDeadline > 0", timeout=8000)
        page.wait_for_timeout(100)
        slot = page.locator(".trustwidget")
        assert page.evaluate("document.querySelector('.trustwidget').style.minHeight") == ""
        assert slot.bounding_box()["height"] < HEIGHTS["badge"] / 3, "the slot kept the badge's height"
        if replaced:  # what the page put there stays, alone
            assert page.evaluate("document.querySelector('.trustwidget').innerHTML") == "<span>opnieuw getekend</span>"
        else:
            assert page.get_by_role("link", name=re.compile("Greenvent")).is_visible()
        assert errors == []
    finally:
        page.close()
