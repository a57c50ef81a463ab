// Charla panel behaviour. No inline scripts anywhere (the CSP forbids them): everything hooks in from here.
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
  // A notice goes away on a click (it also fades by itself, see app.css).
  document.addEventListener("click", function (evt) {
    var toast = evt.target && evt.target.closest ? evt.target.closest(".toasts .flash") : null;
    if (toast) toast.remove();
  });
})();

// Waiting-time counters: <time data-since="epoch ms"> shows "3 min", "1 h 05", refreshed every 15 s;
// the badge turns amber after 5 minutes and red after 15 (not at "0 min").
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
      var ms = now - Number(el.getAttribute("data-since"));
      el.textContent = label(ms);
      var box = el.closest(".waiting");
      if (box) {
        box.classList.toggle("late", ms >= 5 * 60000 && ms < 15 * 60000);
        box.classList.toggle("very-late", ms >= 15 * 60000);
      }
    });
  }
  document.addEventListener("htmx:after:swap", tick);
  document.addEventListener("DOMContentLoaded", tick);
  setInterval(tick, 15000);
})();

// The composer: Enter sends (once), Shift+Enter adds a line, the draft of each
// conversation is kept in the browser until it is sent, and every submission
// carries its own id so the server stores it once.
(function () {
  "use strict";
  var PREFIX = "charla:draft:";
  function store() {
    try {
      return window.localStorage;
    } catch (e) {
      return null;
    }
  }
  function newSubmission(form) {
    var field = form.querySelector("[data-submission]");
    if (!field) return;
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    field.value = Array.prototype.map.call(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }
  function restoreDrafts(root) {
    var s = store();
    if (!s) return;
    (root || document).querySelectorAll("textarea[data-draft]").forEach(function (area) {
      var saved = s.getItem(PREFIX + area.getAttribute("data-draft"));
      if (saved && !area.value) area.value = saved;
    });
  }
  document.addEventListener("input", function (evt) {
    var area = evt.target;
    if (!area || !area.hasAttribute || !area.hasAttribute("data-draft")) return;
    var s = store();
    if (!s) return;
    var key = PREFIX + area.getAttribute("data-draft");
    if (area.value) s.setItem(key, area.value);
    else s.removeItem(key);
  });
  document.addEventListener("keydown", function (evt) {
    var area = evt.target;
    if (!area || !area.hasAttribute || !area.hasAttribute("data-enter-sends")) return;
    if (evt.key !== "Enter" || evt.shiftKey || evt.altKey || evt.ctrlKey || evt.metaKey || evt.isComposing) return;
    evt.preventDefault();
    var form = area.form;
    // One request at a time: while the last one is in flight, Enter does nothing.
    if (!form || form.classList.contains("htmx-request")) return;
    var button = form.querySelector('[type="submit"]');
    if (button && button.disabled) return;
    form.requestSubmit(button || undefined);
  });
  document.addEventListener("change", function (evt) {
    var input = evt.target;
    if (!input || !input.hasAttribute || !input.hasAttribute("data-file-input")) return;
    var label = input.form && input.form.querySelector("[data-file-name]");
    if (label) label.textContent = input.files && input.files[0] ? input.files[0].name : "";
  });
  document.addEventListener("htmx:after:request", function (evt) {
    var form = evt.target;
    var ctx = evt.detail && evt.detail.ctx;
    if (!form || form.id !== "composer" || !ctx || !ctx.response || ctx.response.status >= 300) return;
    var area = form.querySelector("textarea[data-draft]");
    var s = store();
    if (area && s) s.removeItem(PREFIX + area.getAttribute("data-draft"));
    form.reset();
    var name = form.querySelector("[data-file-name]");
    if (name) name.textContent = "";
    newSubmission(form);
    var bar = document.getElementById("reply-bar");
    if (bar) bar.hidden = true;
  });
  document.addEventListener("DOMContentLoaded", function () {
    restoreDrafts(document);
  });
  document.addEventListener("htmx:after:swap", function (evt) {
    restoreDrafts(evt.target && evt.target.querySelectorAll ? evt.target : document);
  });
})();

// The conversation scrolls to its newest message.
(function () {
  "use strict";
  function scrollMessages() {
    var box = document.getElementById("messages");
    if (box) box.scrollTop = box.scrollHeight;
  }
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
    if (form.classList && form.classList.contains("template-form")) form.reset();
  });
})();

// A session that ends while a form is being sent never loses what was typed: the
// values wait in this tab until sign-in brings the user back to the same page,
// where they are put back into the same form (secrets and the CSRF token excepted).
(function () {
  "use strict";
  var KEY = "charla:pending-form";
  var SKIP = { _csrf: 1, password: 1, passwordConfirm: 1, currentPassword: 1, submission: 1 };
  function session() {
    try {
      return window.sessionStorage;
    } catch (e) {
      return null;
    }
  }
  document.addEventListener("htmx:before:request", function (evt) {
    var form = evt.target;
    var s = session();
    if (!s || !form || form.tagName !== "FORM" || (form.getAttribute("method") || "").toLowerCase() !== "post" || form.hasAttribute("data-no-recover")) return;
    var values = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.type === "file" || el.type === "submit" || el.type === "hidden" && el.name !== "replyToId") return;
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      values.push([el.name, el.value]);
    });
    s.setItem(KEY, JSON.stringify({ page: location.pathname + location.search, action: form.getAttribute("action"), values: values }));
  });
  document.addEventListener("htmx:after:request", function (evt) {
    var s = session();
    var ctx = evt.detail && evt.detail.ctx;
    if (!s || !ctx || !ctx.response) return;
    var to = ctx.response.headers && ctx.response.headers.get ? ctx.response.headers.get("hx-redirect") : null;
    // Only a sign-in redirect keeps the values; any other answer (saved, or errors shown in the form) ends their wait.
    if (!to || to.indexOf("/login") !== 0) s.removeItem(KEY);
  });
  function restore() {
    var s = session();
    var raw = s && s.getItem(KEY);
    if (!raw) return;
    var pending;
    try {
      pending = JSON.parse(raw);
    } catch (e) {
      s.removeItem(KEY);
      return;
    }
    if (pending.page !== location.pathname + location.search) return;
    s.removeItem(KEY);
    var form = Array.prototype.find.call(document.forms, function (f) { return f.getAttribute("action") === pending.action; });
    if (!form) return;
    var seen = {};
    pending.values.forEach(function (pair) {
      var fields = form.querySelectorAll('[name="' + pair[0].replace(/"/g, "") + '"]');
      Array.prototype.forEach.call(fields, function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          if (el.value === pair[1]) el.checked = true;
          else if (!seen[pair[0]]) el.checked = false;
        } else el.value = pair[1];
      });
      seen[pair[0]] = true;
    });
    var note = document.createElement("p");
    note.className = "recovered";
    note.setAttribute("role", "status");
    note.textContent = document.body.getAttribute("data-lang") === "en" ? "We kept what you had typed: check it and send it again." : "Conservamos lo que había escrito: revíselo y envíelo de nuevo.";
    form.parentNode.insertBefore(note, form);
  }
  document.addEventListener("DOMContentLoaded", restore);
})();

// Copy buttons: <button data-copy="#id"> copies that element's text.
(function () {
  "use strict";
  document.addEventListener("click", function (evt) {
    var button = evt.target && evt.target.closest ? evt.target.closest("[data-copy]") : null;
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) return;
    var text = source.value !== undefined && source.tagName === "INPUT" ? source.value : source.textContent;
    var done = function () {
      button.classList.add("copied");
      var label = button.querySelector("[data-copy-label]");
      if (label) {
        var before = label.textContent;
        label.textContent = button.getAttribute("data-copied") || before;
        setTimeout(function () {
          label.textContent = before;
          button.classList.remove("copied");
        }, 1800);
      }
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, function () {});
    else {
      // Plain-http installs have no clipboard API: select the text so Ctrl+C takes it.
      var range = document.createRange();
      range.selectNodeContents(source);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      try {
        document.execCommand("copy");
        done();
      } catch (e) {
        /* the text stays selected */
      }
    }
  });
})();

// The company form: the country fills in its time zone and currency (still
// editable), and the identifier follows the name until someone edits it.
(function () {
  "use strict";
  function slugify(s, sep) {
    var out = s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, sep).replace(/^[-_]+|[-_]+$/g, "");
    // A template field's key starts with a letter ("fecha_nacimiento", not "2_fecha").
    if (sep === "_") out = out.replace(/^[^a-z]+/, "");
    return out.slice(0, 40).replace(/[-_]+$/, "");
  }
  document.addEventListener("change", function (evt) {
    var select = evt.target;
    if (!select || !select.hasAttribute || !select.hasAttribute("data-country-defaults")) return;
    var option = select.options[select.selectedIndex];
    var form = select.form;
    if (!option || !form) return;
    var zone = form.querySelector('[name="timeZone"]');
    var currency = form.querySelector('[name="currency"]');
    if (zone && option.getAttribute("data-time-zone")) zone.value = option.getAttribute("data-time-zone");
    if (currency && option.getAttribute("data-currency")) currency.value = option.getAttribute("data-currency");
  });
  document.addEventListener("input", function (evt) {
    var el = evt.target;
    if (!el || !el.form) return;
    var slug = el.form.querySelector("[data-slug-from]");
    if (!slug) return;
    if (el === slug) slug.setAttribute("data-touched", "1");
    else if (el.name === slug.getAttribute("data-slug-from") && !slug.hasAttribute("data-touched")) slug.value = slugify(el.value, slug.getAttribute("data-slug-sep") || "-");
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

// A live stream came back after a drop or a server restart (the server ends its
// streams with a reconnect hint when it stops): whatever changed meanwhile was never
// pushed, so the parts of the page that listen to the stream refresh once.
(function () {
  "use strict";
  document.addEventListener("htmx:sse:after:connection", function (evt) {
    var c = evt.detail && evt.detail.connection;
    if (!c || !(c.attempt > 0)) return;
    ["inbox", "conversation", "contact", "dashboard"].forEach(function (name) {
      evt.target.dispatchEvent(new CustomEvent(name, { bubbles: true, detail: { data: "reconnected" } }));
    });
  });
})();

// The inbox's contact panel refreshes itself when another agent changes the
// contact, but never over what this agent is typing: an open field editor or a
// note being written keeps the panel as it is (the next change refreshes it).
(function () {
  "use strict";
  document.addEventListener("htmx:before:request", function (evt) {
    var el = evt.target;
    if (!el || el.id !== "contact-panel") return;
    var note = el.querySelector('textarea[name="text"]');
    if (el.querySelector(".field-row.editing") || (note && note.value.trim() !== "")) evt.preventDefault();
  });
  // Escape closes a field editor without saving.
  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "Escape" || !evt.target || !evt.target.closest) return;
    var row = evt.target.closest(".field-row.editing");
    var cancel = row && row.querySelector("button.link[hx-get]");
    if (cancel) cancel.click();
  });
})();

// Canned responses in the composer: "/" (or "/" and the start of a key or name)
// opens suggestions; arrows move, Enter or a click picks, Escape closes. Picking
// fills the composer with the text (variables already filled by the server) for
// the agent to edit; the response's id goes along, so its attachment and
// FINALIZAR apply, and a note says so before sending.
(function () {
  "use strict";
  var timer = null;
  var last = null;
  function parts(area) {
    var form = area.form;
    return {
      form: form,
      list: form && form.querySelector("#response-suggestions"),
      id: form && form.querySelector("[data-response-id]"),
      note: document.getElementById("response-note"),
    };
  }
  function close(list) {
    if (!list) return;
    list.hidden = true;
    list.innerHTML = "";
    last = null;
  }
  function options(list) {
    return Array.prototype.slice.call(list.querySelectorAll("[role=option]"));
  }
  function move(list, step) {
    var all = options(list);
    if (!all.length) return;
    var i = all.findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
    var j = (i + step + all.length) % all.length;
    all.forEach(function (o, k) { o.setAttribute("aria-selected", k === j ? "true" : "false"); });
    all[j].scrollIntoView({ block: "nearest" });
  }
  function showNote(p, option) {
    if (!p.note) return;
    var label = p.note.querySelector("[data-response-label]");
    var fin = p.note.querySelector("[data-finalize-note]");
    var name = option.querySelector("strong");
    var attachment = option.getAttribute("data-attachment");
    if (label) label.textContent = (name ? name.textContent : "") + (attachment ? " · 📎 " + attachment : "");
    if (fin) fin.hidden = option.getAttribute("data-finalize") !== "1";
    p.note.hidden = false;
  }
  function pick(area, option) {
    var p = parts(area);
    area.value = option.getAttribute("data-text") || "";
    if (p.id) p.id.value = option.getAttribute("data-response-id") || "";
    showNote(p, option);
    close(p.list);
    area.focus();
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function load(area, q) {
    var p = parts(area);
    if (!p.list) return;
    var url = p.list.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(q);
    if (url === last) return;
    last = url;
    fetch(url, { headers: { "HX-Request": "true", "HX-Request-Type": "partial" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        if (last !== url) return;
        p.list.innerHTML = html;
        p.list.hidden = !html;
      })
      .catch(function () { close(p.list); });
  }
  document.addEventListener("input", function (evt) {
    var area = evt.target;
    if (!area || area.tagName !== "TEXTAREA" || !area.form || area.form.id !== "composer") return;
    var p = parts(area);
    var m = /^\/(\S{0,40})$/.exec(area.value);
    if (!m) return close(p.list);
    clearTimeout(timer);
    timer = setTimeout(function () { load(area, m[1]); }, 120);
  });
  // Capture phase: when the list is open, Enter picks instead of sending.
  document.addEventListener(
    "keydown",
    function (evt) {
      var area = evt.target;
      if (!area || area.tagName !== "TEXTAREA" || !area.form || area.form.id !== "composer") return;
      var list = parts(area).list;
      if (!list || list.hidden) return;
      if (evt.key === "ArrowDown" || evt.key === "ArrowUp") {
        evt.preventDefault();
        move(list, evt.key === "ArrowDown" ? 1 : -1);
      } else if (evt.key === "Enter" && !evt.shiftKey) {
        var chosen = list.querySelector("[role=option][aria-selected=true]") || list.querySelector("[role=option]");
        evt.preventDefault();
        evt.stopImmediatePropagation();
        if (chosen) pick(area, chosen);
      } else if (evt.key === "Escape") {
        evt.preventDefault();
        close(list);
      }
    },
    true,
  );
  document.addEventListener("mousedown", function (evt) {
    var option = evt.target && evt.target.closest ? evt.target.closest("#response-suggestions [role=option]") : null;
    if (!option) return;
    evt.preventDefault();
    var area = document.querySelector('#composer textarea[name="text"]');
    if (area) pick(area, option);
  });
  document.addEventListener("click", function (evt) {
    var clear = evt.target && evt.target.closest ? evt.target.closest("[data-response-clear]") : null;
    if (!clear) return;
    var id = document.querySelector("#composer [data-response-id]");
    if (id) id.value = "";
    var note = document.getElementById("response-note");
    if (note) note.hidden = true;
  });
  // Sent: the response's note goes with the text.
  document.addEventListener("htmx:after:request", function (evt) {
    var form = evt.target;
    var ctx = evt.detail && evt.detail.ctx;
    if (!form || form.id !== "composer" || !ctx || !ctx.response || ctx.response.status >= 300) return;
    var note = document.getElementById("response-note");
    if (note) note.hidden = true;
  });
})();

// "Sugerir respuesta": the AI's draft streams into the composer, where the agent
// edits it; nothing is sent by itself. A refusal (AI off, budget spent, provider
// down) shows as a notice instead.
(function () {
  "use strict";
  function notice(text) {
    var box = document.getElementById("flash");
    if (!box) return;
    var p = document.createElement("p");
    p.className = "flash flash-error";
    p.setAttribute("role", "alert");
    p.textContent = text;
    box.innerHTML = "";
    box.appendChild(p);
  }
  document.addEventListener("click", function (evt) {
    var button = evt.target && evt.target.closest ? evt.target.closest("[data-suggest]") : null;
    if (!button || button.disabled) return;
    var area = document.querySelector('#composer textarea[name="text"]');
    if (!area) return;
    var meta = document.querySelector('meta[name="csrf-token"]');
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    var before = area.value;
    fetch(button.getAttribute("data-suggest"), { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": meta ? meta.getAttribute("content") : "" } })
      .then(function (res) {
        if (!res.ok || !res.body) return res.text().then(function (t) { notice(t || res.statusText); });
        area.value = "";
        var reader = res.body.getReader();
        var decoder = new TextDecoder();
        function pump() {
          return reader.read().then(function (r) {
            if (r.done) return;
            area.value += decoder.decode(r.value, { stream: true });
            area.scrollTop = area.scrollHeight;
            return pump();
          });
        }
        return pump().then(function () {
          if (!area.value.trim()) area.value = before;
          area.dispatchEvent(new Event("input", { bubbles: true }));
          area.focus();
        });
      })
      .catch(function (e) { notice(String(e)); })
      .finally(function () {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      });
  });
})();
