/* trustwidgets embed loader: <div class="trustwidget" data-shop=".." data-widget=".."></div> */
(function (w, d) {
  "use strict";
  // Only what it owns: a private global, plain loops and string building (a host page may
  // redefine Array.prototype methods or name an element "trustwidgets").
  var KEY = "__trustwidgets";
  var running = w[KEY];
  if (running && running.owner === KEY) { running.scan(); return; }
  var me = d.currentScript || d.querySelector('script[src*="/v1/embed"]');
  var base = me ? me.src.replace(/\/v1\/embed(\.[0-9a-f]+)?\.js([?#].*)?$/, "") : "";
  var origin = new URL(base || "/", location.href).origin;
  var HEIGHTS = {{ heights|tojson }};
  var ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, LOCALE = /^[a-z]{2,3}$/;
  var OPTIONS = {{ options|list|tojson }}, SEP = {{ variant_separator|tojson }};
  var frames = {}, count = 0;

  function load(el) {
    if (!el || el.getAttribute("data-tw-id")) return;
    var shop = el.getAttribute("data-shop") || "", widget = el.getAttribute("data-widget") || "badge";
    var locale = el.getAttribute("data-locale") || "nl", height = HEIGHTS[widget];
    if (!ID.test(shop) || !LOCALE.test(locale) || !(height > 0)) return;
    var id = "tw" + (++count), query = "", variant = el.getAttribute("data-variant") || "";
    if (variant && !ID.test(variant)) return;
    el.setAttribute("data-tw-id", id);
    for (var i = 0; !variant && i < OPTIONS.length; i++) {
      var value = el.getAttribute("data-" + OPTIONS[i]);
      if (value) query += (query ? "&" : "?") + OPTIONS[i] + "=" + encodeURIComponent(value);
    }
    var file = widget + (variant ? SEP + variant : "");
    el.style.minHeight = height + "px";
    var frame = d.createElement("iframe");
    frame.title = (el.textContent || "").trim() || "Reviews";
    frame.loading = "lazy";
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.style.cssText = "border:0;display:block;width:100%;height:" + height + "px";
    frame.src = base + {{ path_expression }} + query + "#" + id;
    frames[id] = frame;
    while (el.firstChild) el.removeChild(el.firstChild);
    el.appendChild(frame);
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
})(window, document);
