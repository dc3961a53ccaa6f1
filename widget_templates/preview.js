/* The staff preview: refresh the result when an option changes; copy a snippet. */
(function () {
  "use strict";
  var form = document.getElementById("options");
  if (!form) return;

  function bind() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var text = document.getElementById(button.getAttribute("data-copy")).textContent;
        var status = document.querySelector(".copied");
        var done = function () { if (status) status.textContent = "Copied."; };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () { if (status) status.textContent = "Select the text and copy it."; });
        } else {
          var range = document.createRange();
          range.selectNodeContents(document.getElementById(button.getAttribute("data-copy")));
          var selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          if (document.execCommand("copy")) done();
        }
      });
    });
  }

  // Each change asks again; only the last asked may show (an earlier answer that comes later,
  // say of a field left just before "Update preview", would undo the newer choice).
  var asked = 0;
  function refresh() {
    var url = form.getAttribute("action") + "?" + new URLSearchParams(new FormData(form)).toString();
    var ticket = ++asked;
    fetch(url, { headers: { Accept: "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (ticket !== asked) return;
        var parsed = new DOMParser().parseFromString(html, "text/html");
        var fresh = parsed.getElementById("result"), which = parsed.getElementById("which");
        if (!fresh) return;
        document.getElementById("result").replaceWith(fresh);
        // the filters differ between a live and a static origin; keep them when only values changed
        var current = document.getElementById("which");
        if (which && current && which.getAttribute("data-origin") !== current.getAttribute("data-origin")) {
          current.replaceWith(which);
        }
        history.replaceState(null, "", url);
        bind();
      });
  }

  form.addEventListener("change", refresh);
  form.addEventListener("submit", function (event) { event.preventDefault(); refresh(); });
  bind();
})();
