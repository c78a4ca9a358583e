// Inside a widget: tell the framing page our height, and only that page (the origin
// the server checked against the partner's approved sites), so it can size the iframe.
(function () {
  "use strict";
  var host = document.body.getAttribute("data-host-origin");
  if (!host || window.parent === window) return;
  var last = 0;
  function report() {
    var h = document.documentElement.scrollHeight;
    if (h === last) return;
    last = h;
    window.parent.postMessage({ type: "heforshe:height", height: h }, host);
  }
  report();
  if (window.ResizeObserver) new ResizeObserver(report).observe(document.body);
  window.addEventListener("load", report);
})();
