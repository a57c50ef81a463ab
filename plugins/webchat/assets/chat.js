/*
 * Charla web chat, visitor side. Plain script, no build step: it reads its
 * settings from the data-* attributes of #wc, posts messages to the channel's
 * webhook, listens to the visitor's Server-Sent Events stream and reports read
 * receipts. Everything it inserts goes through textContent or DOM properties,
 * never innerHTML, because message text comes from other people.
 */
(function () {
  "use strict";

  var root = document.getElementById("wc");
  var log = document.getElementById("wc-log");
  var form = document.getElementById("wc-form");
  var notice = document.getElementById("wc-notice");
  if (!root || !log || !form || !notice) return;

  var textarea = form.elements.namedItem("text");
  var prechat = document.getElementById("wc-prechat");
  var webhookUrl = root.dataset.webhookUrl;
  var streamUrl = root.dataset.streamUrl;
  var transcriptUrl = root.dataset.transcriptUrl;
  var lang = root.dataset.lang || "es";
  var embedded = root.dataset.embed === "1" && window.parent !== window;
  var strings = {};
  try {
    strings = JSON.parse(root.dataset.strings || "{}");
  } catch (e) {
    strings = {};
  }
  // In the widget, the panel may be closed while the iframe lives on; messages
  // are only "read" while it is open.
  var panelOpen = true;
  var acked = {};
  var MAX_SEND_ATTEMPTS = 4;

  function t(key) {
    return strings[key] || key;
  }

  // ---- Rendering -----------------------------------------------------------

  function formatTime(ms) {
    try {
      return new Date(ms).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
    } catch (e) {
      return "";
    }
  }

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function mediaFamily(mediaType, kind) {
    var family = String(mediaType || kind || "").split("/")[0].toLowerCase();
    return family === "image" || family === "audio" || family === "video" ? family : "file";
  }

  function buildMedia(url, entry) {
    var family = mediaFamily(entry.mediaType, entry.kind);
    var el;
    if (family === "file") {
      el = document.createElement("a");
      el.className = "wc-file";
      el.href = url;
      el.target = "_blank";
      el.rel = "noopener noreferrer";
      el.textContent = entry.filename || t("attachment");
      return el;
    }
    el = document.createElement(family === "image" ? "img" : family);
    if (family === "image") {
      el.alt = entry.filename || t("attachment");
      el.loading = "lazy";
    } else {
      el.controls = true;
      el.preload = family === "audio" ? "none" : "metadata";
    }
    el.className = "wc-media";
    el.src = url;
    return el;
  }

  /** The same markup page.tsx renders for a transcript entry. */
  function buildEntry(entry) {
    var li = document.createElement("li");
    var side = entry.author === "system" ? "wc-system" : entry.direction === "in" ? "wc-in" : "wc-out";
    var createdAt = Number(entry.createdAt) || Date.now();
    li.className = "wc-msg " + side;
    li.dataset.key = entry.externalId || "id:" + entry.id;
    if (entry.externalId) li.dataset.externalId = entry.externalId;
    li.dataset.direction = entry.direction;
    if (entry.status) li.dataset.status = entry.status;
    li.dataset.createdAt = String(createdAt);
    var url = safeUrl(entry.mediaUrl);
    if (url) li.appendChild(buildMedia(url, entry));
    if (entry.text) {
      var p = document.createElement("p");
      p.className = "wc-text";
      p.textContent = entry.text;
      li.appendChild(p);
    }
    var time = document.createElement("time");
    time.className = "wc-time";
    time.dateTime = new Date(createdAt).toISOString();
    time.textContent = formatTime(createdAt);
    li.appendChild(time);
    return li;
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  function findByKey(key) {
    for (var i = 0; i < log.children.length; i++) if (log.children[i].dataset.key === key) return log.children[i];
    return null;
  }

  /** The local bubble a server entry confirms: its external id ends with the bubble's clientId. */
  function localFor(externalId) {
    var items = log.querySelectorAll("li[data-client-id]");
    for (var i = 0; i < items.length; i++) {
      var suffix = "-" + items[i].dataset.clientId;
      if (externalId.slice(-suffix.length) === suffix) return items[i];
    }
    return null;
  }

  /** New messages go above bubbles still sending or failed, which stay last. */
  function firstUnsent() {
    var items = log.querySelectorAll("li[data-client-id]");
    for (var i = 0; i < items.length; i++) if (items[i].dataset.state !== "sent") return items[i];
    return null;
  }

  /** Adds one server entry unless it is already shown; true when something new appeared. */
  function addEntry(entry) {
    var key = entry.externalId || "id:" + entry.id;
    if (findByKey(key)) return false;
    if (entry.direction === "in" && entry.externalId) {
      var mine = localFor(entry.externalId);
      if (mine) {
        mine.dataset.key = key;
        mine.removeAttribute("data-client-id");
        setState(mine, "sent");
        return false;
      }
    }
    log.insertBefore(buildEntry(entry), firstUnsent());
    return true;
  }

  // ---- Notices -------------------------------------------------------------

  function showNotice(text, kind) {
    notice.textContent = text;
    notice.dataset.kind = kind || "error";
    notice.hidden = false;
  }

  function hideNotice(kind) {
    if (kind && notice.dataset.kind !== kind) return;
    notice.hidden = true;
    notice.textContent = "";
  }

  // ---- Sending ---------------------------------------------------------------

  function offerTab() {
    if (root.querySelector(".wc-open-tab")) return;
    var a = document.createElement("a");
    a.className = "wc-open-tab";
    a.href = location.pathname;
    a.target = "_blank";
    a.rel = "noopener";
    a.textContent = t("openInTab");
    log.parentNode.insertBefore(a, log.nextSibling);
  }

  function newClientId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes); // works on plain http too, unlike crypto.randomUUID
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function setState(li, state, retry) {
    li.dataset.state = state;
    li.classList.toggle("wc-failed", state === "failed");
    var span = li.querySelector(".wc-state");
    if (!span) {
      span = document.createElement("span");
      span.className = "wc-state";
      li.appendChild(span);
    }
    span.textContent = t(state);
    if (retry) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "wc-retry";
      button.textContent = t("retry");
      button.addEventListener("click", retry, { once: true });
      span.appendChild(document.createTextNode(" "));
      span.appendChild(button);
    }
  }

  function postJson(payload) {
    return fetch(webhookUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload),
    });
  }

  /** Sends one message; network and server errors retry with the same clientId, so no duplicate arrives. */
  function send(li, payload, attempt) {
    setState(li, "sending");
    postJson(payload)
      .then(function (res) {
        if (res.ok) {
          if (li.dataset.state === "sending") setState(li, "sent");
          hideNotice();
          if (prechat) {
            prechat.remove();
            prechat = null;
          }
          return;
        }
        if (res.status >= 500 && attempt + 1 < MAX_SEND_ATTEMPTS) return retryLater(li, payload, attempt);
        // Inside another site's page a 401 means the browser kept no session for the chat
        // (third-party cookies blocked, usually over plain http): say so, and offer the chat's own page.
        if (res.status === 401 && embedded) {
          fail(li, payload, t("sessionBlocked"));
          offerTab();
          return;
        }
        fail(li, payload, res.status === 429 ? t("rateLimited") : res.status === 401 ? t("sessionError") : t("sendError"));
      })
      .catch(function () {
        if (attempt + 1 < MAX_SEND_ATTEMPTS) retryLater(li, payload, attempt);
        else fail(li, payload, t("sendError"));
      });
  }

  function retryLater(li, payload, attempt) {
    setTimeout(function () {
      send(li, payload, attempt + 1);
    }, 1000 * Math.pow(2, attempt));
  }

  function fail(li, payload, message) {
    setState(li, "failed", function () {
      send(li, payload, 0);
    });
    showNotice(message);
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = textarea.value.trim();
    if (!text) return;
    var payload = { type: "message", clientId: newClientId(), text: text };
    if (prechat) {
      var name = form.elements.namedItem("name");
      var phone = form.elements.namedItem("phone");
      if (name && name.value.trim()) payload.name = name.value.trim();
      if (phone && phone.value.trim()) payload.phone = phone.value.trim();
    }
    var li = buildEntry({ direction: "in", author: "customer", kind: "text", text: text, createdAt: Date.now() });
    li.dataset.key = "local:" + payload.clientId;
    li.dataset.clientId = payload.clientId;
    log.appendChild(li);
    scrollDown();
    textarea.value = "";
    autosize();
    send(li, payload, 0);
  });

  // Enter sends, Shift+Enter starts a new line; requestSubmit runs the form's own validation.
  textarea.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter" || ev.shiftKey || ev.isComposing) return;
    ev.preventDefault();
    if (form.requestSubmit) form.requestSubmit();
    else form.dispatchEvent(new Event("submit", { cancelable: true }));
  });

  function autosize() {
    textarea.style.height = "auto";
    textarea.style.height = Math.min(textarea.scrollHeight + 2, 128) + "px";
  }
  textarea.addEventListener("input", autosize);

  // ---- Read receipts -----------------------------------------------------------

  var readTimer = null;

  function canRead() {
    return document.visibilityState === "visible" && panelOpen;
  }

  function scheduleRead() {
    if (readTimer || !canRead()) return;
    readTimer = setTimeout(flushRead, 400);
  }

  function flushRead() {
    readTimer = null;
    if (!canRead()) return;
    var ids = [];
    for (var i = 0; i < log.children.length; i++) {
      var li = log.children[i];
      var id = li.dataset.externalId;
      if (li.dataset.direction === "out" && id && id.indexOf("wc-out-") === 0 && li.dataset.status !== "read" && !acked[id]) ids.push(id);
    }
    if (!ids.length) return;
    ids = ids.slice(-100);
    ids.forEach(function (id) {
      acked[id] = true;
    });
    var forget = function () {
      ids.forEach(function (id) {
        delete acked[id];
      });
    };
    postJson({ type: "read", externalIds: ids })
      .then(function (res) {
        if (res.status >= 500) forget();
      })
      .catch(forget);
  }

  document.addEventListener("visibilitychange", scheduleRead);
  window.addEventListener("focus", scheduleRead);

  // ---- Stream ------------------------------------------------------------------

  var delay = 1000;

  function connect() {
    var source = new EventSource(streamUrl);
    source.onopen = function () {
      delay = 1000;
      hideNotice("offline");
      // Fills whatever arrived while the stream was down (and after page load).
      sync();
    };
    // An agent opened the conversation: every message of the visitor's has been read.
    source.addEventListener("read", function () {
      var items = log.querySelectorAll("li.wc-in, li[data-client-id]");
      for (var i = 0; i < items.length; i++) if (items[i].dataset.state !== "failed" && items[i].dataset.state !== "sending") setState(items[i], "read");
    });
    source.addEventListener("message", function (ev) {
      var entry;
      try {
        entry = JSON.parse(ev.data);
      } catch (e) {
        return;
      }
      entry.direction = "out";
      if (addEntry(entry)) {
        scrollDown();
        if (embedded && !panelOpen) window.parent.postMessage({ type: "charla-webchat:message" }, "*");
      }
      scheduleRead();
    });
    // EventSource gives up for good on some errors (HTTP 401/5xx), so reconnect by
    // hand with exponential backoff and a little jitter.
    source.onerror = function () {
      source.close();
      if (delay > 1000) showNotice(t("offline"), "offline");
      setTimeout(connect, delay + Math.random() * 500);
      delay = Math.min(delay * 2, 30000);
    };
  }

  function sync() {
    fetch(transcriptUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (res) {
        return res.ok ? res.json() : null;
      })
      .then(function (data) {
        if (!data || !Array.isArray(data.messages)) return;
        var added = false;
        data.messages.forEach(function (entry) {
          if (addEntry(entry)) added = true;
        });
        if (added) scrollDown();
        scheduleRead();
      })
      .catch(function () {});
  }

  // ---- Widget iframe ---------------------------------------------------------

  if (embedded) {
    window.addEventListener("message", function (ev) {
      if (ev.source !== window.parent || !ev.data || ev.data.type !== "charla-webchat:visibility") return;
      panelOpen = !!ev.data.open;
      if (panelOpen) {
        scheduleRead();
        textarea.focus();
      }
    });
  }
  var closeButton = root.querySelector("[data-wc-close]");
  if (closeButton) {
    closeButton.addEventListener("click", function () {
      if (window.parent !== window) window.parent.postMessage({ type: "charla-webchat:close" }, "*");
    });
  }

  // ---- Start -------------------------------------------------------------------

  var times = log.querySelectorAll("time.wc-time");
  for (var i = 0; i < times.length; i++) {
    var ms = Number(times[i].parentNode.dataset.createdAt);
    if (ms) times[i].textContent = formatTime(ms);
  }
  scrollDown();
  connect();
})();
