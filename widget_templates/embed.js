/* trustwidgets embed loader: <div class="trustwidget" data-shop=".." data-widget=".."></div> */
(function (w, d) {
  "use strict";
  if (w.trustwidgets) { w.trustwidgets.scan(); return; }
  var me = d.currentScript || d.querySelector('script[src*="/v1/embed"]');
  var base = me ? me.src.replace(/\/v1\/embed(\.[0-9a-f]+)?\.js([?#].*)?$/, "") : "";
  var origin = new URL(base || "/", location.href).origin;
  var HEIGHTS = {{ heights|tojson }};
  var ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, LOCALE = /^[a-z]{2,3}$/;
  var OPTIONS = {{ options|list|tojson }}, PATH = {{ widget_path|tojson }}, SEP = {{ variant_separator|tojson }};
  var frames = {}, count = 0;

  function load(el) {
    if (!el || el.getAttribute("data-tw-id")) return;
    var shop = el.getAttribute("data-shop") || "", widget = el.getAttribute("data-widget") || "badge";
    var locale = el.getAttribute("data-locale") || "nl", height = HEIGHTS[widget];
    if (!ID.test(shop) || !LOCALE.test(locale) || !HEIGHTS.hasOwnProperty(widget)) return;
    var id = "tw" + (++count), query = [], variant = el.getAttribute("data-variant") || "";
    if (variant && !ID.test(variant)) return;
    el.setAttribute("data-tw-id", id);
    if (!variant) OPTIONS.forEach(function (name) {
      var value = el.getAttribute("data-" + name);
      if (value) query.push(name + "=" + encodeURIComponent(value));
    });
    el.style.minHeight = height + "px";
    var frame = d.createElement("iframe");
    frame.title = (el.textContent || "").trim() || "Reviews";
    frame.loading = "lazy";
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.style.cssText = "border:0;display:block;width:100%;height:" + height + "px";
    frame.src = base + PATH.replace("{shop}", shop).replace("{locale}", locale)
      .replace("{widget}", widget + (variant ? SEP + variant : "")) + (query.length ? "?" + query.join("&") : "") + "#" + id;
    frames[id] = frame;
    el.replaceChildren(frame);
  }

  function scan(root) {
    var found = (root || d).querySelectorAll(".trustwidget");
    for (var i = 0; i < found.length; i++) load(found[i]);
  }

  w.addEventListener("message", function (event) {
    var data = event.data, frame = data && frames[data.trustwidget];
    if (event.origin !== origin || !frame || event.source !== frame.contentWindow) return;
    var height = Math.ceil(Number(data.height));
    if (height > 0 && height < 4000) frame.style.height = height + "px";
  });
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        if (node.nodeType !== 1) return;
        if (node.classList.contains("trustwidget")) load(node); else scan(node);
      });
    });
  }).observe(d.documentElement, { childList: true, subtree: true });
  w.trustwidgets = { load: load, scan: scan };
  scan();
})(window, document);
