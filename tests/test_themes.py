import pytest

from widget_server.core.themes import (
    GRAPHICS_ON_PAGE,
    PAGES,
    PALETTES,
    TEXT_ON_CARD,
    TEXT_ON_PAGE,
    contrast,
    luminance,
    palette_css,
    theme_for,
)


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#767676", "#ffffff", 4.54),
        ("#777777", "#ffffff", 4.48),
    ],
)
def test_contrast_matches_the_wcag_formula(first, second, ratio):
    assert contrast(first, second) == pytest.approx(ratio, abs=0.01)
    assert contrast(second, first) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize("theme", PALETTES)
def test_every_palette_reads_on_every_page_it_is_made_for(theme):
    palette = PALETTES[theme]
    for page in PAGES[theme]:
        for name in TEXT_ON_PAGE:
            assert contrast(palette[name], page) >= 4.5, (theme, name, page)
        for name in GRAPHICS_ON_PAGE:  # star outlines: non-text contrast, WCAG 1.4.11
            assert contrast(palette[name], page) >= 3, (theme, name, page)
    for name in TEXT_ON_CARD:
        assert contrast(palette[name], palette["card"]) >= 4.5, (theme, name)


@pytest.mark.parametrize(
    ("theme", "background", "used"),
    [
        ("auto", "", "auto"),
        ("light", "#000000", "light"),  # asked for: kept
        ("auto", "#10261c", "dark"),
        ("auto", "#eef2ef", "light"),
        ("auto", "#777777", "light"),  # black text reads better on mid grey
    ],
)
def test_auto_on_a_panel_follows_the_panels_colour(theme, background, used):
    assert theme_for(theme, background) == used


def test_palette_css_declares_both_palettes():
    css = palette_css()
    assert css.startswith(":root{--fg:#1f2328;")
    assert ":root.dark{--fg:#e6edf3;" in css
    assert "prefers-color-scheme" not in css  # auto follows the page, not the visitor's preference


@pytest.mark.parametrize(
    ("colour", "expected"),
    [
        ("#000000", 0.0),
        ("#ffffff", 1.0),
        ("#0a0a0a", 10 / 255 / 12.92),  # a dark channel: the linear part of the sRGB curve
        ("#808080", ((128 / 255 + 0.055) / 1.055) ** 2.4),
        ("#ff0000", 0.2126),
        ("#00ff00", 0.7152),
        ("#0000ff", 0.0722),
    ],
)
def test_luminance_follows_the_srgb_curve(colour, expected):
    assert luminance(colour) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_luminance_takes_only_full_hex_colours():
    with pytest.raises(ValueError, match="^not a #rrggbb colour: '#fff'$"):
        contrast("#fff", "#000000")
