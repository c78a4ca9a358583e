// The snippet a partner pastes into its own page: it adds the widget's iframe next to
// itself and resizes it to the height the widget reports. Messages are trusted only
// from HeForShe's origin and from that very iframe.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var base = new URL(script.src).origin;
  var d = script.dataset;
  var widget = ["counter", "map", "signup"].indexOf(d.widget) >= 0 ? d.widget : "counter";
  var frame = document.createElement("iframe");
  frame.src = base + "/embed/" + encodeURIComponent(d.partner || "") + "/" + widget + "/?lang=" +
    encodeURIComponent(d.lang || "en") + "&host=" + encodeURIComponent(window.location.origin);
  frame.title = d.title || "HeForShe";
  frame.setAttribute("loading", "lazy");
  frame.style.width = "100%";
  frame.style.border = "0";
  frame.style.height = (widget === "signup" ? 720 : widget === "map" ? 520 : 220) + "px";
  script.parentNode.insertBefore(frame, script.nextSibling);
  window.addEventListener("message", function (event) {
    if (event.origin !== base || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || data.type !== "heforshe:height" || typeof data.height !== "number") return;
    frame.style.height = Math.max(80, Math.min(4000, Math.ceil(data.height))) + "px";
  });
})();
