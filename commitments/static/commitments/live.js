// Keeps a partner's figures live: polls its stats and updates every [data-live] number.
(function () {
  "use strict";
  var box = document.querySelector("[data-live-url]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-live-url");
  var fmt = new Intl.NumberFormat(document.documentElement.lang || undefined);
  function tick() {
    if (document.hidden) return;
    fetch(url, { credentials: "omit" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data) return;
      document.querySelectorAll("[data-live]").forEach(function (n) {
        var v = data[n.getAttribute("data-live")];
        if (typeof v === "number") n.textContent = fmt.format(v);
      });
    }).catch(function () {});
  }
  setInterval(tick, 5000);
})();
