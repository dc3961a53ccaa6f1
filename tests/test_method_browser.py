"""The method page in Chromium: readable at phone and desktop width, light and dark, and reached from a widget."""

from __future__ import annotations

import pytest

from tests.browser import serious_violations
from tests.server import running_service
from tests.widgets import AS_OF, WIDGET_NAMES, fixture_store
from widget_server.demo import demo_document

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    data = tmp_path_factory.mktemp("method")
    fixture_store(data, demo_document(AS_OF)).close()
    with running_service(data) as url:
        yield url


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("locale", ["nl", "en"])
def test_the_method_page_passes_axe_and_never_scrolls_sideways(tab, base, width, scheme, locale):
    page = tab
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{base}/v1/wtw-winkel/{locale}/method.html")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert page.locator("svg.chart rect").count() == 13
    assert serious_violations(page) == []


def test_every_widget_opens_the_method_page(browser, base):
    page = browser.new_page()
    for widget in WIDGET_NAMES:
        page.goto(f"{base}/v1/wtw-winkel/nl/{widget}.html")
        link = page.get_by_role("link", name="Hoe berekend?")
        assert link.count() == 1, widget
        with page.context.expect_page() as opened:
            link.click()
        method = opened.value
        method.wait_for_load_state()
        assert method.url == f"{base}/v1/wtw-winkel/nl/method.html"
        assert method.get_by_role("heading", level=1).inner_text() == "Zo wordt de reviewscore van WTW Winkel berekend"
        method.close()
    page.close()
