// Charla panel behaviour. No inline scripts anywhere: everything hooks in from here.
(function () {
  "use strict";
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  // Every htmx request carries the CSRF token (forms also post it as _csrf).
  document.addEventListener("htmx:config:request", function (evt) {
    var ctx = evt.detail && evt.detail.ctx;
    if (ctx && ctx.request && ctx.request.headers) ctx.request.headers["X-CSRF-Token"] = csrfToken();
  });
  // <select data-autosubmit> submits its form on change (company switcher).
  document.addEventListener("change", function (evt) {
    var el = evt.target;
    if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) el.form.requestSubmit();
  });
})();

// Waiting-time counters: <time data-since="epoch ms"> shows "3 min", "1 h 05", refreshed every 15 s.
(function () {
  "use strict";
  function label(ms) {
    var m = Math.max(0, Math.floor(ms / 60000));
    if (m < 60) return m + " min";
    var h = Math.floor(m / 60);
    return h + " h " + String(m % 60).padStart(2, "0");
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("time[data-since]").forEach(function (el) {
      el.textContent = label(now - Number(el.getAttribute("data-since")));
    });
  }
  document.addEventListener("htmx:after:swap", tick);
  document.addEventListener("DOMContentLoaded", tick);
  setInterval(tick, 15000);
})();

// The composer empties itself once the server accepted the message, and the
// conversation scrolls to the newest message.
(function () {
  "use strict";
  function scrollMessages() {
    var box = document.getElementById("messages");
    if (box) box.scrollTop = box.scrollHeight;
  }
  document.addEventListener("htmx:after:request", function (evt) {
    var form = evt.target;
    var ctx = evt.detail && evt.detail.ctx;
    if (form && form.id === "composer" && ctx && ctx.response && ctx.response.status < 300) form.reset();
  });
  document.addEventListener("htmx:after:swap", scrollMessages);
  document.addEventListener("DOMContentLoaded", scrollMessages);
})();

// "Responder": quote a customer's message in the next answer.
(function () {
  "use strict";
  document.addEventListener("click", function (evt) {
    var el = evt.target && evt.target.closest ? evt.target.closest("[data-reply-to],[data-reply-cancel]") : null;
    if (!el) return;
    var input = document.getElementById("reply-to-id");
    var bar = document.getElementById("reply-bar");
    var quote = document.getElementById("reply-quote");
    if (!input || !bar) return;
    if (el.hasAttribute("data-reply-cancel")) {
      input.value = "";
      bar.hidden = true;
      return;
    }
    input.value = el.getAttribute("data-reply-to") || "";
    if (quote) quote.textContent = el.getAttribute("data-reply-text") || "";
    bar.hidden = false;
    var text = document.querySelector('#composer textarea[name="text"]');
    if (text) text.focus();
  });
  document.addEventListener("htmx:after:request", function (evt) {
    var form = evt.target;
    var ctx = evt.detail && evt.detail.ctx;
    if (!form || !ctx || !ctx.response || ctx.response.status >= 300) return;
    if (form.id === "composer") {
      var bar = document.getElementById("reply-bar");
      if (bar) bar.hidden = true;
    }
    if (form.classList && form.classList.contains("template-form")) form.reset();
  });
})();

// The server ended this user's live stream (signed out elsewhere, deactivated, new
// rights): reload, which lands on the sign-in page or on the page with current rights.
(function () {
  "use strict";
  document.addEventListener("reauth", function () {
    window.location.reload();
  });
})();
