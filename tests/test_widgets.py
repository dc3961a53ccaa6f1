"""The widget registry: heights the snippet reserves and the reviews each widget shows."""

import pytest

from widget_server.core.models import Shop
from widget_server.core.options import Options
from widget_server.core.widgets import HEIGHTS, WIDGETS

SHOP_COUNT = 7


REGISTRY = [
    ("badge", 184, 176, 0, 0),
    ("stars", 24, 24, 0, 0),
    ("carousel", 316, 300, SHOP_COUNT, 3),
    ("footer", 290, 274, 3, 3),
    ("list", 900, 884, 5, 5),  # the first height it reserves: it grows and shrinks with its pages
]


def test_the_table_covers_every_widget():
    assert [row[0] for row in REGISTRY] == list(WIDGETS)


@pytest.mark.parametrize(("name", "height", "inner", "reviews", "count_option"), REGISTRY)
def test_registry(name, height, inner, reviews, count_option):
    shop = Shop("s", "S", ("nl",), "nl", "T", "https://e.nl", carousel_count=SHOP_COUNT)
    spec = WIDGETS[name]
    assert (spec.height, spec.inner_height, spec.template) == (height, inner, f"{name}.html")
    assert spec.review_count(Options().resolve(shop)) == reviews
    assert spec.review_count(Options(count=3).resolve(shop)) == count_option
    assert HEIGHTS[name] == height


def test_products_have_a_star_snippet_a_carousel_and_a_list():
    assert [name for name, spec in WIDGETS.items() if spec.product] == ["stars", "carousel", "list"]


def test_only_the_list_follows_its_content_in_height():
    assert [name for name, spec in WIDGETS.items() if spec.grows] == ["list"]
