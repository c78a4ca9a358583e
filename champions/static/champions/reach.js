// Keeps a champion's reach live by polling the page's small JSON endpoint (as the home counter does).
(function () {
  "use strict";
  var node = document.querySelector("[data-reach][data-reach-url]");
  if (!node || !window.fetch) return;
  var url = node.getAttribute("data-reach-url");
  // Grouped exactly as the server rendered the number, so it never changes shape when the script takes over.
  var sep = node.getAttribute("data-separator");
  var fmt = sep === null
    ? new Intl.NumberFormat(document.documentElement.lang || undefined, { numberingSystem: "latn" })
    : { format: function (n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, sep); } };
  var seconds = Math.max(3, parseInt(node.getAttribute("data-poll-seconds"), 10) || 5);
  function tick() {
    if (document.hidden) return;
    fetch(url, { credentials: "omit", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && typeof data.reach === "number") node.textContent = fmt.format(data.reach);
      })
      .catch(function () {});
  }
  setInterval(tick, seconds * 1000);
})();
