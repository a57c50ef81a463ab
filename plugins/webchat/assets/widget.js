/*
 * Charla web chat widget. A business pastes
 *   <script src="<PUBLIC_URL>/chat/<channelId>/widget.js" async></script>
 * into its site; this adds a round button that opens the chat in an iframe.
 * The server writes the channel's settings over the marker below.
 */
(function () {
  "use strict";

  var config = /*@config*/ null;
  if (!config || !config.url || !document.createElement) return;
  // The snippet pasted twice must not add two buttons.
  var loaded = (window.__charlaWebchat = window.__charlaWebchat || {});
  if (loaded[config.url]) return;
  loaded[config.url] = true;

  var origin = new URL(config.url).origin;
  var color = /^#[0-9a-fA-F]{6}$/.test(config.color) ? config.color : "#0f766e";
  var pageLang = String(document.documentElement.lang || navigator.language || "").toLowerCase();
  var label = pageLang.indexOf("en") === 0 ? { open: "Open chat", close: "Close chat" } : { open: "Abrir chat", close: "Cerrar chat" };
  var SVG = "http://www.w3.org/2000/svg";
  var Z = "2147483000";
  var button, icon, dot, frame;
  var open = false;
  var frameReady = false;

  // Styles are set through the style object: it works under a host page CSP that forbids inline styles.
  function css(el, styles) {
    for (var k in styles) el.style[k] = styles[k];
    return el;
  }

  function drawIcon(closed) {
    while (icon.firstChild) icon.removeChild(icon.firstChild);
    var path = document.createElementNS(SVG, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute(
      "d",
      closed
        ? "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"
        : "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4L12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z",
    );
    icon.appendChild(path);
  }

  function build() {
    button = css(document.createElement("button"), {
      position: "fixed", right: "20px", bottom: "20px", width: "56px", height: "56px", borderRadius: "50%",
      border: "0", padding: "0", margin: "0", cursor: "pointer", background: color, color: "#fff",
      boxShadow: "0 4px 14px rgba(0,0,0,.25)", zIndex: Z, display: "flex", alignItems: "center", justifyContent: "center",
    });
    button.type = "button";
    button.setAttribute("aria-label", label.open);
    button.setAttribute("aria-expanded", "false");
    button.title = label.open;
    icon = css(document.createElementNS(SVG, "svg"), { width: "26px", height: "26px" });
    icon.setAttribute("viewBox", "0 0 24 24");
    icon.setAttribute("aria-hidden", "true");
    drawIcon(true);
    dot = css(document.createElement("span"), {
      position: "absolute", top: "4px", right: "4px", width: "12px", height: "12px", borderRadius: "50%",
      background: "#e11d48", border: "2px solid #fff", display: "none",
    });
    button.appendChild(icon);
    button.appendChild(dot);
    button.addEventListener("click", function () {
      setOpen(!open);
    });
    document.body.appendChild(button);
  }

  function makeFrame() {
    frame = css(document.createElement("iframe"), {
      position: "fixed", border: "0", background: "#fff", boxShadow: "0 8px 30px rgba(0,0,0,.25)", zIndex: Z, display: "none",
    });
    frame.src = config.url + "?embed=1";
    frame.title = config.title || "Chat";
    // Until the chat has loaded the frame is about:blank, which cannot receive a
    // message for Charla's origin; tell it the panel state once it is there.
    frame.addEventListener("load", function () {
      frameReady = true;
      tellFrame();
    });
    document.body.appendChild(frame);
  }

  function place() {
    // Phones get the whole screen; the chat header has its own close button.
    var small = window.innerWidth < 480;
    css(frame, small
      ? { right: "0", bottom: "0", width: "100%", height: "100%", maxWidth: "none", maxHeight: "none", borderRadius: "0" }
      : { right: "20px", bottom: "88px", width: "370px", height: "560px", maxWidth: "calc(100vw - 40px)", maxHeight: "calc(100vh - 108px)", borderRadius: "12px" });
  }

  function setOpen(next) {
    open = next;
    if (open && !frame) makeFrame();
    if (frame) {
      place();
      frame.style.display = open ? "block" : "none";
      tellFrame();
    }
    if (open) dot.style.display = "none";
    button.setAttribute("aria-expanded", String(open));
    button.setAttribute("aria-label", open ? label.close : label.open);
    button.title = open ? label.close : label.open;
    drawIcon(!open);
  }

  /** Tells the chat whether the visitor can see it (read receipts wait while it is closed). */
  function tellFrame() {
    if (frameReady && frame.contentWindow) frame.contentWindow.postMessage({ type: "charla-webchat:visibility", open: open }, origin);
  }

  window.addEventListener("message", function (ev) {
    if (!frame || ev.source !== frame.contentWindow || ev.origin !== origin || !ev.data) return;
    if (ev.data.type === "charla-webchat:close") setOpen(false);
    else if (ev.data.type === "charla-webchat:message" && !open) dot.style.display = "block";
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && open) setOpen(false);
  });
  window.addEventListener("resize", function () {
    if (frame && open) place();
  });

  if (document.body) build();
  else document.addEventListener("DOMContentLoaded", build);
})();
