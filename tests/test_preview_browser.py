"""The staff preview in Chromium: accessible at phone and desktop width, honest about bad input and static files."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import serious_violations
from tests.server import running_service
from tests.widgets import AS_OF, WIDGET_NAMES, fixture_store
from widget_server.demo import demo_document

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    data = tmp_path_factory.mktemp("preview")
    fixture_store(data, demo_document(AS_OF)).close()
    with running_service(data) as url:
        yield url


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("widget", WIDGET_NAMES)
def test_the_preview_passes_axe_and_never_scrolls_sideways(tab, base, width, widget):
    page = tab
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{base}/preview/wtw-winkel?widget={widget}")
    page.frame_locator("iframe.desktop").first.locator(".w").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert serious_violations(page) == []


def test_bad_options_keep_the_form_as_typed_and_the_last_good_widget(browser, base):
    page = browser.new_page()
    page.goto(f"{base}/preview/wtw-winkel?widget=carousel&theme=dark")
    page.frame_locator("iframe.desktop").locator(".w.carousel").wait_for()
    page.get_by_label("Reviews in carousel").fill("500")
    page.get_by_label("Languages").fill("nl,")
    page.get_by_role("button", name="Update preview").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("count must be a whole number from 1 to 50")
    expect(alert).to_contain_text("lang must list up to 20 language tags")
    expect(page.get_by_label("Reviews in carousel")).to_have_value("500")  # as typed
    expect(page.get_by_label("Languages")).to_have_value("nl,")
    # the widget still shows, with what was valid (the dark theme)
    frame = page.frame_locator("iframe.desktop")
    frame.locator(".w.carousel").wait_for()
    assert "dark" in frame.locator("html").get_attribute("class")
    assert "data-count" not in page.locator("#snippet").inner_text()
    page.close()


def test_an_earlier_answer_that_comes_later_never_undoes_the_last_choice(browser, base):
    """Leaving a field asks for the preview, and so does "Update preview" a moment later: the
    first answer, come last, showed the older form's result (make test failed on it once)."""
    page = browser.new_page()
    page.goto(f"{base}/preview/wtw-winkel?widget=carousel&theme=dark")
    page.frame_locator("iframe.desktop").locator(".w.carousel").wait_for()
    page.evaluate(
        """() => { const real = window.fetch; let n = 0;
          window.fetch = (...a) => n++ === 0 ? new Promise(r => setTimeout(r, 1500)).then(() => real(...a)) : real(...a); }"""
    )
    page.get_by_label("Reviews in carousel").fill("500")
    page.get_by_label("Languages").fill("nl,")  # leaving the count: the first ask, answered late
    page.get_by_role("button", name="Update preview").click()
    expect(page.get_by_role("alert")).to_contain_text("lang must list up to 20 language tags")
    page.wait_for_timeout(2000)  # the first answer has come by now
    expect(page.get_by_role("alert")).to_contain_text("lang must list up to 20 language tags")
    page.close()


def test_for_static_files_the_preview_offers_variants_instead_of_filters(browser, base):
    page = browser.new_page()
    page.goto(f"{base}/preview/wtw-winkel?widget=carousel&stars=5")
    page.get_by_label("Served from").select_option("static")
    expect(page.get_by_label("Variant")).to_be_visible()
    expect(page.locator("input[name=stars]")).to_have_count(0)
    expect(page.get_by_text("need a variant in the shop record")).to_be_visible()
    assert "data-stars" not in page.locator("#snippet").inner_text()  # it would be ignored
    page.get_by_label("Variant").select_option("dark-positive")
    expect(page.locator("#snippet")).to_contain_text('data-variant="dark-positive"')
    page.close()


# Text that is cut sideways: an element holding text of its own (not a visually hidden one)
# whose content is wider than its box, inside a frame, and a frame its region cuts.
CLIPPED_TEXT = """(frame) => {
  const cut = [];
  for (const el of frame.contentDocument.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (own && el.clientWidth > 1 && el.scrollWidth > el.clientWidth) cut.push(el.textContent.trim().slice(0, 60));
  }
  const region = frame.closest(".scroll");
  if (region && region.scrollWidth > region.clientWidth) cut.push(`the frame: ${region.scrollWidth} > ${region.clientWidth}`);
  return cut;
}"""


@pytest.mark.parametrize("widget", WIDGET_NAMES)
def test_no_text_in_the_desktop_frame_is_cut_sideways_at_1280(tab, base, widget):
    page = tab
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/preview/wtw-winkel?widget={widget}&theme=light")
    page.frame_locator("iframe.desktop").locator(".w").wait_for()
    page.wait_for_timeout(200)  # the widget's script has fitted its text
    assert page.locator("iframe.desktop").evaluate(CLIPPED_TEXT) == []


@pytest.mark.parametrize(
    ("theme", "pages"),
    [("light", ["light"]), ("dark", ["dark"]), ("auto", ["light", "dark"])],
)
def test_each_widget_shows_on_a_page_of_the_colour_its_theme_is_for(browser, base, theme, pages, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/preview/wtw-winkel?widget=badge&theme={theme}")
    stages = page.locator(".stage")
    expect(stages).to_have_count(len(pages))
    for index, colour in enumerate(pages):
        stage = stages.nth(index)
        assert stage.get_attribute("data-page") == colour
        background = stage.evaluate("(el) => getComputedStyle(el).backgroundColor")
        assert background == {"light": "rgb(255, 255, 255)", "dark": "rgb(13, 17, 23)"}[colour]
        for frame in ("iframe.phone", "iframe.desktop"):
            html = stage.frame_locator(frame).locator("html")
            expect(html).to_have_class(re.compile(rf"\b{colour}\b"))  # the widget's theme is the page's
    page.wait_for_timeout(300)
    page.locator("section[aria-labelledby=h-preview]").screenshot(path=tmp_path / f"preview-{theme}.png")
    page.close()
