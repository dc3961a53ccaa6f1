"""Widget colours: a palette for light pages and one for dark pages, and the contrast rules (pure).

Widgets are transparent: the host page shows through, so each palette is made for the page
colours named in PAGES. The text and the star shapes must stay readable on every one of them
(WCAG 1.4.3 text 4.5:1, 1.4.11 graphics 3:1); tests/test_themes.py checks the table.
"""

from __future__ import annotations

import re
from functools import cache

_HEX6 = re.compile(r"#[0-9a-f]{6}")

# CSS custom properties per theme. `edge` outlines every star, so a star's shape keeps 3:1
# against the page whatever accent a shop picks; `empty` fills the unearned part of a star.
PALETTES: dict[str, dict[str, str]] = {
    "light": {
        "fg": "#1f2328",
        "muted": "#505a64",
        "line": "#8c959f",
        "card": "#ffffff",
        "empty": "#d0d7de",
        "edge": "#5c6670",
        "ok": "#1a7f37",
        "button": "#ffffff",
    },
    "dark": {
        "fg": "#e6edf3",
        "muted": "#aeb7c1",
        "line": "#5c6670",
        "card": "#161b22",
        "empty": "#3d444d",
        "edge": "#9ea7b0",
        "ok": "#56d364",
        "button": "#161b22",
    },
}
# The page colours each palette is made for: white to light grey, and the darkest to mid-dark.
PAGES = {
    "light": ("#ffffff", "#f6f8fa", "#eef2ef", "#e6e6e6"),
    "dark": ("#000000", "#0d1117", "#10261c", "#2d333b"),
}
# Which colours must hold which contrast against the page, and what else they sit on.
TEXT_ON_PAGE = ("fg", "muted")
GRAPHICS_ON_PAGE = ("edge",)
TEXT_ON_CARD = ("fg", "muted", "ok")


def luminance(colour: str) -> float:
    """Relative luminance of a #rrggbb colour (WCAG 2.x)."""
    if not _HEX6.fullmatch(colour):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    channels = []
    for start in (1, 3, 5):
        value = int(colour[start : start + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours, from 1 to 21."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def theme_for(theme: str, background: str) -> str:
    """The theme class a widget renders with: `auto` on a solid panel follows the panel's colour."""
    if theme != "auto" or not background:
        return theme
    return "dark" if contrast(background, "#ffffff") > contrast(background, "#000000") else "light"


@cache
def palette_css() -> str:
    """The palettes as CSS: light by default (and for `.auto` until the script knows the page), dark for `.dark`.

    `auto` follows the page behind the widget, never the visitor's colour-scheme preference: the
    widget's script reads the page colour the loader passes (`#page=rrggbb`) and picks the palette
    whose text reads on it; a document opened alone sits on white. Where the palette in use (asked
    for, or the better of the two on a mid grey) does not reach 4.5:1 on the page for its text and
    muted text, the script gives the widget a panel in that palette's card colour.
    """

    def declarations(name: str) -> str:
        return ";".join(f"--{key}:{value}" for key, value in PALETTES[name].items())

    return f":root{{{declarations('light')}}}:root.dark{{{declarations('dark')}}}"
