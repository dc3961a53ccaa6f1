(function () {
  "use strict";
  var d = document, root = d.documentElement, w = window, parent = w.parent, args = {};
  var pairs = location.hash.slice(1).split("&");
  for (var i = 0; i < pairs.length; i++) {
    var at = pairs[i].indexOf("=");
    try {
      args[at < 0 ? "tw" : pairs[i].slice(0, at)] = decodeURIComponent(at < 0 ? pairs[i] : pairs[i].slice(at + 1));
    } catch (e) {}
  }
  function colour(value) {
    var m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value || ""), h = m ? m[1].toLowerCase() : "";
    if (h.length === 3) h = h[0] + h[0] + h[1] + h[1] + h[2] + h[2];
    return h && "#" + h;
  }
  function luminance(hex) {
    var sum = 0, weights = [0.2126, 0.7152, 0.0722];
    for (var k = 0; k < 3; k++) {
      var c = parseInt(hex.substr(1 + 2 * k, 2), 16) / 255;
      sum += weights[k] * (c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
    }
    return sum;
  }
  function contrast(a, b) {
    var x = luminance(a) + 0.05, y = luminance(b) + 0.05;
    return x > y ? x / y : y / x;
  }
  var theme = /^(light|dark|auto)$/.test(args.theme) ? args.theme : root.getAttribute("data-theme");
  var accent = colour(args.accent), panel = colour(args.background) || root.getAttribute("data-background");
  // The page behind the frame (the loader reads it); a document opened alone sits on white.
  var page = colour(args.page) || "#ffffff";
  if (accent) root.style.setProperty("--accent", accent);
  if (panel) root.style.setProperty("--bg", panel);
  if (theme === "auto") theme = contrast(panel || page, "#ffffff") > contrast(panel || page, "#000000") ? "dark" : "light";
  if (theme) root.className = root.className.replace(/\b(light|dark|auto)\b/, theme);
  // Text the page would not carry (a forced palette on the other kind of page, or a mid grey
  // neither palette reads on) gets a panel in its palette's card colour (WCAG 1.4.3: 4.5:1).
  var style = w.getComputedStyle(root), fg = style.getPropertyValue("--fg").trim(), muted = style.getPropertyValue("--muted").trim();
  if (!panel && Math.min(contrast(fg, page), contrast(muted, page)) < 4.5) root.style.setProperty("--bg", style.getPropertyValue("--card"));

  // A review's age, by the visitor's own date in UTC and formatting.elapsed's rule (completed
  // days, weeks, calendar months, years): the document says the day, which stays true unread.
  var ago = JSON.parse(root.getAttribute("data-ago") || "0");
  var now = new Date(), ny = now.getUTCFullYear(), nm = now.getUTCMonth(), nd = now.getUTCDate();
  var plural = w.Intl && Intl.PluralRules && new Intl.PluralRules(root.lang);
  function ages(scope) {
    var times = scope.querySelectorAll("time[datetime]");
    for (var t = 0; ago && t < times.length; t++) {
      var p = /^(\d{4})-(\d\d)-(\d\d)$/.exec(times[t].getAttribute("datetime"));
      if (!p) continue;
      var y = +p[1], m = p[2] - 1, day = +p[3], days = Math.round((Date.UTC(ny, nm, nd) - Date.UTC(y, m, day)) / 864e5);
      // completed months: the same day of this month (the month's last if it has none) has come
      var months = (ny - y) * 12 + nm - m - (Math.min(day, new Date(Date.UTC(ny, nm + 1, 0)).getUTCDate()) > nd ? 1 : 0);
      // twelve months, and the day still inside the twelve months up to today (its first day: the
      // month's last where it has none), are "12 months": a review counted is never "1 year ago"
      var first = Date.UTC(ny - 1, nm, Math.min(nd, new Date(Date.UTC(ny - 1, nm + 1, 0)).getUTCDate()));
      var unit = days < 7 ? "day" : months < 1 ? "week" : months < 12 || (months == 12 && Date.UTC(y, m, day) >= first) ? "month" : "year";
      var n = { day: days, week: Math.floor(days / 7), month: months, year: Math.floor(months / 12) }[unit];
      times[t].textContent = days < 1 ? ago.today : ago[unit][plural ? plural.select(n) : n > 1 ? "other" : "one"].replace("{0}", n);
    }
  }
  ages(d);

  // Fits a card's text to its body: whole lines only, ending in an ellipsis where cut; when
  // even one line of review text has no room, the reply and then the title give way first.
  function clamp(card) {
    var body = card.querySelector(".body"), text = card.querySelector(".text"), more = card.querySelector(".more");
    var reply = card.querySelector(".reply"), title = card.querySelector(".title");
    if (!more || card.className.indexOf(" open") >= 0) return;
    // From the same start every time, so a refit does not depend on the last one; a button that
    // has focus stays (hiding it would drop the focus), and its card was cut the last time too.
    if (d.activeElement !== more) more.hidden = true;
    var yields = [
      function () { reply.querySelector(".rt").style.webkitLineClamp = 1; },
      function () { reply.style.display = "none"; },
      function () { title.style.webkitLineClamp = 1; }
    ];
    for (var pass = 0; pass < 2; pass++) {
      var parts = [text, reply, reply && reply.querySelector(".rt"), title], k, gave = false, line = 20;
      for (k = 0; k < parts.length; k++) if (parts[k]) parts[k].style.cssText = "";
      if (text) line = parseFloat(w.getComputedStyle(text).lineHeight) || 20;
      for (k = 0; k < yields.length; k++) {
        if (text ? text.clientHeight + 1 >= line : body.scrollHeight <= body.clientHeight + 1) break;
        if (k < 2 ? !reply : !title) continue;
        yields[k]();
        gave = true;
      }
      if (text) {
        var lines = Math.max(1, Math.floor((text.clientHeight + 1) / line));
        text.style.flex = "none";
        text.style.height = lines * line + "px";
        text.style.webkitLineClamp = lines;
      }
      var cut = gave, clamped = card.querySelectorAll(".clamp");
      for (k = 0; k < clamped.length; k++) cut = cut || clamped[k].scrollHeight > clamped[k].clientHeight + 1;
      if (more.hidden === !cut) break;
      more.hidden = !cut;
    }
  }
  function fit() {
    steps();  // first: showing the buttons shrinks the cards
    var cards = d.querySelectorAll(".card");
    for (var c = 0; c < cards.length; c++) clamp(cards[c]);
  }
  d.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".more");
    if (!button) return;
    var card = button.closest(".card"), open = card.className.indexOf(" open") < 0;
    card.className = open ? card.className + " open" : card.className.replace(" open", "");
    button.setAttribute("aria-expanded", String(open));
    card.querySelector(".body").tabIndex = open ? 0 : -1;
    if (open) {
      var styled = card.querySelectorAll(".text, .reply, .rt, .title");
      for (var k = 0; k < styled.length; k++) styled[k].style.cssText = "";
    }
    if (!open) clamp(card);
  });

  var track = d.querySelector(".track"), nav = d.querySelector(".nav");
  function steps() {
    if (!track || !nav) return;
    var end = track.scrollWidth - track.clientWidth, buttons = nav.querySelectorAll("button");
    nav.hidden = end <= 1;
    // aria-disabled, not disabled: a button at its end stays in the tab order and keeps focus
    buttons[0].setAttribute("aria-disabled", String(track.scrollLeft <= 6));  // snapping may leave the track a few pixels in
    buttons[1].setAttribute("aria-disabled", String(track.scrollLeft >= end - 6));
  }
  if (track && nav) {
    nav.addEventListener("click", function (event) {
      var button = event.target.closest("button"), first = track.querySelector(".card");
      if (!button || !first || button.getAttribute("aria-disabled") === "true") return;
      var stepWidth = first.getBoundingClientRect().width + 10;
      var page = Math.max(1, Math.floor((track.clientWidth + 10) / stepWidth)) * stepWidth;
      track.scrollBy({ left: button === nav.querySelector("button") ? -page : page });
    });
    track.addEventListener("scroll", steps, { passive: true });
    // A card whose button gets focus comes wholly into view (the browser shows only the button,
    // and snapping may leave it at the edge), so the focus outline shows whole.
    track.addEventListener("focusin", function (event) {
      var card = event.target.closest(".card"), box = card && card.getBoundingClientRect(), view = track.getBoundingClientRect();
      if (box && (box.left < view.left || box.right > view.right)) track.scrollBy({ left: box.left - view.left - 2, behavior: "instant" });
    });
  }

  // For the list widget's script, which adds cards of later pages.
  w.tw = { ages: ages, clamp: clamp };

  var id = args.tw;
  // A widget of a fixed height fills its frame; one that grows (the list) says its document's
  // own height, not scrollHeight, which is never less than the frame's: a list that shrinks (a
  // shorter page, a filter) would keep the frame as high as it once was.
  var grows = root.hasAttribute("data-grows");
  function send() {
    var height = grows ? root.getBoundingClientRect().height : root.scrollHeight;
    if (id && parent !== w) parent.postMessage({ trustwidget: id, height: height, title: d.title }, "*");
  }
  // Cards are clamped once the fonts are in and the frame has its width, and again when the
  // width changes (a frame made while its slot was still being laid out, a turned phone).
  var fonts = !d.fonts, width = 0, pending = false;
  function refit() {
    pending = false;
    if (fonts && root.clientWidth && root.clientWidth !== width) {
      width = root.clientWidth;
      fit();
    }
    send();
  }
  function later() {
    if (!pending) { pending = true; w.requestAnimationFrame(refit); }
  }
  send();  // hello: the loader keeps a frame that says it
  if (d.fonts) d.fonts.ready.then(function () { fonts = true; later(); });
  if (w.ResizeObserver) new ResizeObserver(later).observe(root); else { w.addEventListener("resize", later); later(); }
})();
