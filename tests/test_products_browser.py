"""A product's star snippet beside a price, in Chromium, through the loader; its JSON-LD in the host page."""

from __future__ import annotations

import json

import pytest

from tests.browser import shop_record
from tests.server import running_service
from tests.widgets import AS_OF, fixture_store
from widget_server.demo import demo_document
from widget_server.http.preview import embed_snippet

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    data = tmp_path_factory.mktemp("products")
    fixture_store(data, demo_document(AS_OF)).close()
    with running_service(data) as url:
        yield url, data


def price_row(snippet: str, width: int) -> str:
    """A product page's price line with the snippet beside it in a slot of `width` px."""
    return (
        "<div style='display:flex;align-items:center;gap:12px'><strong id='price'>€ 2.499</strong>"
        f"<div id='slot' style='width:{width}px'>{snippet}</div></div>"
    )


@pytest.mark.parametrize("width", [160, 200, 320, 600])
def test_a_product_star_snippet_beside_a_price(tab, host, service, width):
    base, data = service
    shop = shop_record(data, "wtw-winkel")
    snippet = embed_snippet(base, shop, "stars", "nl", {}, product="ZEH-Q350")
    assert 'data-product="ZEH-Q350"' in snippet
    url = host.add(f"/product-{width}.html", price_row(snippet, width))
    page = tab
    page.set_viewport_size({"width": 1000, "height": 600})
    page.goto(url)
    frame = page.frame_locator("#slot iframe")
    frame.locator(".w.snippet").wait_for()
    src = page.locator("#slot iframe").get_attribute("src")
    assert src.startswith(f"{base}/v1/wtw-winkel/nl/products/ZEH-Q350/stars.html")
    summary = json.loads(page.request.get(f"{base}/v1/wtw-winkel/products/ZEH-Q350/summary.json").body())
    shown = frame.locator(".w").inner_text()
    score = f"{summary['score']:.2f}".replace(".", ",")
    assert score in shown  # the product's score, not the shop's
    shop_score = json.loads(page.request.get(f"{base}/v1/wtw-winkel/summary.json").body())["score"]
    assert summary["score"] != shop_score
    box = page.locator("#slot iframe").bounding_box()
    price = page.locator("#price").bounding_box()
    assert abs(box["width"] - width) < 1 and box["height"] == 24
    assert box["x"] >= price["x"] + price["width"]  # beside the price, not over it
    # nothing in the snippet is cut or wider than its slot
    faults = frame.locator("html").evaluate(
        "() => { const d = document.documentElement; const out = [];"
        " if (d.scrollWidth > d.clientWidth + 1) out.push('scrolls sideways');"
        " const how = document.querySelector('.how').getBoundingClientRect();"
        " if (how.right > d.clientWidth + 0.5) out.push('the method link is cut');"
        " return out; }"
    )
    assert faults == []
    assert frame.get_by_role("link", name="Hoe berekend?").get_attribute("href") == "../../method.html"
    assert page.locator("script[type='application/ld+json']").count() == 0  # not asked for


def test_the_host_page_gets_the_products_json_ld_when_it_asks(browser, host, service):
    base, data = service
    shop = shop_record(data, "greenvent")  # Trusted Shops reviews, opted in
    snippet = embed_snippet(base, shop, "stars", "en", {}, product="GV-VALVE-100").replace(
        'data-product="GV-VALVE-100"', 'data-product="GV-VALVE-100" data-jsonld'
    )
    url = host.add(
        "/product-jsonld.html",
        price_row(snippet, 320) + price_row(snippet.replace("trustwidget", "trustwidget x"), 320),
    )
    page = browser.new_page()
    page.goto(url)
    page.frame_locator("#slot iframe").first.locator(".w.snippet").wait_for()
    page.wait_for_function("() => document.querySelectorAll(\"script[type='application/ld+json']\").length > 0")
    scripts = page.locator("head script[type='application/ld+json']")
    assert scripts.count() == 1  # once per product, however many snippets ask
    data_ld = json.loads(scripts.first.text_content())
    served = json.loads(page.request.get(f"{base}/v1/greenvent/products/GV-VALVE-100/jsonld.json").body())
    assert data_ld == served and data_ld["@type"] == "Product" and data_ld["sku"] == "GV-VALVE-100"
    page.close()


def test_no_json_ld_for_a_trustpilot_shop_even_when_asked(browser, host, service):
    base, data = service
    shop = shop_record(data, "wtw-winkel")
    snippet = embed_snippet(base, shop, "stars", "nl", {}, product="ZEH-Q350").replace(
        'data-product="ZEH-Q350"', 'data-product="ZEH-Q350" data-jsonld'
    )
    url = host.add("/product-tp.html", price_row(snippet, 320))
    page = browser.new_page()
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "jsonld" in r.url else None)
    page.goto(url)
    page.frame_locator("#slot iframe").locator(".w.snippet").wait_for()
    page.wait_for_timeout(300)
    assert page.locator("script[type='application/ld+json']").count() == 0
    assert asked == [f"{base}/v1/wtw-winkel/products/ZEH-Q350/jsonld.json"]  # asked, got a 404, added nothing
    page.close()
