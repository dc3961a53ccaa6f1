// The list widget: a filter by stars, a sort and pages, read from the files of reviews.json beside
// it (the same on static files and the live service). Untrusted text only ever goes in as text.
(function () {
  "use strict";
  var d = document, w = window, box = d.querySelector(".list"), feed = d.querySelector(".feed");
  if (!box || !feed || !w.fetch || !w.Promise || !w.tw) return;
  var conf = JSON.parse(box.getAttribute("data-list")), words = conf.words;
  var tools = d.querySelector(".tools"), filt = d.querySelector(".filt"), select = d.querySelector(".sort select");
  var pager = d.querySelector(".pager"), prev = pager.querySelector(".prev"), next = pager.querySelector(".next");
  var pos = pager.querySelector(".pos"), said = d.querySelector("[aria-live]"), bars = d.querySelectorAll(".bars button");
  var marks = d.getElementById("tw-marks").content, lang = d.documentElement.lang;
  var number = w.Intl && Intl.NumberFormat ? new Intl.NumberFormat(lang) : null;
  var state = { stars: 0, sort: "newest", page: 1 }, files = {}, asked = 0;

  function fmt(n) { return number ? number.format(n) : String(n); }
  function fill(text, values) { return text.replace(/\{(\d)\}/g, function (all, i) { return values[i]; }); }
  function get(file) {
    if (!files[file]) {
      files[file] = fetch(file, { credentials: "omit" }).then(function (response) {
        if (!response.ok) throw new Error(file + ": " + response.status);
        return response.json();
      });
      // A later click tries again
      files[file].catch(function () { delete files[file]; });
    }
    return files[file];
  }
  // reviews.json, reviews-2.json; one rating's: reviews-3star.json, reviews-3star-2.json
  function file(stars, k) { return "reviews" + (stars ? "-" + stars + "star" : "") + (k > 1 ? "-" + k : "") + ".json"; }

  // A run of reviews, newest first: all of them (stars 0) or one rating's, read a file at a
  // time; a list of up to conf.local files is read whole and filtered here instead, and a
  // rating's own files hold its newest conf.cap reviews.
  var local = conf.pages <= conf.local;
  function all() {
    var pages = [];
    for (var k = 1; k <= conf.pages; k++) pages[pages.length] = get(file(0, k));
    return Promise.all(pages).then(function (docs) {
      var found = [];
      for (var p = 0; p < docs.length; p++) found = found.concat(docs[p].reviews);
      return found;
    });
  }
  // Reviews scored out of 10 have no stars: a sort by stars lists them after the star ratings
  // (group 10) where the list is read whole here, and says it leaves them out where it is not.
  var starred = 0;
  for (var s in conf.stars) starred += conf.stars[s];
  var unscored = conf.total - starred;
  function group(stars) {
    var n = stars > 5 ? unscored : stars ? conf.stars[stars] || 0 : conf.total;
    return {
      n: stars && !local ? Math.min(n, conf.cap) : n,
      capped: stars && !local && n > conf.cap,
      page: function (k) {
        if (!local || !stars) return get(file(local ? 0 : stars, k)).then(function (doc) { return doc.reviews; });
        return all().then(function (reviews) {
          var found = [];
          for (var i = 0; i < reviews.length; i++) {
            var r = reviews[i];
            if (stars > 5 ? r.scale : !r.scale && r.rating === stars) found[found.length] = r;
          }
          return found.slice((k - 1) * conf.size, k * conf.size);
        });
      }
    };
  }
  // What the visitor asked for, as runs one after another: highest first is the five-star
  // reviews, newest first, then the four-star ones, and so on.
  function runs(asked) {
    if (asked.stars || asked.sort === "newest") return [group(asked.stars)];
    var order = asked.sort === "highest" ? [5, 4, 3, 2, 1] : [1, 2, 3, 4, 5], found = [];
    for (var i = 0; i < order.length; i++) if (conf.stars[order[i]]) found[found.length] = group(order[i]);
    if (unscored && local) found[found.length] = group(10);
    return found;
  }
  function part(run, a, b) {
    var first = Math.floor(a / conf.size) + 1, last = Math.floor((b - 1) / conf.size) + 1, pages = [];
    for (var k = first; k <= last; k++) pages[pages.length] = run.page(k);
    return Promise.all(pages).then(function (lists) {
      var all = [].concat.apply([], lists), skip = (first - 1) * conf.size;
      return all.slice(a - skip, b - skip);
    });
  }
  function slice(list, from, to) {
    var parts = [], start = 0;
    for (var g = 0; g < list.length; g++) {
      var a = Math.max(from - start, 0), b = Math.min(to - start, list[g].n);
      if (a < b) parts[parts.length] = part(list[g], a, b);
      start += list[g].n;
    }
    return Promise.all(parts).then(function (lists) { return [].concat.apply([], lists); });
  }

  function el(tag, name, text) {
    var e = d.createElement(tag);
    if (name) e.className = name;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  // The card the server writes (_macros.html, card), from a review of reviews.json.
  function card(r, n) {
    var article = el("article", "card"), top = el("div", "top"), id = "l" + n;
    article.setAttribute("lang", r.language);
    if (r.scale) {
      var points = el("span", "points", r.rating + "/" + r.scale);
      points.setAttribute("role", "img");
      points.setAttribute("aria-label", fill(words.points, [r.rating, r.scale]));
      top.appendChild(points);
    } else {
      var stars = marks.querySelector('[data-r="' + r.rating + '"]');
      if (stars) top.appendChild(stars.firstChild.cloneNode(true));
    }
    var ok = r.verification === "verified", mark = el("span", "mark " + (ok ? "ok" : "imp"));
    if (ok) {
      var tick = el("span", "", "\u2713 ");
      tick.setAttribute("aria-hidden", "true");
      mark.appendChild(tick);
    }
    mark.appendChild(d.createTextNode(r.marker));
    if (r.platform) mark.appendChild(el("span", "from", " \u00b7 " + r.platform));
    top.appendChild(mark);
    if (r.incentivized) top.appendChild(el("span", "mark imp", r.incentive_marker));
    var by = el("p", "by"), when = el("span", "when", "\u00a0\u00b7 "), time = el("time", "", r.date_text);
    time.setAttribute("datetime", r.date);
    time.title = r.date_text;
    when.appendChild(time);
    by.appendChild(el("bdi", "author ell", r.author));
    by.appendChild(when);
    var body = el("div", "body");
    body.id = id;
    if (r.title) body.appendChild(el("h2", "title clamp", r.title)).dir = "auto";
    if (r.text) body.appendChild(el("p", "text clamp", r.text)).dir = "auto";
    if (r.reply) {
      var reply = body.appendChild(el("div", "reply"));
      reply.appendChild(el("p", "rh ell", words.reply));
      reply.appendChild(el("p", "rt clamp", r.reply.text)).dir = "auto";
    }
    var more = el("button", "more");
    more.type = "button";
    more.hidden = true;
    more.setAttribute("aria-expanded", "false");
    more.setAttribute("aria-controls", id);
    more.appendChild(el("span", "o", words.more));
    more.appendChild(el("span", "c", words.less));
    more.appendChild(el("span", "sr", " \u2013 " + fill(words.by, [r.author])));
    article.appendChild(top);
    article.appendChild(by);
    article.appendChild(body);
    article.appendChild(more);
    return article;
  }

  function total(list) {
    var sum = 0;
    for (var g = 0; g < list.length; g++) sum += list[g].n;
    return sum;
  }
  function capped(list) {
    for (var g = 0; g < list.length; g++) if (list[g].capped) return true;
    return false;
  }
  // The pager, the pressed bar and the filter line for page `page` of `count` reviews.
  function status(page, count, cut, left) {
    var pages = Math.max(1, Math.ceil(count / conf.per)), from = (page - 1) * conf.per, to = Math.min(from + conf.per, count);
    var cards = feed.querySelectorAll(".card"), named = "";
    for (var i = 0; i < cards.length; i++) {
      cards[i].setAttribute("aria-posinset", from + i + 1);
      cards[i].setAttribute("aria-setsize", count);
    }
    pos.textContent = count
      ? fill(words.range, [fmt(from + 1), fmt(to), fmt(count)]) + (cut ? " \u00b7 " + words.capped : "") +
        (left ? " \u00b7 " + fill(words.unscored, [fmt(left)]) : "")
      : "";
    prev.disabled = page <= 1;
    next.disabled = page >= pages;
    pager.hidden = pages <= 1;
    for (var b = 0; b < bars.length; b++) {
      var on = +bars[b].getAttribute("data-stars") === state.stars;
      bars[b].setAttribute("aria-pressed", String(on));
      if (on) named = bars[b].querySelector(".bl").textContent;
    }
    filt.hidden = !state.stars;
    // One rating's reviews have one order: newest first
    select.disabled = !!state.stars;
    filt.querySelector("strong").textContent = named;
    return fill(words.page, [fmt(page), fmt(pages)]) + ", " + pos.textContent;
  }
  // Show what the visitor asked for (a filter, a sort, a page): it becomes the state only once
  // its reviews are in, so a failed load leaves the list, its pager and its controls as they were
  // and the same click asks again.
  function show(change, focus) {
    var want = { stars: state.stars, sort: state.sort, page: state.page };
    for (var key in change) want[key] = change[key];
    var list = runs(want), count = total(list), pages = Math.max(1, Math.ceil(count / conf.per));
    var page = Math.min(want.page, pages), from = (page - 1) * conf.per, ticket = ++asked;
    feed.setAttribute("aria-busy", "true");
    slice(list, from, Math.min(from + conf.per, count)).then(function (reviews) {
      // A later click won
      if (ticket !== asked) return;
      while (feed.firstChild) feed.removeChild(feed.firstChild);
      for (var i = 0; i < reviews.length; i++) feed.appendChild(card(reviews[i], from + i + 1));
      w.tw.ages(feed);
      for (var c = 0; c < feed.children.length; c++) w.tw.clamp(feed.children[c]);
      state = want;
      state.page = page;
      feed.setAttribute("aria-busy", "false");
      said.textContent = status(page, count, capped(list), !want.stars && want.sort !== "newest" && !local && unscored);
      if (focus) feed.focus();
    }, function () {
      if (ticket !== asked) return;
      feed.setAttribute("aria-busy", "false");
      // The sort the list is still in
      select.value = state.sort;
      pos.textContent = said.textContent = words.failed;
      pager.hidden = false;
    });
  }

  // In a bare iframe (no loader to follow its height) the list scrolls inside its frame.
  if (!/(^#|&)tw=/.test(location.hash)) d.body.style.overflowY = "auto";
  for (var b = 0; b < bars.length; b++) bars[b].disabled = !conf.stars[bars[b].getAttribute("data-stars")];
  // A reload may restore another choice; the page shows the newest
  select.value = "newest";
  // No review has stars: nothing to sort by stars
  select.parentNode.hidden = !starred;
  tools.hidden = false;
  status(1, conf.total);
  if (bars.length) bars[0].parentNode.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || button.disabled) return;
    var stars = +button.getAttribute("data-stars");
    show({ stars: state.stars === stars ? 0 : stars, page: 1 }, false);
  });
  filt.querySelector(".clear").addEventListener("click", function () {
    // The button goes away with the filter: the focus goes to the list
    show({ stars: 0, page: 1 }, true);
  });
  select.addEventListener("change", function () { show({ sort: select.value, page: 1 }, false); });
  prev.addEventListener("click", function () { show({ page: state.page - 1 }, true); });
  next.addEventListener("click", function () { show({ page: state.page + 1 }, true); });
})();
