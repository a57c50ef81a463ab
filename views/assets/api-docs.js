// /api/docs: each operation's "Probar" form sends its request with fetch and the
// token typed once at the top (kept in sessionStorage: this tab only, gone when it
// closes). No inline scripts: the page's CSP forbids them.
(function () {
  "use strict";
  var KEY = "charla:apidocs:token";
  function storage() {
    try {
      return window.sessionStorage;
    } catch (e) {
      return null;
    }
  }
  function main() {
    return document.getElementById("main");
  }
  function message(name) {
    var m = main();
    return (m && m.getAttribute("data-msg-" + name)) || "";
  }
  function pretty(text) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch (e) {
      return text;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var token = document.getElementById("api-token");
    var s = storage();
    if (token && s) {
      token.value = s.getItem(KEY) || "";
      token.addEventListener("input", function () {
        if (token.value) s.setItem(KEY, token.value.trim());
        else s.removeItem(KEY);
      });
    }
  });

  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!form || !form.classList || !form.classList.contains("try-form")) return;
    evt.preventDefault();
    var result = form.querySelector(".try-result");
    var status = form.querySelector(".try-status");
    var out = form.querySelector(".try-response");
    var button = form.querySelector("button[type=submit]");
    var show = function (line, body, failed) {
      result.hidden = false;
      status.textContent = line;
      status.classList.toggle("failed", !!failed);
      out.textContent = body;
    };
    var token = (document.getElementById("api-token") || { value: "" }).value.trim();
    if (!token) {
      show(message("no-token"), "", true);
      document.getElementById("api-token").focus();
      return;
    }
    var method = form.getAttribute("data-method");
    var path = form.getAttribute("data-path");
    var query = new URLSearchParams();
    var headers = { authorization: "Bearer " + token, accept: "application/json" };
    var missing = null;
    form.querySelectorAll("input[data-in]").forEach(function (input) {
      var value = input.value.trim();
      var where = input.getAttribute("data-in");
      if (!value) {
        if (input.required && !missing) missing = input;
        return;
      }
      if (where === "path") path = path.replace("{" + input.name + "}", encodeURIComponent(value));
      else if (where === "query") query.append(input.name, value);
      else if (where === "header") headers[input.name.toLowerCase()] = value;
    });
    if (missing) {
      show(message("required").replace("{name}", missing.name), "", true);
      missing.focus();
      return;
    }
    var init = { method: method, headers: headers, credentials: "omit" };
    var body = form.querySelector("textarea[name=body]");
    if (body && body.value.trim() && method !== "GET" && method !== "DELETE") {
      headers["content-type"] = form.getAttribute("data-type") || "application/json";
      init.body = body.value;
    }
    var url = path + (query.toString() ? "?" + query.toString() : "");
    show(message("sending"), "", false);
    if (button) button.disabled = true;
    fetch(url, init)
      .then(function (res) {
        return res.text().then(function (text) {
          var replayed = res.headers.get("idempotent-replayed") ? " · Idempotent-Replayed: true" : "";
          show(method + " " + url + " → " + res.status + " " + res.statusText + replayed, pretty(text), !res.ok);
        });
      })
      .catch(function (e) {
        show(message("network").replace("{detail}", String(e && e.message ? e.message : e)), "", true);
      })
      .finally(function () {
        if (button) button.disabled = false;
      });
  });
})();
