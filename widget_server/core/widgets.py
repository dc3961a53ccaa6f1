"""The widget registry: every widget's name, template, reserved height and reviews (pure).

The renderer, the embed loader, the preview and the catalogue read it; a new widget is a new
entry here plus its template in widget_templates/.
"""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import N_
from .options import OPTION_NAMES, PRESENTATION_OPTIONS, Resolved

CAROUSEL_COUNT = -1  # `reviews` value: as many as the `count` option asks
LIST_PAGE = 5  # reviews per page of the list widget (its script reads them from reviews.json)
FOOTER_WIDE_FROM = 720  # narrower: the footer's badge and reviews share one swipeable row


@dataclass(frozen=True, slots=True)
class WidgetSpec:
    name: str
    label: str  # what it is, for titles (a message id)
    height: int  # the document's fixed height in px, which the embed snippet reserves (see grows)
    narrowest: int  # the narrowest slot in px it fits (tests/test_fit_browser.py tries it and wider)
    padding: int = 8  # the body's padding in px, top and bottom
    reviews: int = 0  # how many reviews it shows, or CAROUSEL_COUNT
    product: bool = False  # also made for each product (/v1/{shop}/{locale}/products/{sku}/NAME.html)
    options: tuple[str, ...] = PRESENTATION_OPTIONS  # the options its bytes depend on
    grows: bool = False  # as high as its content: `height` is what the snippet reserves first

    @property
    def template(self) -> str:
        return f"{self.name}.html"

    @property
    def inner_height(self) -> int:
        return self.height - 2 * self.padding

    def review_count(self, options: Resolved) -> int:
        return options.count if self.reviews == CAROUSEL_COUNT else self.reviews


WIDGETS: dict[str, WidgetSpec] = {
    spec.name: spec
    for spec in (
        WidgetSpec("badge", N_("Review badge"), height=184, narrowest=200, padding=4),
        WidgetSpec("stars", N_("Star rating"), height=24, narrowest=160, padding=0, product=True),
        WidgetSpec(
            "carousel",
            N_("Review carousel"),
            height=316,
            narrowest=280,
            reviews=CAROUSEL_COUNT,
            options=OPTION_NAMES,
            product=True,
        ),
        WidgetSpec(
            "footer",
            N_("Review footer"),
            height=290,
            narrowest=280,
            reviews=3,
            options=(*PRESENTATION_OPTIONS, "stars", "lang"),
        ),
        # Every shown review, a page at a time, filtered by stars and sorted by the visitor: its
        # own filter, so it takes presentation options only; it lists what reviews.json lists.
        WidgetSpec("list", N_("Review list"), height=900, narrowest=280, reviews=LIST_PAGE, product=True, grows=True),
    )
}
HEIGHTS = {name: spec.height for name, spec in WIDGETS.items()}
