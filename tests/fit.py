"""The fit check run inside each widget frame, and host pages that paste every widget at many widths."""

from __future__ import annotations

import html
import io

from PIL import Image

from widget_server.core.widgets import WIDGETS

# Each widget from its narrowest slot (the registry's) through common slot widths to desktop;
# the widgets of a fixed height here, one that grows (the list) in tests/test_list_browser.py.
SLOTS = (200, 240, 320, 390, 480, 720, 1280)


def slot_widths(narrowest: int) -> tuple[int, ...]:
    return (narrowest, *(width for width in SLOTS if width > narrowest))


WIDTHS = {name: slot_widths(spec.narrowest) for name, spec in WIDGETS.items() if not spec.grows}

# Runs in a widget document. Every piece of text must be wholly visible, or wholly hidden by
# a rule that says so: lines past a line clamp (which ends in an ellipsis), pieces a flex-wrap
# row drops whole (the star snippet's secondary text). A line cut across, or text running
# past its box without an ellipsis, is a fault; so is a document wider than its frame.
FIT_FAULTS = """() => {
  const faults = [], doc = document.documentElement, vw = doc.clientWidth, vh = doc.clientHeight;
  if (doc.scrollWidth > vw + 1) faults.push(`scrolls sideways: ${doc.scrollWidth}px in ${vw}px`);
  const clipper = (el) => {
    let box = {left: -1e9, top: -1e9, right: 1e9, bottom: 1e9}, by = null, a = el;
    for (; a && a !== doc; a = a.parentElement) {
      if (a.classList.contains('track')) break;  // cards scroll into view: a card is judged alone
      const s = getComputedStyle(a);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const r = a.getBoundingClientRect();
      if (r.right < box.right || r.bottom < box.bottom || r.left > box.left || r.top > box.top) by = by || a;
      box = {left: Math.max(box.left, r.left), top: Math.max(box.top, r.top),
             right: Math.min(box.right, r.right), bottom: Math.min(box.bottom, r.bottom)};
    }
    if (a === doc) {
      if (vw < box.right || vh < box.bottom || box.left < 0 || box.top < 0) by = by || doc;
      box = {left: Math.max(box.left, 0), top: Math.max(box.top, 0), right: Math.min(box.right, vw), bottom: Math.min(box.bottom, vh)};
    }
    return [box, by];
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const text = node.textContent.trim(), el = node.parentElement;
    if (!text || el.closest('.sr, script, style, svg, [hidden]') || !el.getClientRects().length) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width < 0.5) continue;
      const [box, by] = clipper(el);
      const inside = r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5;
      if (inside) continue;
      const outside = r.right <= box.left + 0.5 || r.left >= box.right - 0.5 || r.bottom <= box.top + 0.5 || r.top >= box.bottom - 0.5;
      const clamped = by && by.classList.contains('clamp') && getComputedStyle(by).webkitLineClamp !== 'none';
      const dropped = by && getComputedStyle(by).flexWrap === 'wrap' && el.closest('.snippet, .drop');
      const ellipsis = (() => { for (let a = el; a && a !== by?.parentElement; a = a.parentElement) if (getComputedStyle(a).textOverflow === 'ellipsis') return true; return false; })();
      if (outside && (clamped || dropped)) continue;
      if (!outside && ellipsis && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5) continue;
      faults.push(`${outside ? 'hidden' : 'cut'}: "${text.slice(0, 40)}" in ${el.tagName.toLowerCase()}.${el.className}`);
      break;
    }
  }
  return faults;
}"""


# Runs in a widget frame, given the host colour behind it: each visible text's contrast.
LOW_CONTRAST = """(host) => {
  const rgba = (text) => { const c = text.match(/[\\d.]+/g).map(Number); return [c[0], c[1], c[2], c.length > 3 ? c[3] : 1]; };
  const over = (top, below) => top.slice(0, 3).map((v, i) => v * top[3] + below[i] * (1 - top[3]));
  const lum = (c) => c.map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => { const x = lum(a) + 0.05, y = lum(b) + 0.05; return x > y ? x / y : y / x; };
  const behind = (el) => {
    const layers = [];
    for (let a = el; a; a = a.parentElement) {
      const c = rgba(getComputedStyle(a).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), host);
  };
  const faults = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const text = node.textContent.trim(), el = node.parentElement;
    if (!text || el.closest('.sr, script, style, svg, [hidden]') || !el.getClientRects().length) continue;
    const s = getComputedStyle(el);
    if (s.visibility !== 'visible') continue;
    let opacity = 1;
    for (let a = el; a; a = a.parentElement) opacity *= Number(getComputedStyle(a).opacity);
    const back = behind(el), fore = rgba(s.color);
    fore[3] *= opacity;
    const size = parseFloat(s.fontSize), large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
    const r = ratio(over(fore, back), back);
    if (r < (large ? 3 : 4.5)) faults.push(`"${text.slice(0, 30)}" ${s.color} on rgb(${back.map(Math.round)}): ${r.toFixed(2)}`);
  }
  return faults;
}"""


def host_page(base: str, shops: list[str], locale: str, page_colour: str, extra: str = "", theme: str = "") -> str:
    """Every widget of each shop at every width of WIDTHS, pasted with the loader."""
    theme_attribute = f' data-theme="{theme}"' if theme else ""
    slots = []
    for shop in shops:
        for widget, widths in WIDTHS.items():
            for width in widths:
                slots.append(
                    f'<div style="width:{width}px;margin:0 0 14px"><div class="trustwidget" data-shop="{shop}" '
                    f'data-widget="{widget}" data-locale="{locale}"{theme_attribute} '
                    f'data-slot="{shop}/{widget}/{width}"></div></div>'
                )
    return (
        f"<!doctype html><html lang='{locale}'><head><meta charset='utf-8'><title>Fit</title>"
        "<link rel='icon' href='data:,'></head>"
        f"<body style='margin:0;padding:10px;background:{page_colour}'>{''.join(slots)}{extra}"
        f"<script async src='{html.escape(base)}/v1/embed.js'></script></body></html>"
    )


def pixels(png: bytes) -> Image.Image:
    """A screenshot decoded once, to read many pixels of (a full page is some 20 megapixels)."""
    with Image.open(io.BytesIO(png)) as image:
        return image.convert("RGB")


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))
