(function (w, d) {
"use strict";
var KEY = "__trustwidgets";
var running = w[KEY];
if (running && running.owner === KEY) { running.scan(); return; }
var me = d.currentScript || d.querySelector('script[src*="/v1/embed"]');
var base = me ? me.src.replace(/\/v1\/embed(\.[0-9a-f]+)?\.js([?#].*)?$/, "") : "";
var origin = new URL(base || "/", location.href).origin;
var HEIGHTS = {"badge": 184, "carousel": 316, "footer": 290, "list": 900, "stars": 24}, TITLES = {"de": {"badge": "Bewertungs-Badge", "carousel": "Bewertungskarussell", "footer": "Bewertungs-Footer", "list": "Bewertungsliste", "stars": "Sternebewertung"}, "en": {"badge": "Review badge", "carousel": "Review carousel", "footer": "Review footer", "list": "Review list", "stars": "Star rating"}, "nl": {"badge": "Beoordelingsbadge", "carousel": "Beoordelingencarrousel", "footer": "Beoordelingenfooter", "list": "Beoordelingenlijst", "stars": "Sterrenscore"}};
var ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, LOCALE = /^[a-z]{2,3}$/;
var OPTIONS = ["theme", "accent", "background", "stars", "lang", "count"], PRESENTATION = ["theme", "accent", "background"];
var SEP = "--", SKU = new RegExp("^" + "[A-Za-z0-9][A-Za-z0-9._-]{0,63}" + "$");
var PRODUCT_WIDGETS = ["stars", "carousel", "list"], marked = {};
var frames = {}, count = 0, ready = false, waiting = [], queue = [], next = 0, pumping = false;
var seen = w.IntersectionObserver ? new IntersectionObserver(function (entries) {
for (var i = 0; i < entries.length; i++) {
if (entries[i].isIntersecting) { seen.unobserve(entries[i].target); queue[queue.length] = entries[i].target; }
}
pump();
}, { rootMargin: "400px 0px" }) : null;
function pump() {
if (pumping || next >= queue.length) return;
pumping = true;
var step = function () {
pumping = false;
if (next < queue.length) place(queue[next++]);
pump();
};
if (w.requestIdleCallback) w.requestIdleCallback(step, { timeout: 500 }); else w.setTimeout(step, 1);
}
function load(el) {
if (!el || el.getAttribute("data-tw-id")) return;
var shop = el.getAttribute("data-shop") || "", widget = el.getAttribute("data-widget") || "badge";
var locale = el.getAttribute("data-locale") || "nl", height = HEIGHTS[widget];
if (!ID.test(shop) || !LOCALE.test(locale) || !(height > 0)) return;
var id = "tw" + (++count), query = "", hash = "tw=" + id, variant = el.getAttribute("data-variant") || "";
if (variant && !ID.test(variant)) return;
var sku = el.getAttribute("data-product") || "", known = false;
if (sku) {
for (var p = 0; p < PRODUCT_WIDGETS.length; p++) known = known || PRODUCT_WIDGETS[p] === widget;
if (!SKU.test(sku) || variant || !known) return;
if (el.hasAttribute("data-jsonld")) markup(shop, sku);
}
el.setAttribute("data-tw-id", id);
for (var i = 0; i < OPTIONS.length; i++) {
var name = OPTIONS[i], value = el.getAttribute("data-" + name);
if (!value) continue;
var pair = name + "=" + encodeURIComponent(value), shown = false;
for (var j = 0; j < PRESENTATION.length; j++) shown = shown || PRESENTATION[j] === name;
if (shown) hash += "&" + pair; else if (!variant) query += (query ? "&" : "?") + pair;
}
var file = widget + (variant ? SEP + variant : ""), labels = TITLES[locale] || TITLES.en || {};
var text = (el.textContent || "").replace(/\s+/g, " ").trim();
frames[id] = {
el: el, height: height, min: el.style.minHeight === height + "px" ? "" : el.style.minHeight,
src: base + (sku ? "/v1/" + shop + "/" + locale + "/products/" + sku + "/" + file + ".html" : "/v1/" + shop + "/" + locale + "/" + file + ".html") + query + "#" + hash,
title: (labels[widget] || widget) + " – " + (text || shop)
};
el.style.minHeight = height + "px";
if (!ready) waiting[waiting.length] = id; else if (seen) seen.observe(el); else place(el);
}
function markup(shop, sku) {
var key = shop + "/" + sku;
if (marked[key] || !w.fetch) return;
marked[key] = true;
w.fetch(base + "/v1/" + shop + "/products/" + sku + "/jsonld.json", { credentials: "omit" }).then(function (response) {
return response.ok ? response.text() : "";
}).then(function (text) {
if (!text) return;
var script = d.createElement("script");
script.type = "application/ld+json";
script.setAttribute("data-trustwidgets", key);
script.textContent = text;
(d.head || d.documentElement).appendChild(script);
}, function () {});
}
function place(el) {
var id = el.getAttribute("data-tw-id"), slot = frames[id];
if (!slot || slot.frame) return;
var frame = d.createElement("iframe");
frame.title = slot.title;
frame.referrerPolicy = "strict-origin-when-cross-origin";
frame.style.cssText = "border:0;display:block;width:100%;color-scheme:light;height:" + slot.height + "px";
frame.src = slot.src + "&page=" + backdrop(el);
slot.frame = frame;
slot.kept = d.createDocumentFragment();
while (el.firstChild) slot.kept.appendChild(el.firstChild);
el.appendChild(frame);
var check = function () {
if (slot.alive || !slot.frame) return;
slot.frame = null;
el.style.minHeight = slot.min;
if (frame.parentNode !== el) return;
el.removeChild(frame);
el.appendChild(slot.kept);
};
frame.onload = function () { w.setTimeout(check, 2000); };
w.setTimeout(check, 10000);
}
function backdrop(el) {
for (; el && el.nodeType === 1; el = el.parentNode) {
var m = srgb(w.getComputedStyle(el).backgroundColor || ""), a = m && m.length > 3 ? +m[3] : 1, hex = "";
if (!m || m.length < 3 || !(a > 0)) continue;
for (var k = 0; k < 3; k++) hex += (256 + Math.round(m[k] * a + 255 * (1 - a))).toString(16).slice(1);
return hex;
}
return "ffffff";
}
function srgb(color) {
if (/^rgba?\(/.test(color)) return color.match(/[\d.]+/g);
var c = d.createElement("canvas").getContext("2d");
if (!c) return null;
c.fillStyle = "#010203";
c.fillStyle = color;
if (c.fillStyle === "#010203") return null;
c.fillRect(0, 0, 1, 1);
var p = c.getImageData(0, 0, 1, 1).data;
return [p[0], p[1], p[2], p[3] / 255];
}
function scan(root) {
var found = (root || d).querySelectorAll(".trustwidget");
for (var i = 0; i < found.length; i++) load(found[i]);
}
function start() {
if (ready) return;
ready = true;
for (var i = 0; i < waiting.length; i++) {
var el = frames[waiting[i]].el;
if (seen) seen.observe(el); else place(el);
}
waiting = [];
}
w.addEventListener("message", function (event) {
var data = event.data, slot = data && frames[data.trustwidget], frame = slot && slot.frame;
if (event.origin !== origin || !frame || event.source !== frame.contentWindow) return;
slot.alive = true;
var height = Math.ceil(Number(data.height));
if (height > 0 && height < 16000) { frame.style.height = height + "px"; slot.el.style.minHeight = slot.min; }
if (typeof data.title === "string" && data.title.length < 300) frame.title = data.title;
});
new MutationObserver(function (changes) {
for (var i = 0; i < changes.length; i++) {
var added = changes[i].addedNodes;
for (var j = 0; j < added.length; j++) {
var node = added[j];
if (node.nodeType !== 1) continue;
if (node.classList.contains("trustwidget")) load(node); else scan(node);
}
}
}).observe(d.documentElement, { childList: true, subtree: true });
var api = { owner: KEY, load: load, scan: scan };
w[KEY] = api;
if (!("trustwidgets" in w)) w.trustwidgets = api;
scan();
function later() {
if (w.requestIdleCallback) w.requestIdleCallback(start, { timeout: 1000 }); else w.setTimeout(start, 1);
}
if (d.readyState === "complete") later(); else w.addEventListener("load", later);
})(window, document);
